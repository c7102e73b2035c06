"""Ids no database can store, and digits that are not ASCII, are 404 or 422, never 500."""

import pytest
from fastapi.testclient import TestClient

HUGE = 2**63  # past SQLite's integer; 2**31 is past PostgreSQL's
OVER_PG = 2**31


class TestOutOfRangeIds:
    @pytest.mark.parametrize(
        "url",
        [
            f"/api/tasks/{HUGE}",
            f"/api/tasks/{OVER_PG}",
            f"/api/tasks/WI-{OVER_PG}",
            f"/api/tasks/{OVER_PG}/history",
            f"/api/tasks/{OVER_PG}/comments",
        ],
    )
    def test_task_refs_are_not_found(self, client: TestClient, url: str) -> None:
        assert client.get(url).status_code == 404

    @pytest.mark.parametrize(
        "url",
        [
            f"/api/tasks/staged/{OVER_PG}",
            f"/api/tasks/transcripts/{HUGE}",
            f"/api/tasks/views/{OVER_PG}",
            f"/api/tasks/views/{OVER_PG}/tasks",
            f"/api/tasks/staged?transcript_id={OVER_PG}",
        ],
    )
    def test_typed_ids_are_invalid(self, client: TestClient, url: str) -> None:
        assert client.get(url).status_code == 422

    @pytest.mark.parametrize("value", [OVER_PG, HUGE])
    def test_assignee_filter(self, client: TestClient, value: int) -> None:
        response = client.get("/api/tasks", params={"assignee": str(value)})
        assert response.status_code in (200, 422)
        if response.status_code == 200:
            assert response.json()["items"] == []

    @pytest.mark.parametrize(
        ("url", "body"),
        [
            ("/api/tasks", {"title": "t", "assignee": OVER_PG}),
            ("/api/tasks/staged", {"title": "t", "assignee": HUGE}),
            ("/api/tasks/staged", {"title": "t", "transcript_id": OVER_PG}),
            ("/api/tasks/staged/review", {"action": "approve", "ids": [OVER_PG]}),
            ("/api/tasks/stale/sweep", {"action": "nudge", "ids": [HUGE]}),
            ("/api/tasks/transcripts/analyze", {"transcript_id": OVER_PG}),
        ],
    )
    def test_body_ids_are_invalid(self, client: TestClient, url: str, body: object) -> None:
        response = client.post(url, json=body)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"

    def test_assign(self, client: TestClient) -> None:
        key = client.post("/api/tasks", json={"title": "t"}).json()["key"]
        response = client.post(f"/api/tasks/{key}/assign", json={"assignee": OVER_PG})
        assert response.status_code == 422


class TestUnicodeDigits:
    @pytest.mark.parametrize("ref", ["%C2%B3", "%C2%B2", "WI-%C2%B3", "%D9%A3"])
    def test_task_refs(self, client: TestClient, ref: str) -> None:
        assert client.get(f"/api/tasks/{ref}").status_code == 404
        response = client.post(f"/api/tasks/{ref}/transition", json={"status": "on_hold"})
        assert response.status_code == 404

    def test_if_match(self, client: TestClient) -> None:
        key = client.post("/api/tasks", json={"title": "t"}).json()["key"]
        response = client.patch(
            f"/api/tasks/{key}", json={"title": "u"}, headers={"If-Match": "³".encode("latin-1")}
        )
        assert response.status_code == 412

    def test_assignee_filter(self, client: TestClient) -> None:
        assert client.get("/api/tasks", params={"assignee": "³"}).status_code == 422
