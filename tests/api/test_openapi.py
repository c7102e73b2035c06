"""The OpenAPI document says what the API answers (the fuzzer checks the rest)."""

import json

from fastapi import FastAPI
from fastapi.testclient import TestClient


def _operation(app: FastAPI, path: str, method: str) -> dict:  # type: ignore[type-arg]
    return app.openapi()["paths"][path][method]  # type: ignore[no-any-return]


class TestDocument:
    def test_every_ref_resolves(self, app: FastAPI) -> None:
        document = app.openapi()
        text = json.dumps(document)
        assert "#/$defs/" not in text
        for name in {part.split('"')[0] for part in text.split("#/components/schemas/")[1:]}:
            assert name in document["components"]["schemas"], name

    def test_problems_are_documented(self, app: FastAPI) -> None:
        responses = _operation(app, "/api/tasks/{ref}", "patch")["responses"]
        for status in ("401", "403", "404", "409", "412", "413", "422", "428", "429", "503"):
            assert "application/problem+json" in responses[status]["content"], status

    def test_if_match_is_required_where_it_is(self, app: FastAPI) -> None:
        [header] = [
            p
            for p in _operation(app, "/api/tasks/{ref}", "patch")["parameters"]
            if p["in"] == "header"
        ]
        assert (header["name"].lower(), header["required"]) == ("if-match", True)
        transition = _operation(app, "/api/tasks/{ref}/transition", "post")["parameters"]
        assert not any(p["in"] == "header" and p.get("required") for p in transition)

    def test_free_text_list_filters_are_plain_arrays(self, app: FastAPI) -> None:
        # With an "or null" branch, ?label=false reads as a boolean the API should refuse.
        [label] = [
            p for p in _operation(app, "/api/tasks", "get")["parameters"] if p["name"] == "label"
        ]
        assert label["schema"]["type"] == "array"
        assert "anyOf" not in label["schema"]


class TestBehaviour:
    def test_missing_if_match_is_428(self, client: TestClient) -> None:
        key = client.post("/api/tasks", json={"title": "t"}).json()["key"]
        response = client.patch(f"/api/tasks/{key}", json={"title": "u"})
        assert response.status_code == 428
        assert response.headers["content-type"] == "application/problem+json"

    def test_an_unsupported_method_lists_every_allowed_one(self, client: TestClient) -> None:
        response = client.options("/api/tasks")
        assert response.status_code == 405
        allowed = {m.strip() for m in response.headers["allow"].split(",")}
        assert {"GET", "POST"} <= allowed

    def test_numbers_are_not_dates_or_booleans(self, client: TestClient) -> None:
        """Lax parsing would read 0 as false or 1970-01-01, which the schema forbids."""
        view = client.post("/api/tasks/views", json={"name": "v", "query": "", "shared": 0})
        assert view.status_code == 422
        task = client.post("/api/tasks", json={"title": "t", "due_date": 0})
        assert task.status_code == 422
        assert client.post("/api/tasks", json={"title": "t", "due_date": "2031-01-02"}).is_success

    def test_a_fixed_path_is_not_taken_for_an_id(self, client: TestClient) -> None:
        response = client.patch("/api/tasks/staged/bulk", json={"candidates": []})
        assert response.status_code == 405
        assert response.headers["allow"] == "POST"

    def test_a_boolean_is_not_an_id_nor_a_fraction(self, client: TestClient) -> None:
        review = client.post("/api/tasks/staged/review", json={"action": "approve", "ids": [True]})
        assert review.status_code == 422
        staged = client.post("/api/tasks/staged", json={"title": "t", "confidence": False})
        assert staged.status_code == 422

    def test_a_number_is_not_a_moment(self, client: TestClient) -> None:
        assert client.get("/api/tasks", params={"updated_since": "0.5"}).status_code == 422
        assert client.get("/api/tasks", params={"due_before": "0"}).status_code == 422
        ok = client.get("/api/tasks", params={"updated_since": "2026-01-01T00:00:00Z"})
        assert ok.status_code == 200
