"""The scope matrix: every route times every scope, asserting 401 / 403 / 2xx."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, object_session

from tests.factories import auth, make_task, make_token
from workitems.auth.scopes import Scope
from workitems.staging.schemas import CandidateIn
from workitems.staging.service import stage_candidate
from workitems.task.models import Task
from workitems.user.models import User
from workitems.view.schemas import ViewCreate
from workitems.view.service import create_view


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    scope: Scope
    body: Callable[[Task], dict[str, object]] | None = None
    if_match: bool = False


ROUTES = [
    Route("GET", "/api/tasks", Scope.tasks_read),
    Route("POST", "/api/tasks", Scope.tasks_write, lambda t: {"title": "Call the vendor"}),
    Route("GET", "/api/tasks/{key}", Scope.tasks_read),
    Route(
        "PATCH",
        "/api/tasks/{key}",
        Scope.tasks_write,
        lambda t: {"priority": "high"},
        if_match=True,
    ),
    Route(
        "POST", "/api/tasks/{key}/transition", Scope.tasks_write, lambda t: {"status": "pending"}
    ),
    Route("POST", "/api/tasks/{key}/assign", Scope.tasks_write, lambda t: {"assignee": "me"}),
    Route("GET", "/api/tasks/{key}/comments", Scope.tasks_read),
    Route("POST", "/api/tasks/{key}/comments", Scope.tasks_write, lambda t: {"body": "hi"}),
    Route("GET", "/api/tasks/{key}/history", Scope.tasks_read),
    Route("GET", "/api/tasks/users", Scope.users_read),
    Route("GET", "/api/tasks/staged", Scope.tasks_read),
    Route("GET", "/api/tasks/dashboard", Scope.tasks_read),
    Route("GET", "/api/tasks/stale", Scope.tasks_read),
    Route("GET", "/api/tasks/search", Scope.tasks_read),
    Route(
        "POST",
        "/api/tasks/stale/sweep",
        Scope.tasks_write,
        lambda t: {"action": "nudge", "ids": [t.key]},
    ),
    Route("GET", "/api/tasks/views", Scope.tasks_read),
    Route(
        "POST",
        "/api/tasks/views",
        Scope.tasks_write,
        lambda t: {"name": "Mine", "query": "assignee:me"},
    ),
    Route("GET", "/api/tasks/views/{vid}", Scope.tasks_read),
    Route("GET", "/api/tasks/views/{vid}/tasks", Scope.tasks_read),
    Route("PATCH", "/api/tasks/views/{vid}", Scope.tasks_write, lambda t: {"shared": True}),
    Route("DELETE", "/api/tasks/views/{vid}", Scope.tasks_write),
    Route("GET", "/api/tasks/transcripts", Scope.tasks_read),
    Route(
        "POST",
        "/api/tasks/transcripts/analyze",
        Scope.tasks_write,
        lambda t: {"content": f"Alice: I will send the deck for {t.key} by Friday."},
    ),
    Route(
        "POST",
        "/api/tasks/transcripts",
        Scope.tasks_write,
        lambda t: {"title": "Sync", "content": f"Alice: meeting about {t.key}"},
    ),
    Route("POST", "/api/tasks/staged", Scope.tasks_write, lambda t: {"title": "Book the room"}),
    Route("GET", "/api/tasks/staged/{cid}", Scope.tasks_read),
    Route(
        "PATCH",
        "/api/tasks/staged/{cid}",
        Scope.tasks_write,
        lambda t: {"priority": "low"},
        if_match=True,
    ),
    Route("POST", "/api/tasks/staged/{cid}/approve", Scope.tasks_approve),
    Route(
        "POST",
        "/api/tasks/staged/{cid}/reject",
        Scope.tasks_approve,
        lambda t: {"reason": "not an action"},
    ),
]


def _call(client: TestClient, route: Route, task: Task, headers: dict[str, str]) -> int:
    if route.if_match:
        headers = {**headers, "If-Match": '"1"'}
    response = client.request(
        route.method,
        _path(route, task),
        json=route.body(task) if route.body else None,
        headers=headers,
    )
    return response.status_code


def _path(route: Route, task: Task) -> str:
    """Each test stages a fresh candidate beside its task; both are version 1."""
    session = object_session(task)
    assert session is not None
    candidate = stage_candidate(
        session, CandidateIn(title="Draft the vendor contract"), actor_id=task.created_by_id
    )
    view = create_view(
        session,
        ViewCreate(name=f"Urgent {task.key}", query="priority:urgent"),
        owner_id=task.created_by_id or 0,
    )
    return route.path.format(key=task.key, cid=candidate.id, vid=view.id)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method} {r.path}")
class TestScopeMatrix:
    def test_no_token_is_401(
        self, client: TestClient, session: Session, admin: User, route: Route
    ) -> None:
        task = make_task(session, actor=admin)
        response = client.request(
            route.method,
            _path(route, task),
            json=route.body(task) if route.body else None,
            headers={"Authorization": ""},
        )
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer")

    def test_bad_token_is_401(
        self, client: TestClient, session: Session, admin: User, route: Route
    ) -> None:
        task = make_task(session, actor=admin)
        assert _call(client, route, task, auth("wi_not-a-real-token")) == 401

    @pytest.mark.parametrize("scope", list(Scope))
    def test_each_scope(
        self, client: TestClient, session: Session, admin: User, route: Route, scope: Scope
    ) -> None:
        task = make_task(session, actor=admin)
        token = make_token(session, admin, [scope])
        status = _call(client, route, task, auth(token))
        if scope == route.scope:
            assert 200 <= status < 300
        else:
            assert status == 403


class TestForbiddenDetail:
    def test_names_the_scope(self, client: TestClient, session: Session, admin: User) -> None:
        token = make_token(session, admin, [Scope.tasks_read])
        response = client.post("/api/tasks", json={"title": "x"}, headers=auth(token))
        assert response.status_code == 403
        assert response.json()["required_scope"] == "tasks:write"
        assert "tasks:write" in response.json()["detail"]


class TestTokenStates:
    def test_revoked(self, client: TestClient, session: Session, admin: User) -> None:
        from workitems.auth.service import issue_token, revoke_token

        token, raw = issue_token(session, user=admin, scopes=[Scope.tasks_read])
        revoke_token(session, token.id)
        assert client.get("/api/tasks", headers=auth(raw)).status_code == 401

    def test_deactivated_owner(self, client: TestClient, session: Session, admin: User) -> None:
        raw = make_token(session, admin, [Scope.tasks_read])
        admin.is_active = False
        session.flush()
        assert client.get("/api/tasks", headers=auth(raw)).status_code == 401

    def test_last_used_is_recorded(self, client: TestClient, session: Session, admin: User) -> None:
        from workitems.auth.service import issue_token

        token, raw = issue_token(session, user=admin, scopes=[Scope.tasks_read])
        assert client.get("/api/tasks", headers=auth(raw)).status_code == 200
        session.refresh(token)
        assert token.last_used_at is not None
