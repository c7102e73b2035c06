"""Due-date events once per task per day, and the digest for those who want it."""

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import make_task, make_user
from workitems.clock import utc_today
from workitems.notify.enums import Channel, MailTopic
from workitems.notify.models import Delivery, Event, Notification
from workitems.notify.preferences import update_preferences
from workitems.task import reminders
from workitems.task.enums import TaskStatus
from workitems.user.models import User


def _emitted(session: Session) -> dict[str, str]:
    rows = session.scalars(select(Event).where(Event.type.in_(["task.due_soon", "task.overdue"])))
    return {row.payload["data"]["title"]: row.type for row in rows}


class TestDueReminders:
    def test_overdue_and_due_soon_once_a_day(self, session: Session, admin: User) -> None:
        today = utc_today()
        make_task(session, actor=admin, title="late", due_date=today - timedelta(days=1))
        make_task(session, actor=admin, title="today", due_date=today)
        make_task(session, actor=admin, title="soon", due_date=today + timedelta(days=2))
        make_task(session, actor=admin, title="later", due_date=today + timedelta(days=3))
        make_task(
            session,
            actor=admin,
            title="closed",
            due_date=today - timedelta(days=1),
            status=TaskStatus.canceled,
            note="not needed",
        )
        tasks = reminders.due_tasks(session, today=today, due_soon_days=2)
        first = reminders.emit_due_reminders(session, tasks, today=today)
        assert first == {"task.due_soon": 2, "task.overdue": 1}
        assert _emitted(session) == {
            "late": "task.overdue",
            "today": "task.due_soon",
            "soon": "task.due_soon",
        }
        again = reminders.emit_due_reminders(session, tasks, today=today)
        assert again == {"task.due_soon": 0, "task.overdue": 0}
        tomorrow = reminders.emit_due_reminders(session, tasks, today=today + timedelta(days=1))
        assert tomorrow["task.overdue"] == 2

    def test_the_owner_finds_it_in_the_inbox(self, session: Session, admin: User) -> None:
        owner = make_user(session)
        today = utc_today()
        make_task(session, actor=admin, assignee=owner.email, due_date=today - timedelta(days=2))
        tasks = reminders.due_tasks(session, today=today, due_soon_days=2)
        reminders.emit_due_reminders(session, tasks, today=today)
        [note] = session.scalars(
            select(Notification).where(Notification.event_type == "task.overdue")
        )
        assert note.user_id == owner.id


class TestDigest:
    def test_only_people_who_asked_get_one(self, session: Session, admin: User) -> None:
        wants, skips = make_user(session), make_user(session, email="b@example.com", name="B")
        update_preferences(session, wants.id, {MailTopic.digest: True})
        today = utc_today()
        for person in (wants, skips):
            make_task(session, actor=admin, assignee=person.email, due_date=today)
            make_task(
                session, actor=admin, assignee=person.email, due_date=today - timedelta(days=1)
            )
        tasks = reminders.due_tasks(session, today=today, due_soon_days=2)
        assert reminders.queue_digests(session, tasks, today=today) == 1
        [mail] = session.scalars(select(Delivery).where(Delivery.channel == Channel.email))
        assert (mail.recipient_id, mail.topic) == (wants.id, MailTopic.digest)
        assert mail.context is not None
        assert mail.context["title"] == "1 overdue, 1 due soon"
        sections = dict(mail.context["sections"])
        assert [len(sections["Overdue"]), len(sections["Due soon"])] == [1, 1]
