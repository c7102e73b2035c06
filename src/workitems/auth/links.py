"""Invitations and password resets without passwords changing hands.

An admin (or the CLI) invites a person or resets their password; the system makes a
one-time link, valid for ``LINK_DAYS``, at which that person chooses their own password.
Only the secret's SHA-256 is stored. A newer link for the same person spends the older
ones, so a resend never leaves two live links; using a link signs the person out
everywhere else, as any password change does.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from workitems.auth.models import LinkPurpose, PasswordLink
from workitems.auth.service import hash_token
from workitems.auth.sessions import set_password
from workitems.clock import utc_now
from workitems.errors import NotFoundError, ValidationError
from workitems.user import service as users
from workitems.user.models import User, UserRole

LINK_DAYS = 7
#: The path the link opens; the public URL is put in front of it by the caller.
LINK_PATH = "/welcome/"


@dataclass(frozen=True)
class IssuedLink:
    user: User
    secret: str
    link: PasswordLink

    def url(self, public_url: str) -> str:
        return f"{public_url.rstrip('/')}{LINK_PATH}{self.secret}"


def invite_user(
    session: Session,
    *,
    email: str,
    name: str,
    aliases: tuple[str, ...] | list[str] = (),
    role: UserRole = UserRole.member,
    invited_by: int | None,
) -> IssuedLink:
    """Create the account with no password and an invitation link to choose one."""
    user = users.add_user(session, email=email, name=name, aliases=aliases, role=role)
    return issue_link(session, user, purpose=LinkPurpose.invite, created_by=invited_by)


def issue_link(
    session: Session, user: User, *, purpose: LinkPurpose, created_by: int | None
) -> IssuedLink:
    if not user.is_active:
        raise ValidationError(f"{user.email} is deactivated; reactivate them first.")
    now = utc_now()
    session.execute(
        update(PasswordLink)
        .where(PasswordLink.user_id == user.id, PasswordLink.used_at.is_(None))
        .values(used_at=now)
    )
    secret = secrets.token_urlsafe(32)
    link = PasswordLink(
        user_id=user.id,
        token_hash=hash_token(secret),
        purpose=purpose,
        created_by_id=created_by,
        created_at=now,
        expires_at=now + timedelta(days=LINK_DAYS),
    )
    session.add(link)
    session.flush()
    return IssuedLink(user=user, secret=secret, link=link)


def find_link(session: Session, secret: str) -> PasswordLink:
    """The live link for ``secret``; used, superseded, expired and unknown links all read
    the same, so the page cannot be used to probe."""
    link = session.scalar(select(PasswordLink).where(PasswordLink.token_hash == hash_token(secret)))
    if (
        link is None
        or link.used_at is not None
        or link.expires_at <= utc_now()
        or not link.user.is_active
    ):
        raise NotFoundError(
            "This link is used, expired or unknown. Ask an administrator for a new one."
        )
    return link


def use_link(session: Session, secret: str, *, password: str, confirm: str) -> User:
    """Set the password the person chose and spend the link."""
    link = find_link(session, secret)
    if password != confirm:
        raise ValidationError("The two passwords differ.", field="confirm")
    set_password(session, link.user, password)
    link.used_at = utc_now()
    session.flush()
    return link.user
