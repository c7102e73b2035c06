"""API throughput benchmark: the service's request path against the stack's own ceiling.

What it does, in one run:

1. Makes a fresh database (SQLite in a temporary directory by default; ``--database-url``
   points it at a PostgreSQL server instead), migrates it, creates a team and an all-scope
   API token, and seeds ``--tasks`` (100,000) tasks with Core bulk inserts (``harness``).
2. Starts three servers on that same database, each with ``--workers N`` (1):

   - the real service, ``workitems serve``;
   - ``bare``: FastAPI with one trivial async route (``GET /livez``), the framework's own
     ceiling on this machine;
   - ``core``: the minimal FastAPI + SQLAlchemy Core twin of the measured routes
     (``harness/twin.py``): GET by id, the first 50 active tasks with the users' columns
     joined in and labels aggregated, and an insert.

3. Drives each with ``wrk`` (one thread) carrying the token, the twin's route right before
   the service's one so that both see the same machine: GET by id (a random id per
   request), ``?limit=50`` and POST. It prints req/s, p50 and p99, the server's CPU share
   and requests per server CPU-second (from ``/proc``, summed over the server's
   processes, so other work on this shared machine cancels out), and each service route's
   ratio to its Core twin in the same run, per CPU-second (judged against the goals: each
   >= 0.5, POST p99 <= 100 ms) and per wall second. Then each server's RSS and PSS.
4. Runs the service's routes again at 64 and 256 connections (``--stall-connections``)
   with a probe sending the route's request one at a time beside the load: a run fails on
   a non-2xx answer other than 503, a socket error or a 500 the server logged, and stalls
   when a request or a probe takes longer than ``--stall-threshold`` (2 s), times out, or
   the server does not answer ``/readyz`` promptly afterwards (the FastAPI pool deadlock).
   A 503 is the in-flight bound refusing excess load (``WORKITEMS_MAX_IN_FLIGHT``): it is
   counted apart as refused, and must come as fast as any answer.
   At each connection count the bare server's ``/livez`` runs first: the framework's own
   slowest answer under that load, beside the service's. A server still
   stuck after ``--recover-wait`` is restarted, so later runs measure their own route.

It ends with a one-line summary for a closing note and the exact command. Without ``wrk``
(Debian package ``wrk``; installed with apt-get when running as root) it falls back to a
slower asyncio load generator in a separate process, and says so.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any, TextIO

from harness import report
from harness.database import backend_name, fresh_database, shown
from harness.options import add_common, add_database, database_urls, parser_for
from harness.report import fmt_ms, fmt_rps, print_table
from harness.seed import (
    LABELS,
    OBJECTS,
    PRIORITIES,
    SENTENCES,
    create_team,
    default_team,
    seed_tasks,
)
from harness.server import (
    HOST,
    Memory,
    Server,
    free_port,
    http_call,
    raise_fd_limit,
    uvicorn_command,
)
from workitems.clock import utc_now

#: Goals from the issue: the service's req/s as a fraction of its Core twin's, same run.
GOALS: dict[str, float] = {"get": 0.5, "list": 0.5, "post": 0.5}
POST_P99_GOAL_MS = 100.0


# --------------------------------------------------------------------------- options


@dataclass(frozen=True)
class Options:
    tasks: int
    duration: float
    warmup: float
    connections: int
    workers: int
    stall_connections: tuple[int, ...]
    stall_duration: float
    stall_timeout: float
    stall_threshold: float
    recover_wait: float
    database_url: str | None
    ceiling: bool
    routes: tuple[str, ...]
    loadgen: str
    log_level: str
    keep: bool
    json_path: Path | None
    check: bool


def parse_args(argv: Sequence[str] | None = None) -> Options:
    parser = parser_for(__doc__)
    parser.add_argument("--tasks", type=int, help="tasks to seed (100000; 10000 with --quick)")
    parser.add_argument("--duration", type=float, help="seconds per measured route (8)")
    parser.add_argument("--warmup", type=float, help="seconds of warm-up per route (2)")
    parser.add_argument(
        "--connections", type=int, default=16, help="concurrent connections, main phase (16)"
    )
    parser.add_argument(
        "--workers", type=int, default=1, help="worker processes of every server (1)"
    )
    parser.add_argument(
        "--stall-connections",
        default="64,256",
        help="connection counts for the stall check (64,256; '' skips it)",
    )
    parser.add_argument("--stall-duration", type=float, help="seconds per stall-check run (5)")
    parser.add_argument(
        "--stall-timeout",
        type=float,
        default=10.0,
        help="seconds; wrk's request timeout in the stall check (10)",
    )
    parser.add_argument(
        "--stall-threshold",
        type=float,
        default=2.0,
        help="seconds; a slower answer counts as a stall (2)",
    )
    parser.add_argument(
        "--recover-wait",
        type=float,
        default=60.0,
        help="seconds to wait for a stuck server to answer again before restarting it (60)",
    )
    parser.add_argument(
        "--no-ceiling",
        action="store_true",
        help="measure the service alone, without the bare and Core twin servers",
    )
    parser.add_argument(
        "--routes",
        default="livez,get,list,post",
        help="which routes to measure, of livez,get,list,post (all)",
    )
    parser.add_argument(
        "--loadgen",
        choices=("auto", "wrk", "python"),
        default="auto",
        help="wrk (installed if missing and root), the asyncio fallback, or auto (default)",
    )
    add_database(parser)
    add_common(parser)
    args = parser.parse_args(argv)
    [database_url] = database_urls(parser, args)
    quick: bool = args.quick
    try:
        stall = tuple(int(part) for part in args.stall_connections.split(",") if part.strip())
    except ValueError:
        parser.error("--stall-connections takes integers, e.g. 64,256")
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    routes = tuple(part.strip() for part in args.routes.split(",") if part.strip())
    if not routes or set(routes) - {r.key for r in SERVICE}:
        parser.error("--routes takes a comma-separated subset of livez,get,list,post")
    return Options(
        tasks=args.tasks if args.tasks is not None else (10_000 if quick else 100_000),
        duration=args.duration if args.duration is not None else (2.0 if quick else 8.0),
        warmup=args.warmup if args.warmup is not None else (0.5 if quick else 2.0),
        connections=args.connections,
        workers=args.workers,
        stall_connections=stall,
        stall_duration=(
            args.stall_duration if args.stall_duration is not None else (2.0 if quick else 5.0)
        ),
        stall_timeout=args.stall_timeout,
        stall_threshold=args.stall_threshold,
        recover_wait=args.recover_wait,
        database_url=database_url,
        ceiling=not args.no_ceiling,
        routes=routes,
        loadgen=args.loadgen,
        log_level=args.log_level,
        keep=args.keep,
        json_path=args.json,
        check=args.check,
    )


# --------------------------------------------------------------------------- the routes


@dataclass(frozen=True)
class Route:
    #: Which server answers it: ``workitems``, ``core`` (the twin) or ``bare``.
    server: str
    key: str
    label: str
    method: str
    path: str
    expect: int

    @property
    def name(self) -> str:
        return f"{self.server}.{self.key}"


SERVICE = [
    Route("workitems", "livez", "GET /livez", "GET", "/livez", 200),
    Route("workitems", "get", "GET /api/tasks/{id}", "GET", "/api/tasks/{id}", 200),
    Route("workitems", "list", "GET /api/tasks?limit=50", "GET", "/api/tasks?limit=50", 200),
    Route("workitems", "post", "POST /api/tasks", "POST", "/api/tasks", 201),
]
TWIN = {
    "livez": Route("bare", "livez", "bare FastAPI GET /livez", "GET", "/livez", 200),
    "get": Route("core", "get", "Core twin GET /tasks/{id}", "GET", "/tasks/{id}", 200),
    "list": Route("core", "list", "Core twin GET /tasks?limit=50", "GET", "/tasks?limit=50", 200),
    "post": Route("core", "post", "Core twin POST /tasks", "POST", "/tasks", 201),
}


def chosen(opts: Options) -> list[Route]:
    return [route for route in SERVICE if route.key in opts.routes]


def post_body(n: int) -> dict[str, Any]:
    """The body the load generators send: a typical capture, every third one self-owned."""
    body: dict[str, Any] = {
        "title": f"Bench task {n}: {OBJECTS[n % len(OBJECTS)]}",
        "description": SENTENCES[n % len(SENTENCES)],
        "priority": PRIORITIES[n % len(PRIORITIES)],
        "labels": ["bench", LABELS[n % len(LABELS)]],
    }
    if n % 3 == 0:
        body["assignee"] = "me"
    return body


def preflight(servers: dict[str, Server], token: str, ids: tuple[int, int]) -> None:
    """Each route answers as expected once, so the load runs measure successes."""
    port = servers["workitems"].port
    status, payload = http_call(port, "GET", f"/api/tasks/{ids[1]}", token=token)
    assert status == 200, f"GET /api/tasks/{ids[1]} -> {status}: {payload}"
    assert payload["id"] == ids[1], payload
    status, payload = http_call(port, "GET", "/api/tasks?limit=50", token=token)
    assert status == 200, f"GET /api/tasks -> {status}: {payload}"
    assert len(payload["items"]) == 50, f"the list has {len(payload['items'])} items"
    assert payload["next_cursor"], "the first page of a big queue has a next page"
    status, payload = http_call(port, "POST", "/api/tasks", token=token, body=post_body(0))
    assert status == 201, f"POST /api/tasks -> {status}: {payload}"
    status, payload = http_call(port, "GET", "/api/tasks/1", token=None)
    assert status == 401, f"GET without a token -> {status}, not 401"
    if "core" not in servers:
        return
    core = servers["core"].port
    status, twin = http_call(core, "GET", f"/tasks/{ids[1]}")
    assert status == 200, f"twin GET /tasks/{ids[1]} -> {status}: {twin}"
    _, mine = http_call(port, "GET", f"/api/tasks/{ids[1]}", token=token)
    extra = set(twin) - set(mine)
    assert not extra, f"the twin answers fields the service lacks: {extra}"
    assert (twin["labels"], twin["assignee"]) == (mine["labels"], mine["assignee"]), (twin, mine)
    status, page = http_call(core, "GET", "/tasks?limit=50")
    assert status == 200, f"twin list -> {status}"
    assert len(page["items"]) == 50, f"the twin's list has {len(page['items'])} items"
    status, created = http_call(core, "POST", "/tasks", body=post_body(1))
    assert status == 201, f"twin POST /tasks -> {status}: {created}"


# --------------------------------------------------------------------------- load results


@dataclass
class LoadResult:
    route: str
    connections: int
    seconds: float
    requests: int = 0
    rps: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    non_2xx: int = 0
    #: 503 answers among ``non_2xx``: load the in-flight bound refused (stall check only).
    refused: int = 0
    connect_errors: int = 0
    read_errors: int = 0
    write_errors: int = 0
    timeouts: int = 0
    #: The server's CPU seconds during the run, and their share of the wall time.
    server_cpu_seconds: float | None = None
    server_cpu: float | None = None
    #: Probe requests sent one at a time beside the load (stall check only); wrk counts a
    #: timeout only for an answer that comes late, never for one that does not come at all.
    canary_requests: int = 0
    canary_max_ms: float = 0.0
    canary_failures: int = 0
    canary_timeouts: int = 0
    canary_refused: int = 0
    healthy_after: bool = True
    #: Unhandled exceptions the server logged during the run (and its aftermath), by kind.
    server_errors: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def per_cpu_second(self) -> float | None:
        """Requests served per CPU-second of the server: what a core buys, whatever else
        the machine runs."""
        if not self.server_cpu_seconds:
            return None
        return self.requests / self.server_cpu_seconds

    @property
    def served_rps(self) -> float:
        """Answers other than refusals and errors, per second: the work actually done."""
        if not self.requests:
            return 0.0
        return self.rps * (self.requests - self.non_2xx) / self.requests

    @property
    def server_error_count(self) -> int:
        return sum(self.server_errors.values())

    @property
    def client_errors(self) -> int:
        sockets = self.connect_errors + self.read_errors + self.write_errors
        return self.non_2xx + sockets + self.timeouts

    @property
    def failures(self) -> int:
        """Failed requests; a 500 is in both the client's and the server's count, so the
        larger of the two counts them (the server's also has the ones nobody waited for).
        A 503 refusal is no failure: it is the bound doing its job."""
        return (
            max(self.non_2xx - self.refused, self.server_error_count)
            + self.connect_errors
            + self.read_errors
            + self.write_errors
            + self.canary_failures
        )

    def stalled(self, threshold_s: float) -> bool:
        return (
            self.requests == 0
            or self.timeouts > 0
            or self.canary_timeouts > 0
            or max(self.max_ms, self.canary_max_ms) > threshold_s * 1000
            or not self.healthy_after
        )


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_DURATION = r"([\d.]+)(us|ms|s|m|h)"


def _ms(number: str, unit: str) -> float:
    return float(number) * _UNITS_MS[unit]


def parse_wrk(output: str, result: LoadResult) -> LoadResult:
    """Read wrk 4's ``--latency`` report into ``result``."""
    if m := re.search(rf"^\s+Latency\s+{_DURATION}\s+{_DURATION}\s+{_DURATION}", output, re.M):
        result.max_ms = _ms(m.group(5), m.group(6))
    if m := re.search(rf"^\s+50%\s+{_DURATION}", output, re.M):
        result.p50_ms = _ms(m.group(1), m.group(2))
    if m := re.search(rf"^\s+99%\s+{_DURATION}", output, re.M):
        result.p99_ms = _ms(m.group(1), m.group(2))
    if m := re.search(r"^\s+(\d+) requests in", output, re.M):
        result.requests = int(m.group(1))
    if m := re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M):
        result.rps = float(m.group(1))
    if m := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output):
        result.non_2xx = int(m.group(1))
    if m := re.search(r"^Refused 503:\s+(\d+)", output, re.M):
        result.refused = int(m.group(1))
    if m := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    ):
        result.connect_errors, result.read_errors, result.write_errors, result.timeouts = (
            int(group) for group in m.groups()
        )
    if "Requests/sec" not in output:
        result.notes.append("wrk printed no figures")
    return result


