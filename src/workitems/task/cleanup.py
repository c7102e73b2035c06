"""The weekly cleanup: find work that stopped moving, and act on it only when asked.

Stale-bots that close issues on their own are resented, so nothing here cancels by itself:
the report lists, a nudge asks the owner (a history event), a snooze hides a task from the
report for a while, and cancel needs a person and a closure note.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from workitems.clock import utc_now, utc_today
from workitems.errors import ValidationError, WorkitemsError
from workitems.notify import outbox
from workitems.notify.enums import MailTopic
from workitems.task import repository, service
from workitems.task.enums import EventKind, StaleReason, SweepAction, TaskStatus
from workitems.task.models import Task

DEFAULT_SNOOZE_DAYS = 14
MAX_SWEEP = 500
#: ``workitems cleanup`` does not nudge a task again within this many days.
RENUDGE_DAYS = 7
#: The weekly report and its nudges cover this many stale tasks, longest idle first (the
#: API pages at 200; an operator's report should not stop there).
REPORT_LIMIT = 10_000


@dataclass(frozen=True)
class StaleItem:
    task: Task
    #: ``idle``: no update in ``days``; ``held``: on hold longer than ``hold_days``.
    reason: StaleReason
    idle_days: int
    last_nudged_at: datetime | None


def stale_report(
    session: Session, *, days: int = 14, hold_days: int = 30, limit: int = service.MAX_PAGE
) -> list[StaleItem]:
    now = utc_now()
    tasks = service.list_stale(session, days=days, hold_days=hold_days, limit=limit)
    nudged = repository.last_events(session, [t.id for t in tasks], EventKind.nudged)
    idle_cutoff = now - timedelta(days=days)
    return [
        StaleItem(
            task=task,
            reason=StaleReason.idle if task.updated_at < idle_cutoff else StaleReason.held,
            idle_days=(now - task.updated_at).days,
            last_nudged_at=nudged.get(task.id),
        )
        for task in tasks
    ]


def sweep(
    session: Session,
    *,
    action: SweepAction,
    ids: Sequence[int | str],
    actor_id: int,
    note: str | None = None,
    until: date | None = None,
) -> list[Task | WorkitemsError]:
    """Apply one action to many tasks, each in its own SAVEPOINT: a failure (a task closed
    meanwhile, say) is reported for that item and leaves the others applied."""
    note = (note or "").strip() or None
    if action is SweepAction.cancel and note is None:
        raise ValidationError("Canceling stale work needs a closure note.", field="note")
    if len(ids) > MAX_SWEEP:
        raise ValidationError(f"At most {MAX_SWEEP} tasks per sweep.", field="ids")
    until = until or utc_today() + timedelta(days=DEFAULT_SNOOZE_DAYS)
    results: list[Task | WorkitemsError] = []
    for ref in ids:
        try:
            with session.begin_nested():
                results.append(_apply(session, action, ref, actor_id, note, until))
        except WorkitemsError as error:
            results.append(error)
    return results


def _apply(
    session: Session,
    action: SweepAction,
    ref: int | str,
    actor_id: int,
    note: str | None,
    until: date,
) -> Task:
    if action is SweepAction.nudge:
        return service.nudge_task(session, ref, actor_id=actor_id, note=note)
    if action is SweepAction.snooze:
        return service.snooze_task(session, ref, until=until, actor_id=actor_id, note=note)
    return service.transition_task(
        session, ref, to=TaskStatus.canceled, note=note, actor_id=actor_id
    )


def queue_reports(session: Session, items: Sequence[StaleItem]) -> int:
    """Email each owner their part of the report (those who keep it on); how many."""
    by_owner: dict[int, list[StaleItem]] = defaultdict(list)
    for item in items:
        owner = item.task.assignee
        if owner is not None and owner.is_active:
            by_owner[owner.id].append(item)
    mails = [
        (
            owner_id,
            {
                "title": f"Weekly cleanup: {len(owned)} of your tasks have gone quiet",
                "sections": [
                    [
                        "Move each on, hold it or close it",
                        [
                            {
                                "key": i.task.key,
                                "title": i.task.title,
                                "due_date": None,
                                "note": f"idle {i.idle_days} days"
                                if i.reason == "idle"
                                else f"on hold, idle {i.idle_days} days",
                            }
                            for i in owned
                        ],
                    ]
                ],
            },
        )
        for owner_id, owned in by_owner.items()
    ]
    return outbox.queue_mail(session, MailTopic.cleanup, mails)


def nudge_stale(
    session: Session, items: Sequence[StaleItem], *, actor_id: int | None
) -> list[StaleItem]:
    """Nudge every listed task not nudged in the last week; returns the ones nudged."""
    recent = utc_now() - timedelta(days=RENUDGE_DAYS)
    due = [i for i in items if i.last_nudged_at is None or i.last_nudged_at < recent]
    for item in due:
        service.nudge_task(session, item.task.id, actor_id=actor_id, note=None)
    return due


@dataclass(frozen=True)
class WeeklyCleanup:
    #: Every stale task, longest idle first.
    stale: list[StaleItem]
    #: The ones nudged by this run (none on a dry run).
    nudged: list[StaleItem]


def run_weekly_cleanup(
    session: Session, *, days: int = 14, hold_days: int = 30, dry_run: bool = False
) -> WeeklyCleanup:
    """The weekly cleanup, for ``workitems cleanup`` and the ``cleanup.weekly_report`` job
    alike: the whole stale report, and a nudge for each owner not nudged in the last week.
    Nothing is canceled."""
    stale = stale_report(session, days=days, hold_days=hold_days, limit=REPORT_LIMIT)
    nudged = [] if dry_run else nudge_stale(session, stale, actor_id=None)
    return WeeklyCleanup(stale=stale, nudged=nudged)
