"""The scheduled jobs, when each is due, and the claim that keeps a run single.

Several worker processes may run against one database: a run is claimed by a
compare-and-set on ``job_runs.started_at``, so exactly one worker's update matches.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import Engine, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workitems.auth import sessions
from workitems.clock import utc_now
from workitems.config import Settings
from workitems.db import session_scope
from workitems.jobs.models import JobRun
from workitems.notify import retention
from workitems.task import cleanup, reminders

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    #: Weekday (Monday = 0), or ``None`` for every day, and UTC time of day of each run.
    weekday: int | None
    at: time
    run: Callable[[Session, Settings], dict[str, Any]]

    def last_slot(self, now: datetime) -> datetime:
        """The latest scheduled moment at or before ``now``."""
        period = 7 if self.weekday is not None else 1
        days_back = (now.weekday() - self.weekday) % 7 if self.weekday is not None else 0
        slot = datetime.combine(now.date() - timedelta(days=days_back), self.at, now.tzinfo)
        return slot if slot <= now else slot - timedelta(days=period)

    def is_due(self, last_started: datetime | None, now: datetime) -> bool:
        return last_started is None or last_started < self.last_slot(now)


def weekly_cleanup(session: Session, settings: Settings) -> dict[str, Any]:
    """The stale report, with a nudge for each owner not nudged in the last week."""
    run = cleanup.run_weekly_cleanup(session)
    by_owner: dict[str, int] = {}
    for item in run.stale:
        owner = item.task.assignee.email if item.task.assignee else "(no owner)"
        by_owner[owner] = by_owner.get(owner, 0) + 1
    for owner, count in sorted(by_owner.items()):
        log.info("cleanup: %s has %d stale task(s)", owner, count)
    emailed = cleanup.queue_reports(session, run.stale) if settings.smtp_url else 0
    return {
        "stale": len(run.stale),
        "nudged": len(run.nudged),
        "emailed": emailed,
        "by_owner": by_owner,
    }


def purge_sessions(session: Session, _settings: Settings) -> dict[str, Any]:
    return {"expired_sessions_deleted": sessions.purge_expired(session)}


def due_reminders(session: Session, settings: Settings) -> dict[str, Any]:
    """``task.due_soon`` and ``task.overdue`` (once per task per day), then the digests."""
    today = utc_now().date()
    tasks = reminders.due_tasks(session, today=today, due_soon_days=settings.due_soon_days)
    result: dict[str, Any] = dict(reminders.emit_due_reminders(session, tasks, today=today))
    result["digests"] = (
        reminders.queue_digests(session, tasks, today=today) if settings.smtp_url else 0
    )
    return result


def purge_events(session: Session, settings: Settings) -> dict[str, Any]:
    return retention.purge(session, keep_days=settings.events_keep_days)


JOBS: tuple[Job, ...] = (
    Job("cleanup.weekly_report", weekday=0, at=time(8, 0), run=weekly_cleanup),
    Job("notify.due_reminders", weekday=None, at=time(7, 0), run=due_reminders),
    Job("notify.purge", weekday=None, at=time(4, 0), run=purge_events),
    Job("auth.purge_sessions", weekday=6, at=time(3, 0), run=purge_sessions),
)


def run_due(
    engine: Engine, *, now: datetime | None = None, settings: Settings | None = None
) -> dict[str, dict[str, Any]]:
    """Run every job due at ``now`` that this process manages to claim; their results."""
    now = now or utc_now()
    settings = settings or Settings()
    results: dict[str, dict[str, Any]] = {}
    for job in JOBS:
        if _claim(engine, job, now):
            results[job.name] = _run(engine, job, settings)
    return results


def _claim(engine: Engine, job: Job, now: datetime) -> bool:
    with session_scope(engine) as session:
        run = session.get(JobRun, job.name)
        if run is None:
            run = JobRun(name=job.name)
            try:
                with session.begin_nested():
                    session.add(run)
            except IntegrityError:
                return False  # another worker created it; it will claim this slot
        if not job.is_due(run.started_at, now):
            return False
        previous = (
            JobRun.started_at.is_(None)
            if run.started_at is None
            else (JobRun.started_at == run.started_at)
        )
        claimed = session.execute(
            update(JobRun).where(JobRun.name == job.name, previous).values(started_at=now)
        )
        return bool(claimed.rowcount)  # type: ignore[attr-defined]


def _run(engine: Engine, job: Job, settings: Settings) -> dict[str, Any]:
    try:
        with session_scope(engine) as session:
            result = job.run(session, settings)
        ok = True
    except Exception as exc:  # a job's failure is recorded, never the worker's end
        log.exception("job %s failed", job.name)
        result, ok = {"error": str(exc)}, False
    with session_scope(engine) as session:
        session.execute(
            update(JobRun)
            .where(JobRun.name == job.name)
            .values(finished_at=utc_now(), ok=ok, result=result)
        )
    log.info("job %s finished: %s", job.name, result)
    return result
