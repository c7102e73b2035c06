"""Everything that changes a task, each change recorded in its history.

Writes lock the task row (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite write transactions
begin ``IMMEDIATE``), so concurrent transitions serialize instead of losing updates. Callers
that pass ``expected_version`` (the API's ``If-Match``) get ``StaleVersionError`` when
someone else changed the task first. Services flush; the transport commits.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from workitems.clock import utc_now, utc_today
from workitems.errors import (
    NotFoundError,
    PermissionDeniedError,
    StaleVersionError,
    ValidationError,
)
from workitems.notify import outbox
from workitems.notify.enums import EventType
from workitems.paging import Page
from workitems.task import repository, status
from workitems.task.emit import emit_task, row_data
from workitems.task.enums import EventKind, TaskSource, TaskStatus
from workitems.task.models import Comment, Task, TaskEvent
from workitems.task.repository import Sort, TaskFilters
from workitems.task.schemas import AssigneeRef, CommentOut, TaskCreate, TaskUpdate
from workitems.user.models import User
from workitems.user.resolve import resolve_person

MAX_PAGE = 200
CREATABLE_STATUSES = (TaskStatus.unaddressed, TaskStatus.pending, TaskStatus.in_progress)


def create_task(
    session: Session,
    data: TaskCreate,
    *,
    actor_id: int | None,
    source: TaskSource = TaskSource.manual,
    provenance: dict[str, Any] | None = None,
) -> Task:
    """``create_task_row``, then the task loaded as an ORM object, for callers that go on
    changing it (the CLI, tests); the API answers from the row and skips the load."""
    row = create_task_row(session, data, actor_id=actor_id, source=source, provenance=provenance)
    return get_task(session, row.id)


def create_task_row(
    session: Session,
    data: TaskCreate,
    *,
    actor_id: int | None,
    source: TaskSource = TaskSource.manual,
    provenance: dict[str, Any] | None = None,
) -> repository.TaskRow:
    """Create a task. Without an explicit status it is ``pending`` when it has an owner (it
    is ready) and ``unaddressed`` otherwise (it still needs triage)."""
    [row] = create_tasks(session, [(data, source, provenance)], actor_id=actor_id)
    return row


def create_tasks(
    session: Session,
    items: Sequence[tuple[TaskCreate, TaskSource, dict[str, Any] | None]],
    *,
    actor_id: int | None,
) -> list[repository.TaskRow]:
    """Create many tasks with Core inserts, one statement per table however many tasks
    (the rows with their ids back through ``RETURNING``, their labels, their history, their
    outbox events), and answer each task as written, without reading it back: the ORM's
    unit of work cost ~60% of a ``POST /api/tasks``. Every item is validated before
    anything is written: one bad item raises and writes nothing."""
    now = utc_now()
    creator = repository.person_ref(session, actor_id) if actor_id is not None else None
    drafts = [
        _draft(session, data, source, provenance, actor_id) for data, source, provenance in items
    ]
    if not drafts:
        return []
    ids = repository.insert_tasks(
        session,
        [
            {
                "title": d.data.title,
                "description": d.data.description,
                "status": d.status,
                "priority": d.data.priority,
                "assignee_id": d.assignee.id if d.assignee else None,
                "due_date": d.data.due_date,
                "source": d.source,
                "created_by_id": actor_id,
                "created_at": now,
                "updated_at": now,
                "status_changed_at": now,
                "provenance": d.provenance,
            }
            for d in drafts
        ],
    )
    rows = [
        repository.TaskRow(
            id=task_id,
            title=d.data.title,
            description=d.data.description,
            status=d.status,
            priority=d.data.priority,
            due_date=d.data.due_date,
            source=d.source,
            closure_note=None,
            closed_at=None,
            created_at=now,
            updated_at=now,
            status_changed_at=now,
            version=1,
            provenance=d.provenance,
            snoozed_until=None,
            assignee=d.assignee,
            created_by=creator,
            labels=list(d.data.labels),
        )
        for task_id, d in zip(ids, drafts, strict=True)
    ]
    repository.insert_labels(session, [(row.id, label) for row in rows for label in row.labels])
    repository.insert_events(
        session,
        [
            {
                "task_id": row.id,
                "actor_id": actor_id,
                "at": now,
                "kind": EventKind.created,
                "changes": _created_changes(row),
                "reason": None,
            }
            for row in rows
        ],
    )
    actor = _person_json(creator)
    outbox.emit_many(
        session,
        [(EventType.task_created, {**row_data(row), "actor": actor}, None) for row in rows],
    )
    return rows


@dataclass(frozen=True, slots=True)
class _Draft:
    """One task to create, checked: its owner resolved and its first status chosen."""

    data: TaskCreate
    source: TaskSource
    provenance: dict[str, Any] | None
    status: TaskStatus
    assignee: repository.PersonRef | None


def _draft(
    session: Session,
    data: TaskCreate,
    source: TaskSource,
    provenance: dict[str, Any] | None,
    actor_id: int | None,
) -> _Draft:
    user = _resolve(session, data.assignee, actor_id)
    assignee = repository.PersonRef(user.id, user.email, user.display_name) if user else None
    initial = (
        data.status
        if "status" in data.model_fields_set
        else (TaskStatus.pending if assignee else TaskStatus.unaddressed)
    )
    if initial not in CREATABLE_STATUSES:
        allowed = ", ".join(CREATABLE_STATUSES)
        raise ValidationError(
            f"A new task starts as one of: {allowed}; create it, then transition it.",
            field="status",
        )
    if initial == TaskStatus.in_progress and assignee is None:
        raise ValidationError("A task in progress needs an owner.", field="assignee")
    return _Draft(data, source, provenance, initial, assignee)


def _created_changes(row: repository.TaskRow) -> dict[str, Any]:
    """The history's ``created`` entry: every field given a value, from nothing."""
    snapshot = {
        "title": row.title,
        "status": row.status,
        "priority": row.priority,
        "assignee": row.assignee,
        "due_date": row.due_date,
        "labels": row.labels,
    }
    return {
        name: {"old": None, "new": _jsonable(value)}
        for name, value in snapshot.items()
        if value not in (None, [], "")
    }


