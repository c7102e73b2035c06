"""``/api/tasks/webhooks``: admins manage endpoints; secrets are shown once."""

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import auth, make_task, make_token, make_user
from workitems.auth.scopes import Scope
from workitems.clock import utc_now
from workitems.notify.enums import Channel
from workitems.notify.models import Delivery, DeliveryAttempt, Event
from workitems.user.models import User

PUBLIC = "https://93.184.215.14/hooks/workitems"


def _create(client: TestClient, **body: object) -> dict[str, object]:
    response = client.post("/api/tasks/webhooks", json={"url": PUBLIC, **body})
    assert response.status_code == 201, response.text
    return dict(response.json())


class TestCreate:
    def test_returns_the_secret_once(self, client: TestClient) -> None:
        created = _create(client, events=["task.assigned"], description="chat")
        assert str(created["secret"]).startswith("whsec_")
        assert created["events"] == ["task.assigned"]
        read = client.get(f"/api/tasks/webhooks/{created['id']}").json()
        assert "secret" not in read
        assert read["url"] == PUBLIC
        listed = client.get("/api/tasks/webhooks").json()["items"]
        assert [h["id"] for h in listed] == [created["id"]]
        assert "secret" not in listed[0]

    def test_a_private_address_is_refused(self, client: TestClient) -> None:
        response = client.post("/api/tasks/webhooks", json={"url": "http://10.0.0.5/hook"})
        assert response.status_code == 422
        body = response.json()
        assert body["errors"][0]["field"] == "url"
        assert "WORKITEMS_WEBHOOKS_ALLOW_PRIVATE" in body["detail"]

    def test_an_unknown_event_type_is_refused(self, client: TestClient) -> None:
        response = client.post(
            "/api/tasks/webhooks", json={"url": PUBLIC, "events": ["task.eaten"]}
        )
        assert response.status_code == 422

    def test_members_are_refused(self, client: TestClient, session: Session) -> None:
        member = make_user(session)
        token = make_token(session, member, [Scope.tasks_write])
        response = client.post("/api/tasks/webhooks", json={"url": PUBLIC}, headers=auth(token))
        assert response.status_code == 403

    def test_tasks_write_is_needed(self, client: TestClient, session: Session, admin: User) -> None:
        token = make_token(session, admin, [Scope.tasks_read])
        response = client.get("/api/tasks/webhooks", headers=auth(token))
        assert response.status_code == 403


class TestChange:
    def test_patch_pauses_and_re_enables(self, client: TestClient) -> None:
        hook = _create(client)
        paused = client.patch(f"/api/tasks/webhooks/{hook['id']}", json={"active": False}).json()
        assert (paused["active"], paused["disabled_reason"]) == (False, "Paused by an admin.")
        again = client.patch(
            f"/api/tasks/webhooks/{hook['id']}", json={"active": True, "events": []}
        ).json()
        assert (again["active"], again["disabled_reason"], again["events"]) == (True, None, [])

    def test_rotate_keeps_the_old_secret_for_a_day(self, client: TestClient) -> None:
        hook = _create(client)
        rotated = client.post(f"/api/tasks/webhooks/{hook['id']}/rotate-secret")
        assert rotated.status_code == 200
        body = rotated.json()
        assert body["secret"].startswith("whsec_")
        assert body["secret"] != hook["secret"]
        assert body["previous_secret_expires_at"] is not None

    def test_delete(self, client: TestClient) -> None:
        hook = _create(client)
        assert client.delete(f"/api/tasks/webhooks/{hook['id']}").status_code == 204
        assert client.get(f"/api/tasks/webhooks/{hook['id']}").status_code == 404


class TestDeliveries:
    def test_lists_attempts_and_redelivers(
        self, client: TestClient, session: Session, admin: User
    ) -> None:
        hook = _create(client)
        make_task(session, actor=admin)
        [event] = session.query(Event).all()
        now = utc_now()
        delivery = Delivery(
            channel=Channel.webhook,
            event_id=event.id,
            webhook_id=hook["id"],
            next_attempt_at=now,
            created_at=now,
            attempts=1,
        )
        session.add(delivery)
        session.flush()
        session.add(
            DeliveryAttempt(
                delivery_id=delivery.id,
                webhook_id=hook["id"],
                attempt=1,
                at=now,
                ok=False,
                status_code=503,
                latency_ms=42,
                error="HTTP 503",
                next_attempt_at=now,
            )
        )
        session.flush()
        [row] = client.get(f"/api/tasks/webhooks/{hook['id']}/deliveries").json()["items"]
        assert (row["status_code"], row["latency_ms"], row["error"]) == (503, 42, "HTTP 503")
        assert (row["event_type"], row["event_id"]) == ("task.created", event.id)
        again = client.post(f"/api/tasks/webhooks/{hook['id']}/deliveries/{delivery.id}/redeliver")
        assert again.status_code == 202
        assert again.json()["event_id"] == event.id
        assert again.json()["id"] != delivery.id

    def test_redeliver_of_another_endpoints_delivery_is_404(self, client: TestClient) -> None:
        hook = _create(client)
        response = client.post(f"/api/tasks/webhooks/{hook['id']}/deliveries/999/redeliver")
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
