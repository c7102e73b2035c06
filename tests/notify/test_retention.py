"""Events and their deliveries are forgotten after the retention period."""

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import make_task
from workitems.clock import utc_now
from workitems.notify.enums import Channel, DeliveryStatus
from workitems.notify.models import Delivery, Event
from workitems.notify.retention import purge
from workitems.user.models import User


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


class TestPurge:
    def test_old_dispatched_events_go_and_recent_ones_stay(
        self, session: Session, admin: User
    ) -> None:
        make_task(session, actor=admin, title="old")
        make_task(session, actor=admin, title="new")
        old_event, new_event = sorted(
            session.scalars(select(Event)), key=lambda e: e.payload["data"]["title"] != "old"
        )
        long_ago = utc_now() - timedelta(days=31)
        old_event.created_at = old_event.dispatched_at = long_ago
        new_event.dispatched_at = utc_now()
        session.add(
            Delivery(
                channel=Channel.webhook,
                event_id=old_event.id,
                status=DeliveryStatus.succeeded,
                created_at=long_ago,
                next_attempt_at=long_ago,
            )
        )
        session.flush()
        result = purge(session, keep_days=30)
        assert result["events"] == 1
        assert result["deliveries"] == 1
        assert [e.id for e in session.scalars(select(Event))] == [new_event.id]
        assert _count(session, Delivery) == 0
