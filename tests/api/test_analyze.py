"""``/api/tasks/transcripts/analyze``: transcript in, staged candidates out, once."""

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import make_user

MEETING = (
    "Alice: Can you send the Q3 deck to finance by Friday?\n"
    "Bob: Sure, I can do that.\n"
    "Alice: Great. I will book the offsite venue tomorrow.\n"
)
PARTICIPANTS = [
    {"name": "Alice", "email": "alice@example.com"},
    {"name": "Bob", "role": "Designer"},
]


def _upload(client: TestClient) -> int:
    response = client.post(
        "/api/tasks/transcripts",
        json={
            "title": "Sync",
            "content": MEETING,
            "meeting_date": "2026-11-23",
            "participants": PARTICIPANTS,
        },
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


class TestAnalyze:
    def test_stages_candidates_with_evidence_owner_and_date(
        self, client: TestClient, session: Session
    ) -> None:
        make_user(session, email="bob@example.com", name="Bob Jones", aliases=["Bob"])
        transcript_id = _upload(client)
        response = client.post(
            "/api/tasks/transcripts/analyze", json={"transcript_id": transcript_id}
        )
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["staged"] is True
        deck = next(c for c in body["candidates"] if "deck" in c["title"].lower())
        assert deck["source"] == "transcript"
        assert deck["transcript_id"] == transcript_id
        assert deck["assignee"]["email"] == "bob@example.com"
        assert deck["due"] == "2026-11-27"  # that week's Friday, not today's
        assert deck["commitment"] in {"firm", "tentative", "suggestion"}
        assert 0 <= deck["confidence"] <= 1
        assert deck["evidence"][0]["utterance_index"] == 0
        assert deck["extractor_version"] == body["extractor_version"]
        queue = client.get("/api/tasks/staged", params={"transcript_id": transcript_id})
        assert len(queue.json()["items"]) == len(body["candidates"])

    def test_the_task_quotes_the_evidence_and_keeps_the_context_as_provenance(
        self, client: TestClient, session: Session
    ) -> None:
        make_user(session, email="bob@example.com", name="Bob Jones", aliases=["Bob"])
        response = client.post(
            "/api/tasks/transcripts/analyze",
            json={
                "title": "Sync",
                "content": "Alice: The printer jammed again.\n"
                "Alice: Can you send the Q3 deck to finance by Friday?\n"
                "Bob: Sure, I can do that.\nAlice: Lunch is here.\n",
                "meeting_date": "2026-11-23",
                "participants": [
                    {"name": "Alice"},
                    {"name": "Bob Jones", "email": "bob@example.com", "aliases": ["Bob"]},
                ],
            },
        )
        assert response.status_code == 201, response.text
        [deck] = response.json()["candidates"]
        # The owner resolves by email; "owner heard as" shows the name said in the meeting.
        assert deck["assignee"]["email"] == "bob@example.com"
        assert deck["assignee_raw"] == "Bob"
        assert deck["description"] == (
            "Alice: Can you send the Q3 deck to finance by Friday?\nBob: Sure, I can do that."
        )
        approved = client.post(f"/api/tasks/staged/{deck['id']}/approve").json()
        task = client.get(f"/api/tasks/{approved['task_key']}").json()
        assert "printer" not in task["description"]
        assert [e["utterance_index"] for e in task["provenance"]["evidence"]] == [1, 2]
        assert [e["quote"] for e in task["provenance"]["context"]] == [
            "The printer jammed again.",
            "Lunch is here.",
        ]
        found = client.get("/api/tasks", params={"q": "printer"}).json()
        assert found["items"] == []

    def test_same_version_twice_stages_nothing_new(self, client: TestClient) -> None:
        transcript_id = _upload(client)
        first = client.post(
            "/api/tasks/transcripts/analyze", json={"transcript_id": transcript_id}
        ).json()
        again = client.post("/api/tasks/transcripts/analyze", json={"transcript_id": transcript_id})
        assert again.status_code == 200
        assert again.json()["staged"] is False
        assert [c["id"] for c in again.json()["candidates"]] == [
            c["id"] for c in first["candidates"]
        ]
        queue = client.get("/api/tasks/staged", params={"transcript_id": transcript_id})
        assert len(queue.json()["items"]) == len(first["candidates"])

    def test_inline_content(self, client: TestClient) -> None:
        response = client.post(
            "/api/tasks/transcripts/analyze",
            json={"title": "Inline", "content": MEETING, "meeting_date": "2026-11-23"},
        )
        assert response.status_code == 201
        assert response.json()["candidates"]
        assert (
            client.get(f"/api/tasks/transcripts/{response.json()['transcript_id']}").json()[
                "utterance_count"
            ]
            == 3
        )

    def test_needs_exactly_one_input(self, client: TestClient) -> None:
        assert client.post("/api/tasks/transcripts/analyze", json={}).status_code == 422
        both = client.post(
            "/api/tasks/transcripts/analyze", json={"transcript_id": 1, "content": MEETING}
        )
        assert both.status_code == 422

    def test_unknown_transcript_is_404(self, client: TestClient) -> None:
        response = client.post("/api/tasks/transcripts/analyze", json={"transcript_id": 98765})
        assert response.status_code == 404
