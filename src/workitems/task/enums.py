from enum import StrEnum


class TaskStatus(StrEnum):
    unaddressed = "unaddressed"
    pending = "pending"
    in_progress = "in_progress"
    on_hold = "on_hold"
    completed = "completed"
    canceled = "canceled"


class Priority(StrEnum):
    none = "none"
    low = "low"
    medium = "medium"
    high = "high"
    urgent = "urgent"

    @property
    def rank(self) -> int:
        return PRIORITY_ORDER.index(self)


PRIORITY_ORDER: tuple[Priority, ...] = tuple(Priority)


class TaskSource(StrEnum):
    manual = "manual"
    staged = "staged"
    transcript = "transcript"
    import_ = "import"


class EventKind(StrEnum):
    created = "created"
    updated = "updated"
    transitioned = "transitioned"
    reopened = "reopened"
    assigned = "assigned"
    commented = "commented"
    #: The weekly cleanup asked the owner whether the task is still alive.
    nudged = "nudged"


class BulkAction(StrEnum):
    """The one change a bulk edit applies to each selected task."""

    assign = "assign"
    priority = "priority"
    status = "status"


class BulkItemStatus(StrEnum):
    updated = "updated"
    error = "error"


class StaleReason(StrEnum):
    #: No update in ``days``.
    idle = "idle"
    #: On hold longer than ``hold_days``.
    held = "held"


class SweepAction(StrEnum):
    nudge = "nudge"
    snooze = "snooze"
    cancel = "cancel"


class SweepOutcome(StrEnum):
    nudged = "nudged"
    snoozed = "snoozed"
    canceled = "canceled"
    error = "error"
