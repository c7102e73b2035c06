"""The token check: a cache miss is checked inside the endpoint's one hop, and a bad token
is still answered before anything about the request itself."""

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import auth, make_task, make_token
from workitems.api import tasks, webhooks
from workitems.api.deps import RequireScope
from workitems.auth.scopes import Scope
from workitems.http.session import SessionRoute
from workitems.user.models import User

UNKNOWN = "wi_" + "x" * 40


def _route(router_routes: list[object], method: str, path: str) -> SessionRoute:
    for route in router_routes:
        if isinstance(route, SessionRoute) and route.path == path and method in route.methods:
            return route
    raise AssertionError(f"no {method} {path}")


class TestWhereTheCheckRuns:
    def test_an_endpoints_own_token_is_checked_in_its_hop(self) -> None:
        route = _route(tasks.router.routes, "POST", "/api/tasks")
        assert [type(d) for d in route.hop_dependencies] == [RequireScope]

    def test_a_principal_read_by_another_dependency_is_complete_before(self) -> None:
        # Webhooks' admin check reads the principal on the event loop.
        route = _route(webhooks.router.routes, "POST", "/api/tasks/webhooks")
        assert route.hop_dependencies == frozenset()


class TestOrderOfAnswers:
    def test_an_unknown_token_is_401_before_the_body_is_read(self, client: TestClient) -> None:
        response = client.post("/api/tasks", json={"title": ""}, headers=auth(UNKNOWN))
        assert response.status_code == 401

    def test_a_missing_scope_is_403_before_the_body_is_read(
        self, client: TestClient, session: Session, admin: User
    ) -> None:
        raw = make_token(session, admin, [Scope.tasks_read])
        response = client.post("/api/tasks", json={"title": ""}, headers=auth(raw))
        assert response.status_code == 403

    def test_an_unknown_token_is_401_before_if_match(
        self, client: TestClient, session: Session, admin: User
    ) -> None:
        task = make_task(session, actor=admin)
        response = client.patch(
            f"/api/tasks/{task.key}", json={"priority": "high"}, headers=auth(UNKNOWN)
        )
        assert response.status_code == 401

    def test_a_new_token_works_and_is_then_cached(
        self, client: TestClient, session: Session, admin: User
    ) -> None:
        raw = make_token(session, admin, [Scope.tasks_read, Scope.tasks_write])
        created = client.post("/api/tasks", json={"title": "Checked in the hop"}, headers=auth(raw))
        assert created.status_code == 201
        assert created.json()["created_by"]["id"] == admin.id
        again = client.get(f"/api/tasks/{created.json()['id']}", headers=auth(raw))
        assert again.status_code == 200
