"""``/api/tasks/staged``: stage, edit, approve and reject, on both databases."""

import threading
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
from workitems.task.models import Task
from workitems.user.models import User

CANDIDATE = {
    "title": "Send the Q3 deck to finance",
    "assignee": "Priya",
    "due": "2030-01-15",
    "due_phrase": "by mid January",
    "priority": "high",
    "labels": ["q3"],
    "source": "transcript",
    "transcript_id": 7,
    "evidence": [
        {
            "utterance_index": 12,
            "speaker": "Priya",
            "start": 754.2,
            "quote": "I'll send the deck to finance",
        }
    ],
    "confidence": 0.82,
    "extractor": "rules",
    "extractor_version": "1",
}


@pytest.fixture
def priya(session: Session) -> User:
    return make_user(session, email="priya@example.com", name="Priya Shah", aliases=["Priya"])


def _stage(client: TestClient, **body: object) -> dict[str, object]:
    response = client.post("/api/tasks/staged", json={**CANDIDATE, **body})
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def _codes(candidate: dict[str, object]) -> set[str]:
    return {w["code"] for w in candidate["warnings"]}  # type: ignore[attr-defined]


class TestStage:
    def test_resolves_owner_by_alias_and_keeps_provenance(
        self, client: TestClient, priya: User
    ) -> None:
        body = _stage(client)
        assert body["state"] == "staged"
        assert body["assignee"]["email"] == "priya@example.com"  # type: ignore[index]
        assert body["assignee_raw"] == "Priya"
        assert body["evidence"][0]["quote"] == "I'll send the deck to finance"  # type: ignore[index]
        assert body["warnings"] == []

    def test_unknown_owner_is_kept_raw_with_a_warning(self, client: TestClient) -> None:
        body = _stage(client, assignee="Zed")
        assert body["assignee"] is None
        assert body["assignee_raw"] == "Zed"
        assert "owner_unknown" in _codes(body)

    def test_ambiguous_owner_lists_ranked_matches(
        self, client: TestClient, session: Session
    ) -> None:
        make_user(session, email="sam.lee@example.com", name="Sam Lee", aliases=["Sam"])
        make_user(session, email="sam.ortiz@example.com", name="Sam Ortiz", aliases=["Sam"])
        body = _stage(client, assignee="Sam")
        assert body["assignee"] is None
        [warning] = [w for w in body["warnings"] if w["code"] == "owner_ambiguous"]  # type: ignore[attr-defined]
        assert {m["email"] for m in warning["matches"]} == {
            "sam.lee@example.com",
            "sam.ortiz@example.com",
        }

    @pytest.mark.parametrize(
        "body",
        [
            {"title": ""},
            {"confidence": 1.5},
            {"due": "friday"},
            {"evidence": [{"x": 1}]},
            {"assignee": 987654},
            {"surprise": True},
        ],
    )
    def test_bad_input_is_422(self, client: TestClient, body: dict[str, object]) -> None:
        response = client.post("/api/tasks/staged", json={**CANDIDATE, **body})
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"


class TestWarningsFollowEdits:
    def test_appear_and_disappear(self, client: TestClient, priya: User) -> None:
        body = _stage(client, title="Budget", assignee=None, due=None)
        assert _codes(body) == {"title_too_short", "no_owner", "no_due_date"}
        response = client.patch(
            f"/api/tasks/staged/{body['id']}",
            json={"title": "Draft the Q1 budget", "assignee": priya.email},
            headers={"If-Match": '"1"'},
        )
        assert response.status_code == 200
        assert _codes(response.json()) == {"no_due_date"}
        response = client.patch(
            f"/api/tasks/staged/{body['id']}",
            json={"due": "2020-01-01"},
            headers={"If-Match": response.headers["etag"]},
        )
        assert _codes(response.json()) == {"due_in_past"}

    def test_patch_needs_if_match(self, client: TestClient) -> None:
        body = _stage(client)
        response = client.patch(f"/api/tasks/staged/{body['id']}", json={"title": "X y z"})
        assert response.status_code == 428


