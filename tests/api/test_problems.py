"""Errors are RFC 9457 problem+json; bad input is never a 500."""

from fastapi.testclient import TestClient

PROBLEM = "application/problem+json"


class TestBodyLimit:
    def test_declared_length_over_limit_is_413(self, client: TestClient) -> None:
        response = client.post(
            "/api/tasks",
            content=b"x" * (1_048_576 + 1),
            headers={"Content-Type": "application/json"},
        )
        assert response.status_code == 413
        assert response.headers["content-type"] == PROBLEM
        assert "1,048,576" in response.json()["detail"]

    def test_streamed_body_over_limit_is_413(self, client: TestClient) -> None:
        def chunks() -> "object":
            for _ in range(20):
                yield b"x" * 65_536

        response = client.post(
            "/api/tasks",
            content=chunks(),  # type: ignore[arg-type]
            headers={"Content-Type": "application/json"},
        )
        assert response.status_code == 413
        assert response.headers["content-type"] == PROBLEM


class TestProblemShape:
    def test_unknown_route(self, client: TestClient) -> None:
        response = client.get("/api/nothing-here")
        assert response.status_code == 404
        assert response.headers["content-type"] == PROBLEM
        assert set(response.json()) >= {"type", "title", "status", "detail"}

    def test_wrong_method(self, client: TestClient) -> None:
        response = client.delete("/api/tasks")
        assert response.status_code == 405
        assert response.headers["content-type"] == PROBLEM

    def test_wrong_type_in_body(self, client: TestClient) -> None:
        response = client.post("/api/tasks", json=["not", "an", "object"])
        assert response.status_code == 422
        assert response.headers["content-type"] == PROBLEM


class TestHealth:
    def test_livez_needs_no_token(self, client: TestClient) -> None:
        assert client.get("/livez", headers={"Authorization": ""}).json() == {"status": "ok"}

    def test_readyz_checks_the_database(self, client: TestClient) -> None:
        response = client.get("/readyz", headers={"Authorization": ""})
        assert response.status_code == 200
        assert response.json()["database"] == "ok"


class TestOpenAPI:
    def test_served_with_security(self, client: TestClient) -> None:
        spec = client.get("/openapi.json").json()
        assert "/api/tasks/{ref}/transition" in spec["paths"]
        assert "token" in spec["components"]["securitySchemes"]
        docs = client.get("/docs")
        assert docs.status_code == 200
        assert "cdn." not in docs.text
        assert "/static-offline-docs/swagger-ui-bundle.js" in docs.text
        assert client.get("/static-offline-docs/swagger-ui-bundle.js").status_code == 200
