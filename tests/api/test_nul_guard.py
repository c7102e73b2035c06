"""NUL characters are refused with a 422 naming the field, on both databases alike."""

import pytest
from fastapi.testclient import TestClient


class TestNulGuard:
    @pytest.mark.parametrize(
        ("method", "url", "body", "field"),
        [
            ("post", "/api/tasks", {"title": "a\x00b"}, "body.title"),
            ("post", "/api/tasks", {"title": "ok", "labels": ["x", "y\x00"]}, "body.labels.1"),
            ("post", "/api/tasks/staged", {"title": "t", "due_phrase": "\x00"}, "body.due_phrase"),
            (
                "post",
                "/api/tasks/staged/bulk",
                {"candidates": [{"title": "fine"}, {"title": "bad\x00"}]},
                "body.candidates.1.title",
            ),
            ("post", "/api/tasks/views", {"name": "v", "query": "x\x00"}, "body.query"),
        ],
    )
    def test_json_bodies(
        self, client: TestClient, method: str, url: str, body: object, field: str
    ) -> None:
        response = client.request(method.upper(), url, json=body)
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["errors"][0]["field"] == field

    def test_query_string(self, client: TestClient) -> None:
        response = client.get("/api/tasks/search", params={"q": "in\x00voice"})
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "query.q"

    def test_path(self, client: TestClient) -> None:
        response = client.get("/api/tasks/WI-1%00")
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "path"

    def test_plain_text_upload(self, client: TestClient) -> None:
        response = client.post(
            "/api/tasks/transcripts",
            params={"title": "t"},
            content=b"Ana: hello\x00\n",
            headers={"Content-Type": "text/plain"},
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "body"

    def test_an_escaped_backslash_is_not_a_nul(self, client: TestClient) -> None:
        response = client.post(
            "/api/tasks",
            content=b'{"title": "C:\\\\u0000 is a path"}',
            headers={"Content-Type": "application/json"},
        )
        assert response.status_code == 201
        assert response.json()["title"] == "C:\\u0000 is a path"

    def test_nothing_is_stored(self, client: TestClient) -> None:
        client.post("/api/tasks", json={"title": "a\x00b"})
        assert client.get("/api/tasks").json()["items"] == []
