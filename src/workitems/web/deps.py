"""Who is signed in, and the CSRF check every form post passes.

A page needs a live session cookie (else it redirects to the sign-in page). A form post
also needs the session's CSRF token echoed in the ``csrf_token`` field, and, when the
browser sends an ``Origin``, that origin must be this site: either failure is a 403 and
changes nothing. The sign-in form, which has no session yet, uses a double-submit cookie.
"""

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine

from workitems.auth.sessions import find_session
from workitems.db import SQLITE_BEGIN
from workitems.errors import PermissionDeniedError
from workitems.http.session import SessionDep
from workitems.notify import inbox
from workitems.user.models import UserRole

SESSION_COOKIE = "wi_session"
SIGN_IN_CSRF_COOKIE = "wi_sign_in_csrf"


@dataclass(frozen=True)
class Viewer:
    """The signed-in person, as pages need them; detached from the database session."""

    user_id: int
    email: str
    name: str
    role: UserRole
    csrf_token: str
    #: Unread notifications, for the bell on every page.
    unread: int = 0

    @property
    def is_admin(self) -> bool:
        return self.role == UserRole.admin


class SignInRequired(Exception):  # noqa: N818 (a signal to redirect, not a failure)
    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


class CsrfRejected(Exception):  # noqa: N818 (named for what the page says)
    """A form post without this session's token, or from another origin."""


def _signed_in(request: Request, session: SessionDep) -> Viewer:
    cookie = request.cookies.get(SESSION_COOKIE)
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if not cookie:
        raise SignInRequired(target)
    if isinstance(session.get_bind(), Engine) and not session.in_transaction():
        # Checking a cookie only reads: never take SQLite's write lock for it.
        session.connection(execution_options={SQLITE_BEGIN: "DEFERRED"})
    web_session = find_session(session, cookie)
    if web_session is None:
        session.rollback()
        raise SignInRequired(target)
    user = web_session.user
    viewer = Viewer(
        user_id=user.id,
        email=user.email,
        name=user.display_name,
        role=user.role,
        csrf_token=web_session.csrf_token,
        unread=inbox.unread_count(session, user.id),
    )
    # End the read before the endpoint's own threadpool hop (see http/session.py).
    session.commit()
    request.state.viewer = viewer  # so an error page still shows who is signed in
    return viewer


def check_origin(request: Request) -> None:
    origin = request.headers.get("origin")
    if origin is not None and origin != f"{request.url.scheme}://{request.url.netloc}":
        raise CsrfRejected


async def form_field(request: Request, name: str, *, max_part_size: int) -> str | None:
    """Parse the body once (Starlette caches it, so the route's ``Form`` fields reuse it),
    with a part size large enough for a pasted transcript."""
    form = await request.form(max_part_size=max_part_size)
    value = form.get(name)
    return value if isinstance(value, str) else None


async def _posted_by(request: Request, viewer: Annotated[Viewer, Depends(_signed_in)]) -> Viewer:
    check_origin(request)
    token = await form_field(
        request, "csrf_token", max_part_size=request.app.state.settings.max_transcript_bytes
    )
    if token is None or not hmac.compare_digest(token, viewer.csrf_token):
        raise CsrfRejected
    return viewer


def _admin(viewer: Annotated[Viewer, Depends(_signed_in)]) -> Viewer:
    if not viewer.is_admin:
        raise PermissionDeniedError("Only administrators can manage users and tokens.")
    return viewer


async def _admin_post(viewer: Annotated[Viewer, Depends(_posted_by)]) -> Viewer:
    if not viewer.is_admin:
        raise PermissionDeniedError("Only administrators can manage users and tokens.")
    return viewer


#: A page: redirects to the sign-in page without a live session.
SignedIn = Annotated[Viewer, Depends(_signed_in)]
#: A form post: a live session and its CSRF token.
PostedBy = Annotated[Viewer, Depends(_posted_by)]
AdminViewer = Annotated[Viewer, Depends(_admin)]
AdminPost = Annotated[Viewer, Depends(_admin_post)]
