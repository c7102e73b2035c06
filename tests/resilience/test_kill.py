"""``kill -9`` mid-request loses nothing and orphans nothing (both databases)."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx2
from sqlalchemy import Engine, func, select, text

from tests.factories import auth
from tests.servers import Server
from workitems.db import is_sqlite
from workitems.idempotency.models import IdempotencyKey
from workitems.staging.models import Candidate
from workitems.task.models import Task

LEASE_SECONDS = 2.0
BULK = {"candidates": [{"title": f"Follow up on item {n:04d}"} for n in range(1000)]}


def _count(engine: Engine, model: type[Candidate] | type[Task]) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(model)) or 0)


def _claim_in_progress(engine: Engine, key: str) -> bool:
    with engine.connect() as connection:
        status = connection.execute(
            select(IdempotencyKey.status_code).where(IdempotencyKey.key == key)
        ).first()
    return status is not None and status[0] is None


def _integrity_ok(engine: Engine) -> None:
    if is_sqlite(str(engine.url)):
        with engine.connect() as connection:
            assert connection.scalar(text("PRAGMA integrity_check")) == "ok"


class TestKillDuringBulk:
    def test_a_retry_after_the_lease_stages_once(
        self, committed_url: str, engine: Engine, token: str, servers: list[Server]
    ) -> None:
        env = {"WORKITEMS_IDEMPOTENCY_LEASE_SECONDS": str(LEASE_SECONDS)}
        first = Server(committed_url, env=env).start()
        servers.append(first)
        headers = {**auth(token), "Idempotency-Key": "nightly-import"}
        outcome: list[object] = []

        def send() -> None:
            try:
                url = f"{first.base}/api/tasks/staged/bulk"
                outcome.append(httpx2.post(url, json=BULK, headers=headers, timeout=60))
            except httpx2.TransportError as exc:
                outcome.append(exc)

        sender = threading.Thread(target=send)
        sender.start()
        for _ in range(2000):  # at most ~10 s
            if _claim_in_progress(engine, "nightly-import") or not sender.is_alive():
                break
            time.sleep(0.005)
        first.kill()
        sender.join(timeout=10)
        assert isinstance(outcome[0], httpx2.TransportError), "the bulk finished before the kill"
        assert _count(engine, Candidate) == 0
        _integrity_ok(engine)

        second = Server(committed_url, env=env).start()
        servers.append(second)
        url = f"{second.base}/api/tasks/staged/bulk"
        for _ in range(100):  # 409 while the lease runs (the first might be alive); ~20 s
            retried = httpx2.post(url, json=BULK, headers=headers, timeout=60)
            if retried.status_code != 409:
                break
            time.sleep(0.2)
        assert retried.status_code == 200, retried.text
        assert retried.json()["created"] == 1000
        replayed = httpx2.post(url, json=BULK, headers=headers, timeout=60)
        assert replayed.headers["Idempotent-Replayed"] == "true"
        assert replayed.json() == retried.json()
        assert _count(engine, Candidate) == 1000


class TestKillDuringCreates:
    def test_every_created_task_survives(
        self, committed_url: str, engine: Engine, token: str, servers: list[Server]
    ) -> None:
        server = Server(committed_url).start()
        servers.append(server)
        created: list[int] = []
        lock = threading.Lock()
        stop = threading.Event()

        def create(n: int) -> None:
            with httpx2.Client(base_url=server.base, headers=auth(token), timeout=10) as client:
                for i in range(200):  # bounded; the kill ends it sooner
                    if stop.is_set():
                        return
                    try:
                        response = client.post("/api/tasks", json={"title": f"Burst {n}-{i}"})
                    except httpx2.TransportError:
                        return
                    if response.status_code == 201:
                        with lock:
                            created.append(response.json()["id"])

        with ThreadPoolExecutor(max_workers=8) as pool:
            futures = [pool.submit(create, n) for n in range(8)]
            for _ in range(400):  # at most ~4 s
                if len(created) >= 40:
                    break
                time.sleep(0.01)
            server.kill()
            stop.set()
            for future in futures:
                future.result(timeout=30)
        assert created, "no create answered before the kill"
        _integrity_ok(engine)
        with engine.connect() as connection:
            stored = set(connection.scalars(select(Task.id)))
        assert set(created) <= stored