class TestApprove:
    def test_creates_a_linked_pending_task(self, client: TestClient, priya: User) -> None:
        body = _stage(client)
        response = client.post(f"/api/tasks/staged/{body['id']}/approve")
        assert response.status_code == 200, response.text
        approved = response.json()
        assert approved["state"] == "approved"
        assert approved["reviewer"]["email"] == "admin@example.com"
        task = client.get(f"/api/tasks/{approved['task_key']}").json()
        assert task["status"] == "pending"
        assert task["source"] == "transcript"
        assert task["assignee"]["email"] == "priya@example.com"
        assert task["provenance"]["candidate_id"] == body["id"]
        assert task["provenance"]["evidence"][0]["utterance_index"] == 12

    def test_without_owner_is_unaddressed(self, client: TestClient) -> None:
        body = _stage(client, assignee=None)
        key = client.post(f"/api/tasks/staged/{body['id']}/approve").json()["task_key"]
        assert client.get(f"/api/tasks/{key}").json()["status"] == "unaddressed"

    def test_with_edits(self, client: TestClient, priya: User) -> None:
        body = _stage(client, assignee=None)
        response = client.post(
            f"/api/tasks/staged/{body['id']}/approve",
            json={"assignee": priya.id, "title": "Send the final Q3 deck"},
        )
        task = client.get(f"/api/tasks/{response.json()['task_key']}").json()
        assert task["title"] == "Send the final Q3 deck"
        assert task["status"] == "pending"

    def test_twice_is_409_naming_the_task(self, client: TestClient) -> None:
        body = _stage(client)
        first = client.post(f"/api/tasks/staged/{body['id']}/approve").json()
        again = client.post(f"/api/tasks/staged/{body['id']}/approve")
        assert again.status_code == 409
        assert again.json()["task_key"] == first["task_key"]
        assert first["task_key"] in again.json()["detail"]

    def test_approved_candidate_is_not_editable(self, client: TestClient) -> None:
        body = _stage(client)
        client.post(f"/api/tasks/staged/{body['id']}/approve")
        response = client.patch(
            f"/api/tasks/staged/{body['id']}",
            json={"title": "Other"},
            headers={"If-Match": '"2"'},
        )
        assert response.status_code == 409


class TestReject:
    def test_needs_a_reason(self, client: TestClient) -> None:
        body = _stage(client)
        for payload in ({}, {"reason": "   "}):
            response = client.post(f"/api/tasks/staged/{body['id']}/reject", json=payload)
            assert response.status_code == 422
        assert client.get(f"/api/tasks/staged/{body['id']}").json()["state"] == "staged"

    def test_rejected_leaves_the_queue(self, client: TestClient) -> None:
        body = _stage(client)
        response = client.post(
            f"/api/tasks/staged/{body['id']}/reject", json={"reason": "Just musing"}
        )
        assert response.json()["state"] == "rejected"
        assert response.json()["reason"] == "Just musing"
        queue = client.get("/api/tasks/staged").json()["items"]
        assert body["id"] not in [c["id"] for c in queue]
        rejected = client.get("/api/tasks/staged", params={"state": "rejected"}).json()["items"]
        assert [c["id"] for c in rejected] == [body["id"]]


class TestList:
    def test_filters_and_pages(self, client: TestClient) -> None:
        ids = [_stage(client, transcript_id=1)["id"] for _ in range(3)]
        _stage(client, transcript_id=2, source="manual")
        seen: list[int] = []
        params: dict[str, object] = {"transcript_id": 1, "limit": 2}
        while True:
            body = client.get("/api/tasks/staged", params=params).json()
            seen.extend(c["id"] for c in body["items"])
            if not body["next_cursor"]:
                break
            params["cursor"] = body["next_cursor"]
        assert seen == ids
        manual = client.get("/api/tasks/staged", params={"source": "manual"}).json()["items"]
        assert len(manual) == 1


class TestReviewScope:
    @pytest.mark.parametrize("action", ["approve", "reject"])
    def test_write_scope_is_not_enough(
        self, client: TestClient, session: Session, admin: User, action: str
    ) -> None:
        body = _stage(client)
        token = make_token(session, admin, ["tasks:read", "tasks:write"])
        response = client.post(
            f"/api/tasks/staged/{body['id']}/{action}",
            json={"reason": "no"},
            headers=auth(token),
        )
        assert response.status_code == 403
        assert response.json()["required_scope"] == "tasks:approve"


