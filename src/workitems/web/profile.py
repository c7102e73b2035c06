"""Your account: change your own password, and see, issue and revoke your own API tokens
(never with more rights than you have)."""

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from sqlalchemy.orm import Session

from workitems.auth import service as auth
from workitems.auth import sessions
from workitems.errors import ValidationError, WorkitemsError
from workitems.http.session import SessionDep
from workitems.user import service as users
from workitems.web.deps import SESSION_COOKIE, PostedBy, SignedIn, Viewer
from workitems.web.render import redirect, render
from workitems.web.routing import WebRoute

router = APIRouter(route_class=WebRoute, include_in_schema=False)


def _page(
    request: Request, session: Session, viewer: Viewer, *, status_code: int = 200, **context: Any
) -> Response:
    context.setdefault("secret", None)
    context.setdefault("error", None)
    return render(
        request,
        "account.html",
        status_code=status_code,
        viewer=viewer,
        tokens=auth.list_tokens(session, user_id=viewer.user_id),
        scopes=auth.grantable_scopes(viewer.role),
        **context,
    )


@router.get("/account")
def account_page(request: Request, session: SessionDep, viewer: SignedIn) -> Response:
    return _page(request, session, viewer)


@router.post("/account/password")
def change_password(
    request: Request,
    session: SessionDep,
    viewer: PostedBy,
    current: Annotated[str, Form()],
    new: Annotated[str, Form()],
    confirm: Annotated[str, Form()],
) -> Response:
    try:
        with session.begin_nested():
            sessions.change_own_password(
                session,
                users.get_user(session, viewer.user_id),
                current=current,
                new=new,
                confirm=confirm,
                cookie=request.cookies.get(SESSION_COOKIE, ""),
            )
    except WorkitemsError as exc:
        return _page(request, session, viewer, status_code=422, error=exc.detail)
    return redirect(
        "/account", notice="Password changed; every other session of yours is signed out."
    )


@router.post("/account/tokens")
def issue_token(
    request: Request,
    session: SessionDep,
    viewer: PostedBy,
    name: Annotated[str, Form(max_length=200)] = "",
    scopes: Annotated[list[str], Form()] = [],  # noqa: B006 (FastAPI copies defaults)
    expires_in_days: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    try:
        with session.begin_nested():
            days = expires_in_days.strip()
            if days and not days.isdigit():
                raise ValidationError("Expiry must be a whole number of days.")
            token, raw = auth.issue_own_token(
                session,
                user=users.get_user(session, viewer.user_id),
                scopes=scopes,
                name=name.strip(),
                expires_in_days=int(days) if days else None,
            )
    except WorkitemsError as exc:
        return _page(request, session, viewer, status_code=422, error=exc.detail)
    secret = {"what": f"Your token “{token.name}”", "value": raw}
    return _page(request, session, viewer, secret=secret)


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(token_id: int, session: SessionDep, viewer: PostedBy) -> Response:
    token = auth.revoke_own_token(session, token_id, user_id=viewer.user_id)
    return redirect("/account", notice=f"Revoked {token.prefix}… ({token.name}).")
