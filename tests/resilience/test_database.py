"""The database stalls, refuses or comes back: answers stay bounded, and nothing hangs.

A "black hole" accepts TCP and never answers, as a partitioned PostgreSQL does; a port
with no listener refuses. Every loop and wait here is bounded in count and time.
"""

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import httpx2
import pytest
from sqlalchemy.engine import make_url

from tests.factories import auth
from tests.servers import Server, free_port

PG_ADMIN_URL = os.environ.get("WORKITEMS_TEST_DATABASE_URL", "")


class BlackHole:
    """Accepts connections and never says a word."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.port = int(self.sock.getsockname()[1])
        self.held: list[socket.socket] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                self.held.append(self.sock.accept()[0])
            except OSError:
                continue

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=5)
        for conn in self.held:
            conn.close()
        self.sock.close()


class Forwarder:
    """A TCP relay to the real PostgreSQL: the database "coming back" on a port."""

    def __init__(self, port: int, target: tuple[str, int]) -> None:
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.target = target
        self.stop = threading.Event()
        self.open: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                client = self.sock.accept()[0]
            except OSError:
                continue
            upstream = socket.create_connection(self.target, timeout=5)
            self.open += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        source.settimeout(None)
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            sink.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=5)
        for conn in self.open:
            conn.close()
        self.sock.close()


@pytest.fixture
def black_hole() -> Iterator[BlackHole]:
    hole = BlackHole()
    yield hole
    hole.close()


def _timed_get(url: str, **kwargs: object) -> tuple[httpx2.Response, float]:
    started = time.monotonic()
    response = httpx2.get(url, timeout=30, **kwargs)  # type: ignore[arg-type]
    return response, time.monotonic() - started


class TestBlackHoledPostgres:
    def test_readyz_and_requests_answer_503_in_time(
        self, black_hole: BlackHole, servers: list[Server]
    ) -> None:
        url = f"postgresql+psycopg://postgres@127.0.0.1:{black_hole.port}/workitems"
        server = Server(url).start()
        servers.append(server)
        ready, ready_seconds = _timed_get(f"{server.base}/readyz")
        assert ready.status_code == 503
        assert ready_seconds < 3
        tasks, tasks_seconds = _timed_get(f"{server.base}/api/tasks", headers=auth("wi_x"))
        assert tasks.status_code == 503, tasks.text
        assert tasks.headers["Retry-After"]
        assert tasks_seconds < 10


class TestRefusingPostgres:
    def test_serve_starts_not_ready_and_recovers(self, tmp_path: object) -> None:
        if not PG_ADMIN_URL:
            pytest.skip("WORKITEMS_TEST_DATABASE_URL is not set")
        real = make_url(PG_ADMIN_URL)
        db_port, http_port = free_port(), free_port()
        env = {
            **os.environ,
            "WORKITEMS_DATABASE_URL": real.set(host="127.0.0.1", port=db_port).render_as_string(
                hide_password=False
            ),
            "WORKITEMS_PORT": str(http_port),
            "WORKITEMS_LOG_LEVEL": "warning",
        }
        serve = subprocess.Popen(  # noqa: S603 (our own CLI, fixed arguments)
            [str(os.path.join(os.path.dirname(sys.executable), "workitems")), "serve"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{http_port}"
        forwarder: Forwarder | None = None
        try:
            for _ in range(600):  # up to ~60 s for a loaded machine to start it
                try:
                    assert httpx2.get(f"{base}/livez", timeout=1).status_code == 200
                    break
                except httpx2.TransportError:
                    assert serve.poll() is None, "serve exited instead of starting not ready"
                    time.sleep(0.1)
            live = httpx2.get(f"{base}/livez", timeout=5)
            assert "server" not in live.headers  # no uvicorn banner
            assert httpx2.get(f"{base}/readyz", timeout=5).status_code == 503
            refused = httpx2.get(f"{base}/api/tasks", headers=auth("wi_x"), timeout=15)
            assert refused.status_code == 503
            assert refused.headers["Retry-After"]

            forwarder = Forwarder(db_port, (real.host or "127.0.0.1", real.port or 5432))
            for _ in range(100):  # ~10 s
                if httpx2.get(f"{base}/readyz", timeout=5).status_code == 200:
                    break
                time.sleep(0.1)
            assert httpx2.get(f"{base}/readyz", timeout=5).status_code == 200
        finally:
            serve.terminate()
            try:
                serve.wait(timeout=10)
            except subprocess.TimeoutExpired:
                serve.kill()
            if forwarder is not None:
                forwarder.close()
