"""Task events for the outbox: the task as the API returns it, plus who changed it."""

from typing import Any

from sqlalchemy.orm import Session

from workitems.notify import outbox
from workitems.notify.enums import EventType
from workitems.notify.models import Event
from workitems.task.models import Task
from workitems.task.schemas import TaskOut


def task_data(
    session: Session, task: Task, *, actor_id: int | None, **extra: Any
) -> dict[str, Any]:
    data = TaskOut.of(task).model_dump(mode="json")
    data["actor"] = outbox.actor_ref(session, actor_id)
    data.update(extra)
    return data


def emit_task(
    session: Session,
    event_type: EventType,
    task: Task,
    *,
    actor_id: int | None,
    dedupe_key: str | None = None,
    **extra: Any,
) -> Event:
    """Write one task event into the caller's transaction."""
    return outbox.emit(
        session,
        event_type,
        task_data(session, task, actor_id=actor_id, **extra),
        dedupe_key=dedupe_key,
    )
