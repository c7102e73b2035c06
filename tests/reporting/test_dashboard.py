"""Dashboard numbers against hand-counted fixtures, on both databases."""

from datetime import UTC, date, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import make_task, make_user
from workitems.reporting.dashboard import build_dashboard
from workitems.staging.schemas import CandidateIn
from workitems.staging.service import stage_candidate
from workitems.task.enums import Priority, TaskStatus
from workitems.user.models import User

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # a Wednesday
TODAY = NOW.date()


def _aged(task: object, days: int) -> None:
    task.status_changed_at = NOW - timedelta(days=days)  # type: ignore[attr-defined]


class TestBuildDashboard:
    def test_hand_counted(self, session: Session, admin: User) -> None:
        sam = make_user(session)
        a = make_task(
            session,
            actor=admin,
            title="A",
            assignee=sam.id,
            priority=Priority.high,
            due_date=TODAY - timedelta(days=1),
        )
        b = make_task(
            session, actor=admin, title="B", assignee=sam.id, due_date=date(2026, 11, 29)
        )  # Sunday: still this week
        c = make_task(session, actor=admin, title="C", due_date=date(2026, 11, 30))
        d = make_task(
            session,
            actor=admin,
            title="D",
            assignee=admin.id,
            status=TaskStatus.on_hold,
            note="waiting",
        )
        done = make_task(session, actor=admin, title="E", status=TaskStatus.completed, note="ok")
        old = make_task(session, actor=admin, title="F", status=TaskStatus.completed, note="ok")
        make_task(session, actor=admin, title="G", status=TaskStatus.canceled, note="no")
        for task, days in ((a, 1), (b, 2), (c, 3), (d, 10)):
            _aged(task, days)
        done.closed_at = NOW - timedelta(days=1)  # this week (Monday 23rd onwards)
        old.closed_at = NOW - timedelta(days=9)  # the week of the 16th
        stage_candidate(session, CandidateIn(title="Book the venue"), actor_id=admin.id)
        session.flush()

        figures = build_dashboard(session, now=NOW)

        assert figures.by_status == {"unaddressed": 1, "pending": 2, "in_progress": 0, "on_hold": 1}
        assert figures.by_priority == {"high": 1, "none": 3}
        assert [(o["email"], o["active"], o["overdue"]) for o in figures.by_owner] == [
            (sam.email, 2, 1),
            (admin.email, 1, 0),
        ]
        assert figures.unassigned == 1
        assert figures.overdue == 1
        assert figures.due_this_week == 1
        assert figures.aging_median_days == 2.0
        assert figures.aging_p90_days == 10.0
        assert [w["completed"] for w in figures.throughput][-2:] == [1, 1]
        assert len(figures.throughput) == 8
        assert figures.throughput[-1]["week"] == "2026-11-23"
        assert figures.staged_waiting == 1
        assert figures.oldest_staged_days is not None

    def test_empty(self, session: Session) -> None:
        figures = build_dashboard(session, now=NOW)
        assert figures.aging_median_days is None
        assert figures.unassigned == 0
        assert sum(w["completed"] for w in figures.throughput) == 0


class TestDashboardRoute:
    def test_served(self, client: TestClient, session: Session, admin: User) -> None:
        make_task(session, actor=admin, title="Send the deck")
        body = client.get("/api/tasks/dashboard").json()
        assert body["by_status"]["unaddressed"] == 1
        assert body["unassigned"] == 1
        assert set(body) >= {"throughput", "aging_p90_days", "staged_waiting", "by_owner"}
