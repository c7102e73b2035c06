from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from tests.factories import make_user
from workitems.auth.sessions import (
    FIRST_LOCK,
    FREE_ATTEMPTS,
    MAX_LOCK,
    end_session,
    find_session,
    purge_expired,
    set_password,
    sign_in,
)
from workitems.clock import utc_now
from workitems.errors import AuthenticationError, LockedOutError, ValidationError
from workitems.user.models import User

DAY = timedelta(days=1)


@pytest.fixture
def user(session: Session) -> User:
    user = make_user(session)
    set_password(session, user, "a long enough password")
    return user


def _fail(session: Session, user: User, times: int) -> None:
    for _ in range(times):
        with pytest.raises(AuthenticationError):
            sign_in(session, email=user.email, password="nope", lifetime=DAY)


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

    def test_lock_starts_after_the_free_attempts_and_doubles(
        self, session: Session, user: User
    ) -> None:
        _fail(session, user, FREE_ATTEMPTS - 1)
        assert user.locked_until is None
        _fail(session, user, 1)
        assert user.locked_until is not None
        first = user.locked_until - utc_now()
        assert FIRST_LOCK - timedelta(seconds=5) < first <= FIRST_LOCK
        with pytest.raises(LockedOutError) as locked:
            sign_in(session, email=user.email, password="a long enough password", lifetime=DAY)
        assert 0 < locked.value.retry_after <= FIRST_LOCK.total_seconds() + 1

    def test_lock_is_capped(self, session: Session, user: User) -> None:
        user.failed_sign_ins = 40
        user.locked_until = None
        _fail(session, user, 1)
        assert user.locked_until is not None
        assert user.locked_until - utc_now() <= MAX_LOCK

    def test_success_resets_the_count(self, session: Session, user: User) -> None:
        _fail(session, user, 2)
        sign_in(session, email=user.email, password="a long enough password", lifetime=DAY)
        assert user.failed_sign_ins == 0

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

    def test_signs_out_everywhere_and_unlocks(self, session: Session, user: User) -> None:
        signed_in = sign_in(
            session, email=user.email, password="a long enough password", lifetime=DAY
        )
        _fail(session, user, FREE_ATTEMPTS)
        set_password(session, user, "another long password")
        assert user.locked_until is None
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
