"""The in-app inbox: what someone was told, and what they have opened."""

from collections.abc import Sequence

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from workitems.clock import utc_now
from workitems.errors import NotFoundError
from workitems.notify.models import Notification

INBOX_PAGE = 50


def unread_count(session: Session, user_id: int) -> int:
    """The bell's number: one count over a partial index of unread rows."""
    return (
        session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        )
        or 0
    )


def list_notifications(
    session: Session, user_id: int, *, limit: int = INBOX_PAGE
) -> Sequence[Notification]:
    return session.scalars(
        select(Notification)
        .where(Notification.user_id == user_id)
        .order_by(Notification.id.desc())
        .limit(limit)
    ).all()


def open_notification(session: Session, user_id: int, notification_id: int) -> Notification:
    """Mark it read (once: the first opening is kept) and return it; someone else's
    notification is "not found", not "forbidden", so ids reveal nothing."""
    row = session.get(Notification, notification_id)
    if row is None or row.user_id != user_id:
        raise NotFoundError(f"Notification {notification_id} does not exist.")
    if row.read_at is None:
        row.read_at = utc_now()
        session.flush()
    return row


def mark_all_read(session: Session, user_id: int) -> int:
    result = session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=utc_now())
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
