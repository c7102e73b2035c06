"""The request session commits inside the endpoint's own threadpool hop, and SQLite's
writers queue in-process: real engines on both databases, no test transaction."""

import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Annotated

import pytest
from anyio import to_thread
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from workitems.db import is_sqlite, make_engine, writer
from workitems.http.session import (
    HopDependency,
    Pending,
    SessionDep,
    SessionRoute,
    finished_in_hop,
    get_session,
    new_write_limiter,
)


class Probe:
    """What the endpoints saw: threads, commits and how many ran at once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.loop_thread = 0
        self.endpoint_threads: list[int] = []
        self.commit_threads: list[int] = []
        self.running = 0
        self.most_at_once = 0
        self.barrier: threading.Barrier | None = None

    def enter(self) -> None:
        with self.lock:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)

    def leave(self) -> None:
        with self.lock:
            self.running -= 1


@pytest.fixture
def probed(committed_url: str) -> Iterator[tuple[TestClient, Probe]]:
    probe = Probe()
    engine = make_engine(committed_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.write_limiter = new_write_limiter(engine.dialect.name)
        yield

    async def on_the_loop() -> None:
        probe.loop_thread = threading.get_ident()

    router = APIRouter(route_class=SessionRoute, dependencies=[Depends(on_the_loop)])

    def work(session: Session) -> dict[str, int]:
        probe.endpoint_threads.append(threading.get_ident())
        event.listen(
            session, "after_commit", lambda _s: probe.commit_threads.append(threading.get_ident())
        )
        probe.enter()
        try:
            if probe.barrier is not None:
                probe.barrier.wait()
            else:
                time.sleep(0.05)
            return {"one": session.execute(text("SELECT 1")).scalar_one()}
        finally:
            probe.leave()

    @router.get("/read")
    def read(session: SessionDep) -> dict[str, int]:
        return work(session)

    @router.post("/write")
    def write(session: SessionDep) -> dict[str, int]:
        return work(session)

    app = FastAPI(lifespan=lifespan)
    app.state.engine = engine
    app.state.write_engine = writer(engine)
    app.include_router(router)
    with TestClient(app) as client:
        yield client, probe
    engine.dispose()


def _concurrently(count: int, call: "object") -> None:
    threads = [threading.Thread(target=call) for _ in range(count)]  # type: ignore[arg-type]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
        assert not thread.is_alive(), "a request stalled"


class TestSessionRoute:
    def test_commit_runs_in_the_endpoints_thread(self, probed: tuple[TestClient, Probe]) -> None:
        client, probe = probed
        assert client.post("/write").json() == {"one": 1}
        assert probe.commit_threads == probe.endpoint_threads
        assert probe.loop_thread not in probe.commit_threads

    def test_error_rolls_back_in_the_hop_and_frees_the_connection(
        self, probed: tuple[TestClient, Probe]
    ) -> None:
        client, probe = probed
        probe.barrier = threading.Barrier(2, timeout=0.01)  # breaks: the endpoint raises
        with pytest.raises(threading.BrokenBarrierError):
            client.post("/write")
        pool = client.app.state.engine.pool  # type: ignore[attr-defined]
        assert pool.checkedout() == 0
        assert probe.commit_threads == []

    def test_writers_queue_in_process_on_sqlite_only(
        self, probed: tuple[TestClient, Probe], committed_url: str
    ) -> None:
        client, probe = probed
        if not is_sqlite(committed_url):
            # PostgreSQL writers run side by side: both must reach the barrier together.
            probe.barrier = threading.Barrier(2, timeout=10)
        _concurrently(2 if probe.barrier else 4, lambda: client.post("/write").raise_for_status())
        assert probe.most_at_once == (1 if is_sqlite(committed_url) else 2)

    def test_readers_run_side_by_side(self, probed: tuple[TestClient, Probe]) -> None:
        client, probe = probed
        probe.barrier = threading.Barrier(2, timeout=10)
        _concurrently(2, lambda: client.get("/read").raise_for_status())
        assert probe.most_at_once == 2


def _uses_session(dependant: object) -> bool:
    if getattr(dependant, "call", None) is get_session:
        return True
    return any(_uses_session(sub) for sub in getattr(dependant, "dependencies", []))


class TestEveryRoute:
    def test_with_a_session_is_a_session_route(self, app: FastAPI) -> None:
        plain = [
            f"{sorted(route.methods)} {route.path}"
            for route in app.routes
            if isinstance(route, APIRoute)
            and _uses_session(route.dependant)
            and not isinstance(route, SessionRoute)
        ]
        assert plain == [], "routers need route_class=SessionRoute (or WebRoute)"


class _ThreadOf(Pending):
    def _resolve(self) -> int:
        return threading.get_ident()


class _WhereResolved(HopDependency):
    """Resolves to the thread that resolved it; pending when the route finishes it."""

    async def __call__(self, request: Request) -> int:
        pending = _ThreadOf()
        if finished_in_hop(request, self, pending):
            return pending  # type: ignore[return-value]
        return int(await to_thread.run_sync(pending.value))


class TestHopDependency:
    @pytest.fixture
    def client(self) -> Iterator[TestClient]:
        where = _WhereResolved()

        async def read_on_the_loop(resolved_in: Annotated[int, Depends(where)]) -> int:
            return resolved_in + 0  # a real int here, never a Pending

        router = APIRouter(route_class=SessionRoute)

        @router.get("/direct")
        def direct(resolved_in: Annotated[int, Depends(where)]) -> dict[str, int]:
            return {"resolved_in": resolved_in, "endpoint": threading.get_ident()}

        @router.get("/nested")
        def nested(
            seen: Annotated[int, Depends(read_on_the_loop)],
            resolved_in: Annotated[int, Depends(where)],
        ) -> dict[str, int]:
            return {"resolved_in": resolved_in, "seen": seen}

        app = FastAPI()
        app.include_router(router)
        with TestClient(app) as client:
            yield client

    def test_resolved_in_the_endpoints_own_thread(self, client: TestClient) -> None:
        answer = client.get("/direct").json()
        assert answer["resolved_in"] == answer["endpoint"]

    def test_complete_for_a_dependency_that_reads_it_on_the_loop(self, client: TestClient) -> None:
        answer = client.get("/nested").json()
        assert answer["seen"] == answer["resolved_in"]
