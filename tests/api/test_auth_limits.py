"""Failed token checks are limited per address and cached, so guessing costs no database."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from tests.factories import auth

LIMIT = 30  # the default WORKITEMS_TOKEN_FAILURE_LIMIT, 30/minute


@pytest.fixture
def statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(*args: object) -> None:
        seen.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


class TestTokenFailureLimit:
    def test_over_the_limit_is_429_with_retry_after(self, client: TestClient) -> None:
        for n in range(LIMIT):
            bad = client.get("/api/tasks", headers=auth(f"wi_guess{n}"))
            assert bad.status_code == 401
        refused = client.get("/api/tasks", headers=auth("wi_one-more-guess"))
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        assert refused.headers["content-type"] == "application/problem+json"

    def test_a_valid_cached_token_still_works(self, client: TestClient) -> None:
        assert client.get("/api/tasks").status_code == 200
        for n in range(LIMIT + 1):
            client.get("/api/tasks", headers=auth(f"wi_guess{n}"))
        assert client.get("/api/tasks").status_code == 200

    def test_a_repeated_bad_token_costs_no_query(
        self, client: TestClient, statements: list[str]
    ) -> None:
        assert client.get("/api/tasks", headers=auth("wi_same-guess")).status_code == 401
        assert any("token_hash" in s for s in statements)  # the lookup by the token's hash
        statements.clear()
        assert client.get("/api/tasks", headers=auth("wi_same-guess")).status_code == 401
        assert not any("token_hash" in s for s in statements)
