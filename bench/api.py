"""API throughput benchmark: what one worker serves, measured against the framework's ceiling.

What it does, in one run:

1. Makes a fresh database (SQLite in a temporary directory by default; ``--database-url``
   points it at a PostgreSQL server instead), migrates it with Alembic, creates a team of
   users and an all-scope API token in-process, and seeds ``--tasks`` (100,000) tasks with
   SQLAlchemy Core bulk inserts: varied titles and descriptions, mostly active statuses,
   priorities, owners, due dates, labels, timestamps spread over the past months.
2. Starts the real service as a subprocess, ``workitems serve --workers 1``, on a free
   loopback port, and waits for ``/livez``.
3. Drives it with ``wrk`` (one thread: the machine has two cores, one for the server and one
   for the load generator) with the token in ``Authorization``:

   - ``GET /livez``: an async route that touches nothing, i.e. the framework's ceiling on
     this machine (uvicorn, routing, JSON). Every other figure is reported as a ratio to the
     ceiling measured in the same run, so the goals do not depend on the machine's speed.
   - ``GET /api/tasks/{id}`` with a random id per request (goal: >= 0.5 of the ceiling);
   - ``GET /api/tasks?limit=50``, the first page of the default queue (goal: >= 0.3);
   - ``POST /api/tasks`` with a JSON body (goal: >= 0.4).

   It prints requests/s, p99 latency, the ratio to the ceiling and pass/fail per goal.
4. Runs the four routes again at 64 and 256 concurrent connections (``wrk --timeout``) to
   check that no request fails or stalls: the known FastAPI pitfall is a connection pool
   that deadlocks when sync dependencies and endpoints hold pooled connections across
   threadpool hops. A request counts as failed on a non-2xx answer, a socket error or an
   unhandled exception in the server's log (a 500 whose client had given up reaches no load
   generator). A run stalls when a request times out or takes longer than
   ``--stall-threshold``, when nothing is served, or when the server doesn't answer
   ``/readyz`` (which needs a pooled connection) promptly afterwards. wrk records a
   timeout only for an answer that arrives late, never for one that doesn't arrive, so a
   probe thread also sends the route's request one at a time during the load and times
   it. A server still stuck after ``--recover-wait`` is restarted, so later runs measure
   their own route.

Finally it prints a one-line summary for a closing note and the exact command that was run.
Without ``wrk`` (Debian package ``wrk``; installed with apt-get when running as root) it
falls back to a slower asyncio load generator in a separate process, and says so.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import json
import os
import random
import re
import resource
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from multiprocessing import get_context
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import Engine, func, insert, select, text
from sqlalchemy.engine import make_url

from workitems import migrate
from workitems.auth.scopes import ALL_SCOPES
from workitems.auth.service import issue_token
from workitems.clock import utc_now
from workitems.db import Base, is_sqlite, make_engine, session_scope
from workitems.task.enums import Priority, TaskSource, TaskStatus
from workitems.task.models import Task
from workitems.user.models import UserRole
from workitems.user.service import add_user

HOST = "127.0.0.1"
ASGI_ERROR = "Exception in ASGI application"
EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit)\b")
PG_BENCH_DB = "workitems_bench_api"
SEED_CHUNK = 5_000
#: Goals from the issue: each route's requests/s as a fraction of the ``/livez`` ceiling.
GOALS: dict[str, float] = {"get": 0.5, "list": 0.3, "post": 0.4}


# --------------------------------------------------------------------------- options


@dataclass(frozen=True)
class Options:
    tasks: int
    duration: float
    warmup: float
    connections: int
    stall_connections: tuple[int, ...]
    stall_duration: float
    stall_timeout: float
    stall_threshold: float
    recover_wait: float
    database_url: str | None
    loadgen: str
    log_level: str
    keep: bool
    json_path: Path | None
    check: bool


def parse_args(argv: Sequence[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n", 1)[0] if __doc__ else None,
    )
    parser.add_argument("--tasks", type=int, help="tasks to seed (100000; 10000 with --quick)")
    parser.add_argument("--duration", type=float, help="seconds per measured route (8)")
    parser.add_argument("--warmup", type=float, help="seconds of warm-up per route (2)")
    parser.add_argument(
        "--connections", type=int, default=16, help="concurrent connections, main phase (16)"
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
        default=5.0,
        help="seconds; a slower answer counts as a stall (5)",
    )
    parser.add_argument(
        "--recover-wait",
        type=float,
        default=60.0,
        help="seconds to wait for a stuck server to answer again before restarting it (60)",
    )
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server (postgresql+psycopg://user@host:port/db) to run against "
        f"instead of SQLite; a fresh database {PG_BENCH_DB!r} is created there and dropped",
    )
    parser.add_argument(
        "--loadgen",
        choices=("auto", "wrk", "python"),
        default="auto",
        help="wrk (installed if missing and root), the asyncio fallback, or auto (default)",
    )
    parser.add_argument(
        "--log-level",
        default="warning",
        help="server log level (warning; 'info' adds uvicorn's access log to every request)",
    )
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary directory (db, server log)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit 2 when a route misses its goal (failures and stalls always exit 1)",
    )
    args = parser.parse_args(argv)
    quick: bool = args.quick
    if args.database_url is not None:
        backend = make_url(args.database_url).get_backend_name()
        if backend != "postgresql":
            parser.error("--database-url takes a PostgreSQL URL; SQLite is the default")
    try:
        stall = tuple(int(part) for part in args.stall_connections.split(",") if part.strip())
    except ValueError:
        parser.error("--stall-connections takes integers, e.g. 64,256")
    return Options(
        tasks=args.tasks if args.tasks is not None else (10_000 if quick else 100_000),
        duration=args.duration if args.duration is not None else (2.0 if quick else 8.0),
        warmup=args.warmup if args.warmup is not None else (0.5 if quick else 2.0),
        connections=args.connections,
        stall_connections=stall,
        stall_duration=(
            args.stall_duration if args.stall_duration is not None else (2.0 if quick else 5.0)
        ),
        stall_timeout=args.stall_timeout,
        stall_threshold=args.stall_threshold,
        recover_wait=args.recover_wait,
        database_url=args.database_url,
        loadgen=args.loadgen,
        log_level=args.log_level,
        keep=args.keep,
        json_path=args.json,
        check=args.check,
    )


# --------------------------------------------------------------------------- database


@contextlib.contextmanager
def bench_database(opts: Options, workdir: Path) -> Iterator[str]:
    """Yield the URL of a fresh, empty database; drop it afterwards (PostgreSQL)."""
    if opts.database_url is None:
        yield f"sqlite:///{workdir / 'bench.db'}"
        return
    import psycopg
    from psycopg import sql

    server = make_url(opts.database_url)
    admin_dsn = server.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False
    )
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(PG_BENCH_DB))
    create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(PG_BENCH_DB))
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(drop)
        conn.execute(create)
    try:
        yield server.set(database=PG_BENCH_DB).render_as_string(hide_password=False)
    finally:
        if not opts.keep:
            with psycopg.connect(admin_dsn, autocommit=True) as conn:
                conn.execute(drop)


TEAM = [
    ("Priya Shah", "priya"),
    ("Sam Okafor", "sam"),
    ("Lena Müller", "lena"),
    ("Diego Alvarez", "diego"),
    ("Mei Tanaka", "mei"),
    ("Tom Becker", "tom"),
    ("Aisha Rahman", "aisha"),
    ("Jonas Berg", "jonas"),
    ("Chloé Martin", "chloe"),
    ("Ravi Iyer", "ravi"),
    ("Nora Lindqvist", "nora"),
    ("Kwame Mensah", "kwame"),
    ("Olga Petrova", "olga"),
    ("Ben Carter", "ben"),
    ("Sofia Rossi", "sofia"),
    ("Hiro Sato", "hiro"),
    ("Fatima Zahra", "fatima"),
    ("Liam Walsh", "liam"),
    ("Ana Costa", "ana"),
    ("Yusuf Demir", "yusuf"),
]
VERBS = [
    "Fix",
    "Review",
    "Update",
    "Draft",
    "Follow up on",
    "Investigate",
    "Migrate",
    "Document",
    "Schedule",
    "Clean up",
    "Prepare",
    "Escalate",
    "Test",
    "Automate",
    "Decide on",
    "Send",
]
OBJECTS = [
    "the billing export",
    "Q3 roadmap slides",
    "onboarding checklist",
    "the flaky login test",
    "vendor contract renewal",
    "release notes for 2.4",
    "customer escalation from Acme",
    "the nightly backup job",
    "SSO configuration",
    "dashboard latency alerts",
    "the hiring loop for backend",
    "incident postmortem",
    "API rate limits",
    "the pricing page copy",
    "data retention policy",
    "staging database upgrade",
    "support macros",
    "the security questionnaire",
    "invoice reconciliation",
    "mobile push notifications",
]
CONTEXTS = [
    "",
    "",
    "",
    " before the board meeting",
    " with the platform team",
    " for the EU region",
    " after the outage",
    " (blocked on legal)",
    " ahead of the launch",
    " per Monday's sync",
]
SENTENCES = [
    "Raised in the weekly ops review.",
    "The customer asked twice already; keep them posted.",
    "See the thread in #platform for the background.",
    "Needs a decision from finance before we can proceed.",
    "Last attempt failed on the staging cluster; logs are attached to the ticket.",
    "Owner to confirm the scope and a realistic date.",
    "Low effort, but it keeps coming up in support.",
    "Depends on the database migration landing first.",
    "Pair with someone from the design team on this one.",
    "Split into smaller tasks if it grows past a day.",
    "Acceptance: the report matches the ledger for the last three months.",
    "Mentioned by the CEO in the all-hands; visible work.",
]
LABELS = [
    "backend",
    "frontend",
    "ops",
    "finance",
    "legal",
    "customer",
    "security",
    "hiring",
    "docs",
    "infra",
    "q3",
    "q4",
    "quick-win",
    "blocked",
    "release",
]
STATUS_WEIGHTS = [
    (TaskStatus.unaddressed, 15),
    (TaskStatus.pending, 30),
    (TaskStatus.in_progress, 22),
    (TaskStatus.on_hold, 8),
    (TaskStatus.completed, 19),
    (TaskStatus.canceled, 6),
]
PRIORITY_WEIGHTS = [
    (Priority.none, 30),
    (Priority.low, 25),
    (Priority.medium, 25),
    (Priority.high, 15),
    (Priority.urgent, 5),
]
CLOSURE_NOTES = {
    TaskStatus.completed: "Done; see the linked change.",
    TaskStatus.canceled: "No longer needed; superseded by a newer plan.",
}
SOURCE_WEIGHTS = [
    (TaskSource.manual, 70),
    (TaskSource.staged, 10),
    (TaskSource.transcript, 15),
    (TaskSource.import_, 5),
]


@dataclass(frozen=True)
class Seeded:
    token: str
    task_ids: tuple[int, int]
    seconds: float
    labels: int


def seed(url: str, n_tasks: int, *, rng: random.Random) -> Seeded:
    """Migrate, then create the team, a token and ``n_tasks`` tasks (Core bulk inserts)."""
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            admin = add_user(
                session, email="bench@example.com", name="Bench Admin", role=UserRole.admin
            )
            _token, raw = issue_token(session, user=admin, scopes=ALL_SCOPES, name="bench/api.py")
            team = [
                add_user(session, email=f"{login}@example.com", name=name, aliases=[login])
                for name, login in TEAM
            ]
            user_ids = [admin.id, *(user.id for user in team)]
        started = time.perf_counter()
        n_labels = _seed_tasks(engine, n_tasks, user_ids, rng)
        seconds = time.perf_counter() - started
        with engine.connect() as conn:
            low, high = conn.execute(select(func.min(Task.id), func.max(Task.id))).one()
            count = conn.scalar(select(func.count()).select_from(Task))
    finally:
        engine.dispose()
    assert count == n_tasks, f"seeded {count} tasks, wanted {n_tasks}"
    return Seeded(token=raw, task_ids=(low, high), seconds=seconds, labels=n_labels)


def _weighted(rng: random.Random, pairs: list[tuple[Any, int]]) -> Callable[[], Any]:
    values = [value for value, _ in pairs]
    cum: list[int] = []
    total = 0
    for _, weight in pairs:
        total += weight
        cum.append(total)

    def pick() -> Any:
        return rng.choices(values, cum_weights=cum)[0]

    return pick


def _seed_tasks(engine: Engine, n_tasks: int, user_ids: list[int], rng: random.Random) -> int:
    now = utc_now()
    today = now.date()
    horizon = timedelta(days=180).total_seconds()
    pick_status = _weighted(rng, STATUS_WEIGHTS)
    pick_priority = _weighted(rng, PRIORITY_WEIGHTS)
    pick_source = _weighted(rng, SOURCE_WEIGHTS)
    n_labels = 0
    with engine.begin() as conn:
        for start in range(1, n_tasks + 1, SEED_CHUNK):
            tasks: list[dict[str, Any]] = []
            labels: list[dict[str, Any]] = []
            for task_id in range(start, min(start + SEED_CHUNK, n_tasks + 1)):
                created = now - timedelta(seconds=rng.uniform(0, horizon))
                updated = created + (now - created) * rng.random() ** 2
                changed = created + (updated - created) * rng.random()
                status = pick_status()
                final = status in (TaskStatus.completed, TaskStatus.canceled)
                owned = status is TaskStatus.in_progress or rng.random() < 0.55
                due: date | None = None
                if rng.random() < 0.4:
                    due = today + timedelta(days=rng.randint(-30, 60))
                tasks.append(
                    {
                        "id": task_id,
                        "title": f"{rng.choice(VERBS)} {rng.choice(OBJECTS)}{rng.choice(CONTEXTS)}",
                        "description": " ".join(rng.sample(SENTENCES, rng.randint(0, 4))),
                        "status": status,
                        "priority": pick_priority(),
                        "assignee_id": rng.choice(user_ids) if owned else None,
                        "due_date": due,
                        "source": pick_source(),
                        "created_by_id": rng.choice(user_ids),
                        "closure_note": CLOSURE_NOTES.get(status),
                        "closed_at": changed if final else None,
                        "created_at": created,
                        "updated_at": updated,
                        "status_changed_at": changed,
                        "version": 1,
                    }
                )
                if rng.random() < 0.35:
                    for label in rng.sample(LABELS, rng.randint(1, 3)):
                        labels.append({"task_id": task_id, "label": label})
            conn.execute(insert(Base.metadata.tables["tasks"]), tasks)
            if labels:
                conn.execute(insert(Base.metadata.tables["task_labels"]), labels)
            n_labels += len(labels)
        if conn.dialect.name == "postgresql":
            # Explicit ids leave the serial sequence at 1; POST would collide without this.
            conn.execute(
                text("SELECT setval(pg_get_serial_sequence('tasks', 'id'), max(id)) FROM tasks")
            )
            conn.execute(text("ANALYZE"))
    return n_labels


# --------------------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def raise_fd_limit(wanted: int = 65_536) -> tuple[int, int]:
    """256 connections need 512+ descriptors between wrk and the server; children inherit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)


