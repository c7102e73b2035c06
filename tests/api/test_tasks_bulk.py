"""``POST /api/tasks/bulk`` through the real app, on both databases."""

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import auth, make_task, make_token, make_user
from workitems.task.enums import Priority, TaskStatus
from workitems.task.service import get_task
from workitems.user.models import User


class TestBulkUpdate:
    def test_assigns_each_and_reports_each_refusal(
        self, client: TestClient, session: Session, admin: User
    ) -> None:
        sam = make_user(session)
        open_task = make_task(session, title="Open")
        closed = make_task(session, actor=admin, title="Closed", status=TaskStatus.canceled)
        response = client.post(
            "/api/tasks/bulk",
            json={
                "action": "assign",
                "assignee": sam.email,
                "ids": [open_task.key, closed.id, "WI-999999"],
            },
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["updated"], body["failed"]) == (1, 2)
        first, second, third = body["results"]
        assert first == {
            "id": open_task.key,
            "status": "updated",
            "key": open_task.key,
            "version": get_task(session, open_task.id).version,
            "error": None,
        }
        assert (second["id"], second["status"], second["error"]["status"]) == (
            closed.id,
            "error",
            409,
        )
        assert third["error"]["status"] == 404
        assert get_task(session, open_task.id).assignee_id == sam.id

    def test_sets_priority(self, client: TestClient, session: Session) -> None:
        tasks = [make_task(session, title=f"Task {n}") for n in range(2)]
        response = client.post(
            "/api/tasks/bulk",
            json={"action": "priority", "priority": "high", "ids": [t.id for t in tasks]},
        )
        assert response.json()["updated"] == 2
        assert {get_task(session, t.id).priority for t in tasks} == {Priority.high}

    def test_closing_needs_the_note_per_task(self, client: TestClient, session: Session) -> None:
        task = make_task(session)
        response = client.post(
            "/api/tasks/bulk", json={"action": "status", "status": "completed", "ids": [task.id]}
        )
        [result] = response.json()["results"]
        assert result["error"]["status"] == 422
        assert get_task(session, task.id).status != TaskStatus.completed

    def test_a_missing_priority_is_422_for_the_batch(
        self, client: TestClient, session: Session
    ) -> None:
        task = make_task(session)
        response = client.post("/api/tasks/bulk", json={"action": "priority", "ids": [task.id]})
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"

    def test_needs_tasks_write(self, client: TestClient, session: Session, admin: User) -> None:
        task = make_task(session)
        reader = make_token(session, admin, ["tasks:read"])
        response = client.post(
            "/api/tasks/bulk",
            json={"action": "priority", "priority": "low", "ids": [task.id]},
            headers=auth(reader),
        )
        assert response.status_code == 403

    def test_an_id_no_database_stores_is_422(self, client: TestClient) -> None:
        response = client.post(
            "/api/tasks/bulk", json={"action": "priority", "priority": "low", "ids": [2**40]}
        )
        assert response.status_code == 422

    def test_missing_tasks_are_each_404(self, client: TestClient, session: Session) -> None:
        task = make_task(session)
        response = client.post(
            "/api/tasks/bulk",
            json={"action": "priority", "priority": "low", "ids": [999_999, task.key, "WI-x"]},
        )
        statuses = [r["error"]["status"] if r["error"] else 200 for r in response.json()["results"]]
        assert statuses == [404, 200, 404]
