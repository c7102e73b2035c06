"""Administration: people (invite, aliases, deactivate, reset password) and API tokens.

A generated password or a new token is shown once, in the response to the form that made
it, never through a redirect or a cookie, and is not stored anywhere readable.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from sqlalchemy.orm import Session

from workitems.auth import links
from workitems.auth import service as auth
from workitems.auth.links import LINK_DAYS
from workitems.auth.models import LinkPurpose
from workitems.auth.scopes import ALL_SCOPES
from workitems.clock import utc_now
from workitems.errors import ValidationError, WorkitemsError
from workitems.http.params import PathId
from workitems.http.session import SessionDep
from workitems.user import service as users
from workitems.user.models import UserRole
from workitems.user.resolve import resolve_person
from workitems.web.deps import AdminPost, AdminViewer, Viewer
from workitems.web.forms import split_list
from workitems.web.render import redirect, render
from workitems.web.routing import WebRoute

router = APIRouter(route_class=WebRoute, include_in_schema=False, prefix="/admin")


def _users_page(
    request: Request, session: Session, viewer: Viewer, *, status_code: int = 200, **context: Any
) -> Response:
    context.setdefault("secret", None)
    context.setdefault("form", {})
    return render(
        request,
        "admin_users.html",
        status_code=status_code,
        viewer=viewer,
        users=users.list_users(session),
        roles=list(UserRole),
        now=utc_now(),
        **context,
    )


@router.get("/users")
def users_page(request: Request, session: SessionDep, viewer: AdminViewer) -> Response:
    return _users_page(request, session, viewer)


@router.post("/users")
def invite(
    request: Request,
    session: SessionDep,
    viewer: AdminPost,
    email: Annotated[str, Form()],
    name: Annotated[str, Form()],
    aliases: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "member",
) -> Response:
    """Add a person and show their one-time invitation link (valid 7 days) to pass on;
    they choose their own password there, so no password changes hands."""
    try:
        with session.begin_nested():
            if role not in set(UserRole):
                raise ValidationError("Choose a role.", field="role")
            issued = links.invite_user(
                session,
                email=email,
                name=name,
                aliases=split_list(aliases),
                role=UserRole(role),
                invited_by=viewer.user_id,
            )
    except WorkitemsError as exc:
        form = {"email": email, "name": name, "aliases": aliases, "role": role}
        return _users_page(request, session, viewer, status_code=422, error=exc.detail, form=form)
    secret = {
        "what": f"Invitation link for {issued.user.email} (works once, for {LINK_DAYS} days)",
        "value": issued.url(request.app.state.settings.public_url),
    }
    return _users_page(request, session, viewer, secret=secret)


@router.post("/users/{user_id}/aliases")
def set_aliases(
    user_id: PathId,
    session: SessionDep,
    viewer: AdminPost,
    aliases: Annotated[str, Form()] = "",
) -> Response:
    user = users.set_aliases(session, user_id, split_list(aliases))
    return redirect("/admin/users", notice=f"Saved the aliases of {user.display_name}.")


@router.post("/users/{user_id}/active")
def set_active(
    user_id: PathId,
    session: SessionDep,
    viewer: AdminPost,
    active: Annotated[bool, Form()],
) -> Response:
    user = users.get_user(session, user_id)
    if user.id == viewer.user_id and not active:
        return redirect("/admin/users", error="You cannot deactivate yourself.")
    if active:
        users.reactivate_user(session, user.email)
        return redirect("/admin/users", notice=f"Reactivated {user.email}.")
    users.deactivate_user(session, user.email)
    return redirect(
        "/admin/users", notice=f"Deactivated {user.email}; they are signed out everywhere."
    )


@router.post("/users/{user_id}/password")
def reset_password(
    user_id: PathId, request: Request, session: SessionDep, viewer: AdminPost
) -> Response:
    """A one-time link where they choose a new password. Their current password and
    sessions stay until the link is used (a mistaken click locks nobody out); to lock
    someone out at once, deactivate them."""
    user = users.get_user(session, user_id)
    issued = links.issue_link(session, user, purpose=LinkPurpose.reset, created_by=viewer.user_id)
    secret = {
        "what": f"Password reset link for {user.email} (works once, for {LINK_DAYS} days)",
        "value": issued.url(request.app.state.settings.public_url),
    }
    return _users_page(request, session, viewer, secret=secret)


def _tokens_page(
    request: Request, session: Session, viewer: Viewer, *, status_code: int = 200, **context: Any
) -> Response:
    context.setdefault("secret", None)
    return render(
        request,
        "admin_tokens.html",
        status_code=status_code,
        viewer=viewer,
        tokens=auth.list_tokens(session),
        scopes=ALL_SCOPES,
        people=users.list_users(session, active_only=True),
        **context,
    )


@router.get("/tokens")
def tokens_page(request: Request, session: SessionDep, viewer: AdminViewer) -> Response:
    return _tokens_page(request, session, viewer)


@router.post("/tokens")
def issue_token(
    request: Request,
    session: SessionDep,
    viewer: AdminPost,
    user: Annotated[str, Form()],
    name: Annotated[str, Form()] = "",
    scopes: Annotated[list[str], Form()] = [],  # noqa: B006 (FastAPI copies defaults)
    expires_in_days: Annotated[str, Form()] = "",
) -> Response:
    try:
        with session.begin_nested():
            days = expires_in_days.strip()
            if days and not (days.isascii() and days.isdigit()):
                raise ValidationError("Expiry must be a whole number of days.")
            owner = resolve_person(session, user, actor_id=viewer.user_id, field="user")
            if owner is None:
                raise ValidationError("Choose whom the token is for.", field="user")
            token, raw = auth.issue_token(
                session,
                user=owner,
                scopes=scopes,
                name=name.strip(),
                expires_in_days=int(days) if days else None,
            )
    except WorkitemsError as exc:
        return _tokens_page(request, session, viewer, status_code=422, error=exc.detail)
    secret = {"what": f"Token “{token.name}” for {owner.email}", "value": raw}
    return _tokens_page(request, session, viewer, secret=secret)


@router.post("/tokens/{token_id}/revoke")
def revoke_token(token_id: PathId, session: SessionDep, viewer: AdminPost) -> Response:
    token = auth.revoke_token(session, token_id)
    return redirect("/admin/tokens", notice=f"Revoked token {token.prefix}… ({token.name}).")
