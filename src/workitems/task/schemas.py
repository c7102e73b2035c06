"""Request and response shapes for tasks. Unknown fields are refused (422), not ignored."""

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, StringConstraints, field_validator

from workitems.bounds import STRIP_NONBLANK, Day, Id
from workitems.clock import utc_today
from workitems.task.enums import (
    BulkAction,
    BulkItemStatus,
    EventKind,
    Priority,
    StaleReason,
    SweepAction,
    SweepOutcome,
    TaskSource,
    TaskStatus,
)
from workitems.task.models import Comment, Task, TaskEvent
from workitems.task.repository import PersonRef, TaskRow
from workitems.user.schemas import UserRef

Title = Annotated[str, StringConstraints(min_length=1, max_length=500), STRIP_NONBLANK]
Description = Annotated[str, StringConstraints(max_length=20_000)]
Label = Annotated[str, StringConstraints(min_length=1, max_length=64), STRIP_NONBLANK]
Note = Annotated[str, StringConstraints(max_length=20_000)]
#: A user id, an email, or ``me``.
AssigneeRef = Id | Annotated[str, StringConstraints(min_length=1), STRIP_NONBLANK]

MAX_LABELS = 20


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _unique_labels(labels: list[str] | None) -> list[str] | None:
    if labels is None:
        return None
    if len(labels) > MAX_LABELS:
        raise ValueError(f"at most {MAX_LABELS} labels")
    return list(dict.fromkeys(labels))


class TaskCreate(_Input):
    title: Title
    description: Description = ""
    status: TaskStatus = Field(
        default=TaskStatus.unaddressed,
        description="Initial status; a final one needs `closure_note`.",
    )
    priority: Priority = Priority.none
    assignee: AssigneeRef | None = None
    due_date: Day | None = Field(default=None, validation_alias=AliasChoices("due_date", "due"))
    labels: list[Label] = Field(default_factory=list)
    closure_note: Note | None = None

    _labels = field_validator("labels")(_unique_labels)


class TaskUpdate(_Input):
    """Every field optional; only the fields sent are changed (``null`` clears)."""

    title: Title | None = None
    description: Description | None = None
    priority: Priority | None = None
    assignee: AssigneeRef | None = None
    due_date: Day | None = Field(default=None, validation_alias=AliasChoices("due_date", "due"))
    labels: list[Label] | None = None
    reason: Note | None = Field(default=None, description="Why, kept in the history.")

    _labels = field_validator("labels")(_unique_labels)


class TransitionIn(_Input):
    status: TaskStatus
    note: Note | None = Field(
        default=None,
        description="Closure note (final statuses), hold reason (on_hold) or reopen reason.",
    )


class AssignIn(_Input):
    assignee: AssigneeRef | None = Field(
        description="User id, email, name, alias, unique name prefix or `me`; null or `none` "
        "unassigns."
    )
    reason: Note | None = None


class TaskBulkIn(_Input):
    action: BulkAction = Field(description="The one change applied to every task listed.")
    ids: list[Id | Annotated[str, StringConstraints(min_length=1), STRIP_NONBLANK]] = Field(
        min_length=1, max_length=500, description="Task ids or keys."
    )
    assignee: AssigneeRef | None = Field(
        default=None, description="For `assign`: as in `/assign`; null or `none` unassigns."
    )
    priority: Priority | None = Field(default=None, description="Required for `priority`.")
    status: TaskStatus | None = Field(default=None, description="Required for `status`.")
    note: Note | None = Field(
        default=None, description="For `status`: closure note, hold reason or reopen reason."
    )


class TaskBulkItem(BaseModel):
    id: int | str = Field(description="The id or key as given.")
    status: BulkItemStatus = Field(description="`updated` or `error`.")
    key: str | None = None
    version: int | None = Field(default=None, description="The new version, for If-Match.")
    error: dict[str, Any] | None = Field(
        default=None, description="`{status, title, detail}` when this item failed."
    )


class TaskBulkResult(BaseModel):
    updated: int
    failed: int
    results: list[TaskBulkItem]


class CommentIn(_Input):
    body: Annotated[str, StringConstraints(min_length=1, max_length=20_000), STRIP_NONBLANK]


