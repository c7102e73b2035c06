"""SQLite's write queue: writes run in order in one thread of their own, the next starts
without waiting for the event loop, and a write that would wait too long is refused."""

import asyncio
import threading
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from tests.factories import make_token, make_user
from workitems.app import create_app
from workitems.auth.scopes import ALL_SCOPES
from workitems.config import Settings
from workitems.db import is_sqlite, session_scope
from workitems.errors import OverloadedError
from workitems.http import writers
from workitems.http.writers import WriteQueue
from workitems.task.models import Task


@pytest.mark.anyio
class TestWriteQueue:
    async def test_writes_run_in_order_in_one_thread(self) -> None:
        queue = WriteQueue()
        seen: list[tuple[int, int]] = []

        def write(n: int) -> int:
            seen.append((n, threading.get_ident()))
            return n * 10

        answers = await asyncio.gather(*(queue.run(lambda n=n: write(n)) for n in range(5)))
        queue.close()
        assert answers == [0, 10, 20, 30, 40]
        assert [n for n, _ in seen] == [0, 1, 2, 3, 4]
        assert len({thread for _, thread in seen}) == 1
        assert seen[0][1] != threading.get_ident()

    async def test_the_next_write_starts_while_the_loop_is_blocked(self) -> None:
        """The point of the queue: one write hands over to the next in its own thread. With
        a limiter on the event loop, only the first would run while the loop is stuck."""
        queue = WriteQueue()
        started: list[float] = []

        def write() -> None:
            started.append(time.monotonic())
            time.sleep(0.02)

        waiting = [asyncio.ensure_future(queue.run(write)) for _ in range(4)]
        await asyncio.sleep(0)  # the jobs are queued
        time.sleep(0.5)  # the event loop does nothing meanwhile
        blocked_until = time.monotonic()
        await asyncio.gather(*waiting)
        queue.close()
        assert len(started) == 4
        # All four started before the loop ran again.
        assert all(at < blocked_until for at in started)

    async def test_an_error_reaches_the_caller(self) -> None:
        queue = WriteQueue()

        def fail() -> None:
            raise ValueError("boom")

        with pytest.raises(ValueError, match="boom"):
            await queue.run(fail)
        assert await queue.run(lambda: 1) == 1
        queue.close()

    async def test_a_write_that_would_wait_too_long_is_refused_at_once(self) -> None:
        queue = WriteQueue(max_wait_seconds=0.001)
        release = threading.Event()
        ran: list[str] = []

        def hold() -> None:
            ran.append("hold")
            release.wait(10)

        holding = asyncio.ensure_future(queue.run(hold))
        while queue.expected_wait() == 0:
            await asyncio.sleep(0.005)
        started = time.monotonic()
        with pytest.raises(OverloadedError):
            await queue.run(lambda: ran.append("refused"))
        assert time.monotonic() - started < 0.1
        release.set()
        await holding
        queue.close()
        assert ran == ["hold"]

    async def test_one_slow_write_does_not_turn_a_normal_queue_away(self) -> None:
        """The bound reads the median of the recent writes: a stall of one write (a slow
        disk, a busy machine) must not refuse the ordinary queue behind it."""
        queue = WriteQueue(max_wait_seconds=0.1)
        for _ in range(5):
            await queue.run(lambda: time.sleep(0.001))
        await queue.run(lambda: time.sleep(0.3))
        release = threading.Event()
        holding = asyncio.ensure_future(queue.run(lambda: release.wait(10)))
        while queue.expected_wait() == 0:
            await asyncio.sleep(0.005)
        queued = [asyncio.ensure_future(queue.run(lambda: None)) for _ in range(10)]
        await asyncio.sleep(0.05)
        release.set()
        await holding
        await asyncio.gather(*queued)  # none refused
        queue.close()

    async def test_a_cancelled_queued_write_never_runs(self) -> None:
        queue = WriteQueue()
        release = threading.Event()
        ran: list[str] = []
        holding = asyncio.ensure_future(queue.run(lambda: release.wait(10)))
        queued = asyncio.ensure_future(queue.run(lambda: ran.append("queued")))
        await asyncio.sleep(0.05)
        queued.cancel()
        with pytest.raises(asyncio.CancelledError):
            await queued
        release.set()
        await holding
        assert await queue.run(lambda: "after") == "after"
        queue.close()
        assert ran == []

    async def test_a_cancelled_running_write_is_waited_for(self) -> None:
        queue = WriteQueue()
        entered = threading.Event()
        finished: list[bool] = []

        def write() -> None:
            entered.set()
            time.sleep(0.2)
            finished.append(True)

        running = asyncio.ensure_future(queue.run(write))
        while not entered.is_set():
            await asyncio.sleep(0.005)
        running.cancel()
        with pytest.raises(asyncio.CancelledError):
            await running
        assert finished == [True]
        queue.close()

    async def test_an_idle_thread_ends_and_a_new_one_starts(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(writers, "IDLE_SECONDS", 0.05)
        queue = WriteQueue()
        first = await queue.run(threading.get_ident)
        for _ in range(100):
            if queue._thread is None:
                break
            await asyncio.sleep(0.01)
        assert queue._thread is None
        second = await queue.run(threading.get_ident)
        queue.close()
        assert queue._thread is None
        assert first != threading.get_ident()
        assert second != threading.get_ident()


@pytest.fixture
def refusing(committed_url: str, engine: Engine) -> Iterator[TestClient]:
    """The real app on SQLite with a write bound so small that any queue is too long."""
    if not is_sqlite(committed_url):
        pytest.skip("PostgreSQL writers do not queue in-process")
    with session_scope(engine) as session:
        token = make_token(session, make_user(session), ALL_SCOPES)
    app = create_app(Settings(database_url=committed_url, write_queue_seconds=1e-9))
    with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as client:
        yield client


def test_an_overloaded_write_is_a_503_problem_and_writes_nothing(
    refusing: TestClient, engine: Engine
) -> None:
    assert refusing.get("/api/tasks").status_code == 200  # the token is now cached
    queue: WriteQueue = refusing.app.state.write_limiter  # type: ignore[attr-defined]
    release = threading.Event()
    holding = refusing.portal.start_task_soon(queue.run, lambda: release.wait(10))
    try:
        for _ in range(200):
            if queue.expected_wait():
                break
            time.sleep(0.005)
        started = time.monotonic()
        answer = refusing.post("/api/tasks", json={"title": "Refused at once"})
        took = time.monotonic() - started
    finally:
        release.set()
        holding.result(10)
    assert answer.status_code == 503, answer.text
    assert answer.headers["Retry-After"] == "1"
    assert answer.headers["Content-Type"].startswith("application/problem+json")
    assert answer.json()["status"] == 503
    assert took < 1
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Task)) == 0
    assert refusing.post("/api/tasks", json={"title": "Served"}).status_code == 201
