"""Bulk edits: one change applied to many tasks, for the web's All work page and
``POST /api/tasks/bulk`` alike.

Each task changes in its own SAVEPOINT, so one refusal (a closed task, a missing closure
note) is reported for that task and the others still apply. Bulk edits apply to whatever
version is current: a person chose the rows a moment ago, like the sweep.
"""

from collections.abc import Callable, Sequence

from sqlalchemy.orm import Session

from workitems.errors import NotFoundError, ValidationError, WorkitemsError
from workitems.task import repository, service
from workitems.task.enums import BulkAction, Priority, TaskStatus
from workitems.task.models import Task
from workitems.task.schemas import AssigneeRef, TaskUpdate

MAX_BULK = 500


def bulk_update_tasks(
    session: Session,
    refs: Sequence[str | int],
    *,
    action: BulkAction,
    actor_id: int,
    assignee: AssigneeRef | None = None,
    priority: Priority | None = None,
    status: TaskStatus | None = None,
    note: str | None = None,
) -> list[Task | WorkitemsError]:
    """The outcome for each ref, in order: the changed task or why it was refused.

    ``assign`` sets ``assignee`` (``None`` unassigns), ``priority`` sets ``priority`` and
    ``status`` moves each task to ``status`` with ``note`` (required to close)."""
    if len(refs) > MAX_BULK:
        raise ValidationError(f"At most {MAX_BULK} tasks at once.", field="ids")
    change = _change(action, actor_id, assignee, priority, status, note)
    task_ids = {ref: repository.parse_ref(ref) for ref in refs}
    known = repository.existing_ids(session, [i for i in task_ids.values() if i is not None])
    outcomes: list[Task | WorkitemsError] = []
    for ref in refs:
        if task_ids[ref] not in known:  # no savepoint spent on what names no task
            outcomes.append(NotFoundError(f"Task {ref} does not exist."))
            continue
        try:
            with session.begin_nested():
                outcomes.append(change(session, ref))
        except WorkitemsError as error:
            outcomes.append(error)
    return outcomes


def _change(
    action: BulkAction,
    actor_id: int,
    assignee: AssigneeRef | None,
    priority: Priority | None,
    status: TaskStatus | None,
    note: str | None,
) -> Callable[[Session, str | int], Task]:
    """The change for one task, checked once for the whole batch."""
    if action is BulkAction.assign:
        return lambda session, ref: service.assign_task(
            session, ref, assignee=assignee, actor_id=actor_id
        )
    if action is BulkAction.priority:
        if priority is None:
            raise ValidationError("Choose a priority.", field="priority")
        edit = TaskUpdate(priority=priority)
        return lambda session, ref: service.update_task(
            session, ref, edit, actor_id=actor_id, expected_version=None
        )
    if status is None:
        raise ValidationError("Choose a status.", field="status")
    to = status
    return lambda session, ref: service.transition_task(
        session, ref, to=to, note=note, actor_id=actor_id
    )
