"""``/api/tasks`` through the real app, on both databases."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import make_task, make_user
from workitems.clock import utc_today
from workitems.task.enums import TaskStatus
from workitems.user.models import User

PROBLEM = "application/problem+json"


def _create(client: TestClient, **body: object) -> dict[str, object]:
    response = client.post("/api/tasks", json={"title": "Send the Q3 deck", **body})
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


class TestCreate:
    def test_returns_task_location_and_etag(self, client: TestClient) -> None:
        response = client.post(
            "/api/tasks",
            json={
                "title": "  Send the Q3 deck ",
                "assignee": "me",
                "labels": ["q3", "q3"],
                "priority": "high",
                "due_date": "2026-12-01",
            },
        )
        assert response.status_code == 201
        body = response.json()
        assert body["title"] == "Send the Q3 deck"
        assert body["status"] == "pending"
        assert body["labels"] == ["q3"]
        assert body["assignee"]["email"] == "admin@example.com"
        assert response.headers["location"] == f"/api/tasks/{body['key']}"
        assert response.headers["etag"] == '"1"'

    def test_accepts_due_as_alias(self, client: TestClient) -> None:
        assert _create(client, due="2026-12-05")["due_date"] == "2026-12-05"

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"title": ""}, "body.title"),
            ({"title": "x", "priority": "extreme"}, "body.priority"),
            ({"title": "x", "due_date": "tomorrow"}, "body.due_date"),
            ({"title": "x", "labels": "a"}, "body.labels"),
            ({"title": "x", "colour": "red"}, "body.colour"),
            ({"title": 5}, "body.title"),
        ],
    )
    def test_bad_input_is_422_naming_the_field(
        self, client: TestClient, body: dict[str, object], field: str
    ) -> None:
        response = client.post("/api/tasks", json=body)
        assert response.status_code == 422
        assert response.headers["content-type"] == PROBLEM
        assert field in [error["field"] for error in response.json()["errors"]]

    def test_malformed_json(self, client: TestClient) -> None:
        response = client.post(
            "/api/tasks", content=b'{"title": ', headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 422
        assert response.headers["content-type"] == PROBLEM

    def test_unknown_assignee(self, client: TestClient) -> None:
        response = client.post("/api/tasks", json={"title": "x", "assignee": "who@nowhere.io"})
        assert response.status_code == 422
        assert "who@nowhere.io" in response.json()["detail"]


class TestGet:
    def test_by_key_and_id(self, client: TestClient) -> None:
        created = _create(client)
        for ref in (created["key"], created["id"]):
            response = client.get(f"/api/tasks/{ref}")
            assert response.status_code == 200
            assert response.json()["id"] == created["id"]
            assert response.headers["etag"] == '"1"'

    def test_missing_is_404_problem(self, client: TestClient) -> None:
        response = client.get("/api/tasks/WI-987654")
        assert response.status_code == 404
        body = response.json()
        assert body["status"] == 404
        assert body["type"].startswith("urn:workitems:problem:")
        assert "WI-987654" in body["detail"]


class TestPatch:
    def test_needs_if_match(self, client: TestClient) -> None:
        key = _create(client)["key"]
        response = client.patch(f"/api/tasks/{key}", json={"title": "New"})
        assert response.status_code == 428
        assert response.headers["content-type"] == PROBLEM

    def test_with_current_etag(self, client: TestClient) -> None:
        key = _create(client)["key"]
        etag = client.get(f"/api/tasks/{key}").headers["etag"]
        response = client.patch(
            f"/api/tasks/{key}", json={"title": "New title"}, headers={"If-Match": etag}
        )
        assert response.status_code == 200
        assert response.json()["title"] == "New title"
        assert response.headers["etag"] == '"2"'

    def test_stale_etag_is_412(self, client: TestClient) -> None:
        key = _create(client)["key"]
        client.patch(f"/api/tasks/{key}", json={"title": "One"}, headers={"If-Match": '"1"'})
        response = client.patch(
            f"/api/tasks/{key}", json={"title": "Two"}, headers={"If-Match": '"1"'}
        )
        assert response.status_code == 412
        assert response.headers["etag"] == '"2"'
        assert client.get(f"/api/tasks/{key}").json()["title"] == "One"

    def test_weak_etag_accepted(self, client: TestClient) -> None:
        key = _create(client)["key"]
        response = client.patch(
            f"/api/tasks/{key}", json={"priority": "low"}, headers={"If-Match": 'W/"1"'}
        )
        assert response.status_code == 200

    def test_status_is_not_patchable(self, client: TestClient) -> None:
        key = _create(client)["key"]
        response = client.patch(
            f"/api/tasks/{key}", json={"status": "completed"}, headers={"If-Match": '"1"'}
        )
        assert response.status_code == 422

    def test_closed_task_is_409(self, client: TestClient) -> None:
        key = _create(client)["key"]
        client.post(f"/api/tasks/{key}/transition", json={"status": "completed", "note": "ok"})
        response = client.patch(
            f"/api/tasks/{key}", json={"title": "x"}, headers={"If-Match": '"2"'}
        )
        assert response.status_code == 409
        assert response.json()["allowed"] == ["unaddressed", "pending"]


class TestTransition:
    def test_invalid_is_409_listing_allowed(self, client: TestClient) -> None:
        key = _create(client, assignee="me")["key"]
        client.post(f"/api/tasks/{key}/transition", json={"status": "in_progress"})
        response = client.post(f"/api/tasks/{key}/transition", json={"status": "unaddressed"})
        assert response.status_code == 409
        body = response.json()
        assert body["current"] == "in_progress"
        assert body["allowed"] == ["pending", "on_hold", "completed", "canceled"]

    def test_final_needs_note(self, client: TestClient) -> None:
        key = _create(client)["key"]
        response = client.post(f"/api/tasks/{key}/transition", json={"status": "canceled"})
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "note"

    def test_completed_leaves_the_active_queue(self, client: TestClient) -> None:
        key = _create(client)["key"]
        response = client.post(
            f"/api/tasks/{key}/transition", json={"status": "completed", "note": "Sent"}
        )
        assert response.status_code == 200
        assert response.json()["closure_note"] == "Sent"
        listed = client.get("/api/tasks").json()["items"]
        assert key not in [t["key"] for t in listed]
        closed = client.get("/api/tasks", params={"status": "completed"}).json()["items"]
        assert key in [t["key"] for t in closed]

    def test_stale_if_match_is_412(self, client: TestClient) -> None:
        key = _create(client)["key"]
        response = client.post(
            f"/api/tasks/{key}/transition", json={"status": "pending"}, headers={"If-Match": '"9"'}
        )
        assert response.status_code == 412


class TestAssign:
    def test_reassign_by_email(self, client: TestClient, session: Session) -> None:
        make_user(session, email="priya@example.com", name="Priya Shah")
        key = _create(client, assignee="me")["key"]
        response = client.post(f"/api/tasks/{key}/assign", json={"assignee": "priya@example.com"})
        assert response.status_code == 200
        assert response.json()["assignee"]["email"] == "priya@example.com"
        history = client.get(f"/api/tasks/{key}/history").json()["items"]
        assert history[-1]["kind"] == "assigned"
        assert history[-1]["changes"]["assignee"]["new"]["email"] == "priya@example.com"

    def test_deactivated_user_refused(self, client: TestClient, session: Session) -> None:
        gone = make_user(session, email="gone@example.com", name="Gone")
        gone.is_active = False
        session.flush()
        key = _create(client)["key"]
        response = client.post(f"/api/tasks/{key}/assign", json={"assignee": gone.id})
        assert response.status_code == 422
        assert "deactivated" in response.json()["detail"]


class TestComments:
    def test_add_and_list(self, client: TestClient) -> None:
        key = _create(client)["key"]
        response = client.post(f"/api/tasks/{key}/comments", json={"body": "Finance wants PDF"})
        assert response.status_code == 201
        listed = client.get(f"/api/tasks/{key}/comments").json()["items"]
        assert [c["body"] for c in listed] == ["Finance wants PDF"]
        assert listed[0]["author"]["email"] == "admin@example.com"

    def test_empty_body_refused(self, client: TestClient) -> None:
        key = _create(client)["key"]
        assert client.post(f"/api/tasks/{key}/comments", json={"body": "  "}).status_code == 422


class TestList:
    def test_filters(self, client: TestClient, session: Session, admin: User) -> None:
        sam = make_user(session)
        today = utc_today()
        a = make_task(
            session,
            actor=admin,
            title="A",
            assignee=sam.id,
            priority="high",
            labels=["billing"],
            due_date=today - timedelta(days=2),
        )
        b = make_task(
            session,
            actor=admin,
            title="B",
            priority="low",
            labels=["ops"],
            due_date=today + timedelta(days=10),
        )
        c = make_task(
            session,
            actor=admin,
            title="C",
            assignee=admin.id,
            status=TaskStatus.on_hold,
            note="waiting",
        )
        make_task(session, actor=admin, title="D", status=TaskStatus.canceled, note="no")

        def keys(**params: object) -> set[str]:
            response = client.get("/api/tasks", params=params)
            assert response.status_code == 200, response.text
            return {t["key"] for t in response.json()["items"]}

        assert keys() == {a.key, b.key, c.key}
        assert keys(status="on_hold,pending") == {c.key, a.key}
        assert keys(priority=["high", "low"]) == {a.key, b.key}
        assert keys(assignee="none") == {b.key}
        assert keys(assignee="me") == {c.key}
        assert keys(assignee=sam.email) == {a.key}
        assert keys(assignee=str(sam.id)) == {a.key}
        assert keys(label="billing") == {a.key}
        assert keys(overdue="true") == {a.key}
        assert keys(due_before=str(today)) == {a.key}
        assert keys(due_after=str(today)) == {b.key}
        assert len(keys(status="all")) == 4

    def test_pagination(self, client: TestClient, session: Session, admin: User) -> None:
        made = {make_task(session, actor=admin, title=f"T{i}").key for i in range(5)}
        seen: list[str] = []
        params: dict[str, object] = {"limit": 2}
        while True:
            body = client.get("/api/tasks", params=params).json()
            seen.extend(t["key"] for t in body["items"])
            if not body["next_cursor"]:
                break
            params["cursor"] = body["next_cursor"]
        assert sorted(seen) == sorted(made)

    @pytest.mark.parametrize(
        "params",
        [
            {"limit": 201},
            {"limit": 0},
            {"status": "done"},
            {"sort": "colour"},
            {"cursor": "!!!"},
            {"assignee": "someone"},
            {"due_before": "soon"},
        ],
    )
    def test_bad_params_are_422(self, client: TestClient, params: dict[str, object]) -> None:
        response = client.get("/api/tasks", params=params)
        assert response.status_code == 422
        assert response.headers["content-type"] == PROBLEM

    def test_cursor_from_other_sort_refused(
        self, client: TestClient, session: Session, admin: User
    ) -> None:
        for i in range(3):
            make_task(session, actor=admin, title=f"T{i}")
        cursor = client.get("/api/tasks", params={"limit": 1}).json()["next_cursor"]
        response = client.get("/api/tasks", params={"limit": 1, "sort": "due", "cursor": cursor})
        assert response.status_code == 422
