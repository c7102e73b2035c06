"""The task lifecycle as pure rules: which moves are allowed and what each one needs.

Kept free of the database so every rule has a table-driven test
(``tests/task/test_status.py``).
"""

from datetime import date

from workitems.errors import InvalidTransitionError, TaskClosedError, ValidationError
from workitems.task.enums import TaskStatus

S = TaskStatus

ACTIVE_STATUSES: frozenset[TaskStatus] = frozenset(
    {S.unaddressed, S.pending, S.in_progress, S.on_hold}
)
FINAL_STATUSES: frozenset[TaskStatus] = frozenset({S.completed, S.canceled})
#: A final task can only be reopened, to one of these.
REOPEN_TARGETS: frozenset[TaskStatus] = frozenset({S.pending, S.unaddressed})

_ORDER = list(TaskStatus)

TRANSITIONS: dict[TaskStatus, frozenset[TaskStatus]] = {
    # Triage moves a captured task anywhere, including straight to a close.
    S.unaddressed: frozenset({S.pending, S.in_progress, S.on_hold, S.completed, S.canceled}),
    S.pending: frozenset({S.unaddressed, S.in_progress, S.on_hold, S.completed, S.canceled}),
    # Once started, work does not go back to "not triaged".
    S.in_progress: frozenset({S.pending, S.on_hold, S.completed, S.canceled}),
    S.on_hold: frozenset({S.pending, S.in_progress, S.completed, S.canceled}),
    S.completed: REOPEN_TARGETS,
    S.canceled: REOPEN_TARGETS,
}


def is_final(status: TaskStatus) -> bool:
    return status in FINAL_STATUSES


def allowed_targets(current: TaskStatus) -> list[TaskStatus]:
    return sorted(TRANSITIONS[current], key=_ORDER.index)


def check_transition(
    current: TaskStatus, target: TaskStatus, *, note: str | None, has_assignee: bool
) -> None:
    """Raise unless ``current -> target`` is allowed with this note and assignee.

    - final statuses need a non-empty closure note;
    - reopening a final task needs a reason;
    - ``on_hold`` needs a reason (it is kept in the history);
    - ``in_progress`` needs an assignee.
    """
    allowed = allowed_targets(current)
    if target not in TRANSITIONS[current]:
        names = ", ".join(allowed)
        if target == current:
            detail = f"The task is already {current}; from here it can move to: {names}."
        else:
            detail = f"A task cannot move from {current} to {target}; allowed: {names}."
        raise InvalidTransitionError(detail, current=current, allowed=allowed)
    has_note = bool(note and note.strip())
    if target in FINAL_STATUSES and not has_note:
        raise ValidationError(
            f"Moving a task to {target} needs a closure note saying how it ended.", field="note"
        )
    if current in FINAL_STATUSES and not has_note:
        raise ValidationError("Reopening a closed task needs a reason.", field="note")
    if target == S.on_hold and not has_note:
        raise ValidationError(
            "Putting a task on hold needs a reason (what it waits for).", field="note"
        )
    if target == S.in_progress and not has_assignee:
        raise ValidationError(
            "A task in progress needs an owner; assign it first.", field="assignee"
        )


def check_editable(current: TaskStatus) -> None:
    """Final tasks are frozen; the only way back is a reopen transition."""
    if current in FINAL_STATUSES:
        raise TaskClosedError(
            f"The task is {current}; reopen it (to pending or unaddressed) before editing.",
            allowed=sorted(REOPEN_TARGETS, key=_ORDER.index),
        )


def check_assignee_removal(current: TaskStatus) -> None:
    if current == S.in_progress:
        raise ValidationError(
            "A task in progress needs an owner; reassign it instead of unassigning.",
            field="assignee",
        )


def is_overdue(due_date: date | None, status: TaskStatus, today: date) -> bool:
    """Past its due date and still active. ``Task.is_overdue`` and ``TaskRow.is_overdue``
    ask this; ``repository.overdue(today)`` is the same rule in SQL."""
    return due_date is not None and due_date < today and status in ACTIVE_STATUSES
