"""How a candidate is written and read. Unknown fields are refused (422)."""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Annotated, Any, Protocol

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    StringConstraints,
)

from workitems.bounds import STRIP, STRIP_NONBLANK, Count, Day, Flag, Fraction, Id
from workitems.staging.enums import (
    CandidateSource,
    Commitment,
    ReviewAction,
    ReviewState,
    StageOutcome,
)
from workitems.staging.models import Candidate
from workitems.staging.repository import CandidateRow
from workitems.staging.warnings import ReviewWarning
from workitems.task.enums import Priority
from workitems.task.schemas import Description, Label, Title
from workitems.user.schemas import UserRef

#: A user id, an email, or the name as heard ("Priya", "the designer").
AssigneeInput = Id | Annotated[str, StringConstraints(min_length=1, max_length=200), STRIP_NONBLANK]
Reason = Annotated[str, StringConstraints(max_length=20_000), STRIP]


class Evidence(BaseModel):
    model_config = ConfigDict(extra="forbid")

    utterance_index: Count | None = None
    speaker: Annotated[str, StringConstraints(max_length=200)] | None = None
    start: StrictFloat | StrictInt | str | None = Field(
        default=None, description="Seconds, or a timestamp."
    )
    quote: Annotated[str, StringConstraints(max_length=5_000)] = ""
    context: Flag = Field(
        default=False,
        description="A line around the evidence, kept for provenance: not quoted, not searched.",
    )


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CandidateIn(_Input):
    title: Title
    description: Description = ""
    assignee: AssigneeInput | None = None
    assignee_heard: Annotated[str, StringConstraints(max_length=200)] | None = Field(
        default=None,
        description="The owner's name as heard in the meeting, when `assignee` is an email or id.",
    )
    due: Day | None = Field(default=None, validation_alias=AliasChoices("due", "due_date"))
    due_phrase: Annotated[str, StringConstraints(max_length=200)] | None = None
    priority: Priority = Priority.none
    labels: list[Label] = Field(default_factory=list, max_length=20)
    source: CandidateSource | None = None
    transcript_id: Id | None = None
    evidence: list[Evidence] = Field(default_factory=list, max_length=100)
    confidence: Fraction | None = None
    commitment: Commitment | None = None
    extractor: Annotated[str, StringConstraints(max_length=100)] | None = None
    extractor_version: Annotated[str, StringConstraints(max_length=50)] | None = None


class CandidateUpdate(_Input):
    """Only the fields sent change; ``null`` clears."""

    title: Title | None = None
    description: Description | None = None
    assignee: AssigneeInput | None = None
    due: Day | None = Field(default=None, validation_alias=AliasChoices("due", "due_date"))
    due_phrase: Annotated[str, StringConstraints(max_length=200)] | None = None
    priority: Priority | None = None
    labels: list[Label] | None = Field(default=None, max_length=20)


class RejectIn(_Input):
    reason: Reason = Field(description="Why it is not work; required.")


class BulkIn(_Input):
    candidates: list[Any] = Field(
        max_length=1000, description="Up to 1,000 candidates, each shaped as for a single stage."
    )


class BulkItemOut(BaseModel):
    index: int
    status: StageOutcome = Field(
        description="`created`, `invalid`, or `skipped` (atomic, not created)."
    )
    id: int | None = None
    errors: list[dict[str, str]] | None = None


class BulkResult(BaseModel):
    created: int
    invalid: int
    results: list[BulkItemOut]


class DuplicateIn(_Input):
    task_id: Id | Annotated[str, StringConstraints(min_length=1), STRIP_NONBLANK] = Field(
        description="The existing task: id or key (WI-42)."
    )
    reason: Reason | None = None


class SnoozeIn(_Input):
    until: Day
    reason: Reason | None = None


class ReviewIn(_Input):
    action: ReviewAction
    ids: list[Id] = Field(min_length=1, max_length=1000)
    reason: Reason | None = Field(default=None, description="Required to reject.")


class ReviewItem(BaseModel):
    id: int
    status: str = Field(description="`approved`, `rejected` or `error`.")
    task_key: str | None = None
    error: dict[str, Any] | None = Field(
        default=None, description="`{status, title, detail}` when this item failed."
    )


class ReviewResult(BaseModel):
    results: list[ReviewItem]


class WarningOut(BaseModel):
    code: str
    message: str
    matches: list[dict[str, Any]] | None = None


class CandidateOut(BaseModel):
    id: int
    title: str
    description: str
    assignee: UserRef | None
    assignee_raw: str | None
    due: date | None
    due_phrase: str | None
    priority: Priority
    labels: list[str]
    source: CandidateSource
    transcript_id: int | None
    evidence: list[dict[str, Any]]
    confidence: float | None
    commitment: str | None
    extractor: str | None
    extractor_version: str | None
    state: ReviewState
    snoozed_until: date | None
    reviewer: UserRef | None
    reviewed_at: datetime | None
    reason: str | None
    task_id: int | None
    task_key: str | None
    created_at: datetime
    updated_at: datetime
    version: int
    warnings: list[WarningOut]

    @classmethod
    def of(
        cls, candidate: Candidate | CandidateRow, warnings: Sequence[ReviewWarning]
    ) -> "CandidateOut":
        """From an ORM candidate or a plain row: the same answer, byte for byte."""
        return cls(
            id=candidate.id,
            title=candidate.title,
            description=candidate.description,
            assignee=_ref(candidate.assignee),
            assignee_raw=candidate.assignee_raw,
            due=candidate.due_date,
            due_phrase=candidate.due_phrase,
            priority=candidate.priority,
            labels=list(candidate.labels or []),
            source=candidate.source,
            transcript_id=candidate.transcript_id,
            evidence=list(candidate.evidence or []),
            confidence=candidate.confidence,
            commitment=candidate.commitment,
            extractor=candidate.extractor,
            extractor_version=candidate.extractor_version,
            state=candidate.state,
            snoozed_until=candidate.snoozed_until,
            reviewer=_ref(candidate.reviewer),
            reviewed_at=candidate.reviewed_at,
            reason=candidate.reason,
            task_id=candidate.task_id,
            task_key=candidate.task_key,
            created_at=candidate.created_at,
            updated_at=candidate.updated_at,
            version=candidate.version,
            warnings=[
                WarningOut(code=w.code, message=w.message, matches=w.matches) for w in warnings
            ],
        )


class _Person(Protocol):
    """A user, or the columns of one read for a plain row."""

    @property
    def id(self) -> int: ...
    @property
    def email(self) -> str: ...
    @property
    def display_name(self) -> str: ...


def _ref(person: _Person | None) -> UserRef | None:
    if person is None:
        return None
    return UserRef(id=person.id, email=person.email, name=person.display_name)


class CandidatePage(BaseModel):
    items: list[CandidateOut]
    next_cursor: str | None
