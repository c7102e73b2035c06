from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workitems.clock import utc_now
from workitems.db import Base, str_enum
from workitems.task.enums import EventKind, Priority, TaskSource, TaskStatus
from workitems.task.status import is_overdue
from workitems.user.models import User

KEY_PREFIX = "WI-"


def task_key(task_id: int) -> str:
    """What people call task 42: ``WI-42``."""
    return f"{KEY_PREFIX}{task_id}"


#: The active statuses as SQL, exactly as ``repository.status_in`` writes them, so both
#: databases can prove a query of active work may use a partial index.
ACTIVE_PREDICATE = "status NOT IN ('canceled', 'completed')"


class Task(Base):
    __tablename__ = "tasks"
    __table_args__ = (
        # Lists walk this newest first; status and due date ride along so the usual
        # filters (active, overdue) and capped counts never read a table row.
        Index("ix_tasks_updated_at_id_status", "updated_at", "id", "status", "due_date"),
        Index("ix_tasks_status_updated_at", "status", "updated_at"),
        Index("ix_tasks_assignee_id_status", "assignee_id", "status"),
        # Someone's work, newest first, with the status filter read from the index.
        Index("ix_tasks_assignee_id_updated_at", "assignee_id", "updated_at", "status"),
        Index("ix_tasks_due_date", "due_date"),
        # The dashboard's three reads, each answered from an index alone.
        Index("ix_tasks_dashboard", "status", "priority", "assignee_id", "due_date"),
        # Active tasks only (most rows are closed): the aging percentiles' OFFSET probes.
        Index(
            "ix_tasks_active_status_changed_at",
            "status_changed_at",
            sqlite_where=text(ACTIVE_PREDICATE),
            postgresql_where=text(ACTIVE_PREDICATE),
        ),
        Index("ix_tasks_status_closed_at", "status", "closed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[TaskStatus] = mapped_column(
        str_enum(TaskStatus, "task_status"), default=TaskStatus.unaddressed
    )
    priority: Mapped[Priority] = mapped_column(
        str_enum(Priority, "task_priority"), default=Priority.none
    )
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    due_date: Mapped[date | None] = mapped_column(default=None)
    source: Mapped[TaskSource] = mapped_column(
        str_enum(TaskSource, "task_source"), default=TaskSource.manual
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    closure_note: Mapped[str | None] = mapped_column(Text, default=None)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)
    #: When the task entered its current status: what aging and stale reports measure.
    status_changed_at: Mapped[datetime] = mapped_column(default=utc_now)
    version: Mapped[int] = mapped_column(default=1)
    #: The weekly cleanup leaves the task out of its stale report until this day.
    snoozed_until: Mapped[date | None] = mapped_column(default=None)
    #: Where an approved task came from: ``{candidate_id, transcript_id, evidence}``.
    provenance: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)

    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id], lazy="joined")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id], lazy="joined")
    label_rows: Mapped[list["TaskLabel"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="TaskLabel.label"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def key(self) -> str:
        return task_key(self.id)

    def is_overdue(self, today: date) -> bool:
        return is_overdue(self.due_date, self.status, today)

    @property
    def labels(self) -> list[str]:
        return [row.label for row in self.label_rows]

    def set_labels(self, labels: list[str]) -> None:
        current = {row.label: row for row in self.label_rows}
        self.label_rows = [current.get(label) or TaskLabel(label=label) for label in labels]


class TaskLabel(Base):
    __tablename__ = "task_labels"

    task_id: Mapped[int] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True
    )
    label: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


class TaskEvent(Base):
    """Append-only history: one row per change, with each field's old and new value."""

    __tablename__ = "task_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    at: Mapped[datetime] = mapped_column(default=utc_now)
    kind: Mapped[EventKind] = mapped_column(str_enum(EventKind, "task_event_kind"))
    #: ``{field: {"old": ..., "new": ...}}`` in JSON-ready values.
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    #: A nudge its owner dismissed: My work no longer shows it (history keeps it).
    dismissed_at: Mapped[datetime | None] = mapped_column(default=None)

    actor: Mapped[User | None] = relationship(lazy="joined")


class Comment(Base):
    __tablename__ = "task_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    author: Mapped[User | None] = relationship(lazy="joined")
