"""The weekly cleanup as the CLI and the job both run it."""

from datetime import timedelta

from sqlalchemy.orm import Session

from tests.factories import make_task
from workitems.clock import utc_now
from workitems.task.cleanup import run_weekly_cleanup
from workitems.task.models import Task
from workitems.user.models import User


def _idle(session: Session, admin: User, title: str, days: int) -> Task:
    task = make_task(session, actor=admin, title=title, assignee=admin.id)
    task.updated_at = utc_now() - timedelta(days=days)
    session.flush()
    return task


class TestRunWeeklyCleanup:
    def test_reports_the_stale_and_nudges_them(self, session: Session, admin: User) -> None:
        old = _idle(session, admin, "Chase the NDA", days=20)
        _idle(session, admin, "Fresh work", days=1)
        run = run_weekly_cleanup(session)
        assert [item.task.id for item in run.stale] == [old.id]
        assert [item.task.id for item in run.nudged] == [old.id]

    def test_a_dry_run_nudges_nobody(self, session: Session, admin: User) -> None:
        _idle(session, admin, "Chase the NDA", days=20)
        run = run_weekly_cleanup(session, dry_run=True)
        assert len(run.stale) == 1
        assert run.nudged == []
        assert len(run_weekly_cleanup(session).nudged) == 1

    def test_no_second_nudge_within_the_week(self, session: Session, admin: User) -> None:
        _idle(session, admin, "Chase the NDA", days=20)
        run_weekly_cleanup(session)
        again = run_weekly_cleanup(session)
        assert len(again.stale) == 1
        assert again.nudged == []
