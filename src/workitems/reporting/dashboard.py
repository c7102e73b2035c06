"""The dashboard's numbers: what is open, who holds it, what is late, how fast work moves,
and how much waits in the staging queue.

The arithmetic is here; the queries are ``reporting/repository.py``.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from workitems.reporting import repository
from workitems.task.enums import TaskStatus
from workitems.task.status import ACTIVE_STATUSES

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
    week_end = today + timedelta(days=6 - today.weekday())
    counts = repository.active_counts(session, today, week_end)
    by_status = {s.value: 0 for s in TaskStatus if s in ACTIVE_STATUSES}
    by_priority: dict[str, int] = {}
    per_owner: dict[int, list[int]] = {}
    unassigned = overdue = due_this_week = 0
    for status, priority, owner_id, count, late, due_soon in counts:
        by_status[status.value] += count
        by_priority[priority.value] = by_priority.get(priority.value, 0) + count
        overdue += late
        due_this_week += due_soon
        if owner_id is None:
            unassigned += count
        else:
            tally = per_owner.setdefault(owner_id, [0, 0])
            tally[0] += count
            tally[1] += late
    users = repository.users_by_id(session, list(per_owner))
    by_owner = [
        {
            "id": uid,
            "email": users[uid].email,
            "name": users[uid].display_name,
            "active": active,
            "overdue": late,
        }
        for uid, (active, late) in sorted(
            per_owner.items(), key=lambda item: (-item[1][0], users[item[0]].display_name)
        )
    ]
    total = sum(by_status.values())
    staged_waiting, oldest_staged = repository.waiting_candidates(session, today)
    return Dashboard(
        by_status=by_status,
        by_priority=by_priority,
        by_owner=by_owner,
        unassigned=unassigned,
        overdue=overdue,
        due_this_week=due_this_week,
        aging_median_days=_age_percentile(session, 0.5, total, now),
        aging_p90_days=_age_percentile(session, 0.9, total, now),
        throughput=_throughput(session, today),
        staged_waiting=staged_waiting,
        oldest_staged_days=_days_since(oldest_staged, now),
    )


def _age_percentile(session: Session, fraction: float, total: int, now: datetime) -> float | None:
    """Days in the current status at ``fraction`` (nearest rank) over the ``total`` active
    tasks: the oldest ``status_changed_at`` first, so a high percentile is a long wait."""
    if total == 0:
        return None
    rank = max(0, min(total - 1, round((1 - fraction) * (total - 1))))
    return _days_since(repository.status_changed_at_rank(session, rank), now)


def _throughput(session: Session, today: date) -> list[dict[str, Any]]:
    """Completed tasks per ISO week (Monday start), oldest week first, empty weeks kept;
    one indexed range count per week on ``ix_tasks_status_closed_at``."""
    this_monday = today - timedelta(days=today.weekday())
    weeks = [this_monday - timedelta(weeks=n) for n in range(THROUGHPUT_WEEKS - 1, -1, -1)]
    starts = [datetime.combine(week, datetime.min.time(), tzinfo=UTC) for week in weeks]
    ends = [*starts[1:], starts[-1] + timedelta(weeks=1)]
    # One plain range count per week: each is an index-only count over a narrow range,
    # cheaper than one pass evaluating eight CASE expressions per row.
    return [
        {"week": week.isoformat(), "completed": repository.completed_between(session, start, end)}
        for week, start, end in zip(weeks, starts, ends, strict=True)
    ]


def _days_since(moment: datetime | None, now: datetime) -> float | None:
    return None if moment is None else round((now - moment).total_seconds() / 86400, 1)
