"""Web pages through the real app (TestClient), signed in with a password and a cookie."""

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy.orm import Session

from tests.factories import make_user
from workitems.auth.sessions import set_password
from workitems.http.session import get_session
from workitems.user.models import User, UserRole

PASSWORD = "correct horse battery"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    """The CSRF token a page's forms carry, as a browser would submit it."""
    found = _CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


@pytest.fixture
def web_user(session: Session) -> User:
    user = make_user(session, email="wren@example.com", name="Wren Park", role=UserRole.admin)
    set_password(session, user, PASSWORD)
    return user


@pytest.fixture
def anonymous(app: FastAPI, session: Session) -> Iterator[TestClient]:
    """A browser with no session yet; the app's session joins the test's transaction."""

    def _session() -> Iterator[Session]:
        yield session

    app.dependency_overrides[get_session] = _session
    try:
        yield TestClient(app, follow_redirects=False)
    finally:
        app.dependency_overrides.clear()


def sign_in(client: TestClient, email: str, password: str) -> Response:
    page = client.get("/sign-in")
    return client.post(
        "/sign-in",
        data={"email": email, "password": password, "csrf_token": csrf_of(page.text)},
    )


@pytest.fixture
def browser(anonymous: TestClient, web_user: User) -> TestClient:
    """Signed in as ``web_user``."""
    response = sign_in(anonymous, web_user.email, PASSWORD)
    assert response.status_code == 303, response.text
    return anonymous