class TaskOut(BaseModel):
    id: int
    key: str
    title: str
    description: str
    status: TaskStatus
    priority: Priority
    assignee: UserRef | None
    due_date: date | None
    overdue: bool
    labels: list[str]
    source: TaskSource
    created_by: UserRef | None
    closure_note: str | None
    closed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    status_changed_at: datetime
    version: int
    provenance: dict[str, Any] | None = Field(
        description="Where an approved task came from: candidate, transcript, evidence."
    )

    snoozed_until: date | None = Field(
        default=None, description="Left out of the stale report until this day."
    )

    @classmethod
    def of(cls, task: Task, *, today: date | None = None) -> "TaskOut":
        today = today or utc_today()
        return cls(
            id=task.id,
            key=task.key,
            title=task.title,
            description=task.description,
            status=task.status,
            priority=task.priority,
            assignee=UserRef.of(task.assignee) if task.assignee else None,
            due_date=task.due_date,
            overdue=task.is_overdue(today),
            labels=task.labels,
            source=task.source,
            created_by=UserRef.of(task.created_by) if task.created_by else None,
            closure_note=task.closure_note,
            closed_at=task.closed_at,
            created_at=task.created_at,
            updated_at=task.updated_at,
            status_changed_at=task.status_changed_at,
            version=task.version,
            provenance=task.provenance,
            snoozed_until=task.snoozed_until,
        )

    @classmethod
    def of_row(cls, row: TaskRow, *, today: date) -> "TaskOut":
        """From a plain row, without validating again what the database's types already
        guarantee (``model_construct``): the serialized answer is ``of``'s, byte for byte."""
        return cls.model_construct(
            id=row.id,
            key=row.key,
            title=row.title,
            description=row.description,
            status=row.status,
            priority=row.priority,
            assignee=_user_ref(row.assignee),
            due_date=row.due_date,
            overdue=row.is_overdue(today),
            labels=row.labels,
            source=row.source,
            created_by=_user_ref(row.created_by),
            closure_note=row.closure_note,
            closed_at=row.closed_at,
            created_at=row.created_at,
            updated_at=row.updated_at,
            status_changed_at=row.status_changed_at,
            version=row.version,
            provenance=row.provenance,
            snoozed_until=row.snoozed_until,
        )


def _user_ref(person: PersonRef | None) -> UserRef | None:
    if person is None:
        return None
    return UserRef.model_construct(id=person.id, email=person.email, name=person.name)


class TaskPage(BaseModel):
    items: list[TaskOut]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null at the end."
    )


class EventOut(BaseModel):
    id: int
    kind: EventKind
    at: datetime
    actor: UserRef | None
    changes: dict[str, Any]
    reason: str | None

    @classmethod
    def of(cls, event: TaskEvent) -> "EventOut":
        return cls(
            id=event.id,
            kind=event.kind,
            at=event.at,
            actor=UserRef.of(event.actor) if event.actor else None,
            changes=event.changes,
            reason=event.reason,
        )


class EventList(BaseModel):
    items: list[EventOut]


class CommentOut(BaseModel):
    id: int
    body: str
    author: UserRef | None
    created_at: datetime

    @classmethod
    def of(cls, comment: Comment) -> "CommentOut":
        return cls(
            id=comment.id,
            body=comment.body,
            author=UserRef.of(comment.author) if comment.author else None,
            created_at=comment.created_at,
        )


class CommentList(BaseModel):
    items: list[CommentOut]


class StaleTaskOut(TaskOut):
    stale_reason: StaleReason = Field(
        description="`idle` (no update in `days`) or `held` (on hold longer than `hold_days`)."
    )
    idle_days: int = Field(description="Days since the last update.")
    last_nudged_at: datetime | None = Field(description="When the owner was last nudged.")


class StaleReport(BaseModel):
    items: list[StaleTaskOut]
    next_cursor: str | None = None


class SweepIn(_Input):
    action: SweepAction
    ids: list[Id | Annotated[str, StringConstraints(min_length=1), STRIP_NONBLANK]] = Field(
        min_length=1, max_length=500, description="Task ids or keys."
    )
    note: Note | None = Field(
        default=None,
        description="Required to cancel (the closure note); the nudge message otherwise.",
    )
    until: Day | None = Field(
        default=None, description="Snooze end (a future date); default: in 14 days."
    )


class SweepItem(BaseModel):
    id: int | str = Field(description="The id or key as given.")
    key: str | None = None
    status: SweepOutcome = Field(description="`nudged`, `snoozed`, `canceled` or `error`.")
    error: dict[str, Any] | None = Field(
        default=None, description="`{status, title, detail}` when this item failed."
    )


class SweepResult(BaseModel):
    results: list[SweepItem]
