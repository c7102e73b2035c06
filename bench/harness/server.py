"""Servers as subprocesses, and what they cost, read from ``/proc``.

Each server runs in its own session (process group), so its CPU time and memory are the sum
over the group: one process with ``--workers 1``, uvicorn's supervisor and its workers
otherwise. Reading the server's own CPU time makes throughput per CPU-second comparable
while other work shares the machine.
"""

import contextlib
import http.client
import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

HOST = "127.0.0.1"
ASGI_ERROR = "Exception in ASGI application"
EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit)\b")
BENCH_DIR = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def raise_fd_limit(wanted: int = 65_536) -> tuple[int, int]:
    """256 connections need 512+ descriptors between a load generator and the server;
    children inherit the limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)


def workitems_command(port: int, workers: int = 1) -> list[str]:
    """``workitems serve`` from this interpreter's environment."""
    exe = Path(sys.executable).with_name("workitems")
    program = str(exe) if exe.exists() else shutil.which("workitems") or "workitems"
    return [program, "serve", "--host", HOST, "--port", str(port), "--workers", str(workers)]


def uvicorn_command(
    app: str, port: int, *, workers: int = 1, log_level: str = "warning"
) -> list[str]:
    """uvicorn serving a factory from the ``bench/`` directory (``harness.twin:...``)."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        app,
        "--factory",
        "--app-dir",
        str(BENCH_DIR),
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        log_level,
    ]


@dataclass(frozen=True)
class Memory:
    """Resident and proportional set sizes in bytes, summed over the server's processes
    (PSS splits shared pages between the processes that share them)."""

    rss: int
    pss: int
    processes: int


class Server:
    """A server subprocess in its own process group, with its log in a file."""

    def __init__(
        self,
        command: Sequence[str],
        port: int,
        log_path: Path,
        *,
        env: Mapping[str, str] | None = None,
        name: str = "server",
    ) -> None:
        self.name = name
        self.port = port
        self.log_path = log_path
        self.command = list(command)
        self._log: TextIO = log_path.open("w")
        self.proc = subprocess.Popen(
            self.command,
            env={**os.environ, **(env or {})},
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )

    @classmethod
    def workitems(
        cls, url: str, log_path: Path, *, log_level: str = "warning", workers: int = 1
    ) -> "Server":
        """The real service, ``workitems serve``, on a free port."""
        port = free_port()
        env = {"WORKITEMS_DATABASE_URL": url, "WORKITEMS_LOG_LEVEL": log_level}
        return cls(workitems_command(port, workers), port, log_path, env=env, name="workitems")

    @property
    def pid(self) -> int:
        return self.proc.pid

    def wait_ready(self, path: str = "/livez", timeout: float = 60.0) -> "Server":
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with {self.proc.returncode}:\n{self.log_tail()}"
                )
            with contextlib.suppress(OSError):
                status, _ = http_call(self.port, "GET", path, timeout=1.0)
                if status == 200:
                    return self
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not answer {path} in {timeout:.0f} s")

    def pids(self) -> list[int]:
        """Every live process of the server's group (its workers too)."""
        found: list[int] = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            with contextlib.suppress(OSError, IndexError, ValueError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[2]) == self.pid:  # field 5 of stat: the process group
                    found.append(int(entry.name))
        return found

    def cpu_seconds(self) -> float | None:
        """User + system CPU time of the server's processes so far (Linux ``/proc``), with
        the time of workers that have already exited (``cutime``/``cstime``)."""
        total = 0
        seen = False
        for pid in self.pids():
            with contextlib.suppress(OSError, IndexError, ValueError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])
                if pid == self.pid:
                    total += int(fields[13]) + int(fields[14])
                seen = True
        return total / os.sysconf("SC_CLK_TCK") if seen else None

    def memory(self) -> Memory | None:
        rss = pss = count = 0
        for pid in self.pids():
            with contextlib.suppress(OSError, ValueError):
                for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                    name, _, rest = line.partition(":")
                    if name == "Rss":
                        rss += int(rest.split()[0]) * 1024
                    elif name == "Pss":
                        pss += int(rest.split()[0]) * 1024
                count += 1
        return Memory(rss, pss, count) if count else None

    def log_tail(self, lines: int = 30) -> str:
        self._log.flush()
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def log_mark(self) -> int:
        return self.log_path.stat().st_size

    def errors_since(self, mark: int = 0) -> Counter[str]:
        """Unhandled exceptions (500s) the server logged after ``mark``, by kind.

        Counted from the log because a request whose client has gone (a load generator
        stops, a probe times out) fails where no client sees it.
        """
        with self.log_path.open("rb") as log:
            log.seek(mark)
            lines = log.read().decode(errors="replace").splitlines()
        kinds: Counter[str] = Counter()
        current: str | None = None
        in_error = False
        for line in [*lines, "INFO: end"]:
            if ASGI_ERROR in line or line.startswith(("unhandled error", "ERROR:", "INFO:")):
                if in_error:
                    kinds[current or "unknown"] += 1
                in_error, current = ASGI_ERROR in line, None
            elif in_error and EXCEPTION_LINE.match(line):
                current = line.split(" (Background on this error")[0][:120]
        return kinds

    def stop(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        self._log.close()


class CpuMeter:
    """A server's CPU share between creation and ``share()``: about 1.0 per busy core."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.cpu = server.cpu_seconds()
        self.wall = time.perf_counter()

    def seconds(self) -> float | None:
        cpu = self.server.cpu_seconds()
        return None if cpu is None or self.cpu is None else cpu - self.cpu

    def share(self) -> float | None:
        used = self.seconds()
        wall = time.perf_counter() - self.wall
        return None if used is None or wall <= 0 else used / wall


def http_call(
    port: int,
    method: str,
    path: str,
    *,
    token: str | None = None,
    body: Any = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = 10.0,
) -> tuple[int, Any]:
    """One request on its own connection; the JSON answer decoded when it is JSON."""
    status, _headers, payload, _seconds = request(
        port, method, path, token=token, body=body, headers=headers, timeout=timeout
    )
    return status, payload


def request(
    port: int,
    method: str,
    path: str,
    *,
    token: str | None = None,
    body: Any = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = 10.0,
) -> tuple[int, dict[str, str], Any, float]:
    """``(status, headers, payload, seconds)``: timed from sending to the last byte read.
    ``body`` is sent as is when it is bytes, as JSON otherwise. No keep-alive, so nothing is
    lost between steps and no POST is ever retried."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        sent = dict(headers or {})
        if token:
            sent["Authorization"] = f"Bearer {token}"
        data: bytes | None = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        started = time.perf_counter()
        conn.request(method, path, body=data, headers=sent)
        response = conn.getresponse()
        raw = response.read()
        seconds = time.perf_counter() - started
        try:
            payload = json.loads(raw) if raw else None
        except ValueError:
            payload = raw.decode(errors="replace")
        answer_headers = {k.lower(): v for k, v in response.getheaders()}
        return response.status, answer_headers, payload, seconds
    finally:
        conn.close()
