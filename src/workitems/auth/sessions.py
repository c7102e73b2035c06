"""Password sign-in and browser sessions (the web app); API tokens live in ``service.py``.

A session cookie carries 32 random bytes; the table keeps only their SHA-256, as for API
tokens. Repeated failures are limited per account and client address (``throttle.py``), so
nobody can keep someone else locked out. (``users.failed_sign_ins`` and ``locked_until``
held an account-wide lockout before; they are no longer written.)
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from workitems.auth.models import WebSession
from workitems.auth.service import hash_token
from workitems.auth.throttle import Throttle
from workitems.clock import utc_now
from workitems.errors import AuthenticationError, ValidationError
from workitems.user import repository as users_repository
from workitems.user.models import User
from workitems.user.passwords import hash_password, verify_password

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


def sign_in(
    session: Session,
    *,
    email: str,
    password: str,
    lifetime: timedelta,
    throttle: Throttle,
    address: str,
) -> SignedIn:
    """Check the password and open a session, or count the failure and raise.

    Failures are counted per account *and* client address (``auth/throttle.py``): over the
    limit even the right password is refused without being checked, so a guesser learns
    nothing, while the account's owner still signs in from anywhere else.
    """
    now = utc_now()
    throttle.check_sign_in(email, address)
    user = session.scalar(select(User).where(User.email == users_repository.normalize_email(email)))
    if user is None or not user.is_active or user.password_hash is None:
        verify_password(_DUMMY_HASH, password)
        throttle.sign_in_failed(email, address)
        raise AuthenticationError(BAD_CREDENTIALS)
    if not verify_password(user.password_hash, password):
        throttle.sign_in_failed(email, address)
        raise AuthenticationError(BAD_CREDENTIALS)
    throttle.sign_in_succeeded(email, address)
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


def set_password(
    session: Session, user: User, password: str, *, keep_cookie: str | None = None
) -> None:
    """Replace a password: signs the user out everywhere (but the ``keep_cookie`` session,
    when people change their own), so a reset after a suspected compromise actually locks
    the old holder out."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            f"A password needs at least {MIN_PASSWORD_LENGTH} characters.", field="password"
        )
    user.password_hash = hash_password(password)
    ended = delete(WebSession).where(WebSession.user_id == user.id)
    if keep_cookie is not None:
        ended = ended.where(WebSession.token_hash != hash_token(keep_cookie))
    session.execute(ended)
    session.flush()


def change_own_password(
    session: Session, user: User, *, current: str, new: str, confirm: str, cookie: str
) -> None:
    """The current password proves it is them at the keyboard; every other session ends."""
    if user.password_hash is None or not verify_password(user.password_hash, current):
        raise ValidationError("The current password is wrong.", field="current")
    if new != confirm:
        raise ValidationError("The two new passwords differ.", field="confirm")
    set_password(session, user, new, keep_cookie=cookie)
