"""The delivery loop, run by ``workitems worker`` and, on SQLite, inside ``serve``.

One thread runs the loop; a pool of ``concurrency`` threads sends. Each turn of the loop is
one short write transaction that records the outcomes the senders finished, dispatches new
events and claims due deliveries for the free senders plus one batch queued behind them,
so a hanging receiver holds one sender until its deadline and never the whole batch, and
the database (SQLite's single write lock above all) is visited once per turn rather than
once per delivery. Idle, the loop looks again every
``poll_seconds``, or at once when ``wake()`` is called (after a local commit, or when a
sender finishes) or, on PostgreSQL, when a commit sends ``NOTIFY workitems_outbox``.
"""

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from workitems.db import is_sqlite, session_scope
from workitems.notify import delivery, outbox
from workitems.notify.delivery import Claimed, DeliveryConfig

log = logging.getLogger(__name__)

CHANNEL = "workitems_outbox"
#: After a turn that found work the loop waits this long, so the events committed meanwhile
#: are taken in the next turn together: under a burst of writes it runs a few dozen
#: transactions a second instead of one per request (on SQLite each one queues with the
#: requests' writes for the single write lock).
BATCH_SECONDS = 0.02
#: The wait instead after a turn that only marked events dispatched (no endpoint or mail
#: wanted them, nothing sent or recorded, no sender busy): nobody waits on the next turn,
#: and at 0.02 s those turns cost 15-25% of the server's CPU under a stream of
#: POST /api/tasks (bench/api.py).
DISPATCH_ONLY_SECONDS = 0.1


class DeliveryWorker:
    def __init__(
        self,
        engine: Engine,
        config: DeliveryConfig,
        *,
        concurrency: int = 8,
        poll_seconds: float = 0.5,
    ) -> None:
        self.engine = engine
        self.config = config
        self.concurrency = concurrency
        self.poll_seconds = poll_seconds
        self._pool = ThreadPoolExecutor(concurrency, thread_name_prefix="deliver")
        self._busy = 0
        self._done: list[tuple[Claimed, delivery.Outcome]] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        #: Whether the last turn recorded or claimed a delivery (the loop's pace).
        self._sent_last_turn = False

    def step(self) -> int:
        """Record finished attempts, dispatch new events, start the due deliveries there
        are senders for; how many things it did."""
        with self._lock:
            done, self._done = self._done, []
            # Up to one spare batch waits in the pool's queue, so senders never idle while
            # the loop is in the database; the lease still covers two deadlines of waiting.
            free = 2 * self.concurrency - (self._busy - len(done))
        try:
            with session_scope(self.engine) as session:
                delivery.record_many(session, self.config, done)
                dispatched = delivery.dispatch(session, self.config)
                claimed = delivery.claim(session, self.config, limit=free) if free > 0 else []
        finally:
            # Recorded, or lost with the transaction: either way those senders are free
            # again (a lost outcome's lease runs out and the delivery is tried again).
            with self._lock:
                self._busy -= len(done)
        with self._lock:
            self._busy += len(claimed)
        self._sent_last_turn = bool(done or claimed)
        for item in claimed:
            self._pool.submit(self._attempt, item)
        return len(done) + dispatched + len(claimed)

    def drain(self, *, timeout: float = 60.0, retries: bool = False) -> None:
        """Deliver until nothing is due and nothing is in flight (``worker --once``); with
        ``retries``, until nothing is pending at all (tests, benchmarks). Stops at
        ``timeout`` seconds either way."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.step() == 0 and self.busy == 0 and not (retries and self._pending()):
                return
            self._wake.wait(0.02)
            self._wake.clear()

    def _pending(self) -> bool:
        with session_scope(self.engine, write=False) as session:
            return delivery.has_pending(session)

    @property
    def busy(self) -> int:
        with self._lock:
            return self._busy

    def _attempt(self, item: Claimed) -> None:
        try:
            outcome = delivery.attempt(item, self.config)
        except Exception as exc:  # a bug in one delivery must not stop the others
            log.exception("delivery %s failed unexpectedly", item.delivery_id)
            outcome = delivery.Outcome(ok=False, latency_ms=0, error=f"internal error: {exc}")
        with self._lock:
            self._done.append((item, outcome))
        self._wake.set()

    def wake(self) -> None:
        self._wake.set()

    def run(self) -> None:
        """Loop until ``stop()``; a database hiccup is logged and retried, never fatal."""
        while not self._stop.is_set():
            try:
                worked = self.step()
            except Exception:
                log.exception("delivery loop failed; retrying")
                worked = 0
            if worked:
                quiet = not self._sent_last_turn and not self.busy
                self._stop.wait(DISPATCH_ONLY_SECONDS if quiet else BATCH_SECONDS)
            else:
                self._wake.wait(self.poll_seconds)
                self._wake.clear()

    def start(self) -> None:
        """Run the loop (and the PostgreSQL listener) in background threads."""
        self._threads.append(threading.Thread(target=self.run, name="deliveries", daemon=True))
        if not is_sqlite(self.engine.url.render_as_string(hide_password=False)):
            self._threads.append(
                threading.Thread(target=self._listen, name="deliveries-listen", daemon=True)
            )
        for thread in self._threads:
            thread.start()

    def stop(self, *, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout)
        self._pool.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            done, self._done = self._done, []
        if done:  # record what finished, so a restart does not send it again
            with session_scope(self.engine) as session:
                delivery.record_many(session, self.config, done)

    def _listen(self) -> None:
        """Wake the loop on every ``NOTIFY workitems_outbox`` (sent by committing emits)."""
        while not self._stop.is_set():
            try:
                with self.engine.connect() as connection:
                    raw = connection.connection.driver_connection
                    connection.exec_driver_sql(f"LISTEN {CHANNEL}")
                    connection.commit()
                    while not self._stop.is_set():
                        for _ in raw.notifies(timeout=1.0, stop_after=1):  # type: ignore[union-attr]
                            self._wake.set()
            except Exception:
                log.exception("listening for new events failed; retrying")
                self._stop.wait(self.poll_seconds)


def wake_on_commit(worker: DeliveryWorker) -> Callable[[], None]:
    """Wake ``worker`` whenever a session of this process commits events; returns the
    function that stops it. (Across processes, PostgreSQL's NOTIFY does this.)"""

    def _after_commit(session: Session) -> None:
        if session.info.pop(outbox.EMITTED, False):
            worker.wake()

    def _after_rollback(session: Session, _previous: object) -> None:
        session.info.pop(outbox.EMITTED, None)

    event.listen(Session, "after_commit", _after_commit)
    event.listen(Session, "after_soft_rollback", _after_rollback)

    def remove() -> None:
        event.remove(Session, "after_commit", _after_commit)
        event.remove(Session, "after_soft_rollback", _after_rollback)

    return remove
