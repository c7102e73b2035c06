"""Administration: people and API tokens, admins only."""

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import make_user
from tests.web.conftest import PASSWORD, csrf_of, sign_in
from workitems.auth.service import authenticate
from workitems.auth.sessions import set_password
from workitems.user.service import get_user_by_email

NEW = "chosen by nia herself"


def _secret(html: str) -> str:
    found = re.search(r'<code class="secret-value">([^<]+)</code>', html)
    assert found, "no one-time secret on the page"
    return found.group(1)


class TestPeople:
    def test_invite_shows_a_one_time_link_that_sets_the_password(
        self, browser: TestClient, anonymous: TestClient, session: Session
    ) -> None:
        token = csrf_of(browser.get("/admin/users").text)
        page = browser.post(
            "/admin/users",
            data={
                "csrf_token": token,
                "email": "nia@example.com",
                "name": "Nia Obi",
                "aliases": "Nia, NO",
                "role": "member",
            },
        )
        assert page.status_code == 200
        link = _secret(page.text)
        assert link.startswith("http://127.0.0.1:8000/welcome/")
        assert get_user_by_email(session, "nia@example.com").aliases == ["Nia", "NO"]
        browser.cookies.clear()
        path = link.removeprefix("http://127.0.0.1:8000")
        form = browser.get(path)
        assert "nia@example.com" in form.text
        done = browser.post(
            path, data={"csrf_token": csrf_of(form.text), "password": NEW, "confirm": NEW}
        )
        assert done.status_code == 303
        assert done.headers["location"] == "/sign-in?email=nia%40example.com"
        assert sign_in(browser, "nia@example.com", NEW).status_code == 303
        assert browser.get(path).status_code == 404  # spent

    def test_reset_makes_a_link_and_keeps_the_old_password_until_used(
        self, browser: TestClient, session: Session, app: FastAPI
    ) -> None:
        other = make_user(session, email="ola@example.com", name="Ola")
        set_password(session, other, PASSWORD)
        token = csrf_of(browser.get("/admin/users").text)
        page = browser.post(f"/admin/users/{other.id}/password", data={"csrf_token": token})
        assert "/welcome/" in _secret(page.text)
        theirs = TestClient(app, follow_redirects=False)
        assert sign_in(theirs, other.email, PASSWORD).status_code == 303

    def test_deactivate_signs_the_person_out(
        self, browser: TestClient, app: FastAPI, session: Session
    ) -> None:
        other = make_user(session, email="ola@example.com", name="Ola")
        set_password(session, other, PASSWORD)
        theirs = TestClient(app, follow_redirects=False)
        sign_in(theirs, other.email, PASSWORD)
        assert theirs.get("/").status_code == 200
        token = csrf_of(browser.get("/admin/users").text)
        response = browser.post(
            f"/admin/users/{other.id}/active", data={"csrf_token": token, "active": "false"}
        )
        assert response.status_code == 303
        assert not get_user_by_email(session, "ola@example.com").is_active
        assert theirs.get("/").status_code == 303

    def test_members_cannot_administer(self, anonymous: TestClient, session: Session) -> None:
        member = make_user(session, email="mo@example.com", name="Mo")
        set_password(session, member, PASSWORD)
        sign_in(anonymous, member.email, PASSWORD)
        assert anonymous.get("/admin/users").status_code == 403
        token = csrf_of(anonymous.get("/").text)
        refused = anonymous.post(
            "/admin/users",
            data={"csrf_token": token, "email": "x@example.com", "name": "X"},
        )
        assert refused.status_code == 403


class TestTokens:
    def test_issued_once_then_revoked(self, browser: TestClient, session: Session) -> None:
        token = csrf_of(browser.get("/admin/tokens").text)
        page = browser.post(
            "/admin/tokens",
            data={
                "csrf_token": token,
                "user": "wren@example.com",
                "name": "ci",
                "scopes": ["tasks:read", "users:read"],
            },
        )
        raw = _secret(page.text)
        principal = authenticate(session, raw)
        assert principal.scopes == {"tasks:read", "users:read"}
        assert raw not in browser.get("/admin/tokens").text
        revoked = browser.post(
            f"/admin/tokens/{principal.token_id}/revoke", data={"csrf_token": token}
        )
        assert revoked.status_code == 303
        assert "revoked" in browser.get("/admin/tokens").text
