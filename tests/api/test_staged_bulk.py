"""``/api/tasks/staged/bulk``: per-item results, atomic mode, and safe retries."""

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tests.factories import auth, make_token, make_user
from workitems.app import create_app
from workitems.auth.scopes import ALL_SCOPES
from workitems.config import Settings
from workitems.db import session_scope
from workitems.idempotency.service import claim_key, request_hash
from workitems.staging.models import Candidate

ITEMS = [
    {"title": "Send the deck to finance", "assignee": "admin@example.com", "due": "2030-01-10"},
    {"title": "Book the offsite venue", "labels": ["ops"]},
]


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Candidate)) or 0


class TestBulk:
    def test_per_item_results(self, client: TestClient, session: Session) -> None:
        body = {"candidates": [*ITEMS, {"title": ""}, "not an object", {"title": "x", "due": 3}]}
        response = client.post("/api/tasks/staged/bulk", json=body)
        assert response.status_code == 200, response.text
        result = response.json()
        assert (result["created"], result["invalid"]) == (2, 3)
        statuses = [item["status"] for item in result["results"]]
        assert statuses == ["created", "created", "invalid", "invalid", "invalid"]
        assert result["results"][2]["errors"][0]["field"] == "title"
        assert _count(session) == 2
        staged = client.get(f"/api/tasks/staged/{result['results'][0]['id']}").json()
        assert staged["source"] == "bulk"
        assert staged["assignee"]["email"] == "admin@example.com"

    def test_atomic_stages_nothing_when_one_is_bad(
        self, client: TestClient, session: Session
    ) -> None:
        response = client.post(
            "/api/tasks/staged/bulk",
            params={"atomic": "true"},
            json={"candidates": [*ITEMS, {"title": "Fix", "assignee": 987654}]},
        )
        assert response.status_code == 422
        body = response.json()
        assert body["invalid"] == 1
        assert body["results"][2]["errors"][0]["field"] == "assignee"
        assert body["results"][0]["status"] == "skipped"
        assert _count(session) == 0

    def test_over_1000_is_422(self, client: TestClient, session: Session) -> None:
        response = client.post(
            "/api/tasks/staged/bulk", json={"candidates": [{"title": "Do a thing"}] * 1001}
        )
        assert response.status_code == 422
        assert _count(session) == 0

    def test_1000_with_evidence_fits_the_bulk_limit(
        self, client: TestClient, session: Session
    ) -> None:
        item = {
            "title": "Send the weekly report",
            "evidence": [
                {"utterance_index": 1, "speaker": "Ana", "start": 12.5, "quote": "q" * 600}
            ],
        }
        response = client.post("/api/tasks/staged/bulk", json={"candidates": [item] * 1000})
        assert response.status_code == 200
        assert response.json()["created"] == 1000


class TestIdempotency:
    def test_retry_replays_and_creates_nothing(self, client: TestClient, session: Session) -> None:
        headers = {"Idempotency-Key": "import-2026-11-24"}
        first = client.post("/api/tasks/staged/bulk", json={"candidates": ITEMS}, headers=headers)
        again = client.post("/api/tasks/staged/bulk", json={"candidates": ITEMS}, headers=headers)
        assert first.status_code == again.status_code == 200
        assert again.json() == first.json()
        assert again.headers["idempotent-replayed"] == "true"
        assert _count(session) == 2

    def test_same_key_other_body_is_422(self, client: TestClient, session: Session) -> None:
        headers = {"Idempotency-Key": "k1"}
        client.post("/api/tasks/staged/bulk", json={"candidates": ITEMS}, headers=headers)
        other = client.post(
            "/api/tasks/staged/bulk", json={"candidates": ITEMS[:1]}, headers=headers
        )
        assert other.status_code == 422
        assert "different request" in other.json()["detail"]
        assert _count(session) == 2

    def test_atomic_flag_is_part_of_the_request(self, client: TestClient) -> None:
        headers = {"Idempotency-Key": "k2"}
        client.post("/api/tasks/staged/bulk", json={"candidates": ITEMS}, headers=headers)
        response = client.post(
            "/api/tasks/staged/bulk",
            params={"atomic": "true"},
            json={"candidates": ITEMS},
            headers=headers,
        )
        assert response.status_code == 422

    def test_keys_are_per_user(self, client: TestClient, session: Session) -> None:
        other = make_token(session, make_user(session), ALL_SCOPES)
        headers = {"Idempotency-Key": "shared"}
        client.post("/api/tasks/staged/bulk", json={"candidates": ITEMS}, headers=headers)
        response = client.post(
            "/api/tasks/staged/bulk",
            json={"candidates": ITEMS},
            headers={**headers, **auth(other)},
        )
        assert response.status_code == 200
        assert "idempotent-replayed" not in response.headers
        assert _count(session) == 4


@pytest.fixture
def live(committed_url: str, engine: Engine) -> Iterator[tuple[FastAPI, str, int]]:
    with session_scope(engine) as session:
        user = make_user(session, email="bulk@example.com")
        token = make_token(session, user, ALL_SCOPES)
        user_id = user.id
    app = create_app(Settings(database_url=committed_url))
    yield app, token, user_id
    app.state.engine.dispose()


class TestConcurrentDuplicate:
    def test_in_flight_key_is_409(self, live: tuple[FastAPI, str, int], engine: Engine) -> None:
        """A first request has claimed the key (committed) and is still working."""
        app, token, user_id = live
        body = {"candidates": ITEMS}
        with session_scope(engine) as session:
            claim_key(
                session,
                user_id=user_id,
                route="/api/tasks/staged/bulk",
                key="slow",
                fingerprint=request_hash({"body": body, "atomic": False}),
            )
        client = TestClient(app, headers=auth(token))
        response = client.post(
            "/api/tasks/staged/bulk", json=body, headers={"Idempotency-Key": "slow"}
        )
        assert response.status_code == 409
        with session_scope(engine, write=False) as session:
            assert _count(session) == 0