def get_task(session: Session, ref: str | int) -> Task:
    task_id = repository.parse_ref(ref)
    task = repository.find(session, task_id) if task_id is not None else None
    if task is None:
        raise NotFoundError(f"Task {ref} does not exist.")
    return task


def get_task_row(session: Session, ref: str | int) -> repository.TaskRow:
    """``get_task`` for a response: plain rows, nothing to change."""
    task_id = repository.parse_ref(ref)
    row = repository.find_row(session, task_id) if task_id is not None else None
    if row is None:
        raise NotFoundError(f"Task {ref} does not exist.")
    return row


def list_task_rows(
    session: Session,
    filters: TaskFilters,
    *,
    sort: Sort | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[repository.TaskRow]:
    """``list_tasks`` for a response: plain rows, nothing to change."""
    if not 1 <= limit <= MAX_PAGE:
        raise ValidationError(f"limit must be between 1 and {MAX_PAGE}.", field="limit")
    return repository.list_rows(session, filters, sort=sort or Sort(), cursor=cursor, limit=limit)


def list_tasks(
    session: Session,
    filters: TaskFilters,
    *,
    sort: Sort | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[Task]:
    if not 1 <= limit <= MAX_PAGE:
        raise ValidationError(f"limit must be between 1 and {MAX_PAGE}.", field="limit")
    return repository.list_page(session, filters, sort=sort or Sort(), cursor=cursor, limit=limit)


def list_stale(
    session: Session, *, days: int = 14, hold_days: int = 30, limit: int = MAX_PAGE
) -> Sequence[Task]:
    """The weekly cleanup report: nothing here is changed, only listed."""
    if days < 1 or hold_days < 1:
        raise ValidationError("days and hold_days must be at least 1.", field="days")
    now = utc_now()
    return repository.stale(
        session,
        idle_before=now - timedelta(days=days),
        held_before=now - timedelta(days=hold_days),
        today=now.date(),
        limit=limit,
    )


def nudge_task(session: Session, ref: str | int, *, actor_id: int | None, note: str | None) -> Task:
    """Ask the owner whether the task is still alive: a history event they see, and no
    change to the task itself, so its last real activity stays what it was."""
    task = _lock(session, ref, None)
    status.check_editable(task.status)
    if not note:
        idle = (utc_now() - task.updated_at).days
        note = f"Is this still alive? No update in {idle} days; move it on, hold it or close it."
    _record(session, task, EventKind.nudged, actor_id, {}, note)
    return task


def dismiss_nudge(session: Session, ref: str | int, *, actor_id: int) -> Task:
    """The owner has seen the nudges on their task: My work stops showing them. Only the
    owner can; the nudges stay in the history, and the task itself is not changed."""
    task = get_task(session, ref)
    if task.assignee_id != actor_id:
        raise PermissionDeniedError(f"Only the owner of {task.key} can dismiss its nudges.")
    now = utc_now()
    session.execute(
        update(TaskEvent)
        .where(
            TaskEvent.task_id == task.id,
            TaskEvent.kind == EventKind.nudged,
            TaskEvent.dismissed_at.is_(None),
        )
        .values(dismissed_at=now)
    )
    return task


def list_open_nudges(session: Session, changed: Mapping[int, datetime]) -> dict[int, TaskEvent]:
    """``changed``: each task's id and ``updated_at`` (a nudge older than that was acted on)."""
    return repository.open_nudges(session, changed)


def snooze_task(
    session: Session, ref: str | int, *, until: date, actor_id: int | None, note: str | None
) -> Task:
    """Leave the task out of the stale report until ``until``; recorded in its history."""
    if until <= utc_today():
        raise ValidationError("A snooze must end on a future date.", field="until")
    task = _lock(session, ref, None)
    status.check_editable(task.status)
    old, task.snoozed_until = task.snoozed_until, until
    changes = {"snoozed_until": {"old": _jsonable(old), "new": until.isoformat()}}
    _record(session, task, EventKind.updated, actor_id, changes, note)
    return task


def update_task(
    session: Session,
    ref: str | int,
    changes: TaskUpdate,
    *,
    actor_id: int,
    expected_version: int | None,
) -> Task:
    """Apply the fields present in ``changes``; a no-op edit records nothing."""
    task = _lock(session, ref, expected_version)
    status.check_editable(task.status)
    sent = changes.model_fields_set - {"reason"}
    diff: dict[str, dict[str, Any]] = {}

    for name in ("title", "description", "priority", "due_date"):
        if name in sent:
            new = getattr(changes, name)
            if name in ("title", "priority") and new is None:
                raise ValidationError(f"{name} cannot be null.", field=name)
            if name == "description" and new is None:
                new = ""
            old = getattr(task, name)
            if new != old:
                setattr(task, name, new)
                diff[name] = {"old": _jsonable(old), "new": _jsonable(new)}
    if "labels" in sent:
        new_labels = changes.labels or []
        if new_labels != task.labels:
            diff["labels"] = {"old": task.labels, "new": new_labels}
            task.set_labels(new_labels)
    if "assignee" in sent:
        assignee_diff = _apply_assignee(session, task, changes.assignee, actor_id)
        if assignee_diff:
            diff["assignee"] = assignee_diff
    if diff:
        _touch(task)
        session.flush()
        _record(session, task, EventKind.updated, actor_id, diff, changes.reason)
    return task


def transition_task(
    session: Session,
    ref: str | int,
    *,
    to: TaskStatus,
    note: str | None,
    actor_id: int,
    expected_version: int | None = None,
) -> Task:
    task = _lock(session, ref, expected_version)
    current = task.status
    status.check_transition(current, to, note=note, has_assignee=task.assignee_id is not None)
    note = note.strip() if note else None
    now = utc_now()
    diff: dict[str, dict[str, Any]] = {"status": {"old": current.value, "new": to.value}}
    if status.is_final(to):
        diff["closure_note"] = {"old": task.closure_note, "new": note}
        task.closure_note = note
        task.closed_at = now
    elif status.is_final(current):
        diff["closure_note"] = {"old": task.closure_note, "new": None}
        task.closure_note = None
        task.closed_at = None
    task.status = to
    task.status_changed_at = now
    _touch(task, now)
    session.flush()
    kind = EventKind.reopened if status.is_final(current) else EventKind.transitioned
    _record(session, task, kind, actor_id, diff, note)
    return task


def assign_task(
    session: Session,
    ref: str | int,
    *,
    assignee: AssigneeRef | None,
    actor_id: int,
    reason: str | None = None,
    expected_version: int | None = None,
) -> Task:
    task = _lock(session, ref, expected_version)
    status.check_editable(task.status)
    diff = _apply_assignee(session, task, assignee, actor_id)
    if diff:
        _touch(task)
        session.flush()
        _record(session, task, EventKind.assigned, actor_id, {"assignee": diff}, reason)
    return task


def add_comment(session: Session, ref: str | int, *, body: str, author_id: int) -> Comment:
    """Comments are allowed on closed tasks too: they are context, not edits."""
    task = get_task(session, ref)
    comment = Comment(task_id=task.id, author_id=author_id, body=body, created_at=utc_now())
    session.add(comment)
    session.flush()
    _record(
        session,
        task,
        EventKind.commented,
        author_id,
        {"comment_id": {"old": None, "new": comment.id}},
    )
    emit_task(
        session,
        EventType.task_commented,
        task,
        actor_id=author_id,
        comment=CommentOut.of(comment).model_dump(mode="json"),
    )
    return comment


def list_comments(session: Session, ref: str | int) -> Sequence[Comment]:
    return repository.comments_for(session, get_task(session, ref).id)


def list_history(session: Session, ref: str | int) -> Sequence[TaskEvent]:
    return repository.events_for(session, get_task(session, ref).id)


def _lock(session: Session, ref: str | int, expected_version: int | None) -> Task:
    task_id = repository.parse_ref(ref)
    task = repository.find(session, task_id, lock=True) if task_id is not None else None
    if task is None:
        raise NotFoundError(f"Task {ref} does not exist.")
    if expected_version is not None and task.version != expected_version:
        raise StaleVersionError(
            f"{task.key} changed since you read it (you have version {expected_version}, "
            f"it is at {task.version}); fetch it again and reapply your edit.",
            current_version=task.version,
        )
    return task


def _apply_assignee(
    session: Session, task: Task, ref: AssigneeRef | None, actor_id: int
) -> dict[str, Any] | None:
    new = _resolve(session, ref, actor_id)
    if new is None:
        status.check_assignee_removal(task.status)
    old = task.assignee
    if (old.id if old else None) == (new.id if new else None):
        return None
    task.assignee = new
    return {"old": _jsonable(old), "new": _jsonable(new)}


def _resolve(session: Session, ref: AssigneeRef | None, actor_id: int | None) -> User | None:
    if ref is None:
        return None
    return resolve_person(session, ref, actor_id=actor_id, assignable=True)


def _touch(task: Task, now: Any = None) -> None:
    task.updated_at = now or utc_now()


def _record(
    session: Session,
    task: Task,
    kind: EventKind,
    actor_id: int | None,
    changes: dict[str, Any],
    reason: str | None = None,
) -> None:
    _add_event(session, task, kind, actor_id, changes, reason)
    session.flush()
    for event_type in _EVENT_TYPES.get(kind, ()):
        if event_type is EventType.task_updated and set(changes) == {"assignee"}:
            continue  # an edit of the owner alone is an assignment, said once
        if event_type is EventType.task_assigned and "assignee" not in changes:
            continue
        emit_task(
            session,
            event_type,
            task,
            actor_id=actor_id,
            changes=changes,
            **({"note": reason} if kind is EventKind.nudged else {"reason": reason}),
        )


#: The public events each history entry causes (creation and comments emit their own).
_EVENT_TYPES: dict[EventKind, tuple[EventType, ...]] = {
    EventKind.updated: (EventType.task_updated, EventType.task_assigned),
    EventKind.assigned: (EventType.task_assigned,),
    EventKind.transitioned: (EventType.task_status_changed,),
    EventKind.reopened: (EventType.task_status_changed,),
    EventKind.nudged: (EventType.task_nudged,),
}


def _add_event(
    session: Session,
    task: Task,
    kind: EventKind,
    actor_id: int | None,
    changes: dict[str, Any],
    reason: str | None = None,
) -> None:
    session.add(
        TaskEvent(
            task_id=task.id,
            actor_id=actor_id,
            at=utc_now(),
            kind=kind,
            changes=changes,
            reason=reason,
        )
    )


def _person_json(person: User | repository.PersonRef | None) -> dict[str, Any] | None:
    if person is None:
        return None
    return {"id": person.id, "email": person.email, "name": person.display_name}


def _jsonable(value: Any) -> Any:
    if isinstance(value, User | repository.PersonRef):
        return _person_json(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    return value