# --------------------------------------------------------------------------- wrk


def find_wrk(loadgen: str) -> str | None:
    if loadgen == "python":
        return None
    found = shutil.which("wrk")
    if found is None and hasattr(os, "geteuid") and os.geteuid() == 0:
        print("wrk is missing; installing Debian's wrk with apt-get ...", flush=True)
        install = ["apt-get", "install", "-y", "-qq", "wrk"]
        if subprocess.run(install, check=False, capture_output=True).returncode != 0:
            subprocess.run(["apt-get", "update", "-qq"], check=False, capture_output=True)
            subprocess.run(install, check=False, capture_output=True)
        found = shutil.which("wrk")
    if found is None and loadgen == "wrk":
        raise SystemExit("wrk is not installed and could not be installed (apt-get install wrk)")
    return found


def lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string literal is a valid Lua string literal here


#: Appended to a stall-check script: wrk counts each thread's 503 answers and prints the
#: sum, since its own report lumps every non-2xx answer together.
COUNT_REFUSED_LUA = """
threads = {}
function setup(thread) table.insert(threads, thread) end
refused = 0
function response(status, headers, body) if status == 503 then refused = refused + 1 end end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("refused") end
  io.write(string.format("Refused 503: %d\\n", total))
end
"""


def lua_script(route: Route, token: str, ids: tuple[int, int]) -> str:
    """The wrk script of one route: the token, and a random id or a varied POST body."""
    auth = f'wrk.headers["Authorization"] = {lua_string("Bearer " + token)}\n'
    if route.key == "livez":
        return ""
    if route.key == "get":
        prefix = route.path.removesuffix("{id}")
        return (
            f"{auth}math.randomseed(os.time())\n"
            f"local low, high = {ids[0]}, {ids[1]}\n"
            "request = function()\n"
            f'  return wrk.format("GET", {lua_string(prefix)} .. math.random(low, high))\n'
            "end\n"
        )
    if route.key == "list":
        return auth
    return (
        f"{auth}"
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
        f"local objects = {{{', '.join(lua_string(o) for o in OBJECTS)}}}\n"
        f"local sentences = {{{', '.join(lua_string(s) for s in SENTENCES)}}}\n"
        f"local priorities = {{{', '.join(lua_string(p) for p in PRIORITIES)}}}\n"
        f"local labels = {{{', '.join(lua_string(lb) for lb in LABELS)}}}\n"
        "local n = 0\n"
        "request = function()\n"
        "  n = n + 1\n"
        "  local body = string.format(\n"
        '    \'{"title":"Bench task %d: %s","description":"%s","priority":"%s",\' ..\n'
        '    \'"labels":["bench","%s"]%s}\',\n'
        "    n, objects[n % #objects + 1], sentences[n % #sentences + 1],\n"
        "    priorities[n % #priorities + 1], labels[n % #labels + 1],\n"
        '    (n % 3 == 0) and \',"assignee":"me"\' or "")\n'
        f"  return wrk.format(nil, {lua_string(route.path)}, nil, body)\n"
        "end\n"
    )