@pytest.fixture
def live(committed_url: str, engine: Engine) -> Iterator[tuple[FastAPI, str]]:
    with session_scope(engine) as session:
        token = make_token(session, make_user(session, email="rev@example.com"), ALL_SCOPES)
    app = create_app(Settings(database_url=committed_url))
    yield app, token
    app.state.engine.dispose()


class TestConcurrentApprove:
    def test_two_reviewers_create_one_task(self, live: tuple[FastAPI, str], engine: Engine) -> None:
        app, token = live
        client = TestClient(app, headers=auth(token))
        candidate_id = client.post("/api/tasks/staged", json=CANDIDATE).json()["id"]
        barrier = threading.Barrier(4)
        statuses: list[int] = []

        def approve() -> None:
            barrier.wait()
            statuses.append(client.post(f"/api/tasks/staged/{candidate_id}/approve").status_code)

        threads = [threading.Thread(target=approve) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(statuses) == [200, 409, 409, 409]
        with session_scope(engine, write=False) as session:
            assert session.scalar(select(func.count()).select_from(Task)) == 1


class TestDuplicate:
    def test_merges_context_into_the_task(
        self, client: TestClient, session: Session, admin: User
    ) -> None:
        task = client.post("/api/tasks", json={"title": "Send the deck"}).json()
        body = _stage(client)
        response = client.post(
            f"/api/tasks/staged/{body['id']}/duplicate",
            json={"task_id": task["key"], "reason": "same as the deck task"},
        )
        assert response.status_code == 200, response.text
        merged = response.json()
        assert merged["state"] == "duplicate"
        assert merged["task_key"] == task["key"]
        comments = client.get(f"/api/tasks/{task['key']}/comments").json()["items"]
        assert f"#{body['id']}" in comments[0]["body"]
        assert "I'll send the deck to finance" in comments[0]["body"]
        assert "Priya at 754.2" in comments[0]["body"]

    def test_unknown_task_is_404_and_changes_nothing(self, client: TestClient) -> None:
        body = _stage(client)
        response = client.post(
            f"/api/tasks/staged/{body['id']}/duplicate", json={"task_id": "WI-999999"}
        )
        assert response.status_code == 404
        assert client.get(f"/api/tasks/staged/{body['id']}").json()["state"] == "staged"


class TestSnooze:
    def test_leaves_the_queue_until_the_date(self, client: TestClient) -> None:
        body = _stage(client)
        response = client.post(
            f"/api/tasks/staged/{body['id']}/snooze", json={"until": "2099-01-01"}
        )
        assert response.json()["state"] == "snoozed"
        assert response.json()["snoozed_until"] == "2099-01-01"
        queue = client.get("/api/tasks/staged").json()["items"]
        assert body["id"] not in [c["id"] for c in queue]

    def test_past_date_refused(self, client: TestClient) -> None:
        body = _stage(client)
        response = client.post(
            f"/api/tasks/staged/{body['id']}/snooze", json={"until": "2001-01-01"}
        )
        assert response.status_code == 422

    def test_expired_snooze_returns_to_the_queue(
        self, client: TestClient, session: Session
    ) -> None:
        from datetime import date

        from workitems.staging.service import get_candidate

        body = _stage(client)
        client.post(f"/api/tasks/staged/{body['id']}/snooze", json={"until": "2099-01-01"})
        get_candidate(session, int(body["id"])).snoozed_until = date(2000, 1, 1)  # type: ignore[call-overload]
        session.flush()
        queue = client.get("/api/tasks/staged").json()["items"]
        assert body["id"] in [c["id"] for c in queue]


class TestReviewMany:
    def test_per_item_results(self, client: TestClient) -> None:
        a, b = _stage(client)["id"], _stage(client)["id"]
        client.post(f"/api/tasks/staged/{b}/reject", json={"reason": "no"})
        response = client.post(
            "/api/tasks/staged/review", json={"action": "approve", "ids": [a, b, 999999]}
        )
        assert response.status_code == 200
        results = response.json()["results"]
        assert results[0]["status"] == "approved"
        assert results[0]["task_key"].startswith("WI-")
        assert results[1]["status"] == "error"
        assert results[1]["error"]["status"] == 409
        assert results[2]["error"]["status"] == 404
        assert client.get(f"/api/tasks/staged/{a}").json()["state"] == "approved"

    def test_reject_needs_reason(self, client: TestClient) -> None:
        a = _stage(client)["id"]
        response = client.post("/api/tasks/staged/review", json={"action": "reject", "ids": [a]})
        assert response.status_code == 422

    def test_reject_many(self, client: TestClient) -> None:
        ids = [_stage(client)["id"] for _ in range(3)]
        response = client.post(
            "/api/tasks/staged/review",
            json={"action": "reject", "ids": ids, "reason": "chit-chat"},
        )
        assert [r["status"] for r in response.json()["results"]] == ["rejected"] * 3


class TestDuplicateWarnings:
    def test_open_task_and_staged_candidate(self, client: TestClient) -> None:
        task = client.post("/api/tasks", json={"title": "Send the Q3 deck to finance"}).json()
        first = _stage(client, title="Send Q3 deck to the finance team")
        [warning] = [w for w in first["warnings"] if w["code"] == "likely_duplicate"]  # type: ignore[attr-defined]
        assert warning["matches"][0]["key"] == task["key"]
        assert warning["matches"][0]["score"] >= 82
        second = _stage(client, title="Send Q3 deck to the finance team now")
        kinds = {
            (m["kind"], m["id"])
            for w in second["warnings"]  # type: ignore[attr-defined]
            if w["code"] == "likely_duplicate"
            for m in w["matches"]
        }
        assert ("task", task["id"]) in kinds
        assert ("candidate", first["id"]) in kinds

    def test_closed_tasks_do_not_count(self, client: TestClient) -> None:
        task = client.post("/api/tasks", json={"title": "Renew the SSL certificate"}).json()
        client.post(
            f"/api/tasks/{task['key']}/transition", json={"status": "completed", "note": "renewed"}
        )
        body = _stage(client, title="Renew the SSL certificates")
        assert "likely_duplicate" not in _codes(body)

    def test_unrelated_has_none(self, client: TestClient) -> None:
        client.post("/api/tasks", json={"title": "Send the Q3 deck to finance"})
        assert "likely_duplicate" not in _codes(_stage(client, title="Book the offsite venue"))


class TestHasWarningsFilter:
    def test_filters_both_ways(self, client: TestClient, priya: User) -> None:
        clean = _stage(client, title="Send the Q4 budget to finance")
        noisy = _stage(client, title="Budget", assignee=None, due=None)

        def ids(flag: str) -> list[object]:
            response = client.get("/api/tasks/staged", params={"has_warnings": flag})
            return [c["id"] for c in response.json()["items"]]

        assert ids("true") == [noisy["id"]]
        assert ids("false") == [clean["id"]]


class TestReviewManyBatch:
    def test_same_id_twice_creates_one_task(self, client: TestClient) -> None:
        a = _stage(client)["id"]
        results = client.post(
            "/api/tasks/staged/review", json={"action": "approve", "ids": [a, a]}
        ).json()["results"]
        assert [r["status"] for r in results] == ["approved", "error"]
        assert results[1]["error"]["status"] == 409
        assert len(client.get("/api/tasks").json()["items"]) == 1

    def test_batch_tasks_start_at_version_1_with_history(self, client: TestClient) -> None:
        ids = [_stage(client, title=f"Send report {i} to finance")["id"] for i in range(3)]
        results = client.post(
            "/api/tasks/staged/review", json={"action": "approve", "ids": ids}
        ).json()["results"]
        for result in results:
            task = client.get(f"/api/tasks/{result['task_key']}")
            assert task.json()["version"] == 1
            assert task.json()["provenance"]["candidate_id"] in ids
            history = client.get(f"/api/tasks/{result['task_key']}/history").json()["items"]
            assert [e["kind"] for e in history] == ["created"]

    def test_deactivated_owner_is_reported_for_its_item(
        self, client: TestClient, session: Session, priya: User
    ) -> None:
        ok = _stage(client, assignee=None)["id"]
        blocked = _stage(client)["id"]
        priya.is_active = False
        session.flush()
        results = client.post(
            "/api/tasks/staged/review", json={"action": "approve", "ids": [ok, blocked]}
        ).json()["results"]
        assert results[0]["status"] == "approved"
        assert results[1]["error"]["status"] == 422
