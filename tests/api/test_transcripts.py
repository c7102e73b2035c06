"""``/api/tasks/transcripts``: intake in every format, on both databases."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

FIXTURES = Path(__file__).parent.parent / "transcript" / "fixtures"


class TestUpload:
    def test_json_intake(self, client: TestClient) -> None:
        response = client.post(
            "/api/tasks/transcripts",
            json={
                "title": "Weekly sync",
                "content": (FIXTURES / "plain.txt").read_text(),
                "meeting_date": "2026-11-23",
                "participants": [{"name": "Alice", "role": "PM", "email": "a@example.com"}],
            },
        )
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["format"] == "text"
        assert body["utterance_count"] == 3
        assert body["meeting_date"] == "2026-11-23"
        assert len(body["checksum"]) == 64
        full = client.get(f"/api/tasks/transcripts/{body['id']}").json()
        assert full["utterances"][1] == {
            "index": 1,
            "speaker": "Bob",
            "text": "I will send the deck to finance by Friday.",
            "start": None,
            "end": None,
        }
        assert full["participants"][0]["role"] == "PM"

    @pytest.mark.parametrize(
        ("name", "content_type", "fmt", "count"),
        [
            ("teams.vtt", "text/vtt", "vtt", 2),
            ("sample.srt", "application/x-subrip", "srt", 2),
            ("segments.json", "application/json", "json", 3),
            ("whisper.json", "application/json", "json", 2),
            ("otter.txt", "text/plain", "text", 3),
        ],
    )
    def test_raw_upload(
        self, client: TestClient, name: str, content_type: str, fmt: str, count: int
    ) -> None:
        response = client.post(
            "/api/tasks/transcripts",
            params={"title": name, "meeting_date": "2026-11-23"},
            content=(FIXTURES / name).read_bytes(),
            headers={"Content-Type": content_type},
        )
        assert response.status_code == 201, response.text
        assert (response.json()["format"], response.json()["utterance_count"]) == (fmt, count)
        assert response.json()["title"] == name

    def test_same_content_returns_the_existing_one(self, client: TestClient) -> None:
        content = (FIXTURES / "sample.srt").read_bytes()
        first = client.post(
            "/api/tasks/transcripts", content=content, headers={"Content-Type": "text/plain"}
        )
        again = client.post(
            "/api/tasks/transcripts", content=content, headers={"Content-Type": "text/plain"}
        )
        assert (first.status_code, again.status_code) == (201, 200)
        assert again.json()["id"] == first.json()["id"]
        assert len(client.get("/api/tasks/transcripts").json()["items"]) == 1

    @pytest.mark.parametrize(
        ("name", "fragment"),
        [("bad_timing.vtt", "line 3"), ("bad_index.srt", "line 5"), ("empty.txt", "empty")],
    )
    def test_malformed_is_422_naming_the_line(
        self, client: TestClient, name: str, fragment: str
    ) -> None:
        response = client.post(
            "/api/tasks/transcripts",
            content=(FIXTURES / name).read_bytes(),
            headers={"Content-Type": "text/plain"},
        )
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert fragment in response.json()["detail"]
        assert client.get("/api/tasks/transcripts").json()["items"] == []

    def test_not_utf8(self, client: TestClient) -> None:
        response = client.post(
            "/api/tasks/transcripts",
            content=b"\xff\xfe\x00A: hi",
            headers={"Content-Type": "text/plain"},
        )
        assert response.status_code == 422

    def test_bad_intake_object(self, client: TestClient) -> None:
        response = client.post(
            "/api/tasks/transcripts", json={"title": "", "content": "A: hi", "extra": 1}
        )
        assert response.status_code == 422

    def test_over_5_mb_is_413(self, client: TestClient) -> None:
        response = client.post(
            "/api/tasks/transcripts",
            content=b"A: hi\n" * 850_000,
            headers={"Content-Type": "text/plain"},
        )
        assert response.status_code == 413

    def test_4_mb_is_accepted(self, client: TestClient) -> None:
        response = client.post(
            "/api/tasks/transcripts",
            content=b"Alice: we need to ship it\n" * 150_000,
            headers={"Content-Type": "text/plain"},
        )
        assert response.status_code == 201


class TestRead:
    def test_missing_is_404(self, client: TestClient) -> None:
        assert client.get("/api/tasks/transcripts/987654").status_code == 404

    def test_list_pages_newest_first(self, client: TestClient) -> None:
        ids = [
            client.post(
                "/api/tasks/transcripts",
                content=f"A: meeting {i}".encode(),
                headers={"Content-Type": "text/plain"},
            ).json()["id"]
            for i in range(3)
        ]
        first = client.get("/api/tasks/transcripts", params={"limit": 2}).json()
        assert [t["id"] for t in first["items"]] == ids[::-1][:2]
        rest = client.get(
            "/api/tasks/transcripts", params={"limit": 2, "cursor": first["next_cursor"]}
        ).json()
        assert [t["id"] for t in rest["items"]] == [ids[0]]
        assert "utterances" not in first["items"][0] or first["items"][0]["utterances"] is None


def test_a_json_body_that_is_neither_upload_nor_transcript_is_422(client: TestClient) -> None:
    for body in ("null", "42", '"text"', '{"title": "x"}'):
        response = client.post(
            "/api/tasks/transcripts?title=Standup",
            content=body,
            headers={"Content-Type": "application/json"},
        )
        assert response.status_code == 422, body
        assert response.json()["errors"][0]["field"] == "body"
