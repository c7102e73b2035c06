"""Issuing, checking and revoking API tokens.

Tokens are ``wi_`` plus 32 random bytes (URL-safe base64). With that much entropy a plain
SHA-256 is a sound verifier (no salt or slow hash needed), and it lets a lookup use a unique
index instead of scanning.
"""

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from workitems.auth.models import ApiToken
from workitems.auth.scopes import ALL_SCOPES, Scope
from workitems.clock import utc_now
from workitems.errors import (
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from workitems.user.models import User, UserRole

TOKEN_PREFIX = "wi_"  # noqa: S105 (a public marker, not a secret)
#: ``last_used_at`` is refreshed at most this often, so reads stay reads.
LAST_USED_RESOLUTION = timedelta(minutes=1)
UNKNOWN_TOKEN = "The token is unknown, revoked or expired."  # noqa: S105 (a message)
#: Ten years; a longer expiry is a typo (and past ``datetime``'s range it would crash).
MAX_EXPIRY_DAYS = 3650


@dataclass(frozen=True)
class Principal:
    """Who is calling, and what their token allows."""

    user_id: int
    email: str
    role: UserRole
    scopes: frozenset[str]
    token_id: int | None = None

    def has(self, scope: Scope) -> bool:
        return scope.value in self.scopes


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(
    session: Session,
    *,
    user: User,
    scopes: Iterable[str],
    name: str = "",
    expires_in_days: int | None = None,
) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, which is never retrievable again."""
    wanted = _parse_scopes(scopes)
    if not user.is_active:
        raise ValidationError(f"{user.email} is deactivated; it cannot hold tokens.")
    if expires_in_days is not None and not 0 < expires_in_days <= MAX_EXPIRY_DAYS:
        raise ValidationError(
            f"--expires-in-days must be 1 to {MAX_EXPIRY_DAYS}.", field="expires_in_days"
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utc_now()
    token = ApiToken(
        user_id=user.id,
        name=name or f"token for {user.email}",
        token_hash=hash_token(raw),
        prefix=raw[:10],
        scopes=[scope.value for scope in wanted],
        created_at=now,
        expires_at=now + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    session.add(token)
    session.flush()
    return token, raw


def authenticate(session: Session, raw: str) -> Principal:
    """Check a presented token; every failure reads the same to the caller on purpose."""
    if not raw.startswith(TOKEN_PREFIX):
        raise AuthenticationError("The bearer token is not a Workitems token (wi_...).")
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(raw)))
    now = utc_now()
    if (
        token is None
        or token.revoked_at is not None
        or (token.expires_at is not None and token.expires_at <= now)
        or not token.user.is_active
    ):
        raise AuthenticationError(UNKNOWN_TOKEN)
    return Principal(
        user_id=token.user_id,
        email=token.user.email,
        role=token.user.role,
        scopes=frozenset(token.scopes),
        token_id=token.id,
    )


def needs_touch(session: Session, token_id: int) -> bool:
    token = session.get(ApiToken, token_id)
    return token is not None and (
        token.last_used_at is None or utc_now() - token.last_used_at >= LAST_USED_RESOLUTION
    )


def touch_token(session: Session, token_id: int) -> None:
    """Record use, at most once per ``LAST_USED_RESOLUTION``; a single guarded UPDATE."""
    now = utc_now()
    session.execute(
        update(ApiToken)
        .where(ApiToken.id == token_id)
        .where(
            or_(
                ApiToken.last_used_at.is_(None),
                ApiToken.last_used_at < now - LAST_USED_RESOLUTION,
            )
        )
        .values(last_used_at=now)
    )


def list_tokens(session: Session, *, user_id: int | None = None) -> Sequence[ApiToken]:
    query = select(ApiToken).order_by(ApiToken.id)
    if user_id is not None:
        query = query.where(ApiToken.user_id == user_id)
    return session.scalars(query).all()


def grantable_scopes(role: UserRole) -> tuple[Scope, ...]:
    """The scopes a person may put on their own tokens: what they can do in the web app.
    Every signed-in person reads, writes, reviews and looks people up, so today that is
    every scope; administering people and tokens is not a scope and stays web-only."""
    return ALL_SCOPES if role in (UserRole.admin, UserRole.member) else ()


def issue_own_token(
    session: Session,
    *,
    user: User,
    scopes: Iterable[str],
    name: str = "",
    expires_in_days: int | None = None,
) -> tuple[ApiToken, str]:
    """A token a person issues for themself, never beyond their own rights."""
    wanted = _parse_scopes(scopes)
    beyond = [s.value for s in wanted if s not in grantable_scopes(user.role)]
    if beyond:
        raise PermissionDeniedError(f"Your role cannot grant {', '.join(beyond)}.")
    return issue_token(
        session, user=user, scopes=wanted, name=name, expires_in_days=expires_in_days
    )


def revoke_own_token(session: Session, token_id: int, *, user_id: int) -> ApiToken:
    """Someone else's token reads as missing, so ids cannot be probed."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user_id:
        raise NotFoundError(f"Token {token_id} does not exist.")
    return revoke_token(session, token_id)


def revoke_token(session: Session, token_id: int) -> ApiToken:
    """Revoking is idempotent: revoking a revoked token keeps the first revocation time."""
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFoundError(f"Token {token_id} does not exist.")
    if token.revoked_at is None:
        token.revoked_at = utc_now()
        session.flush()
    return token


def _parse_scopes(scopes: Iterable[str]) -> list[Scope]:
    parsed: list[Scope] = []
    for value in scopes:
        try:
            scope = Scope(value)
        except ValueError:
            known = ", ".join(s.value for s in Scope)
            raise ValidationError(f"Unknown scope {value!r}; known: {known}.") from None
        if scope not in parsed:
            parsed.append(scope)
    if not parsed:
        raise ValidationError("A token needs at least one scope.")
    return parsed
