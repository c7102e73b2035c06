"""Request dependencies, named once as ``Annotated`` aliases.

A route's signature reads as its permission list: ``principal: TasksWrite``.

Connection discipline (the FastAPI pool deadlock): a request must never keep a pooled
connection while it waits for a threadpool slot, or under load every thread ends up waiting
for a connection held by a request that waits for a thread. So: the token check, when it
needs the database, runs in the endpoint's own hop before the endpoint (a ``Pending``, see
``http/session.py``) and commits its read there, or in a hop of its own that commits before
returning; endpoints return a ready ``Response`` (see ``api/responses.py``), so FastAPI
needs no extra hop to serialize; and the session (``http/session.py``, shared with the web
pages) is committed in the endpoint's hop.
"""

from typing import Annotated, cast

from fastapi import Depends, Header, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from workitems.api.etags import parse_if_match
from workitems.auth import service as auth
from workitems.auth.cache import TokenCache
from workitems.auth.revocations import Fingerprint, revocation_fingerprint
from workitems.auth.scopes import Scope
from workitems.auth.service import Principal
from workitems.auth.throttle import Throttle
from workitems.db import SQLITE_BEGIN
from workitems.errors import AuthenticationError, PermissionDeniedError
from workitems.http.session import HopDependency, Pending, SessionDep, finished_in_hop

_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="token",
    description="An API token (`wi_...`) from `workitems tokens issue`.",
)


class RequireScope(HopDependency):
    """Authenticate the bearer token and require one scope; 401 or 403 otherwise.

    Async on purpose: a cached token costs no threadpool hop. What needs the database (a
    cache miss, and once a second the revocation fingerprint) is a ``TokenCheck``: on a
    route that finishes it in the endpoint's hop it is returned pending and runs there, in
    the same thread as the endpoint, so the request still takes one hop; elsewhere it runs
    in a hop of its own. Either way its read transaction is committed at once, so no
    connection (and on SQLite no lock) is held while anything else waits.
    """

    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    async def __call__(
        self,
        request: Request,
        session: SessionDep,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Principal:
        if credentials is None:
            raise AuthenticationError(
                "This endpoint needs an API token: send 'Authorization: Bearer wi_...'."
            )
        raw = credentials.credentials
        cache: TokenCache = request.app.state.token_cache
        key = auth.hash_token(raw)
        fingerprint_due = cache.revocations_due()
        principal = None if fingerprint_due else cache.get(key)
        if principal is not None:
            return _with_scope(principal, self.scope)
        throttle: Throttle = request.app.state.throttle
        address = request.client.host if request.client else "unknown"
        throttle.check_token(address)
        if cache.known_bad(key):
            cache.put_bad(key)
            throttle.token_failed(address)
            raise AuthenticationError(auth.UNKNOWN_TOKEN)
        check = TokenCheck(
            session, raw, key, self.scope, cache, throttle, address, fingerprint_due=fingerprint_due
        )
        if finished_in_hop(request, self, check):
            return check  # type: ignore[return-value]  # the endpoint's hop resolves it
        return await run_in_threadpool(check.principal)


class TokenCheck(Pending):
    """The token's database check: the revocation fingerprint when due, then the token
    itself unless a verdict is cached; then the scope. Runs in a worker thread."""

    def __init__(
        self,
        session: Session,
        raw: str,
        key: str,
        scope: Scope,
        cache: TokenCache,
        throttle: Throttle,
        address: str,
        *,
        fingerprint_due: bool,
    ) -> None:
        self.session = session
        self.raw = raw
        self.key = key
        self.scope = scope
        self.cache = cache
        self.throttle = throttle
        self.address = address
        self.fingerprint_due = fingerprint_due

    def principal(self) -> Principal:
        return cast(Principal, self.value())

    def _resolve(self) -> Principal:
        if self.fingerprint_due:
            self.cache.observe(_fingerprint(self.session))
        principal = self.cache.get(self.key)
        if principal is None:
            try:
                principal = _verify(self.session, self.raw)
            except AuthenticationError:
                self.cache.put_bad(self.key)
                self.throttle.token_failed(self.address)
                raise
            self.cache.put(self.key, principal)
        return _with_scope(principal, self.scope)


def _with_scope(principal: Principal, scope: Scope) -> Principal:
    if not principal.has(scope):
        raise PermissionDeniedError(
            f"This token lacks the '{scope.value}' scope.", required_scope=scope.value
        )
    return principal


def _fingerprint(session: Session) -> Fingerprint:
    if isinstance(session.get_bind(), Engine) and not session.in_transaction():
        session.connection(execution_options={SQLITE_BEGIN: "DEFERRED"})
    fingerprint = revocation_fingerprint(session)
    session.commit()
    return fingerprint


def _verify(session: Session, raw: str) -> Principal:
    if isinstance(session.get_bind(), Engine) and not session.in_transaction():
        # A token check only reads: never take SQLite's write lock for it.
        session.connection(execution_options={SQLITE_BEGIN: "DEFERRED"})
    principal = auth.authenticate(session, raw)
    touch = principal.token_id is not None and auth.needs_touch(session, principal.token_id)
    session.commit()
    if touch and principal.token_id is not None:
        auth.touch_token(session, principal.token_id)
        session.commit()
    return principal


TasksRead = Annotated[Principal, Depends(RequireScope(Scope.tasks_read))]
TasksWrite = Annotated[Principal, Depends(RequireScope(Scope.tasks_write))]
TasksApprove = Annotated[Principal, Depends(RequireScope(Scope.tasks_approve))]
UsersRead = Annotated[Principal, Depends(RequireScope(Scope.users_read))]


async def _if_match(
    if_match: Annotated[str, Header(description="The ETag from your last GET (428 without).")],
) -> int:
    return parse_if_match(if_match)


async def _optional_if_match(if_match: Annotated[str | None, Header()] = None) -> int | None:
    return None if if_match is None else parse_if_match(if_match)


#: The version an edit is based on, from ``If-Match`` (required: 428 when missing).
IfMatch = Annotated[int, Depends(_if_match)]
#: As ``IfMatch``, but an absent header means "apply to whatever is current".
OptionalIfMatch = Annotated[int | None, Depends(_optional_if_match)]
