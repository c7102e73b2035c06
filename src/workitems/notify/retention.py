"""Forgetting: events, deliveries and their log are kept ``WORKITEMS_EVENTS_KEEP_DAYS``."""

from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from workitems.clock import utc_now
from workitems.notify.enums import DeliveryStatus
from workitems.notify.models import Delivery, DeliveryAttempt, Event, Notification


def purge(session: Session, *, keep_days: int) -> dict[str, Any]:
    """Delete what is older than ``keep_days``; a delivery still being retried stays, and so
    do unread notifications (someone has yet to see them)."""
    cutoff = utc_now() - timedelta(days=keep_days)
    counts = {
        "attempts": session.execute(delete(DeliveryAttempt).where(DeliveryAttempt.at < cutoff)),
        "deliveries": session.execute(
            delete(Delivery).where(
                Delivery.created_at < cutoff, Delivery.status != DeliveryStatus.pending
            )
        ),
        "events": session.execute(
            delete(Event).where(
                Event.created_at < cutoff,
                Event.dispatched_at.is_not(None),
                ~Event.id.in_(select(Delivery.event_id).where(Delivery.event_id.is_not(None))),
            )
        ),
        "notifications": session.execute(
            delete(Notification).where(
                Notification.created_at < cutoff, Notification.read_at.is_not(None)
            )
        ),
    }
    return {name: result.rowcount for name, result in counts.items()}  # type: ignore[attr-defined]
