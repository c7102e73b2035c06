"""The reports' queries: aggregates over tasks, owners and the review queue.

Reports read several domains' tables and write none; their queries are named here rather
than spread through the report's arithmetic. Aggregates run in the database, percentiles
are one ordered ``OFFSET`` probe each (portable across SQLite and PostgreSQL).
"""

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from workitems.staging.models import Candidate
from workitems.staging.repository import waiting
from workitems.task.enums import Priority, TaskStatus
from workitems.task.models import Task
from workitems.task.repository import overdue, status_in
from workitems.task.status import ACTIVE_STATUSES
from workitems.user.models import User


def active_counts(
    session: Session, today: date, week_end: date
) -> list[tuple[TaskStatus, Priority, int | None, int, int, int]]:
    """``(status, priority, owner_id, count, overdue, due_this_week)`` over the active
    tasks: one pass that the covering index ``ix_tasks_dashboard`` answers without
    reading a table row."""
    late = func.sum(case((overdue(today), 1), else_=0))
    due_soon = func.sum(case((and_(Task.due_date >= today, Task.due_date <= week_end), 1), else_=0))
    rows = session.execute(
        select(Task.status, Task.priority, Task.assignee_id, func.count(), late, due_soon)
        .where(Task.status.in_(sorted(ACTIVE_STATUSES)))
        .group_by(Task.status, Task.priority, Task.assignee_id)
    )
    return [(r[0], r[1], r[2], r[3], int(r[4] or 0), int(r[5] or 0)) for r in rows]


def status_changed_at_rank(session: Session, rank: int) -> datetime | None:
    """The ``rank``-th oldest ``status_changed_at`` of the active tasks (from 0): one
    ``OFFSET`` probe along ``ix_tasks_active_status_changed_at`` (index only)."""
    return session.scalar(
        select(Task.status_changed_at)
        .where(status_in(ACTIVE_STATUSES))
        .order_by(Task.status_changed_at)
        .offset(rank)
        .limit(1)
    )


def completed_between(session: Session, start: datetime, end: datetime) -> int:
    """Tasks completed in ``[start, end)``: an index-only range count on
    ``ix_tasks_status_closed_at``."""
    return (
        session.scalar(
            select(func.count())
            .select_from(Task)
            .where(Task.status == TaskStatus.completed)
            .where(Task.closed_at >= start, Task.closed_at < end)
        )
        or 0
    )


def users_by_id(session: Session, ids: Sequence[int]) -> dict[int, User]:
    return {user.id: user for user in session.scalars(select(User).where(User.id.in_(list(ids))))}


def waiting_candidates(session: Session, today: date) -> tuple[int, datetime | None]:
    """How many candidates wait for review, and when the oldest of them was staged."""
    count, oldest = session.execute(
        select(func.count(), func.min(Candidate.created_at)).where(waiting(today))
    ).one()
    return int(count or 0), oldest
