"""``/api/tasks/views``: saved views, yours and the team's, on both databases."""

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import auth, make_task, make_token, make_user
from workitems.auth.scopes import ALL_SCOPES
from workitems.user.models import User


def _create(client: TestClient, **body: object) -> dict[str, object]:
    response = client.post("/api/tasks/views", json=body)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


class TestViews:
    def test_crud_and_run(self, client: TestClient, session: Session, admin: User) -> None:
        urgent = make_task(session, actor=admin, title="Restore backups", priority="urgent")
        make_task(session, actor=admin, title="Tidy the wiki", priority="low")

        view = _create(client, name="Fires", query="priority:urgent")
        assert view["mine"] is True
        assert view["owner"] == {"id": admin.id, "email": admin.email, "name": admin.display_name}

        run = client.get(f"/api/tasks/views/{view['id']}/tasks").json()
        assert [t["key"] for t in run["items"]] == [urgent.key]

        response = client.patch(
            f"/api/tasks/views/{view['id']}", json={"query": "priority:low", "name": "Chores"}
        )
        assert response.status_code == 200
        assert response.json()["name"] == "Chores"
        run = client.get(f"/api/tasks/views/{view['id']}/tasks").json()
        assert [t["title"] for t in run["items"]] == ["Tidy the wiki"]

        assert client.delete(f"/api/tasks/views/{view['id']}").status_code == 204
        assert client.get(f"/api/tasks/views/{view['id']}").status_code == 404

    def test_malformed_query_and_duplicate_name_are_refused(self, client: TestClient) -> None:
        response = client.post("/api/tasks/views", json={"name": "Bad", "query": "stauts:open"})
        assert response.status_code == 422
        assert response.json()["term"] == "stauts:open"

        _create(client, name="Mine", query="assignee:me")
        response = client.post("/api/tasks/views", json={"name": "Mine", "query": "label:x"})
        assert response.status_code == 409

    def test_one_default_per_user(self, client: TestClient) -> None:
        first = _create(client, name="First", query="assignee:me", is_default=True)
        second = _create(client, name="Second", query="is:overdue", is_default=True)
        items = client.get("/api/tasks/views").json()["items"]
        assert [(v["id"], v["is_default"]) for v in items] == [
            (second["id"], True),
            (first["id"], False),
        ]
        client.patch(f"/api/tasks/views/{first['id']}", json={"is_default": True})
        items = client.get("/api/tasks/views").json()["items"]
        assert [v["name"] for v in items if v["is_default"]] == ["First"]

    def test_shared_views_are_visible_but_only_the_owner_changes_them(
        self, client: TestClient, session: Session
    ) -> None:
        shared = _create(client, name="Team triage", query="is:unassigned", shared=True)
        private = _create(client, name="My notes", query="assignee:me")

        ana = make_user(session, email="ana@example.com", name="Ana")
        ana_auth = auth(make_token(session, ana, ALL_SCOPES))
        items = client.get("/api/tasks/views", headers=ana_auth).json()["items"]
        assert [(v["name"], v["mine"]) for v in items] == [("Team triage", False)]

        assert client.get(f"/api/tasks/views/{private['id']}", headers=ana_auth).status_code == 404
        response = client.patch(
            f"/api/tasks/views/{shared['id']}", json={"name": "Mine now"}, headers=ana_auth
        )
        assert response.status_code == 403
        assert (
            client.delete(f"/api/tasks/views/{shared['id']}", headers=ana_auth).status_code == 403
        )

        # assignee:me in a shared view means the person running it.
        task = make_task(session, actor=ana, title="Ana's task", assignee=ana.id)
        view = _create(client, name="Owned by me", query="assignee:me", shared=True)
        run = client.get(f"/api/tasks/views/{view['id']}/tasks", headers=ana_auth).json()
        assert [t["key"] for t in run["items"]] == [task.key]
