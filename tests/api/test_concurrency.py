"""Concurrent edits lose nothing: real commits, several connections, both databases."""

import itertools
import threading
from collections import Counter
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.factories import auth, make_token, make_user
from workitems.app import create_app
from workitems.auth.scopes import ALL_SCOPES
from workitems.config import Settings
from workitems.db import is_sqlite, session_scope
from workitems.task.schemas import TaskCreate
from workitems.task.service import create_task


@pytest.fixture
def live(committed_url: str, engine: Engine) -> Iterator[tuple[FastAPI, str, str]]:
    """An app with its own pool (no test transaction) plus a token and a task key."""
    with session_scope(engine) as session:
        user = make_user(session, email="owner@example.com", name="Owner")
        token = make_token(session, user, ALL_SCOPES)
        task = create_task(session, TaskCreate(title="Race me", assignee=user.id), actor_id=user.id)
        key = task.key
    app = create_app(Settings(database_url=committed_url))
    yield app, token, key
    app.state.engine.dispose()


def _run_threads(count: int, target: "object") -> None:
    threads = [threading.Thread(target=target) for _ in range(count)]  # type: ignore[arg-type]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive(), "a request stalled"


class TestConcurrentPatch:
    def test_same_etag_one_wins(self, live: tuple[FastAPI, str, str]) -> None:
        app, token, key = live
        client = TestClient(app, headers=auth(token))
        barrier = threading.Barrier(2)
        statuses: list[int] = []

        def patch() -> None:
            barrier.wait()
            response = client.patch(
                f"/api/tasks/{key}",
                json={"title": f"Edited by {threading.get_ident()}"},
                headers={"If-Match": '"1"'},
            )
            statuses.append(response.status_code)

        _run_threads(2, patch)
        assert sorted(statuses) == [200, 412]
        history = client.get(f"/api/tasks/{key}/history").json()["items"]
        assert [event["kind"] for event in history] == ["created", "updated"]
        assert client.get(f"/api/tasks/{key}").json()["version"] == 2


class TestConcurrentTransitions:
    CYCLE = {"pending": "in_progress", "in_progress": "on_hold", "on_hold": "pending"}

    def test_no_update_is_lost(self, live: tuple[FastAPI, str, str]) -> None:
        """Each thread reads, then transitions with If-Match, retrying on 412. Every success
        must appear in the history as one link of an unbroken chain of statuses."""
        app, token, key = live
        client = TestClient(app, headers=auth(token))
        outcomes: Counter[int] = Counter()
        lock = threading.Lock()

        def worker() -> None:
            done = 0
            attempts = 0
            while done < 5 and attempts < 200:
                attempts += 1
                current = client.get(f"/api/tasks/{key}")
                body = current.json()
                response = client.post(
                    f"/api/tasks/{key}/transition",
                    json={"status": self.CYCLE[body["status"]], "note": "cycling"},
                    headers={"If-Match": current.headers["etag"]},
                )
                with lock:
                    outcomes[response.status_code] += 1
                if response.status_code == 200:
                    done += 1
                else:
                    assert response.status_code == 412, response.text

        _run_threads(6, worker)
        assert outcomes[200] == 30
        history = client.get(f"/api/tasks/{key}/history").json()["items"]
        moves = [e["changes"]["status"] for e in history if e["kind"] == "transitioned"]
        assert len(moves) == 30
        for before, after in itertools.pairwise(moves):
            assert before["new"] == after["old"]
        assert client.get(f"/api/tasks/{key}").json()["version"] == 31

    def test_blind_transitions_serialize(self, live: tuple[FastAPI, str, str]) -> None:
        """Without If-Match, the row lock still serializes: successes equal history rows."""
        app, token, key = live
        client = TestClient(app, headers=auth(token))
        outcomes: Counter[int] = Counter()
        lock = threading.Lock()

        def worker() -> None:
            for target in ("in_progress", "on_hold", "pending") * 3:
                response = client.post(
                    f"/api/tasks/{key}/transition", json={"status": target, "note": "go"}
                )
                with lock:
                    outcomes[response.status_code] += 1

        _run_threads(6, worker)
        assert set(outcomes) <= {200, 409}
        history = client.get(f"/api/tasks/{key}/history").json()["items"]
        moves = [e["changes"]["status"] for e in history if e["kind"] == "transitioned"]
        assert len(moves) == outcomes[200]
        for before, after in itertools.pairwise(moves):
            assert before["new"] == after["old"]


class TestDatabaseBusy:
    def test_locked_sqlite_is_503_and_changes_nothing(
        self, committed_url: str, engine: Engine
    ) -> None:
        if not is_sqlite(committed_url):
            pytest.skip("SQLite's single write lock; PostgreSQL waits on row locks instead")
        with session_scope(engine) as session:
            token = make_token(session, make_user(session), ALL_SCOPES)
        app = create_app(Settings(database_url=committed_url, sqlite_busy_timeout_ms=50))
        client = TestClient(app, headers=auth(token))
        blocker = engine.raw_connection()
        try:
            blocker.cursor().execute("BEGIN IMMEDIATE")
            response = client.post("/api/tasks", json={"title": "Blocked write"})
        finally:
            blocker.rollback()
            blocker.close()
            app.state.engine.dispose()
        assert response.status_code == 503
        assert response.headers["retry-after"] == "1"
        assert response.headers["content-type"] == "application/problem+json"
        assert client.get("/api/tasks").json()["items"] == []
