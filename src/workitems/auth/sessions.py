"""Password sign-in and browser sessions (the web app); API tokens live in ``service.py``.

A session cookie carries 32 random bytes; the table keeps only their SHA-256, as for API
tokens. Repeated failures lock the account for a growing delay: the first
``FREE_ATTEMPTS`` failures cost nothing, each one after that doubles the wait, up to
``MAX_LOCK``. While locked, even the right password is refused without being checked, so a
guesser learns nothing, and the counter resets only on a successful sign-in.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from workitems.auth.models import WebSession
from workitems.auth.service import hash_token
from workitems.clock import utc_now
from workitems.errors import AuthenticationError, LockedOutError, ValidationError
from workitems.user import repository as users_repository
from workitems.user.models import User
from workitems.user.passwords import hash_password, verify_password

FREE_ATTEMPTS = 5
FIRST_LOCK = timedelta(seconds=30)
MAX_LOCK = timedelta(minutes=15)
BAD_CREDENTIALS = "That email and password do not match an active account."

#: Verified against when the email is unknown, so a wrong email costs as long as a wrong
#: password and response times do not reveal which accounts exist.
_DUMMY_HASH = hash_password(secrets.token_urlsafe(18))


@dataclass(frozen=True)
class SignedIn:
    user: User
    #: The cookie value; shown to the browser once and never stored.
    cookie: str
    web_session: WebSession


def sign_in(session: Session, *, email: str, password: str, lifetime: timedelta) -> SignedIn:
    """Check the password and open a session, or record the failure and raise.

    The failure count is flushed before raising: the caller must commit it even though
    the sign-in failed, or the lockout never engages.
    """
    now = utc_now()
    user = session.scalar(
        select(User)
        .where(User.email == users_repository.normalize_email(email))
        .with_for_update(of=User)
    )
    if user is None or not user.is_active or user.password_hash is None:
        verify_password(_DUMMY_HASH, password)
        raise AuthenticationError(BAD_CREDENTIALS)
    if user.locked_until is not None and user.locked_until > now:
        wait = int((user.locked_until - now).total_seconds()) + 1
        raise LockedOutError(
            f"Too many failed sign-ins for this account; try again in {wait} seconds.",
            retry_after=wait,
        )
    if not verify_password(user.password_hash, password):
        user.failed_sign_ins += 1
        over = user.failed_sign_ins - FREE_ATTEMPTS
        if over >= 0:
            user.locked_until = now + min(FIRST_LOCK * 2**over, MAX_LOCK)
        session.flush()
        raise AuthenticationError(BAD_CREDENTIALS)
    user.failed_sign_ins = 0
    user.locked_until = None
    # Expired sessions of this user go when they sign in again: the table stays small
    # without a sweeper job.
    session.execute(
        delete(WebSession).where(WebSession.user_id == user.id).where(WebSession.expires_at <= now)
    )
    cookie = secrets.token_urlsafe(32)
    web_session = WebSession(
        user_id=user.id,
        token_hash=hash_token(cookie),
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + lifetime,
    )
    session.add(web_session)
    session.flush()
    return SignedIn(user=user, cookie=cookie, web_session=web_session)


def find_session(session: Session, cookie: str) -> WebSession | None:
    """The live session behind a cookie: ``None`` when unknown, expired, or its user has
    been deactivated since (deactivation signs people out at once)."""
    web_session = session.scalar(
        select(WebSession).where(WebSession.token_hash == hash_token(cookie))
    )
    if web_session is None or web_session.expires_at <= utc_now() or not web_session.user.is_active:
        return None
    return web_session


def end_session(session: Session, cookie: str) -> None:
    """Sign out; ending a session that is already gone is not an error."""
    session.execute(delete(WebSession).where(WebSession.token_hash == hash_token(cookie)))


def purge_expired(session: Session) -> int:
    """Delete every expired session, including those of people who never sign in again."""
    result = session.execute(delete(WebSession).where(WebSession.expires_at <= utc_now()))
    return int(result.rowcount)  # type: ignore[attr-defined]


MIN_PASSWORD_LENGTH = 10


def set_password(session: Session, user: User, password: str) -> None:
    """Replace a password: clears the lockout and signs the user out everywhere, so a
    reset after a suspected compromise actually locks the old holder out."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            f"A password needs at least {MIN_PASSWORD_LENGTH} characters.", field="password"
        )
    user.password_hash = hash_password(password)
    user.failed_sign_ins = 0
    user.locked_until = None
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    session.flush()
