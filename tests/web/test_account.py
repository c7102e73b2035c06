"""Sign-in, sessions, lockout and CSRF, through the real app."""

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.web.conftest import PASSWORD, csrf_of, sign_in
from workitems.user.models import User
from workitems.user.service import deactivate_user


class TestSignIn:
    def test_pages_redirect_to_sign_in_and_back(self, anonymous: TestClient) -> None:
        response = anonymous.get("/work?owner=me")
        assert response.status_code == 303
        assert response.headers["location"] == "/sign-in?next=%2Fwork%3Fowner%3Dme"

    def test_success_sets_a_locked_down_session_cookie(
        self, anonymous: TestClient, web_user: User
    ) -> None:
        response = sign_in(anonymous, "Wren@Example.com", PASSWORD)
        assert response.status_code == 303
        cookie = next(
            h for h in response.headers.get_list("set-cookie") if h.startswith("wi_session=")
        )
        assert "HttpOnly" in cookie
        assert "SameSite=lax" in cookie
        assert "Secure" not in cookie  # plain HTTP here; see the HTTPS test
        assert anonymous.get("/").status_code == 200

    def test_cookie_is_secure_over_https(
        self, app: FastAPI, anonymous: TestClient, web_user: User
    ) -> None:
        https = TestClient(app, base_url="https://testserver", follow_redirects=False)
        response = sign_in(https, web_user.email, PASSWORD)
        cookie = next(
            h for h in response.headers.get_list("set-cookie") if h.startswith("wi_session=")
        )
        assert "Secure" in cookie

    def test_wrong_password_says_nothing_about_which_part(
        self, anonymous: TestClient, web_user: User
    ) -> None:
        wrong = sign_in(anonymous, web_user.email, "not the password")
        unknown = sign_in(anonymous, "nobody@example.com", PASSWORD)
        assert wrong.status_code == unknown.status_code == 401
        assert "do not match" in wrong.text
        assert "do not match" in unknown.text
        assert "wi_session" not in anonymous.cookies

    def test_deactivated_user_cannot_sign_in(
        self, anonymous: TestClient, web_user: User, session: Session
    ) -> None:
        deactivate_user(session, web_user.email)
        assert sign_in(anonymous, web_user.email, PASSWORD).status_code == 401

    def test_next_is_followed_only_within_the_site(
        self, anonymous: TestClient, web_user: User
    ) -> None:
        page = anonymous.get("/sign-in?next=//evil.example/x")
        response = anonymous.post(
            "/sign-in",
            data={
                "email": web_user.email,
                "password": PASSWORD,
                "csrf_token": csrf_of(page.text),
                "next": "//evil.example/x",
            },
        )
        assert response.headers["location"] == "/"


FREE_ATTEMPTS = 5  # the default WORKITEMS_SIGN_IN_FAILURE_LIMIT, 5/minute


class TestLockout:
    def test_repeated_failures_lock_even_the_right_password_out(
        self, anonymous: TestClient, web_user: User
    ) -> None:
        for _ in range(FREE_ATTEMPTS):
            assert sign_in(anonymous, web_user.email, "wrong").status_code == 401
        locked = sign_in(anonymous, web_user.email, PASSWORD)
        assert locked.status_code == 429
        assert "try again in" in locked.text
        assert 1 <= int(locked.headers["Retry-After"]) <= 60

    def test_an_attacker_cannot_lock_the_owner_out(
        self, app: FastAPI, anonymous: TestClient, web_user: User
    ) -> None:
        for _ in range(FREE_ATTEMPTS + 2):
            sign_in(anonymous, web_user.email, "wrong")
        owner = TestClient(app, follow_redirects=False, client=("198.51.100.7", 50000))
        assert sign_in(owner, web_user.email, PASSWORD).status_code == 303


class TestSignOut:
    def test_ends_the_session(self, browser: TestClient) -> None:
        home = browser.get("/")
        old_cookie = browser.cookies["wi_session"]
        response = browser.post("/sign-out", data={"csrf_token": csrf_of(home.text)})
        assert response.status_code == 303
        browser.cookies.set("wi_session", old_cookie)
        assert browser.get("/").status_code == 303  # the server forgot it too


class TestCsrf:
    def test_form_post_without_the_token_is_refused(self, browser: TestClient) -> None:
        response = browser.post("/sign-out", data={})
        assert response.status_code == 403
        assert "Nothing was changed" in response.text
        assert browser.get("/").status_code == 200

    def test_wrong_token_is_refused(self, browser: TestClient) -> None:
        assert browser.post("/sign-out", data={"csrf_token": "forged"}).status_code == 403

    def test_cross_origin_post_is_refused_even_with_the_token(self, browser: TestClient) -> None:
        token = csrf_of(browser.get("/").text)
        response = browser.post(
            "/sign-out",
            data={"csrf_token": token},
            headers={"Origin": "https://evil.example"},
        )
        assert response.status_code == 403

    def test_sign_in_form_needs_its_cookie(self, anonymous: TestClient, web_user: User) -> None:
        response = anonymous.post(
            "/sign-in",
            data={"email": web_user.email, "password": PASSWORD, "csrf_token": "made-up"},
        )
        assert response.status_code == 403
        assert "wi_session" not in anonymous.cookies


class TestPageHeaders:
    def test_pages_are_not_cached_framed_or_open_to_other_scripts(
        self, browser: TestClient
    ) -> None:
        headers = browser.get("/").headers
        assert headers["cache-control"] == "no-store"
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert "default-src 'self'" in headers["content-security-policy"]
        assert headers["x-frame-options"] == "DENY"


class TestSignInPage:
    def test_signed_in_people_go_straight_on(self, browser: TestClient) -> None:
        response = browser.get("/sign-in?next=/work")
        assert response.status_code == 303
        assert response.headers["location"] == "/work"
