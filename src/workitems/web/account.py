"""Signing in and out of the web app, and the invitation and reset links where people
choose their own password."""

import hmac
import secrets
from datetime import timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request, Response

from workitems.auth import links, sessions
from workitems.auth.links import LINK_PATH
from workitems.errors import AuthenticationError, LockedOutError, ValidationError
from workitems.http.session import SessionDep
from workitems.web.deps import SESSION_COOKIE, SIGN_IN_CSRF_COOKIE, PostedBy, check_origin
from workitems.web.render import redirect, render, safe_path
from workitems.web.routing import WebRoute

router = APIRouter(route_class=WebRoute, include_in_schema=False)


def _sign_in_page(
    request: Request, *, next_url: str, email: str = "", error: str | None = None, status: int
) -> Response:
    token = request.cookies.get(SIGN_IN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    response = render(
        request,
        "sign_in.html",
        status_code=status,
        next_url=next_url,
        email=email,
        error=error,
        csrf_token=token,
    )
    response.set_cookie(
        SIGN_IN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/sign-in",
    )
    return response


@router.get("/sign-in")
def sign_in_page(
    request: Request, session: SessionDep, next: str | None = None, email: str = ""
) -> Response:
    target = safe_path(next)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie and sessions.find_session(session, cookie) is not None:
        return redirect(target)  # already signed in: a stale bookmark of this page
    return _sign_in_page(request, next_url=target, email=email[:320], status=200)


@router.post("/sign-in")
def sign_in(
    request: Request,
    session: SessionDep,
    email: Annotated[str, Form()],
    password: Annotated[str, Form()],
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    check_origin(request)
    expected = request.cookies.get(SIGN_IN_CSRF_COOKIE, "")
    target = safe_path(next)
    if not expected or not hmac.compare_digest(csrf_token, expected):
        return _sign_in_page(
            request,
            next_url=target,
            email=email,
            error="The sign-in form expired. Please try again.",
            status=403,
        )
    lifetime = timedelta(days=request.app.state.settings.session_days)
    try:
        signed_in = sessions.sign_in(
            session,
            email=email,
            password=password,
            lifetime=lifetime,
            throttle=request.app.state.throttle,
            address=request.client.host if request.client else "unknown",
        )
    except LockedOutError as exc:
        page = _sign_in_page(request, next_url=target, email=email, error=exc.detail, status=429)
        page.headers["Retry-After"] = str(exc.retry_after)
        return page
    except AuthenticationError as exc:
        return _sign_in_page(request, next_url=target, email=email, error=exc.detail, status=401)
    response = redirect(target)
    response.set_cookie(
        SESSION_COOKIE,
        signed_in.cookie,
        max_age=int(lifetime.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
    response.delete_cookie(SIGN_IN_CSRF_COOKIE, path="/sign-in")
    return response


@router.post("/sign-out")
def sign_out(request: Request, session: SessionDep, _viewer: PostedBy) -> Response:
    sessions.end_session(session, request.cookies.get(SESSION_COOKIE, ""))
    response = redirect("/sign-in", notice="You are signed out.")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get(LINK_PATH + "{secret}")
def welcome_page(request: Request, session: SessionDep, secret: str) -> Response:
    """An invitation or reset link: choose a password. Needs no session, so the page
    carries its own double-submit CSRF token like the sign-in form."""
    link = links.find_link(session, secret)
    return _welcome(request, link.user.email, link.purpose, status=200)


@router.post(LINK_PATH + "{secret}")
def welcome(
    request: Request,
    session: SessionDep,
    secret: str,
    password: Annotated[str, Form()],
    confirm: Annotated[str, Form()],
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    check_origin(request)
    expected = request.cookies.get(SIGN_IN_CSRF_COOKIE, "")
    link = links.find_link(session, secret)
    if not expected or not hmac.compare_digest(csrf_token, expected):
        return _welcome(
            request,
            link.user.email,
            link.purpose,
            status=403,
            error="The form expired. Please try again.",
        )
    try:
        with session.begin_nested():
            user = links.use_link(session, secret, password=password, confirm=confirm)
    except ValidationError as exc:
        return _welcome(request, link.user.email, link.purpose, status=422, error=exc.detail)
    return redirect(
        "/sign-in?" + urlencode({"email": user.email}),
        notice="Your password is set. Sign in with it now.",
    )


def _welcome(
    request: Request, email: str, purpose: str, *, status: int, error: str | None = None
) -> Response:
    token = request.cookies.get(SIGN_IN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    response = render(
        request,
        "welcome.html",
        status_code=status,
        email=email,
        invited=purpose == "invite",
        error=error,
        csrf_token=token,
    )
    response.set_cookie(
        SIGN_IN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path=LINK_PATH,
    )
    return response
