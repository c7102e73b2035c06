"""Security headers: nosniff everywhere, no-store on credentialed JSON, a CSP on the docs."""

from fastapi import FastAPI
from fastapi.testclient import TestClient


class TestSecurityHeaders:
    def test_authenticated_json_is_not_stored(self, client: TestClient) -> None:
        response = client.get("/api/tasks")
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["cache-control"] == "no-store"

    def test_problems_too(self, client: TestClient) -> None:
        response = client.get("/api/tasks/WI-999999")
        assert response.status_code == 404
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["cache-control"] == "no-store"

    def test_anonymous_probe_has_nosniff(self, app: FastAPI) -> None:
        response = TestClient(app).get("/livez")
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "cache-control" not in response.headers

    def test_docs_forbid_framing(self, app: FastAPI) -> None:
        response = TestClient(app).get("/docs")
        assert response.status_code == 200
        policy = response.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["x-content-type-options"] == "nosniff"
