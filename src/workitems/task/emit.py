"""Task events for the outbox: the task as the API returns it, plus who changed it."""

from typing import Any

from sqlalchemy.orm import Session

from workitems.clock import utc_today
from workitems.notify import outbox
from workitems.notify.enums import EventType
from workitems.task.models import Task
from workitems.task.repository import TaskRow
from workitems.task.schemas import TaskOut


def task_data(
    session: Session, task: Task, *, actor_id: int | None, **extra: Any
) -> dict[str, Any]:
    data = TaskOut.of(task).model_dump(mode="json")
    data["actor"] = outbox.actor_ref(session, actor_id)
    data.update(extra)
    return data


def row_data(row: TaskRow) -> dict[str, Any]:
    """An event's ``data`` for a task read or written as a plain row (``task_data``'s
    fields, the actor aside)."""
    return TaskOut.of_row(row, today=utc_today()).model_dump(mode="json")


def emit_task(
    session: Session,
    event_type: EventType,
    task: Task,
    *,
    actor_id: int | None,
    dedupe_key: str | None = None,
    **extra: Any,
) -> str:
    """Write one task event into the caller's transaction; its id."""
    return outbox.emit(
        session,
        event_type,
        task_data(session, task, actor_id=actor_id, **extra),
        dedupe_key=dedupe_key,
    )
