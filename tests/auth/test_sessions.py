from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from tests.factories import make_user
from workitems.auth import sessions
from workitems.auth.sessions import (
    end_session,
    find_session,
    purge_expired,
    set_password,
)
from workitems.auth.throttle import Limits, Throttle
from workitems.clock import utc_now
from workitems.errors import AuthenticationError, LockedOutError, ValidationError
from workitems.user.models import User

DAY = timedelta(days=1)
PASSWORD = "a long enough password"
HERE, ELSEWHERE = "203.0.113.5", "198.51.100.7"
FREE_ATTEMPTS = 5


@pytest.fixture
def throttle() -> Throttle:
    return Throttle(Limits(sign_in_failures=f"{FREE_ATTEMPTS}/minute"))


def sign_in(
    session: Session,
    *,
    email: str,
    password: str,
    lifetime: timedelta = DAY,
    throttle: Throttle | None = None,
    address: str = HERE,
) -> sessions.SignedIn:
    return sessions.sign_in(
        session,
        email=email,
        password=password,
        lifetime=lifetime,
        throttle=throttle or Throttle(),
        address=address,
    )


@pytest.fixture
def user(session: Session) -> User:
    user = make_user(session)
    set_password(session, user, "a long enough password")
    return user


def _fail(session: Session, user: User, times: int, throttle: Throttle) -> None:
    for _ in range(times):
        with pytest.raises(AuthenticationError):
            sign_in(session, email=user.email, password="nope", throttle=throttle)


class TestSignIn:
    def test_opens_a_session_found_by_its_cookie_only(self, session: Session, user: User) -> None:
        signed_in = sign_in(
            session, email=user.email, password="a long enough password", lifetime=DAY
        )
        assert signed_in.web_session.token_hash != signed_in.cookie
        found = find_session(session, signed_in.cookie)
        assert found is not None
        assert found.user_id == user.id
        assert find_session(session, "made-up") is None

    def test_failures_lock_this_address_out_of_this_account(
        self, session: Session, user: User, throttle: Throttle
    ) -> None:
        _fail(session, user, FREE_ATTEMPTS, throttle)
        with pytest.raises(LockedOutError) as locked:
            sign_in(session, email=user.email, password=PASSWORD, throttle=throttle)
        assert 0 < locked.value.retry_after <= 61

    def test_the_owner_still_signs_in_from_elsewhere(
        self, session: Session, user: User, throttle: Throttle
    ) -> None:
        _fail(session, user, FREE_ATTEMPTS + 3, throttle)
        sign_in(session, email=user.email, password=PASSWORD, throttle=throttle, address=ELSEWHERE)

    def test_success_resets_the_count(
        self, session: Session, user: User, throttle: Throttle
    ) -> None:
        _fail(session, user, FREE_ATTEMPTS - 1, throttle)
        sign_in(session, email=user.email, password=PASSWORD, throttle=throttle)
        _fail(session, user, FREE_ATTEMPTS - 1, throttle)
        sign_in(session, email=user.email, password=PASSWORD, throttle=throttle)

    def test_expired_session_is_not_found(self, session: Session, user: User) -> None:
        signed_in = sign_in(
            session, email=user.email, password="a long enough password", lifetime=DAY
        )
        signed_in.web_session.expires_at = utc_now() - DAY
        session.flush()
        assert find_session(session, signed_in.cookie) is None


class TestEndSession:
    def test_is_idempotent(self, session: Session, user: User) -> None:
        signed_in = sign_in(
            session, email=user.email, password="a long enough password", lifetime=DAY
        )
        end_session(session, signed_in.cookie)
        end_session(session, signed_in.cookie)
        assert find_session(session, signed_in.cookie) is None


class TestSetPassword:
    def test_too_short_is_refused(self, session: Session, user: User) -> None:
        with pytest.raises(ValidationError):
            set_password(session, user, "short")

    def test_signs_out_everywhere(self, session: Session, user: User) -> None:
        signed_in = sign_in(session, email=user.email, password=PASSWORD)
        set_password(session, user, "another long password")
        assert find_session(session, signed_in.cookie) is None
        sign_in(session, email=user.email, password="another long password", lifetime=DAY)


class TestPurge:
    def test_deletes_expired_sessions_only(self, session: Session, user: User) -> None:
        live = sign_in(session, email=user.email, password="a long enough password", lifetime=DAY)
        old = sign_in(session, email=user.email, password="a long enough password", lifetime=DAY)
        old.web_session.expires_at = utc_now() - timedelta(seconds=1)
        session.flush()
        assert purge_expired(session) == 1
        assert find_session(session, live.cookie) is not None
        assert find_session(session, old.cookie) is None
        assert purge_expired(session) == 0
