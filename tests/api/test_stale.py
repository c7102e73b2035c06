"""``/api/tasks/stale``: the weekly cleanup report, on both databases."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import make_task
from workitems.clock import utc_now
from workitems.task.enums import TaskStatus
from workitems.user.models import User


class TestStale:
    def test_idle_and_long_held_oldest_first(
        self, client: TestClient, session: Session, admin: User
    ) -> None:
        now = utc_now()
        fresh = make_task(session, actor=admin, title="Fresh")
        idle = make_task(session, actor=admin, title="Idle", assignee=admin.id)
        idler = make_task(session, actor=admin, title="Idler")
        held = make_task(
            session, actor=admin, title="Held", status=TaskStatus.on_hold, note="waiting on legal"
        )
        short_hold = make_task(
            session, actor=admin, title="Short hold", status=TaskStatus.on_hold, note="vendor"
        )
        closed = make_task(
            session, actor=admin, title="Closed", status=TaskStatus.completed, note="done"
        )
        idle.updated_at = now - timedelta(days=20)
        idler.updated_at = now - timedelta(days=40)
        held.status_changed_at = now - timedelta(days=45)
        short_hold.status_changed_at = now - timedelta(days=5)
        closed.updated_at = now - timedelta(days=99)
        session.flush()

        body = client.get("/api/tasks/stale", params={"days": 14, "hold_days": 30}).json()
        keys = [t["key"] for t in body["items"]]
        assert keys == [idler.key, idle.key, held.key]
        assert fresh.key not in keys
        assert body["items"][1]["assignee"]["email"] == admin.email

    def test_bad_days_is_422(self, client: TestClient) -> None:
        assert client.get("/api/tasks/stale", params={"days": 0}).status_code == 422