def run_wrk(
    wrk: str,
    port: int,
    route: Route,
    script: Path,
    *,
    connections: int,
    seconds: float,
    timeout: float,
) -> tuple[LoadResult, str]:
    command = [
        wrk,
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        f"--timeout={max(1, round(timeout))}s",
        "--latency",
    ]
    if script.read_text():
        command += ["-s", str(script)]
    command.append(f"http://{HOST}:{port}{route.path.replace('{id}', '1')}")
    done = subprocess.run(
        command, capture_output=True, text=True, check=False, timeout=seconds + timeout + 30
    )
    output = done.stdout + done.stderr
    result = parse_wrk(output, LoadResult(route.name, connections, seconds))
    if done.returncode != 0:
        result.notes.append(f"wrk exited {done.returncode}: {done.stderr.strip()[:200]}")
    return result, output


# --------------------------------------------------------------------------- python fallback


@dataclass(frozen=True)
class PyLoadSpec:
    port: int
    route: Route
    token: str
    ids: tuple[int, int]
    connections: int
    seconds: float
    timeout: float


def _request_bytes(spec: PyLoadSpec, n: int, rng: random.Random) -> bytes:
    headers = f"Host: {HOST}:{spec.port}\r\nAuthorization: Bearer {spec.token}\r\n"
    path = spec.route.path.replace("{id}", str(rng.randint(*spec.ids)))
    if spec.route.method == "POST":
        body = json.dumps(post_body(n)).encode()
        return (
            f"POST {path} HTTP/1.1\r\n{headers}Content-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode() + body
    return f"GET {path} HTTP/1.1\r\n{headers}\r\n".encode()


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {
        name.strip().lower(): value.strip()
        for name, _, value in (line.partition(":") for line in lines[1:] if line)
    }
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status


async def _py_load(spec: PyLoadSpec) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + spec.seconds
    latencies: list[float] = []
    counts = {"non_2xx": 0, "refused": 0, "connect": 0, "read": 0, "write": 0, "timeout": 0}
    counts["n"] = 0

    async def worker(index: int) -> None:
        rng = random.Random(index)
        reader: asyncio.StreamReader | None = None
        writer: asyncio.StreamWriter | None = None
        while loop.time() < deadline:
            if writer is None:
                try:
                    reader, writer = await asyncio.open_connection(HOST, spec.port)
                except OSError:
                    counts["connect"] += 1
                    await asyncio.sleep(0.01)
                    continue
            assert reader is not None
            counts["n"] += 1
            started = time.perf_counter()
            try:
                writer.write(_request_bytes(spec, counts["n"], rng))
                status = await asyncio.wait_for(_read_response(reader), spec.timeout)
            except TimeoutError:
                counts["timeout"] += 1
            except (OSError, asyncio.IncompleteReadError, ValueError):
                counts["read"] += 1
            else:
                latencies.append(time.perf_counter() - started)
                if not 200 <= status < 400:
                    counts["non_2xx"] += 1
                    counts["refused"] += status == 503
                continue
            writer.close()
            reader = writer = None
        if writer is not None:
            writer.close()

    started = loop.time()
    await asyncio.gather(*(worker(i) for i in range(spec.connections)))
    elapsed = loop.time() - started
    latencies.sort()

    def pct(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000

    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed if elapsed else 0.0,
        "p50_ms": pct(0.50) if latencies else 0.0,
        "p99_ms": pct(0.99) if latencies else 0.0,
        "max_ms": latencies[-1] * 1000 if latencies else 0.0,
        "non_2xx": counts["non_2xx"],
        "refused": counts["refused"],
        "connect_errors": counts["connect"],
        "read_errors": counts["read"],
        "write_errors": counts["write"],
        "timeouts": counts["timeout"],
    }


def py_load_main(spec: PyLoadSpec) -> dict[str, Any]:
    """Entry point of the fallback load generator's own process."""
    return asyncio.run(_py_load(spec))


# --------------------------------------------------------------------------- the runs


class Canary(threading.Thread):
    """Sends the route's request one at a time during a load and times each answer.

    It queues behind the load like any client, so its latency is what a user would see;
    a canary without an answer within ``timeout`` is a stall even if the load generator
    never reports one.
    """

    def __init__(
        self, port: int, route: Route, token: str, ids: tuple[int, int], timeout: float
    ) -> None:
        super().__init__(name=f"canary-{route.name}", daemon=True)
        self.port = port
        self.route = route
        self.token = token
        self.ids = ids
        self.timeout = timeout
        self.stop_event = threading.Event()
        self.latencies_ms: list[float] = []
        self.failures = 0
        self.timeouts = 0
        self.refused = 0

    def run(self) -> None:
        rng = random.Random(7)
        n = 0
        self.stop_event.wait(0.5)  # let the load build up first
        while not self.stop_event.is_set():
            n += 1
            path = self.route.path.replace("{id}", str(rng.randint(*self.ids)))
            body = post_body(n) if self.route.method == "POST" else None
            started = time.perf_counter()
            try:
                status, _ = http_call(
                    self.port,
                    self.route.method,
                    path,
                    token=self.token,
                    body=body,
                    timeout=self.timeout,
                )
            except TimeoutError:
                self.timeouts += 1
                continue
            except OSError:
                self.failures += 1
                self.stop_event.wait(0.1)
                continue
            self.latencies_ms.append((time.perf_counter() - started) * 1000)
            if status == 503:
                self.refused += 1
            elif status != self.route.expect:
                self.failures += 1
            self.stop_event.wait(0.2)

    def finish(self, result: LoadResult) -> None:
        self.stop_event.set()
        self.join(self.timeout + 5)
        result.canary_requests = len(self.latencies_ms) + self.timeouts + self.failures
        result.canary_max_ms = max(self.latencies_ms, default=0.0)
        result.canary_failures = self.failures
        result.canary_refused = self.refused
        result.canary_timeouts = self.timeouts + (1 if self.is_alive() else 0)


class Driver:
    """Runs one load against one of the servers with whichever generator is available."""

    def __init__(
        self,
        servers: dict[str, Server],
        restart_service: Callable[[int], Server],
        token: str,
        ids: tuple[int, int],
        wrk: str | None,
        workdir: Path,
        pool: ProcessPoolExecutor | None,
        raw_log: TextIO,
    ) -> None:
        self.servers = servers
        self.service_generations = [servers["workitems"]]
        self.restart_service = restart_service
        self.token = token
        self.ids = ids
        self.wrk = wrk
        self.workdir = workdir
        self.pool = pool
        self.raw_log = raw_log
        #: The bare server's runs in the stall check, beside the service's.
        self.ceilings: list[LoadResult] = []

    @property
    def service(self) -> Server:
        return self.servers["workitems"]

    def script(self, route: Route, *, count_refused: bool = False) -> Path:
        """The route's wrk script; ``count_refused`` (the stall check) adds the 503 count,
        which the throughput runs leave out (a Lua call per answer costs wrk time)."""
        suffix = "-refused" if count_refused else ""
        path = self.workdir / f"{route.name}{suffix}.lua"
        if not path.exists():
            text = lua_script(route, self.token, self.ids)
            path.write_text(text + COUNT_REFUSED_LUA if count_refused else text)
        return path

    def run(
        self,
        route: Route,
        *,
        connections: int,
        seconds: float,
        timeout: float,
        canary: bool = False,
    ) -> LoadResult:
        server = self.servers[route.server]
        probe = Canary(server.port, route, self.token, self.ids, timeout) if canary else None
        cpu_before = server.cpu_seconds()
        wall_before = time.perf_counter()
        if probe is not None:
            probe.start()
        if self.wrk is not None:
            result, output = run_wrk(
                self.wrk,
                server.port,
                route,
                self.script(route, count_refused=canary),
                connections=connections,
                seconds=seconds,
                timeout=timeout,
            )
            self.raw_log.write(f"### {route.name} c={connections} d={seconds}\n{output}\n")
            self.raw_log.flush()
        else:
            assert self.pool is not None
            spec = PyLoadSpec(
                server.port, route, self.token, self.ids, connections, seconds, timeout
            )
            figures = self.pool.submit(py_load_main, spec).result(timeout=seconds + timeout + 60)
            result = LoadResult(route.name, connections, seconds)
            for name, value in figures.items():
                setattr(result, name, value)
        if probe is not None:
            probe.finish(result)
        wall = time.perf_counter() - wall_before
        cpu_after = server.cpu_seconds()
        if cpu_before is not None and cpu_after is not None and wall > 0:
            result.server_cpu_seconds = cpu_after - cpu_before
            result.server_cpu = result.server_cpu_seconds / wall
        return result

    def mark(self) -> tuple[int, int]:
        return len(self.service_generations) - 1, self.service.log_mark()

    def errors_since(self, mark: tuple[int, int]) -> dict[str, int]:
        index, offset = mark
        kinds: Counter[str] = Counter()
        for n, server in enumerate(self.service_generations[index:], start=index):
            kinds += server.errors_since(offset if n == index else 0)
        return dict(kinds)

    def restart(self) -> None:
        """Replace a service that stays stuck, so the next runs measure their own route."""
        self.service.stop()
        self.servers["workitems"] = self.restart_service(len(self.service_generations))
        self.service_generations.append(self.servers["workitems"])

    def settle(self, window: float = 3.0, max_wait: float = 30.0) -> None:
        """Wait until requests left over from a run are done: the log stops growing and the
        service idles for ``window`` seconds, so their errors count for the run that caused
        them and the next run starts on a quiet server."""
        deadline = time.monotonic() + max_wait
        while time.monotonic() < deadline:
            size, cpu = self.service.log_mark(), self.service.cpu_seconds()
            time.sleep(window)
            later = self.service.cpu_seconds()
            busy = cpu is not None and later is not None and later - cpu > 0.1 * window
            if self.service.log_mark() == size and not busy:
                return

    def recover(self, max_wait: float) -> float | None:
        """Seconds until the service answers again after a stall, or None if it never did."""
        started = time.perf_counter()
        while time.perf_counter() - started < max_wait:
            if self.healthy(timeout=2.0):
                return time.perf_counter() - started
            time.sleep(0.5)
        return None

    def healthy(self, timeout: float) -> bool:
        """After a load: the service answers, and a pooled connection is free promptly."""
        port = self.service.port
        try:
            status, _ = http_call(port, "GET", "/readyz", timeout=timeout)
            path = f"/api/tasks/{self.ids[0]}"
            status_get, _ = http_call(port, "GET", path, token=self.token, timeout=timeout)
        except OSError:
            return False
        return status == 200 and status_get == 200


def cpu_text(result: LoadResult) -> str:
    return "-" if result.server_cpu is None else f"{result.server_cpu * 100:.0f}%"


def per_cpu_text(result: LoadResult) -> str:
    value = result.per_cpu_second
    return "-" if value is None else fmt_rps(value)


# --------------------------------------------------------------------------- main phase


def measure(driver: Driver, route: Route, opts: Options) -> LoadResult:
    mark = driver.mark()
    if opts.warmup > 0:
        driver.run(route, connections=opts.connections, seconds=opts.warmup, timeout=10)
    result = driver.run(route, connections=opts.connections, seconds=opts.duration, timeout=10)
    if route.server == "workitems":
        result.server_errors = driver.errors_since(mark)
    print(
        f"  {route.label:<32} {fmt_rps(result.rps):>8} req/s  p99 {fmt_ms(result.p99_ms):>7} ms"
        f"  {per_cpu_text(result):>6} req/CPU-s",
        flush=True,
    )
    return result


def ratios(result: LoadResult, twin: LoadResult | None) -> tuple[float | None, float | None]:
    """The route's throughput over its twin's: per server CPU-second, and per wall second.

    The first is what the goals are judged on: on this shared machine a server gets
    whatever CPU share the other work leaves it, and requests per CPU-second cancel that
    out. The second is shown beside it; the two agree on an idle machine, and a route that
    waits rather than computes (a lock, a sleep) shows up as a wall ratio well below the
    CPU one, and in its p99."""
    if twin is None:
        return None, None
    mine, theirs = result.per_cpu_second, twin.per_cpu_second
    cpu = mine / theirs if mine is not None and theirs else None
    wall = result.rps / twin.rps if twin.rps else None
    return cpu, wall


def verdict(key: str, result: LoadResult, twin: LoadResult | None) -> tuple[str, str]:
    """``(ratio, result)`` cells of a service route."""
    cpu, wall = ratios(result, twin)
    ratio = cpu if cpu is not None else wall
    if ratio is None:
        return "-", "-"
    goal = GOALS.get(key)
    if goal is None:
        return f"{ratio:.3f}", "ceiling"
    if result.failures:
        return f"{ratio:.3f}", "FAIL (errors)"
    misses = []
    if ratio < goal:
        misses.append(f"ratio < {goal}")
    if key == "post" and result.p99_ms > POST_P99_GOAL_MS:
        misses.append(f"p99 > {POST_P99_GOAL_MS:g} ms")
    return f"{ratio:.3f}", "pass" if not misses else "FAIL: " + ", ".join(misses)


def main_phase(driver: Driver, opts: Options) -> dict[str, LoadResult]:
    print(
        f"\n== Throughput: {opts.connections} connections, {opts.warmup:g} s warm-up + "
        f"{opts.duration:g} s per route, 1 load thread, {opts.workers} worker(s) per server ==",
        flush=True,
    )
    results: dict[str, LoadResult] = {}
    for route in chosen(opts):
        twin = TWIN[route.key]
        if twin.server in driver.servers:
            results[twin.name] = measure(driver, twin, opts)
        results[route.name] = measure(driver, route, opts)
    rows: list[list[str]] = []
    for route in chosen(opts):
        twin_route = TWIN[route.key]
        twin = results.get(twin_route.name)
        if twin is not None:
            rows.append(row(twin_route.label, twin, "1", "twin", 1.0))
        ratio, outcome = verdict(route.key, results[route.name], twin)
        wall = ratios(results[route.name], twin)[1]
        rows.append(row(route.label, results[route.name], ratio, outcome, wall))
    print()
    print_table(
        [
            "route",
            "req/s",
            "p50 ms",
            "p99 ms",
            "srv cpu",
            "req/CPU-s",
            "ratio/CPU-s",
            "ratio req/s",
            "result",
            "client err",
            "srv 500s",
        ],
        rows,
    )
    print(
        f"goals: GET by id, list and POST each >= {GOALS['get']} of the Core twin in the same "
        f"run (requests per server CPU-second); POST p99 <= {POST_P99_GOAL_MS:g} ms"
    )
    print_error_kinds(list(results.values()))
    return results


def row(label: str, result: LoadResult, ratio: str, outcome: str, wall: float | None) -> list[str]:
    return [
        label,
        fmt_rps(result.rps),
        fmt_ms(result.p50_ms),
        fmt_ms(result.p99_ms),
        cpu_text(result),
        per_cpu_text(result),
        ratio,
        "-" if wall is None else f"{wall:.3f}",
        outcome,
        str(result.client_errors),
        str(result.server_error_count),
    ]


def print_error_kinds(results: list[LoadResult]) -> None:
    for result in results:
        for kind, count in sorted(result.server_errors.items(), key=lambda kv: -kv[1]):
            print(f"  {result.route} at {result.connections} conns: {count} x {kind}")


def memory_phase(servers: dict[str, Server]) -> dict[str, Memory]:
    found = {name: mem for name, server in servers.items() if (mem := server.memory())}
    if not found:
        return found
    print("\n== Memory after the load (summed over each server's processes) ==")
    print_table(
        ["server", "processes", "RSS", "PSS"],
        [
            [name, str(m.processes), report.fmt_bytes(m.rss), report.fmt_bytes(m.pss)]
            for name, m in found.items()
        ],
    )
    return found


# --------------------------------------------------------------------------- stall check


def _stall_row(connections: int, label: str, result: LoadResult, verdict_text: str) -> list[str]:
    served = result.requests > 0
    return [
        str(connections),
        label,
        fmt_rps(result.rps),
        fmt_rps(result.served_rps),
        fmt_ms(result.p99_ms) if served else "-",
        fmt_ms(result.max_ms) if served else "-",
        str(result.refused),
        str(result.non_2xx - result.refused),
        str(result.connect_errors + result.read_errors + result.write_errors),
        str(result.timeouts),
        str(result.server_error_count),
        f"{result.canary_requests}",
        fmt_ms(result.canary_max_ms) if result.canary_max_ms else "-",
        f"{result.canary_refused}/{result.canary_failures}/{result.canary_timeouts}",
        cpu_text(result),
        verdict_text,
    ]


def stall_phase(driver: Driver, opts: Options) -> list[LoadResult]:
    if not opts.stall_connections:
        return []
    print(
        f"\n== Stall check: {', '.join(map(str, opts.stall_connections))} connections, "
        f"{opts.stall_duration:g} s per route, timeout {opts.stall_timeout:g} s, "
        f"stall threshold {opts.stall_threshold:g} s ==",
        flush=True,
    )
    results: list[LoadResult] = []
    rows: list[list[str]] = []
    driver.settle()
    for connections in opts.stall_connections:
        if "bare" in driver.servers:
            # The framework's own tail at this many connections on this machine, in the same
            # run: what the service's slowest answers compare with (never failed or stalled).
            bare = driver.run(
                TWIN["livez"],
                connections=connections,
                seconds=opts.stall_duration,
                timeout=opts.stall_timeout,
            )
            driver.ceilings.append(bare)
            over = bare.max_ms > opts.stall_threshold * 1000
            verdict_text = f"ceiling{' (over the threshold too)' if over else ''}"
            rows.append(_stall_row(connections, TWIN["livez"].label, bare, verdict_text))
            print(f"  c={connections:<4} {TWIN['livez'].label:<26} {verdict_text}", flush=True)
        for route in chosen(opts):
            mark = driver.mark()
            result = driver.run(
                route,
                connections=connections,
                seconds=opts.stall_duration,
                timeout=opts.stall_timeout,
                canary=True,
            )
            result.healthy_after = driver.healthy(timeout=opts.stall_threshold)
            stuck_note = None
            if not result.healthy_after:
                waited = driver.recover(max_wait=opts.recover_wait)
                if waited is None:
                    stuck_note = f"stuck >{opts.recover_wait:g} s after: restarted"
                else:
                    stuck_note = f"stuck {waited:.0f} s after"
            if stuck_note is None or not stuck_note.endswith("restarted"):
                driver.settle()
            result.server_errors = driver.errors_since(mark)
            if stuck_note is not None:
                result.notes.append(stuck_note)
                if stuck_note.endswith("restarted"):
                    driver.restart()
            results.append(result)
            bad = []
            if result.failures:
                bad.append("FAILED")
            if result.stalled(opts.stall_threshold):
                bad.append("STALLED")
            if stuck_note is not None:
                bad.append(stuck_note)
            rows.append(_stall_row(connections, route.label, result, "; ".join(bad) or "ok"))
            print(f"  c={connections:<4} {route.label:<26} {rows[-1][-1]}", flush=True)
    print()
    print_table(
        [
            "conns",
            "route",
            "req/s",
            "2xx/s",
            "p99 ms",
            "max ms",
            "503",
            "other non-2xx",
            "sock err",
            "timeouts",
            "srv 500s",
            "probes",
            "probe max",
            "probe 503/err/t-o",
            "srv cpu",
            "result",
        ],
        rows,
    )
    print_error_kinds(results)
    return results


# --------------------------------------------------------------------------- summary


def summary_line(
    opts: Options,
    backend: str,
    main: dict[str, LoadResult],
    stalls: list[LoadResult],
    ceilings: Sequence[LoadResult] = (),
) -> str:
    parts = []
    for route in chosen(opts):
        if route.key == "livez":
            continue
        result = main[route.name]
        twin = main.get(TWIN[route.key].name)
        ratio, outcome = verdict(route.key, result, twin)
        parts.append(
            f"{route.key} {fmt_rps(result.rps)} req/s ({per_cpu_text(result)}/CPU-s) "
            f"p99 {fmt_ms(result.p99_ms)} ms = {ratio} of twin ({outcome})"
        )
    head = (
        f"bench/api.py: {backend}, {opts.tasks:,} tasks, {opts.workers} worker(s), "
        f"{opts.connections} conns: " + "; ".join(parts)
    )
    if not stalls:
        return head + "."
    failed = sum(1 for r in stalls if r.failures)
    stalled = sum(1 for r in stalls if r.stalled(opts.stall_threshold))
    conns = "/".join(map(str, opts.stall_connections))
    stuck = sum(1 for r in stalls if any("stuck" in note for note in r.notes))
    worst = max(max(r.max_ms, r.canary_max_ms) for r in stalls)
    refused = sum(r.refused + r.canary_refused for r in stalls)
    answered = sum(r.requests + r.canary_requests for r in stalls)
    refusals = f", {refused:,} of {answered:,} answers refused with 503"
    if ceilings:
        bare = ", ".join(f"{r.connections}: {fmt_ms(r.max_ms)} ms" for r in ceilings)
        refusals += f"; bare FastAPI's slowest answer at {bare}"
    if failed or stalled:
        tail = (
            f"at {conns} conns: {failed} of {len(stalls)} runs with failed requests "
            f"({sum(r.failures for r in stalls):,} failures), {stalled} with a request over "
            f"{opts.stall_threshold:g} s (worst {fmt_ms(worst)} ms), {stuck} leaving it stuck"
            f"{refusals}"
        )
    else:
        tail = (
            f"at {conns} conns: no failed or stalled request (worst {fmt_ms(worst)} ms){refusals}"
        )
    return f"{head}; {tail}."


def run(opts: Options) -> int:
    started_at = utc_now()
    limits = raise_fd_limit()
    wrk = find_wrk(opts.loadgen)
    print(f"bench/api.py started {started_at:%Y-%m-%d %H:%M:%S} UTC on {os.cpu_count()} CPUs")
    print(f"versions: {report.versions()}")
    if wrk is not None:
        wrk_version = subprocess.run([wrk, "-v"], capture_output=True, text=True, check=False)
        print(f"load generator: {(wrk_version.stdout or wrk_version.stderr).splitlines()[0]}")
    else:
        print(
            "load generator: asyncio fallback in a separate process (wrk unavailable); it "
            "competes with the server for CPU, so absolute figures are pessimistic"
        )
    print(f"open-file limit: {limits[0]}; load average {report.load_average()}")

    workdir = Path(tempfile.mkdtemp(prefix="workitems-bench-api-"))
    started: list[Server] = []
    pool: ProcessPoolExecutor | None = None
    exit_code = 0
    try:
        with fresh_database(opts.database_url, workdir, "api", keep=opts.keep) as url:
            backend = backend_name(url)
            print(f"database: {backend} {shown(url)}")
            team = create_team(url, default_team(), issued_by="bench/api.py")
            assert team.token is not None
            seeded = seed_tasks(url, opts.tasks, team.user_ids, random.Random(20261124))
            print(
                f"seeded {opts.tasks:,} tasks ({seeded.labels:,} labels) in {seeded.seconds:.1f} s",
                flush=True,
            )

            def start_service(n: int) -> Server:
                name = "server.log" if n == 0 else f"server-{n + 1}.log"
                server = Server.workitems(
                    url, workdir / name, log_level=opts.log_level, workers=opts.workers
                )
                started.append(server)
                return server.wait_ready()

            def start_twin(kind: str) -> Server:
                port = free_port()
                command = uvicorn_command(
                    f"harness.twin:create_{kind}_app", port, workers=opts.workers
                )
                log = workdir / f"{kind}.log"
                server = Server(command, port, log, env={"WORKITEMS_DATABASE_URL": url}, name=kind)
                started.append(server)
                return server.wait_ready()

            servers = {"workitems": start_service(0)}
            if opts.ceiling:
                servers["bare"] = start_twin("bare")
                servers["core"] = start_twin("core")
            for name, server in servers.items():
                print(f"{name}: pid {server.pid}: {' '.join(server.command)}", flush=True)
            preflight(servers, team.token, seeded.task_ids)
            if wrk is None:
                pool = ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"))
            with (workdir / "wrk.log").open("w") as raw_log:
                driver = Driver(
                    servers,
                    start_service,
                    team.token,
                    seeded.task_ids,
                    wrk,
                    workdir,
                    pool,
                    raw_log,
                )
                main = main_phase(driver, opts)
                memory = memory_phase(servers)
                if "core" in servers:
                    servers.pop("core").stop()
                # bare stays up: the stall check measures the framework's own tail beside
                # the service's (an idle server costs the others nothing).
                stalls = stall_phase(driver, opts)
                if "bare" in servers:
                    servers.pop("bare").stop()
            logged: Counter[str] = Counter()
            for each in driver.service_generations:
                logged += each.errors_since(0)
            if logged:
                print(f"\nthe service logged {logged.total()} unhandled error(s) in all:")
                for kind, count in logged.most_common():
                    print(f"  {count} x {kind}")
            if len(driver.service_generations) > 1:
                restarts = len(driver.service_generations) - 1
                print(f"the service was restarted {restarts} time(s) after staying stuck")
            if any(r.failures or r.stalled(opts.stall_threshold) for r in stalls) or any(
                r.failures or r.timeouts for r in main.values()
            ):
                exit_code = 1
            missed = [
                route.key
                for route in chosen(opts)
                if route.key != "livez"
                and verdict(route.key, main[route.name], main.get(TWIN[route.key].name))[
                    1
                ].startswith("FAIL")
            ]
            if missed and opts.check and exit_code == 0:
                exit_code = 2
            print(f"\nload average at the end: {report.load_average()}")
            print("\nsummary:")
            print(summary_line(opts, backend, main, stalls, driver.ceilings))
            print(f"command: {report.command()}")
            if opts.json_path is not None:
                report.write_json(
                    opts.json_path,
                    {
                        "started_at": started_at.isoformat(),
                        "backend": backend,
                        "tasks": opts.tasks,
                        "options": {k: str(v) for k, v in asdict(opts).items()},
                        "main": {
                            k: {**asdict(v), "per_cpu_second": v.per_cpu_second}
                            for k, v in main.items()
                        },
                        "memory": {k: asdict(v) for k, v in memory.items()},
                        "stall": [asdict(r) for r in stalls],
                        "stall_ceiling": [asdict(r) for r in driver.ceilings],
                        "goals": {**GOALS, "post_p99_ms": POST_P99_GOAL_MS},
                    },
                )
    except BaseException:
        if started:
            print(f"\nserver log tail:\n{started[-1].log_tail()}", file=sys.stderr)
        raise
    finally:
        for each in started:
            each.stop()
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        if opts.keep:
            print(f"kept {workdir} (api.db, server logs, wrk.log, *.lua)")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return exit_code


def main(argv: Sequence[str] | None = None) -> int:
    return run(parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
