"""Signing in and out of the web app."""

import hmac
import secrets
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response

from workitems.auth import sessions
from workitems.errors import AuthenticationError, LockedOutError
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
def sign_in_page(request: Request, session: SessionDep, next: str | None = None) -> Response:
    target = safe_path(next)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie and sessions.find_session(session, cookie) is not None:
        return redirect(target)  # already signed in: a stale bookmark of this page
    return _sign_in_page(request, next_url=target, status=200)


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
