from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workitems.clock import utc_now
from workitems.db import Base, str_enum
from workitems.staging.enums import CandidateSource, ReviewState
from workitems.task.enums import Priority
from workitems.task.models import task_key
from workitems.user.models import User


class Candidate(Base):
    """A proposed task, with where it came from, waiting for review."""

    __tablename__ = "candidates"
    __table_args__ = (Index("ix_candidates_state_id", "state", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    #: The owner as written or heard ("Priya", "the designers"), kept even when resolved.
    assignee_raw: Mapped[str | None] = mapped_column(String(200), default=None)
    due_date: Mapped[date | None] = mapped_column(default=None)
    due_phrase: Mapped[str | None] = mapped_column(String(200), default=None)
    priority: Mapped[Priority] = mapped_column(
        str_enum(Priority, "candidate_priority"), default=Priority.none
    )
    labels: Mapped[list[str]] = mapped_column(JSON, default=list)
    source: Mapped[CandidateSource] = mapped_column(
        str_enum(CandidateSource, "candidate_source"), default=CandidateSource.manual
    )
    transcript_id: Mapped[int | None] = mapped_column(default=None, index=True)
    #: ``[{utterance_index, speaker, start, quote}]``
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    confidence: Mapped[float | None] = mapped_column(default=None)
    #: How firm the commitment was when said: firm, tentative or suggestion.
    commitment: Mapped[str | None] = mapped_column(String(20), default=None)
    extractor: Mapped[str | None] = mapped_column(String(100), default=None)
    extractor_version: Mapped[str | None] = mapped_column(String(50), default=None)
    state: Mapped[ReviewState] = mapped_column(
        str_enum(ReviewState, "candidate_state"), default=ReviewState.staged
    )
    snoozed_until: Mapped[date | None] = mapped_column(default=None)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    reviewed_at: Mapped[datetime | None] = mapped_column(default=None)
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    #: The task this candidate became (approved) or was merged into (duplicate).
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"), default=None)
    #: The candidate this one was merged into (a duplicate of another candidate).
    merged_into_id: Mapped[int | None] = mapped_column(default=None)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)
    version: Mapped[int] = mapped_column(default=1)

    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id], lazy="joined")
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id], lazy="joined")

    __mapper_args__ = {"version_id_col": version}

    @property
    def task_key(self) -> str | None:
        """The key of the task this candidate became or was merged into."""
        return None if self.task_id is None else task_key(self.task_id)
