"""SQLite's write requests, one at a time, in a thread of their own that never waits on
the event loop.

SQLite has one writer at a time. Write requests used to queue for one slot of an anyio
``CapacityLimiter`` on the event loop: a write's end released the slot on the loop, and the
loop then had to wake the next writer and hand it to a thread, two or three loop turns
between one write and the next. Under a storm of requests refused with 503 each loop turn
took 100-200 ms, so about 4 writes a second got through while the writer threads sat idle.

Here the writes' units of work wait in one FIFO queue that a dedicated thread drains: the
moment one write has committed, the same thread takes the next, with no loop turn in
between. The loop only puts work in and takes answers out. Queueing in order, in-process,
also keeps writers out of SQLite's sleeping busy-wait, as the limiter did.

The queue is bounded by time, not length: a write that would wait longer than
``max_wait_seconds`` (the work queued ahead times the median time of the recent writes: one
slow write, a stall of the machine, must not turn a normal queue away) is refused at
once with ``OverloadedError``, a 503 with ``Retry-After``, and changes nothing; retrying it
is safe. Waiting past that bound would only let the answer come after the client gave up.

Connection discipline (``api/deps.py``): a queued write holds no pooled connection; its
session connects in the writer thread and commits or rolls back there.
"""

import asyncio
import contextlib
import contextvars
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from anyio import CancelScope

from workitems.errors import OverloadedError

T = TypeVar("T")

#: How long an idle writer thread waits for work before it ends (a new one starts with the
#: next write): a process that stops writing, or an app that is never shut down, as in
#: tests, keeps no thread.
IDLE_SECONDS = 10.0
#: How many recent writes the typical time of one is the median of.
_RECENT = 31
#: The time of one write a new queue assumes before its first write has finished.
_FIRST_GUESS_SECONDS = 0.005


class _Job(Generic[T]):
    """One unit of work and where its answer goes."""

    def __init__(self, work: Callable[[], T], loop: asyncio.AbstractEventLoop) -> None:
        self.work = work
        self.context = contextvars.copy_context()
        self.loop = loop
        self.answer: asyncio.Future[T] = loop.create_future()
        self.finished = asyncio.Event()
        #: Set under the queue's lock: the thread has taken it, or the caller withdrew it.
        self.taken = False
        self.withdrawn = False

    def run(self) -> None:
        result: Any = None
        error: BaseException | None = None
        try:
            result = self.context.run(self.work)
        except BaseException as raised:  # handed to the waiting request, which raises it
            error = raised
        # A closed loop (RuntimeError) has nobody waiting for the answer any more.
        with contextlib.suppress(RuntimeError):
            self.loop.call_soon_threadsafe(self._settle, result, error)

    def _settle(self, result: Any, error: BaseException | None) -> None:
        if not self.answer.done():
            if error is not None:
                self.answer.set_exception(error)
            else:
                self.answer.set_result(result)
        self.finished.set()


class WriteQueue:
    """Write requests' units of work, run in order by one thread of their own.

    ``run`` is awaited on the event loop; ``close`` (the app's shutdown) lets the thread
    finish what is queued and end.
    """

    def __init__(self, *, max_wait_seconds: float = 1.0, name: str = "sqlite-writer") -> None:
        self.max_wait_seconds = max_wait_seconds
        self.name = name
        self._lock = threading.Lock()
        self._ready = threading.Condition(self._lock)
        self._jobs: deque[_Job[Any]] = deque()
        self._thread: threading.Thread | None = None
        self._busy = False
        self._closed = False
        #: The recent writes' times in the thread, in seconds.
        self._recent: deque[float] = deque(maxlen=_RECENT)

    def typical_seconds(self) -> float:
        """The median time of the recent writes (a guess before the first)."""
        recent = sorted(self._recent)
        return recent[len(recent) // 2] if recent else _FIRST_GUESS_SECONDS

    def expected_wait(self) -> float:
        """Seconds a write queued now would wait before it starts (an estimate)."""
        with self._lock:
            return (len(self._jobs) + self._busy) * self.typical_seconds()

    async def run(self, work: Callable[[], T]) -> T:
        """``work()`` in the writer thread, after the writes queued before it.

        Raises ``OverloadedError`` at once when the wait would exceed the bound. A request
        cancelled while its write is queued withdraws it; once the thread has taken it, the
        request waits for it to finish (shielded), so its session is never closed under a
        running write.
        """
        job = _Job(work, asyncio.get_running_loop())
        self._put(job)
        try:
            return await asyncio.shield(job.answer)
        except asyncio.CancelledError:
            if self._withdraw(job):
                raise
            with CancelScope(shield=True):
                await job.finished.wait()
            raise

    def close(self, timeout: float = 30.0) -> None:
        """Finish the queued writes, then end the thread."""
        with self._lock:
            self._closed = True
            thread = self._thread
            self._ready.notify_all()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def _put(self, job: _Job[Any]) -> None:
        with self._lock:
            waiting = len(self._jobs) + self._busy
            if waiting and waiting * self.typical_seconds() > self.max_wait_seconds:
                raise OverloadedError(
                    "The server has more writes queued than it can finish in time; nothing "
                    "was changed. Retry in a moment.",
                )
            if self._closed:
                raise OverloadedError("The server is shutting down; nothing was changed.")
            self._jobs.append(job)
            if self._thread is None:
                self._thread = threading.Thread(target=self._drain, name=self.name, daemon=True)
                self._thread.start()
            else:
                self._ready.notify()

    def _withdraw(self, job: _Job[Any]) -> bool:
        with self._lock:
            if job.taken:
                return False
            job.withdrawn = True
            self._jobs.remove(job)
            return True

    def _drain(self) -> None:
        took: float | None = None
        while True:
            with self._lock:
                self._busy = False
                if took is not None:
                    self._recent.append(took)
                if not self._jobs and not self._closed:
                    self._ready.wait(IDLE_SECONDS)
                if not self._jobs:
                    # Idle (or closed and done): end; the next write starts a new thread.
                    self._thread = None
                    return
                job = self._jobs.popleft()
                job.taken = True
                self._busy = True
            started = time.perf_counter()
            job.run()
            took = time.perf_counter() - started
