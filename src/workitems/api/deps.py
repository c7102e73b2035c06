"""Request dependencies, named once as ``Annotated`` aliases.

A route's signature reads as its permission list: ``principal: TasksWrite``.

Connection discipline (the FastAPI pool deadlock): a request must never keep a pooled
connection while it waits for a threadpool slot, or under load every thread ends up waiting
for a connection held by a request that waits for a thread. So: the auth check commits its
read before the endpoint runs; endpoints return a ready ``Response`` (see
``api/responses.py``), so FastAPI needs no extra hop to serialize; and the session
(``http/session.py``, shared with the web pages) is committed on the event loop right after
the endpoint returns.
"""

from typing import Annotated

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
from workitems.http.session import SessionDep

_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="token",
    description="An API token (`wi_...`) from `workitems tokens issue`.",
)


class RequireScope:
    """Authenticate the bearer token and require one scope; 401 or 403 otherwise.

    Async on purpose: a cached token costs no threadpool hop. A miss is verified in the
    threadpool on a read transaction, which is committed at once so no connection (and on
    SQLite no lock) is held while the request waits for its endpoint's hop.
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
        if cache.revocations_due():
            cache.observe(await run_in_threadpool(_fingerprint, session))
        principal = cache.get(key)
        if principal is None:
            principal = await _verify_limited(request, session, raw, key)
            cache.put(key, principal)
        if not principal.has(self.scope):
            raise PermissionDeniedError(
                f"This token lacks the '{self.scope.value}' scope.",
                required_scope=self.scope.value,
            )
        return principal


async def _verify_limited(request: Request, session: Session, raw: str, key: str) -> Principal:
    """A database check, unless this address is over its failure limit (429) or the token
    failed moments ago (the negative cache): guessing costs the attacker, not the server."""
    throttle: Throttle = request.app.state.throttle
    cache: TokenCache = request.app.state.token_cache
    address = request.client.host if request.client else "unknown"
    throttle.check_token(address)
    try:
        if cache.known_bad(key):
            raise AuthenticationError(auth.UNKNOWN_TOKEN)
        return await run_in_threadpool(_verify, session, raw)
    except AuthenticationError:
        cache.put_bad(key)
        throttle.token_failed(address)
        raise


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
