"""Webhook delivery: events delivered per second to a local receiver, and the latency from
the commit of a change to its receipt (p50, p99).

A fresh database (SQLite, or PostgreSQL with ``--database-url``; ``--both`` for both) gets
one webhook endpoint pointing at a receiver on 127.0.0.1 (a threaded stdlib HTTP server
that answers 200 and notes the arrival time of each ``webhook-id``).

- **Throughput**: ``--events`` tasks are created (their ``task.created`` events committed
  in batches of 100) with no worker running; then one delivery worker (the one ``workitems
  worker`` runs, ``--concurrency`` senders) starts, and the clock runs until the receiver
  holds every event. Each request is signed and goes through the SSRF-checked transport.
- **Latency**: with the worker running (woken by the commit: in-process on SQLite, by
  ``NOTIFY`` on PostgreSQL), ``--latency-events`` tasks are created one per transaction,
  ``--rate`` a second; each event's latency is its receipt time minus its commit time.

Nothing here is asserted; ``--check`` exits 2 when p99 latency exceeds 1 s.
"""

import http.server
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import select

from harness import database, options, report
from workitems import migrate
from workitems.db import make_engine, session_scope
from workitems.notify import webhooks
from workitems.notify.delivery import DeliveryConfig
from workitems.notify.models import Event
from workitems.notify.worker import DeliveryWorker, wake_on_commit
from workitems.task.schemas import TaskCreate
from workitems.task.service import create_task
from workitems.user.models import UserRole
from workitems.user.service import add_user


class Receiver:
    def __init__(self) -> None:
        self.arrivals: dict[str, float] = {}
        self.duplicates = 0
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                now = time.perf_counter()
                with receiver.changed:
                    msg_id = self.headers["webhook-id"]
                    if msg_id in receiver.arrivals:
                        receiver.duplicates += 1
                    receiver.arrivals.setdefault(msg_id, now)
                    receiver.changed.notify_all()
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, count: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self.changed:
            while len(self.arrivals) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.changed.wait(left)
        return True

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _setup(url: str, receiver: Receiver) -> int:
    migrate.upgrade(url)
    engine = make_engine(url)
    with session_scope(engine) as session:
        admin = add_user(session, email="bench@example.com", name="Bench", role=UserRole.admin)
        webhooks.create_webhook(session, url=receiver.url, actor_id=admin.id, allow_private=True)
        admin_id = admin.id
    engine.dispose()
    return admin_id


def run(url: str, args: Any) -> dict[str, Any]:
    receiver = Receiver()
    try:
        admin_id = _setup(url, receiver)
        engine = make_engine(url)
        config = DeliveryConfig(allow_private=True, timeout=10)
        # Throughput: a backlog, then one worker drains it.
        for start in range(0, args.events, 100):
            with session_scope(engine) as session:
                for n in range(start, min(start + 100, args.events)):
                    create_task(session, TaskCreate(title=f"bench {n}"), actor_id=admin_id)
        worker = DeliveryWorker(engine, config, concurrency=args.concurrency, poll_seconds=0.5)
        started = time.perf_counter()
        worker.start()
        complete = receiver.wait_for(args.events, timeout=600)
        elapsed = time.perf_counter() - started
        throughput = len(receiver.arrivals) / elapsed
        # Latency: the running worker, one commit at a time.
        stop_waking = wake_on_commit(worker)
        committed: dict[str, float] = {}
        interval = 1 / args.rate
        for n in range(args.latency_events):
            tick = time.perf_counter()
            with session_scope(engine) as session:
                create_task(session, TaskCreate(title=f"latency {n}"), actor_id=admin_id)
                event_id = _last_event(session)
            committed[event_id] = time.perf_counter()
            time.sleep(max(0.0, interval - (time.perf_counter() - tick)))
        receiver.wait_for(args.events + args.latency_events, timeout=60)
        stop_waking()
        worker.stop()
        engine.dispose()
        latencies = [
            (receiver.arrivals[i] - t) * 1000
            for i, t in committed.items()
            if i in receiver.arrivals
        ]
        return {
            "database": database.backend_name(url),
            "events": args.events,
            "delivered": len(receiver.arrivals),
            "complete": complete,
            "duplicates": receiver.duplicates,
            "events_per_second": throughput,
            "latency_samples": len(latencies),
            "latency_p50_ms": report.percentile(latencies, 0.50),
            "latency_p99_ms": report.percentile(latencies, 0.99),
        }
    finally:
        receiver.close()


def _last_event(session: Any) -> str:
    return str(session.scalar(select(Event.id).order_by(Event.created_at.desc()).limit(1)))


def main() -> int:
    parser = options.parser_for(__doc__)
    options.add_database(parser, both=True)
    options.add_common(parser, server=False)
    parser.add_argument("--events", type=int, default=2000, help="backlog size (2000)")
    parser.add_argument("--concurrency", type=int, default=8, help="senders (8)")
    parser.add_argument("--latency-events", type=int, default=200, help="latency samples (200)")
    parser.add_argument("--rate", type=float, default=20, help="latency commits a second (20)")
    args = parser.parse_args()
    if args.quick:
        args.events, args.latency_events = 200, 40
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-notify-") as tmp:
        for server in options.database_urls(parser, args):
            with database.fresh_database(server, Path(tmp), "notify", keep=args.keep) as url:
                print(f"{database.backend_name(url)}: {database.shown(url)}", flush=True)
                results.append(run(url, args))
    rows = [
        [
            r["database"],
            f"{r['delivered']}/{r['events'] + args.latency_events}",
            str(r["duplicates"]),
            f"{r['events_per_second']:.0f}",
            report.fmt_ms(r["latency_p50_ms"]),
            report.fmt_ms(r["latency_p99_ms"]),
        ]
        for r in results
    ]
    report.print_table(
        ["database", "delivered", "duplicates", "events/s", "commit→receipt p50 ms", "p99 ms"], rows
    )
    print(f"load average: {report.load_average()}")
    print(f"command: {report.command()}")
    if args.json:
        report.write_json(args.json, {"results": results, "versions": report.versions()})
    if args.check and any(r["latency_p99_ms"] > 1000 for r in results):
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