class Server:
    """``workitems serve --workers 1`` as a subprocess; one worker runs in that process."""

    def __init__(self, url: str, port: int, log_path: Path, log_level: str) -> None:
        self.port = port
        self.log_path = log_path
        exe = Path(sys.executable).with_name("workitems")
        program = str(exe) if exe.exists() else shutil.which("workitems") or "workitems"
        env = {
            **os.environ,
            "WORKITEMS_DATABASE_URL": url,
            "WORKITEMS_LOG_LEVEL": log_level,
        }
        self.command = [program, "serve", "--host", HOST, "--port", str(port), "--workers", "1"]
        self._log: TextIO = log_path.open("w")
        self.proc = subprocess.Popen(
            self.command,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"the server exited with {self.proc.returncode}:\n{self.log_tail()}"
                )
            with contextlib.suppress(OSError):
                status, _ = http_call(self.port, "GET", "/livez", timeout=1.0)
                if status == 200:
                    return
            time.sleep(0.1)
        raise RuntimeError(f"the server did not answer /livez in {timeout:.0f} s")

    def cpu_seconds(self) -> float | None:
        """User + system CPU time of the server process so far (Linux ``/proc``)."""
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def log_tail(self, lines: int = 30) -> str:
        self._log.flush()
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def log_mark(self) -> int:
        return self.log_path.stat().st_size

    def errors_since(self, mark: int = 0) -> Counter[str]:
        """Unhandled exceptions (500s) the server logged after ``mark``, by kind.

        Counted from the log because a request whose client has gone (wrk stops, a probe
        times out) fails where no load generator sees it.
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


def http_call(
    port: int,
    method: str,
    path: str,
    *,
    token: str | None = None,
    body: dict[str, Any] | None = None,
    timeout: float = 10.0,
) -> tuple[int, Any]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        conn.request(
            method, path, body=json.dumps(body) if body is not None else None, headers=headers
        )
        response = conn.getresponse()
        raw = response.read()
        try:
            payload = json.loads(raw) if raw else None
        except ValueError:
            payload = raw.decode(errors="replace")
        return response.status, payload
    finally:
        conn.close()


# --------------------------------------------------------------------------- the routes


@dataclass(frozen=True)
class Route:
    key: str
    label: str
    method: str
    path: str
    expect: int


ROUTES = [
    Route("livez", "GET /livez (ceiling)", "GET", "/livez", 200),
    Route("get", "GET /api/tasks/{id}", "GET", "/api/tasks/{id}", 200),
    Route("list", "GET /api/tasks?limit=50", "GET", "/api/tasks?limit=50", 200),
    Route("post", "POST /api/tasks", "POST", "/api/tasks", 201),
]

PRIORITIES = [p.value for p in Priority]


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


def preflight(port: int, token: str, ids: tuple[int, int]) -> None:
    """Each route answers as expected once, so the load runs measure successes."""
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
    connect_errors: int = 0
    read_errors: int = 0
    write_errors: int = 0
    timeouts: int = 0
    server_cpu: float | None = None
    #: Probe requests sent one at a time beside the load (stall check only); wrk counts a
    #: timeout only for an answer that comes late, never for one that does not come at all.
    canary_requests: int = 0
    canary_max_ms: float = 0.0
    canary_failures: int = 0
    canary_timeouts: int = 0
    healthy_after: bool = True
    #: Unhandled exceptions the server logged during the run (and its aftermath), by kind.
    server_errors: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def server_error_count(self) -> int:
        return sum(self.server_errors.values())

    @property
    def failures(self) -> int:
        """Failed requests; a 500 is in both the client's and the server's count, so the
        larger of the two counts them (the server's also has the ones nobody waited for)."""
        return (
            max(self.non_2xx, self.server_error_count)
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


def write_lua_scripts(workdir: Path, token: str, ids: tuple[int, int]) -> dict[str, Path]:
    auth = f'wrk.headers["Authorization"] = {lua_string("Bearer " + token)}\n'
    seed_thread = "math.randomseed(os.time())\n"
    scripts = {
        "livez": "",
        "get": (
            f"{auth}{seed_thread}"
            f"local low, high = {ids[0]}, {ids[1]}\n"
            "request = function()\n"
            '  return wrk.format("GET", "/api/tasks/" .. math.random(low, high))\n'
            "end\n"
        ),
        "list": auth,
        "post": (
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
            '  return wrk.format(nil, "/api/tasks", nil, body)\n'
            "end\n"
        ),
    }
    paths: dict[str, Path] = {}
    for key, source in scripts.items():
        path = workdir / f"{key}.lua"
        path.write_text(source)
        paths[key] = path
    return paths


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
    path = "/livez" if route.key == "livez" else route.path.replace("{id}", "1")
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
    command.append(f"http://{HOST}:{port}{path}")
    done = subprocess.run(
        command, capture_output=True, text=True, check=False, timeout=seconds + timeout + 30
    )
    output = done.stdout + done.stderr
    result = parse_wrk(output, LoadResult(route.key, connections, seconds))
    if done.returncode != 0:
        result.notes.append(f"wrk exited {done.returncode}: {done.stderr.strip()[:200]}")
    return result, output


# --------------------------------------------------------------------------- python fallback


@dataclass(frozen=True)
class PyLoadSpec:
    port: int
    route: str
    path: str
    token: str
    ids: tuple[int, int]
    connections: int
    seconds: float
    timeout: float


def _request_bytes(spec: PyLoadSpec, n: int, rng: random.Random) -> bytes:
    headers = f"Host: {HOST}:{spec.port}\r\n"
    if spec.route != "livez":
        headers += f"Authorization: Bearer {spec.token}\r\n"
    if spec.route == "post":
        body = json.dumps(post_body(n)).encode()
        return (
            f"POST /api/tasks HTTP/1.1\r\n{headers}Content-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode() + body
    path = spec.path
    if spec.route == "get":
        path = f"/api/tasks/{rng.randint(*spec.ids)}"
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
    counts = {"non_2xx": 0, "connect": 0, "read": 0, "write": 0, "timeout": 0, "n": 0}

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
        "connect_errors": counts["connect"],
        "read_errors": counts["read"],
        "write_errors": counts["write"],
        "timeouts": counts["timeout"],
    }


def py_load_main(spec: PyLoadSpec) -> dict[str, Any]:
    """Entry point of the fallback load generator's own process."""
    return asyncio.run(_py_load(spec))


def run_python_load(
    pool: ProcessPoolExecutor,
    spec: PyLoadSpec,
) -> LoadResult:
    figures = pool.submit(py_load_main, spec).result(timeout=spec.seconds + spec.timeout + 60)
    result = LoadResult(spec.route, spec.connections, spec.seconds)
    for name, value in figures.items():
        setattr(result, name, value)
    return result


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
        super().__init__(name=f"canary-{route.key}", daemon=True)
        self.port = port
        self.route = route
        self.token = token
        self.ids = ids
        self.timeout = timeout
        self.stop_event = threading.Event()
        self.latencies_ms: list[float] = []
        self.failures = 0
        self.timeouts = 0

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
            if status != self.route.expect:
                self.failures += 1
            self.stop_event.wait(0.2)

    def finish(self, result: LoadResult) -> None:
        self.stop_event.set()
        self.join(self.timeout + 5)
        result.canary_requests = len(self.latencies_ms) + self.timeouts + self.failures
        result.canary_max_ms = max(self.latencies_ms, default=0.0)
        result.canary_failures = self.failures
        result.canary_timeouts = self.timeouts + (1 if self.is_alive() else 0)


class Driver:
    """Runs one load against the server with whichever generator is available."""

    def __init__(
        self,
        server: Server,
        start_server: Callable[[int], Server],
        token: str,
        ids: tuple[int, int],
        wrk: str | None,
        scripts: dict[str, Path],
        pool: ProcessPoolExecutor | None,
        raw_log: TextIO,
    ) -> None:
        self.server = server
        self.servers = [server]
        self.start_server = start_server
        self.token = token
        self.ids = ids
        self.wrk = wrk
        self.scripts = scripts
        self.pool = pool
        self.raw_log = raw_log

    def run(
        self,
        route: Route,
        *,
        connections: int,
        seconds: float,
        timeout: float,
        canary: bool = False,
    ) -> LoadResult:
        probe = Canary(self.server.port, route, self.token, self.ids, timeout) if canary else None
        cpu_before = self.server.cpu_seconds()
        wall_before = time.perf_counter()
        if probe is not None:
            probe.start()
        if self.wrk is not None:
            result, output = run_wrk(
                self.wrk,
                self.server.port,
                route,
                self.scripts[route.key],
                connections=connections,
                seconds=seconds,
                timeout=timeout,
            )
            self.raw_log.write(f"### {route.key} c={connections} d={seconds}\n{output}\n")
            self.raw_log.flush()
        else:
            assert self.pool is not None
            spec = PyLoadSpec(
                port=self.server.port,
                route=route.key,
                path=route.path,
                token=self.token,
                ids=self.ids,
                connections=connections,
                seconds=seconds,
                timeout=timeout,
            )
            result = run_python_load(self.pool, spec)
        if probe is not None:
            probe.finish(result)
        wall = time.perf_counter() - wall_before
        cpu_after = self.server.cpu_seconds()
        if cpu_before is not None and cpu_after is not None and wall > 0:
            result.server_cpu = (cpu_after - cpu_before) / wall
        return result

    def mark(self) -> tuple[int, int]:
        return len(self.servers) - 1, self.server.log_mark()

    def errors_since(self, mark: tuple[int, int]) -> dict[str, int]:
        index, offset = mark
        kinds: Counter[str] = Counter()
        for n, server in enumerate(self.servers[index:], start=index):
            kinds += server.errors_since(offset if n == index else 0)
        return dict(kinds)

    def restart(self) -> None:
        """Replace a server that stays stuck, so the next runs measure their own route."""
        self.server.stop()
        self.server = self.start_server(len(self.servers))
        self.servers.append(self.server)

    def settle(self, window: float = 6.0, max_wait: float = 30.0) -> None:
        """Wait until requests left over from a run are done: the log stops growing and the
        server idles for ``window`` seconds (longer than SQLite's 5 s busy timeout), so their
        errors count for the run that caused them and the next run starts on a quiet server."""
        deadline = time.monotonic() + max_wait
        while time.monotonic() < deadline:
            size, cpu = self.server.log_mark(), self.server.cpu_seconds()
            time.sleep(window)
            later = self.server.cpu_seconds()
            busy = cpu is not None and later is not None and later - cpu > 0.1 * window
            if self.server.log_mark() == size and not busy:
                return

    def recover(self, max_wait: float) -> float | None:
        """Seconds until the server answers again after a stall, or None if it never did."""
        started = time.perf_counter()
        while time.perf_counter() - started < max_wait:
            if self.healthy(timeout=2.0):
                return time.perf_counter() - started
            time.sleep(0.5)
        return None

    def healthy(self, timeout: float) -> bool:
        """After a load: the server answers, and a pooled connection is free promptly."""
        try:
            status, _ = http_call(self.server.port, "GET", "/readyz", timeout=timeout)
            status_get, _ = http_call(
                self.server.port,
                "GET",
                f"/api/tasks/{self.ids[0]}",
                token=self.token,
                timeout=timeout,
            )
        except OSError:
            return False
        return status == 200 and status_get == 200


def fmt_rps(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 or value == 0 else f"{value:.1f}"


def fmt_ms(value: float) -> str:
    return f"{value:,.1f}" if value >= 10 else f"{value:.2f}"


def print_table(headers: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    right = [i > 0 for i in range(len(headers))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            cell.rjust(w) if r else cell.ljust(w)
            for cell, w, r in zip(cells, widths, right, strict=True)
        )

    print(line(headers))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row))


def cpu_text(result: LoadResult) -> str:
    return "-" if result.server_cpu is None else f"{result.server_cpu * 100:.0f}%"


def main_phase(driver: Driver, opts: Options) -> dict[str, LoadResult]:
    print(
        f"\n== Throughput: {opts.connections} connections, {opts.warmup:g} s warm-up + "
        f"{opts.duration:g} s per route, 1 load thread ==",
        flush=True,
    )
    results: dict[str, LoadResult] = {}
    for route in ROUTES:
        mark = driver.mark()
        if opts.warmup > 0:
            driver.run(route, connections=opts.connections, seconds=opts.warmup, timeout=10)
        result = driver.run(route, connections=opts.connections, seconds=opts.duration, timeout=10)
        result.server_errors = driver.errors_since(mark)
        results[route.key] = result
        print(
            f"  {route.label:<26} {fmt_rps(result.rps):>8} req/s  p99 {fmt_ms(result.p99_ms)} ms",
            flush=True,
        )
    ceiling = results["livez"].rps
    rows: list[list[str]] = []
    for route in ROUTES:
        result = results[route.key]
        ratio = result.rps / ceiling if ceiling else 0.0
        goal = GOALS.get(route.key)
        if goal is None:
            verdict = "ceiling"
        elif result.failures:
            verdict = "FAIL (errors)"
        else:
            verdict = "pass" if ratio >= goal else "FAIL"
        rows.append(
            [
                route.label,
                fmt_rps(result.rps),
                fmt_ms(result.p50_ms),
                fmt_ms(result.p99_ms),
                f"{ratio:.3f}",
                "-" if goal is None else f">= {goal}",
                verdict,
                str(
                    result.non_2xx
                    + result.connect_errors
                    + result.read_errors
                    + result.write_errors
                    + result.timeouts
                ),
                str(result.server_error_count),
                cpu_text(result),
            ]
        )
    print()
    print_table(
        [
            "route",
            "req/s",
            "p50 ms",
            "p99 ms",
            "ratio",
            "goal",
            "result",
            "client err",
            "srv 500s",
            "srv cpu",
        ],
        rows,
    )
    print_error_kinds(list(results.values()))
    return results


def print_error_kinds(results: list[LoadResult]) -> None:
    for result in results:
        for kind, count in sorted(result.server_errors.items(), key=lambda kv: -kv[1]):
            print(f"  {result.route} at {result.connections} conns: {count} x {kind}")


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
        for route in ROUTES:
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
            served = result.requests > 0
            rows.append(
                [
                    str(connections),
                    route.label,
                    fmt_rps(result.rps),
                    fmt_ms(result.p99_ms) if served else "-",
                    fmt_ms(result.max_ms) if served else "-",
                    str(result.non_2xx),
                    str(result.connect_errors + result.read_errors + result.write_errors),
                    str(result.timeouts),
                    str(result.server_error_count),
                    f"{result.canary_requests}",
                    fmt_ms(result.canary_max_ms) if result.canary_max_ms else "-",
                    f"{result.canary_failures}/{result.canary_timeouts}",
                    cpu_text(result),
                    "; ".join(bad) or "ok",
                ]
            )
            print(f"  c={connections:<4} {route.label:<26} {rows[-1][-1]}", flush=True)
    print()
    print_table(
        [
            "conns",
            "route",
            "req/s",
            "p99 ms",
            "max ms",
            "non-2xx",
            "sock err",
            "timeouts",
            "srv 500s",
            "probes",
            "probe max",
            "probe err/t-o",
            "srv cpu",
            "result",
        ],
        rows,
    )
    print_error_kinds(results)
    return results


def load_average() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def versions() -> str:
    import sqlite3
    from importlib.metadata import version

    names = ["fastapi", "starlette", "uvicorn", "sqlalchemy", "pydantic"]
    parts = [f"{name} {version(name)}" for name in names]
    parts.append(f"sqlite {sqlite3.sqlite_version}")
    return ", ".join(parts)


def summary_line(
    opts: Options,
    backend: str,
    main: dict[str, LoadResult],
    stalls: list[LoadResult],
) -> str:
    ceiling = main["livez"].rps
    parts = [f"livez {fmt_rps(ceiling)} req/s (ceiling)"]
    for route in ROUTES[1:]:
        result = main[route.key]
        ratio = result.rps / ceiling if ceiling else 0.0
        goal = GOALS[route.key]
        mark = "ok" if ratio >= goal and not result.failures else "MISS"
        parts.append(
            f"{route.key} {fmt_rps(result.rps)} req/s p99 {fmt_ms(result.p99_ms)} ms "
            f"= {ratio:.2f} (goal {goal}, {mark})"
        )
    head = (
        f"bench/api.py: {backend}, {opts.tasks:,} tasks, 1 worker, {opts.connections} conns: "
        + "; ".join(parts)
    )
    if not stalls:
        return head + "."
    failed = sum(1 for r in stalls if r.failures)
    stalled = sum(1 for r in stalls if r.stalled(opts.stall_threshold))
    conns = "/".join(map(str, opts.stall_connections))
    stuck = sum(1 for r in stalls if any("stuck" in note for note in r.notes))
    if failed or stalled:
        tail = (
            f"at {conns} conns: {failed} of {len(stalls)} runs with failed requests "
            f"({sum(r.failures for r in stalls):,} failures), {stalled} with stalls, "
            f"{stuck} leaving the server stuck"
        )
    else:
        worst = max(r.max_ms for r in stalls)
        tail = f"at {conns} conns: no failed or stalled request (worst max {fmt_ms(worst)} ms)"
    return f"{head}; {tail}."


def run(opts: Options) -> int:
    started_at = utc_now()
    limits = raise_fd_limit()
    wrk = find_wrk(opts.loadgen)
    print(f"bench/api.py started {started_at:%Y-%m-%d %H:%M:%S} UTC on {os.cpu_count()} CPUs")
    print(f"versions: {versions()}")
    if wrk is not None:
        wrk_version = subprocess.run([wrk, "-v"], capture_output=True, text=True, check=False)
        print(f"load generator: {(wrk_version.stdout or wrk_version.stderr).splitlines()[0]}")
    else:
        print(
            "load generator: asyncio fallback in a separate process (wrk unavailable); it "
            "competes with the server for CPU, so absolute figures are pessimistic"
        )
    print(f"open-file limit: {limits[0]}; load average {load_average()}")

    workdir = Path(tempfile.mkdtemp(prefix="workitems-bench-api-"))
    servers: list[Server] = []
    pool: ProcessPoolExecutor | None = None
    rng = random.Random(20261124)
    exit_code = 0
    try:
        with bench_database(opts, workdir) as url:
            backend = "SQLite" if is_sqlite(url) else "PostgreSQL"
            print(f"database: {backend} {make_url(url).render_as_string(hide_password=True)}")
            seeded = seed(url, opts.tasks, rng=rng)
            print(
                f"seeded {opts.tasks:,} tasks ({seeded.labels:,} labels) in {seeded.seconds:.1f} s",
                flush=True,
            )

            def start_server(n: int) -> Server:
                name = "server.log" if n == 0 else f"server-{n + 1}.log"
                servers.append(Server(url, free_port(), workdir / name, opts.log_level))
                servers[-1].wait_ready()
                return servers[-1]

            server = start_server(0)
            print(f"server: pid {server.pid}: {shlex.join(server.command)}", flush=True)
            preflight(server.port, seeded.token, seeded.task_ids)
            scripts = write_lua_scripts(workdir, seeded.token, seeded.task_ids)
            if wrk is None:
                pool = ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"))
            with (workdir / "wrk.log").open("w") as raw_log:
                driver = Driver(
                    server, start_server, seeded.token, seeded.task_ids, wrk, scripts, pool, raw_log
                )
                main = main_phase(driver, opts)
                stalls = stall_phase(driver, opts)
            logged: Counter[str] = Counter()
            for each in servers:
                logged += each.errors_since(0)
            if logged:
                print(f"\nthe server logged {logged.total()} unhandled error(s) in all:")
                for kind, count in logged.most_common():
                    print(f"  {count} x {kind}")
            if len(servers) > 1:
                print(f"the server was restarted {len(servers) - 1} time(s) after staying stuck")
            if any(r.failures or r.stalled(opts.stall_threshold) for r in stalls) or any(
                r.failures or r.timeouts for r in main.values()
            ):
                exit_code = 1
            ceiling = main["livez"].rps
            missed = [
                key for key, goal in GOALS.items() if ceiling and main[key].rps / ceiling < goal
            ]
            if missed and opts.check and exit_code == 0:
                exit_code = 2
            print(f"\nload average at the end: {load_average()} (other work on the machine skews)")
            print("\nsummary:")
            print(summary_line(opts, backend, main, stalls))
            print(f"command: {shlex.join(sys.orig_argv)}")
            if opts.json_path is not None:
                opts.json_path.parent.mkdir(parents=True, exist_ok=True)
                report = {
                    "started_at": started_at.isoformat(),
                    "backend": backend,
                    "tasks": opts.tasks,
                    "options": {k: str(v) for k, v in asdict(opts).items()},
                    "main": {k: asdict(v) for k, v in main.items()},
                    "stall": [asdict(r) for r in stalls],
                    "goals": GOALS,
                    "command": shlex.join(sys.orig_argv),
                }
                opts.json_path.write_text(json.dumps(report, indent=2))
                print(f"figures written to {opts.json_path}")
    except BaseException:
        if servers:
            print(f"\nserver log tail:\n{servers[-1].log_tail()}", file=sys.stderr)
        raise
    finally:
        for each in servers:
            each.stop()
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        if opts.keep:
            print(f"kept {workdir} (bench.db, server.log, wrk.log, *.lua)")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return exit_code


def main(argv: Sequence[str] | None = None) -> int:
    return run(parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
