"""Your account page: your own password and your own API tokens."""

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import make_token, make_user
from tests.web.conftest import PASSWORD, csrf_of, sign_in
from workitems.auth.service import authenticate, list_tokens
from workitems.user.models import User

NEW = "a much longer password"


class TestChangePassword:
    def test_needs_the_current_one_and_ends_only_other_sessions(
        self, browser: TestClient, app: FastAPI, web_user: User
    ) -> None:
        elsewhere = TestClient(app, follow_redirects=False)
        sign_in(elsewhere, web_user.email, PASSWORD)
        token = csrf_of(browser.get("/account").text)
        wrong = browser.post(
            "/account/password",
            data={"csrf_token": token, "current": "guess", "new": NEW, "confirm": NEW},
        )
        assert wrong.status_code == 422
        assert "current password is wrong" in wrong.text
        done = browser.post(
            "/account/password",
            data={"csrf_token": token, "current": PASSWORD, "new": NEW, "confirm": NEW},
        )
        assert done.status_code == 303
        assert browser.get("/account").status_code == 200  # this session stays
        assert elsewhere.get("/").status_code == 303  # the other one is signed out
        fresh = TestClient(app, follow_redirects=False)
        assert sign_in(fresh, web_user.email, PASSWORD).status_code == 401
        assert sign_in(fresh, web_user.email, NEW).status_code == 303


class TestOwnTokens:
    def test_issue_list_and_revoke_your_own(
        self, browser: TestClient, session: Session, web_user: User
    ) -> None:
        someone = make_user(session, email="zed@example.com", name="Zed")
        make_token(session, someone, ["tasks:read"], name="zed's script")
        page = browser.get("/account")
        assert "zed's script" not in page.text
        token = csrf_of(page.text)
        issued = browser.post(
            "/account/tokens",
            data={"csrf_token": token, "name": "laptop", "scopes": ["tasks:read", "tasks:write"]},
        )
        assert issued.status_code == 200
        raw = issued.text.split('<code class="secret-value">')[1].split("<")[0]
        principal = authenticate(session, raw)
        assert principal.user_id == web_user.id
        assert principal.scopes == {"tasks:read", "tasks:write"}
        assert f"<code>{raw[:10]}…</code> laptop" in browser.get("/account").text
        revoked = browser.post(
            f"/account/tokens/{principal.token_id}/revoke", data={"csrf_token": token}
        )
        assert revoked.status_code == 303
        assert "revoked" in browser.get("/account").text

    def test_someone_elses_token_is_not_found(self, browser: TestClient, session: Session) -> None:
        someone = make_user(session, email="zed@example.com", name="Zed")
        make_token(session, someone, ["tasks:read"], name="zed's script")
        [theirs] = list_tokens(session, user_id=someone.id)
        token = csrf_of(browser.get("/account").text)
        response = browser.post(f"/account/tokens/{theirs.id}/revoke", data={"csrf_token": token})
        assert response.status_code == 404
        assert theirs.revoked_at is None

    def test_unknown_scope_is_refused(self, browser: TestClient) -> None:
        token = csrf_of(browser.get("/account").text)
        response = browser.post(
            "/account/tokens", data={"csrf_token": token, "scopes": ["admin:everything"]}
        )
        assert response.status_code == 422
        assert "Unknown scope" in response.text
