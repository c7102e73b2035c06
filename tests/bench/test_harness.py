"""A smoke test of the benchmarks' harness: it makes a database, seeds it, and the Core twin
that ``bench/api.py`` measures the service against answers what the service answers.

No figures here: those come from running the benchmarks.
"""

import random
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import PG_ADMIN_URL, _unavailable
from workitems.app import create_app
from workitems.config import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from harness.database import fresh_database
from harness.seed import create_team, default_team, seed_tasks
from harness.twin import create_core_app


@pytest.fixture(params=["sqlite", "postgresql"])
def bench_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    server: str | None = None
    if request.param == "postgresql":
        if not PG_ADMIN_URL:
            _unavailable("WORKITEMS_TEST_DATABASE_URL is not set")
        server = PG_ADMIN_URL
    with fresh_database(server, tmp_path, "harness_smoke") as url:
        yield url


class TestHarness:
    def test_seeded_twin_answers_as_the_service(
        self, bench_url: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        team = create_team(bench_url, default_team()[:4], issued_by="smoke")
        assert team.token is not None
        assert team.token.startswith("wi_")
        seeded = seed_tasks(bench_url, 60, team.user_ids, random.Random(1))
        assert seeded.task_ids == (1, 60)

        monkeypatch.setenv("WORKITEMS_DATABASE_URL", bench_url)
        auth = {"Authorization": f"Bearer {team.token}"}
        with (
            TestClient(create_core_app()) as twin,
            TestClient(create_app(Settings(database_url=bench_url))) as service,
        ):
            for task_id in (1, 30, 60):
                mine = service.get(f"/api/tasks/{task_id}", headers=auth).json()
                theirs = twin.get(f"/tasks/{task_id}").json()
                for key, value in theirs.items():
                    assert _same(mine[key], value), (key, mine[key], value)
            page = twin.get("/tasks?limit=50").json()
            listed = service.get("/api/tasks?limit=50", headers=auth).json()
            assert [t["id"] for t in page["items"]] == [t["id"] for t in listed["items"]]
            created = twin.post("/tasks", json={"title": "Smoke", "labels": ["a", "a", "b"]})
            assert created.status_code == 201
            again = service.get(f"/api/tasks/{created.json()['id']}", headers=auth).json()
            assert (again["title"], again["labels"]) == ("Smoke", ["a", "b"])


def _same(service_value: object, twin_value: object) -> bool:
    """Equal, reading timestamps as instants (pydantic writes ``Z``, the twin ``+00:00``)."""
    if isinstance(service_value, str) and isinstance(twin_value, str) and "T" in twin_value:
        try:
            return datetime.fromisoformat(service_value) == datetime.fromisoformat(twin_value)
        except ValueError:
            pass
    return service_value == twin_value
