"""Real server processes for the resilience suite and the fuzzer: started, killed with -9,
restarted. Their fixtures are imported by ``tests/resilience/conftest.py`` and
``tests/fuzz/conftest.py``.

Every wait here is bounded in count and in time, so a regression fails fast instead of
hanging the suite.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx2
import pytest
from sqlalchemy import Engine

from tests.factories import make_token, make_user
from workitems.auth.scopes import ALL_SCOPES
from workitems.db import session_scope
from workitems.user.models import UserRole


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """``uvicorn workitems.app:create_app`` in its own process."""

    database_url: str
    env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *, ready_timeout: float = 60) -> "Server":
        env = {
            **os.environ,
            "WORKITEMS_DATABASE_URL": self.database_url,
            "WORKITEMS_TOKEN_CACHE_SECONDS": "0",
            **self.env,
        }
        self.process = subprocess.Popen(  # noqa: S603 (our own server, fixed arguments)
            [
                sys.executable,
                "-m",
                "uvicorn",
                "workitems.app:create_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "warning",
            ],
            env=env,
        )
        deadline = time.monotonic() + ready_timeout
        for _ in range(int(ready_timeout / 0.05)):
            try:
                httpx2.get(f"{self.base}/livez", timeout=1)
                return self
            except httpx2.TransportError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    break
                time.sleep(0.05)
        self.stop()
        pytest.fail("the server did not start", pytrace=False)

    def kill(self) -> None:
        """``kill -9``: no shutdown handler, no rollback, no goodbye."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def token(committed_url: str, engine: Engine) -> str:
    """An all-scope token, committed, for servers started on ``committed_url``."""
    with session_scope(engine) as session:
        user = make_user(session, email="ops@example.com", name="Ops", role=UserRole.admin)
        return make_token(session, user, ALL_SCOPES)


@pytest.fixture
def servers() -> Iterator[list[Server]]:
    """Started servers, stopped at the end whatever happened."""
    started: list[Server] = []
    yield started
    for server in started:
        server.stop()
