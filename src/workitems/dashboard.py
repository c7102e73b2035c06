"""The dashboard's numbers: what is open, who holds it, what is late, how fast work moves,
and how much waits in the staging queue.

Aggregates run in the database; percentiles are read with one ordered ``OFFSET`` probe each
(portable across SQLite and PostgreSQL) instead of loading every row.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workitems.staging.enums import ReviewState
from workitems.staging.models import Candidate
from workitems.task.enums import TaskStatus
from workitems.task.models import Task
from workitems.task.repository import status_in
from workitems.task.status import ACTIVE_STATUSES
from workitems.user.models import User

THROUGHPUT_WEEKS = 8


@dataclass
class Dashboard:
    by_status: dict[str, int]
    by_priority: dict[str, int]
    by_owner: list[dict[str, Any]]
    unassigned: int
    overdue: int
    due_this_week: int
    aging_median_days: float | None
    aging_p90_days: float | None
    throughput: list[dict[str, Any]] = field(default_factory=list)
    staged_waiting: int = 0
    oldest_staged_days: float | None = None


def build_dashboard(session: Session, *, now: datetime) -> Dashboard:
    today = now.date()
    active = status_in(ACTIVE_STATUSES)
    by_status = {s.value: 0 for s in TaskStatus if s in ACTIVE_STATUSES}
    for status, count in session.execute(
        select(Task.status, func.count()).where(active).group_by(Task.status)
    ):
        by_status[status.value] = count
    by_priority = {
        priority.value: count
        for priority, count in session.execute(
            select(Task.priority, func.count()).where(active).group_by(Task.priority)
        )
    }
    owners = session.execute(
        select(User.id, User.email, User.display_name, func.count(Task.id))
        .join(Task, Task.assignee_id == User.id)
        .where(active)
        .group_by(User.id, User.email, User.display_name)
        .order_by(func.count(Task.id).desc(), User.display_name)
    ).all()
    overdue_rows = dict(
        session.execute(
            select(Task.assignee_id, func.count())
            .where(active)
            .where(Task.due_date < today)
            .group_by(Task.assignee_id)
        ).all()
    )
    by_owner = [
        {
            "id": uid,
            "email": email,
            "name": name,
            "active": count,
            "overdue": overdue_rows.get(uid, 0),
        }
        for uid, email, name, count in owners
    ]
    week_end = today + timedelta(days=6 - today.weekday())
    return Dashboard(
        by_status=by_status,
        by_priority=by_priority,
        by_owner=by_owner,
        unassigned=_count(session, active, Task.assignee_id.is_(None)),
        overdue=sum(overdue_rows.values()),
        due_this_week=_count(session, active, Task.due_date >= today, Task.due_date <= week_end),
        aging_median_days=_age_percentile(session, 0.5, now),
        aging_p90_days=_age_percentile(session, 0.9, now),
        throughput=_throughput(session, today),
        staged_waiting=session.scalar(
            select(func.count()).select_from(Candidate).where(Candidate.state == ReviewState.staged)
        )
        or 0,
        oldest_staged_days=_days_since(
            session.scalar(
                select(func.min(Candidate.created_at)).where(Candidate.state == ReviewState.staged)
            ),
            now,
        ),
    )


def _count(session: Session, *conditions: Any) -> int:
    return session.scalar(select(func.count()).select_from(Task).where(*conditions)) or 0


def _age_percentile(session: Session, fraction: float, now: datetime) -> float | None:
    """Days in the current status at ``fraction`` (nearest rank) over active tasks: the
    oldest ``status_changed_at`` first, so a high percentile is a long wait."""
    total = _count(session, status_in(ACTIVE_STATUSES))
    if total == 0:
        return None
    rank = max(0, min(total - 1, round((1 - fraction) * (total - 1))))
    changed = session.scalar(
        select(Task.status_changed_at)
        .where(status_in(ACTIVE_STATUSES))
        .order_by(Task.status_changed_at)
        .offset(rank)
        .limit(1)
    )
    return _days_since(changed, now)


def _throughput(session: Session, today: date) -> list[dict[str, Any]]:
    """Completed tasks per ISO week (Monday start), oldest week first, empty weeks kept."""
    this_monday = today - timedelta(days=today.weekday())
    weeks = [this_monday - timedelta(weeks=n) for n in range(THROUGHPUT_WEEKS - 1, -1, -1)]
    counts = dict.fromkeys(weeks, 0)
    closed = session.scalars(
        select(Task.closed_at)
        .where(Task.status == TaskStatus.completed)
        .where(Task.closed_at >= datetime.combine(weeks[0], datetime.min.time(), tzinfo=UTC))
    )
    for closed_at in closed:
        if closed_at is not None:
            day = closed_at.date()
            monday = day - timedelta(days=day.weekday())
            if monday in counts:
                counts[monday] += 1
    return [{"week": monday.isoformat(), "completed": n} for monday, n in counts.items()]


def _days_since(moment: datetime | None, now: datetime) -> float | None:
    return None if moment is None else round((now - moment).total_seconds() / 86400, 1)
