"""Due dates that need saying: ``task.due_soon`` and ``task.overdue`` once per task per day,
and the daily digest email for the people who asked for one."""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workitems.notify import outbox
from workitems.notify.enums import EventType, MailTopic
from workitems.notify.preferences import preferences_for
from workitems.task.emit import task_data
from workitems.task.models import Task
from workitems.task.repository import status_in
from workitems.task.status import ACTIVE_STATUSES

#: One run looks at this many tasks at most, earliest due first.
MAX_REMINDERS = 10_000
#: ``IN (...)`` lists stay well inside every database's parameter limit.
CHUNK = 500


def due_tasks(session: Session, *, today: date, due_soon_days: int) -> Sequence[Task]:
    """Active tasks due by ``today + due_soon_days`` (overdue ones included)."""
    return session.scalars(
        select(Task)
        .where(
            Task.due_date.is_not(None),
            Task.due_date <= today + timedelta(days=due_soon_days),
            status_in(frozenset(ACTIVE_STATUSES)),
        )
        .order_by(Task.due_date, Task.id)
        .limit(MAX_REMINDERS)
    ).all()


def _kind(task: Task, today: date) -> EventType:
    assert task.due_date is not None  # noqa: S101 (due_tasks selects dated tasks only)
    return EventType.task_overdue if task.due_date < today else EventType.task_due_soon


def emit_due_reminders(session: Session, tasks: Sequence[Task], *, today: date) -> dict[str, int]:
    """One event per task and day: a second run the same day emits nothing new."""
    counts = {EventType.task_due_soon.value: 0, EventType.task_overdue.value: 0}
    for start in range(0, len(tasks), CHUNK):
        chunk = tasks[start : start + CHUNK]
        keys = {t.id: f"{_kind(t, today).value}:{t.id}:{today.isoformat()}" for t in chunk}
        done = outbox.already_emitted(session, list(keys.values()))
        items = [
            (_kind(t, today), task_data(session, t, actor_id=None), keys[t.id])
            for t in chunk
            if keys[t.id] not in done
        ]
        outbox.emit_many(session, items)
        for event_type, _data, _key in items:
            counts[event_type.value] += 1
    return counts


def _line(task: Task) -> dict[str, Any]:
    return {
        "key": task.key,
        "title": task.title,
        "due_date": task.due_date.isoformat() if task.due_date else None,
    }


def queue_digests(session: Session, tasks: Sequence[Task], *, today: date) -> int:
    """One email per owner who turned the digest on and has something due; how many."""
    by_owner: dict[int, list[Task]] = defaultdict(list)
    for task in tasks:
        if task.assignee is not None and task.assignee.is_active:
            by_owner[task.assignee_id or 0].append(task)
    prefs = preferences_for(session, by_owner)
    mails = []
    for owner_id, owned in by_owner.items():
        if not prefs[owner_id].wants(MailTopic.digest):
            continue
        overdue = [_line(t) for t in owned if t.due_date and t.due_date < today]
        soon = [_line(t) for t in owned if t.due_date and t.due_date >= today]
        title = f"{len(overdue)} overdue, {len(soon)} due soon"
        mails.append(
            (owner_id, {"title": title, "sections": [["Overdue", overdue], ["Due soon", soon]]})
        )
    return outbox.queue_mail(session, MailTopic.digest, mails)
