"""Named queries over users."""

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workitems.user.models import User


def find_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalize_email(email)))


def list_all(session: Session, *, active_only: bool = False) -> Sequence[User]:
    query = select(User).order_by(User.display_name, User.id)
    if active_only:
        query = query.where(User.is_active.is_(True))
    return session.scalars(query).all()


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User)) or 0


def normalize_email(email: str) -> str:
    return email.strip().lower()
