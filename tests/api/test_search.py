"""``/api/tasks/search`` and ``GET /api/tasks?q=``: the HTTP face of search."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import make_task
from workitems.task.enums import TaskStatus
from workitems.task.models import Task
from workitems.user.models import User


class TestSearchRoute:
    def test_results_with_counts(self, client: TestClient, session: Session, admin: User) -> None:
        mine = make_task(session, actor=admin, title="Renew the domain", assignee=admin.id)
        make_task(session, actor=admin, title="Renew the lease")
        make_task(
            session, actor=admin, title="Renew the badge", status=TaskStatus.canceled, note="no"
        )

        response = client.get("/api/tasks/search", params={"q": "renew assignee:me"})
        assert response.status_code == 200
        body = response.json()
        assert [t["key"] for t in body["items"]] == [mine.key]
        assert body["count"] == 1
        assert (body["count_capped"], body["count_text"], body["sort"]) == (False, "1", "updated")

        body = client.get("/api/tasks/search", params={"q": "renew", "limit": 1}).json()
        assert body["count"] == 2
        assert body["next_cursor"]
        second = client.get(
            "/api/tasks/search", params={"q": "renew", "limit": 1, "cursor": body["next_cursor"]}
        ).json()
        assert {body["items"][0]["title"], second["items"][0]["title"]} == {
            "Renew the domain",
            "Renew the lease",
        }
        assert second["next_cursor"] is None

    def test_malformed_query_is_422_naming_term_and_position(self, client: TestClient) -> None:
        response = client.get("/api/tasks/search", params={"q": "billing priority:>=huge"})
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert problem["term"] == "priority:>=huge"
        assert problem["position"] == 8
        assert "huge" in problem["detail"]
        assert problem["errors"][0]["field"] == "q"

    def test_cursor_from_another_sort_is_refused(
        self, client: TestClient, session: Session, admin: User
    ) -> None:
        for i in range(3):
            make_task(session, actor=admin, title=f"Ship crate {i}")
        first = client.get("/api/tasks/search", params={"q": "crate", "limit": 1}).json()
        response = client.get(
            "/api/tasks/search",
            params={"q": "crate", "sort": "relevance", "cursor": first["next_cursor"]},
        )
        assert response.status_code == 422
        assert "cursor" in response.json()["detail"]

    def test_cost_guard_answers_with_a_problem(
        self,
        client: TestClient,
        app: FastAPI,
        session: Session,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        words = " ".join(f"term{j}" for j in range(150))
        session.add_all(Task(title=f"Review item {i}", description=words) for i in range(1500))
        session.flush()
        monkeypatch.setattr(app.state.settings, "search_timeout_ms", 1)
        response = client.get(
            "/api/tasks/search", params={"q": "-nothing review* term1*", "sort": "relevance"}
        )
        assert response.status_code == 422
        problem = response.json()
        assert problem["type"] == "urn:workitems:problem:query-too-expensive"
        assert problem["timeout_ms"] == 1


class TestListWithQuery:
    def test_q_narrows_the_list_and_keeps_other_filters(
        self, client: TestClient, session: Session, admin: User
    ) -> None:
        urgent = make_task(session, actor=admin, title="Patch the gateway", priority="urgent")
        make_task(session, actor=admin, title="Patch the printer", priority="low")
        make_task(session, actor=admin, title="Order lunch", priority="urgent")

        body = client.get("/api/tasks", params={"q": "patch", "priority": "urgent"}).json()
        assert [t["key"] for t in body["items"]] == [urgent.key]

        body = client.get("/api/tasks", params={"q": "priority:>=high", "sort": "key"}).json()
        assert [t["title"] for t in body["items"]] == ["Patch the gateway", "Order lunch"]

    def test_q_can_reach_closed_work(
        self, client: TestClient, session: Session, admin: User
    ) -> None:
        done = make_task(
            session, actor=admin, title="File taxes", status=TaskStatus.completed, note="filed"
        )
        assert client.get("/api/tasks", params={"q": "taxes"}).json()["items"] == []
        body = client.get("/api/tasks", params={"q": "taxes is:closed"}).json()
        assert [t["key"] for t in body["items"]] == [done.key]

    def test_malformed_q_is_422(self, client: TestClient) -> None:
        response = client.get("/api/tasks", params={"q": 'status:pending "open'})
        assert response.status_code == 422
        assert response.json()["position"] == 15
