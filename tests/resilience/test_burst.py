"""A burst of 256 connections: the excess is refused at once, and /readyz still answers."""

import socket
import time

import httpx2

from tests.factories import auth
from tests.servers import Server

BURST = 256


def _request(port: int, token: str) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall(
        b"GET /api/tasks?limit=200 HTTP/1.1\r\nHost: burst\r\n"
        + f"Authorization: Bearer {token}\r\n".encode()
        + b"Connection: close\r\n\r\n"
    )
    return sock


def _status(sock: socket.socket) -> int:
    try:
        head = sock.recv(64)
    except OSError:
        return 0
    finally:
        sock.close()
    return int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/1.1 ") else 0


class TestBurst:
    def test_readyz_answers_during_a_burst(
        self, committed_url: str, token: str, servers: list[Server]
    ) -> None:
        server = Server(committed_url, env={"WORKITEMS_MAX_IN_FLIGHT": "32"}).start()
        servers.append(server)
        assert httpx2.get(f"{server.base}/api/tasks", headers=auth(token)).is_success
        burst = [_request(server.port, token) for _ in range(BURST)]
        started = time.monotonic()
        ready = httpx2.get(f"{server.base}/readyz", timeout=10)
        ready_seconds = time.monotonic() - started
        statuses = [_status(sock) for sock in burst]
        assert ready.status_code == 200
        # A hang behind the burst shows here; how fast it answers is a figure, and figures
        # come from bench/api.py, not from a wall-clock bound that a loaded machine breaks
        # (2 s was exceeded at load 20 on 2 cores with the behaviour intact).
        assert ready_seconds < 10
        assert set(statuses) <= {200, 503}, sorted(set(statuses))
        # After the burst nothing is left running for clients that have gone: the issue's
        # "after which /readyz answers within 1 s".
        started = time.monotonic()
        assert httpx2.get(f"{server.base}/readyz", timeout=10).status_code == 200
        assert time.monotonic() - started < 1
