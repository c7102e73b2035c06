"""``/api/tasks/stale``: the weekly cleanup report, on both databases."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import make_task
from workitems.clock import utc_now
from workitems.task.enums import TaskStatus
from workitems.task.models import Task
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


def _stale_task(session: Session, actor: User, title: str, **fields: object) -> Task:
    task = make_task(session, actor=actor, title=title, **fields)
    task.updated_at = utc_now() - timedelta(days=30)
    session.flush()
    return task


class TestSweep:
    def test_nudge_records_an_event_the_owner_sees_and_changes_nothing_else(
        self, client: TestClient, session: Session, admin: User
    ) -> None:
        task = _stale_task(session, admin, "Chase the auditors", assignee=admin.id)
        before = (task.updated_at, task.version)

        response = client.post(
            "/api/tasks/stale/sweep", json={"action": "nudge", "ids": [task.key]}
        )
        assert response.status_code == 200
        assert response.json()["results"] == [
            {"id": task.key, "key": task.key, "status": "nudged", "error": None}
        ]
        history = client.get(f"/api/tasks/{task.key}/history").json()["items"]
        assert history[-1]["kind"] == "nudged"
        assert "No update in 30 days" in history[-1]["reason"]
        session.refresh(task)
        assert (task.updated_at, task.version) == before

        report = client.get("/api/tasks/stale").json()["items"]
        assert report[0]["key"] == task.key
        assert report[0]["last_nudged_at"] is not None
        assert (report[0]["stale_reason"], report[0]["idle_days"]) == ("idle", 30)

    def test_snooze_hides_until_the_date(
        self, client: TestClient, session: Session, admin: User
    ) -> None:
        task = _stale_task(session, admin, "Renegotiate the lease")
        until = (utc_now().date() + timedelta(days=10)).isoformat()
        response = client.post(
            "/api/tasks/stale/sweep",
            json={"action": "snooze", "ids": [task.id], "until": until, "note": "after Q4"},
        )
        assert response.json()["results"][0]["status"] == "snoozed"
        assert client.get("/api/tasks/stale").json()["items"] == []
        assert client.get(f"/api/tasks/{task.key}").json()["snoozed_until"] == until

        past = client.post(
            "/api/tasks/stale/sweep",
            json={"action": "snooze", "ids": [task.id], "until": "2020-01-01"},
        ).json()["results"][0]
        assert past["status"] == "error"
        assert past["error"]["status"] == 422

    def test_cancel_needs_a_note_and_reports_each_item(
        self, client: TestClient, session: Session, admin: User
    ) -> None:
        stale = _stale_task(session, admin, "Evaluate the old CRM")
        closed = make_task(
            session, actor=admin, title="Done already", status=TaskStatus.completed, note="ok"
        )

        response = client.post(
            "/api/tasks/stale/sweep", json={"action": "cancel", "ids": [stale.id]}
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "note"
        assert client.get(f"/api/tasks/{stale.key}").json()["status"] != "canceled"

        response = client.post(
            "/api/tasks/stale/sweep",
            json={
                "action": "cancel",
                "ids": [stale.id, closed.id, 999_999],
                "note": "Nobody needs it any more",
            },
        )
        results = response.json()["results"]
        assert [r["status"] for r in results] == ["canceled", "error", "error"]
        assert [r["error"]["status"] for r in results[1:]] == [409, 404]
        task = client.get(f"/api/tasks/{stale.key}").json()
        assert (task["status"], task["closure_note"]) == ("canceled", "Nobody needs it any more")

    def test_unknown_action_is_422(self, client: TestClient) -> None:
        response = client.post("/api/tasks/stale/sweep", json={"action": "close", "ids": [1]})
        assert response.status_code == 422
