"""Engine, declarative base and the unit-of-work helper shared by every transport.

SQLite is the embedded default, PostgreSQL the scale-out path; everything that differs
between them lives here. For SQLite we turn off pysqlite's own transaction handling and emit
``BEGIN`` ourselves (SQLAlchemy's documented recipe), which makes SAVEPOINTs work and lets a
write transaction start with ``BEGIN IMMEDIATE``: taking the write lock up front is what makes
``busy_timeout`` apply, instead of failing with SQLITE_BUSY when a read transaction later
tries to write.

Writers of one process also queue on that engine's writer lock before their ``BEGIN
IMMEDIATE``, and the lock passes to the next writer the moment the previous COMMIT (or
ROLLBACK) has finished: threads wake at once instead of sleeping through SQLite's busy
handler (which polls in growing naps) while the request threads, the delivery worker and
the jobs take turns. Other processes on the same file still meet in ``busy_timeout``.

A serving process moves SQLite's WAL checkpoints out of the writers' way
(``WalCheckpointer``): with SQLite's default, the COMMIT that fills the WAL past 1,000 pages
copies it into the database file and syncs it (10-190 ms measured here) while it holds the
writer lock, so every queued write waits behind it.

Each SQLite ``BEGIN`` also notes what lets a reader of task change marks tell the marks
committed before from the transaction's own uncommitted ones (``sqlite_committed_mark``).
"""

import logging
import math
import sqlite3
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.types import TypeDecorator

log = logging.getLogger(__name__)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: SQLite reads through a memory map (the OS page cache, shared by every connection) and
#: keeps a per-connection page cache larger than its 2 MiB default: at a million tasks a
#: search touches index pages all over a ~1 GB file, and read() calls per page dominated.
SQLITE_MMAP_BYTES = 1 << 30
SQLITE_CACHE_KIB = 16 * 1024

#: Execution option naming the SQLite ``BEGIN`` mode; ignored by PostgreSQL.
SQLITE_BEGIN = "workitems_sqlite_begin"
#: ``Connection.info`` flag: this connection's transaction holds the engine's writer lock.
_HOLDS_WRITER_LOCK = "workitems_holds_writer_lock"
#: ``Connection.info`` key (SQLite): what ``sqlite_committed_mark`` needs from ``BEGIN``.
_BEGAN = "workitems_sqlite_began"
#: Pool record ``info`` key (SQLite): the ``wal_autocheckpoint`` the connection was set to.
_AUTOCHECKPOINT = "workitems_wal_autocheckpoint"
#: SQLite's own default: a COMMIT that leaves the WAL over this many pages checkpoints.
SQLITE_AUTOCHECKPOINT_PAGES = 1000
#: While a ``WalCheckpointer`` runs, a COMMIT still checkpoints past this many pages (about
#: three seconds of POSTs at full speed): a backstop if the background passes cannot get
#: the WAL to start over (say, another process writing the same file without a pause).
SQLITE_BACKSTOP_PAGES = 20_000


class _SqliteState:
    """What the engine's event handlers share with ``WalCheckpointer``."""

    def __init__(self) -> None:
        self.writer_lock = threading.Lock()
        #: A ``WalCheckpointer`` runs: connections leave checkpoints to it.
        self.background_checkpoints = False


_SQLITE_STATES: "weakref.WeakKeyDictionary[Engine, _SqliteState]" = weakref.WeakKeyDictionary()


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on both databases (SQLite would hand back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use clock.utc_now()")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


@dataclass(frozen=True)
class Timeouts:
    """How long the service waits on PostgreSQL before giving up (and answering 503).

    Without them a database that accepts TCP but never answers (a partition) hangs every
    request and ``/readyz`` without limit. ``connect_seconds`` bounds the whole connection
    set-up; ``statement_ms`` is the server-side backstop for one statement; ``pool_seconds``
    bounds the wait for a pooled connection; TCP keepalives and ``tcp_user_timeout`` notice a
    peer that vanished mid-query.
    """

    connect_seconds: float = 3
    statement_ms: int = 10_000
    pool_seconds: float = 5


def postgres_connect_args(timeouts: Timeouts) -> dict[str, Any]:
    return {
        "connect_timeout": max(1, math.ceil(timeouts.connect_seconds)),
        "options": f"-c statement_timeout={int(timeouts.statement_ms)}",
        "keepalives": 1,
        "keepalives_idle": 5,
        "keepalives_interval": 2,
        "keepalives_count": 3,
        "tcp_user_timeout": 10_000,
    }


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(
    url: str,
    *,
    pool_size: int = 10,
    max_overflow: int = 20,
    sqlite_busy_timeout_ms: int = 5000,
    timeouts: Timeouts | None = None,
) -> Engine:
    """Build an engine with the pragmas and pool this project relies on.

    ``timeouts`` (PostgreSQL) are for the service; migrations and the CLI run without them,
    so a long ``ALTER TABLE`` is not cut off.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        if timeouts is None:
            return create_engine(
                url, pool_size=pool_size, max_overflow=max_overflow, pool_pre_ping=True
            )
        return create_engine(
            url,
            pool_size=pool_size,
            max_overflow=max_overflow,
            pool_pre_ping=True,
            pool_timeout=timeouts.pool_seconds,
            connect_args=postgres_connect_args(timeouts),
        )

    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        pool_size=pool_size,
        max_overflow=max_overflow,
        connect_args={"check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(sqlite_busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        cursor.close()

    state = _SQLITE_STATES[engine] = _SqliteState()
    writer_lock = state.writer_lock
    wait_s = sqlite_busy_timeout_ms / 1000

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        # Only while a WalCheckpointer runs do commits leave checkpoints to it (but for the
        # backstop); a pragma only when the connection's setting is not the wanted one yet.
        wanted = (
            SQLITE_BACKSTOP_PAGES if state.background_checkpoints else SQLITE_AUTOCHECKPOINT_PAGES
        )
        if record.info.get(_AUTOCHECKPOINT, SQLITE_AUTOCHECKPOINT_PAGES) != wanted:
            dbapi_connection.execute(f"PRAGMA wal_autocheckpoint={wanted}")
            record.info[_AUTOCHECKPOINT] = wanted

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get(SQLITE_BEGIN, "DEFERRED")
        if mode != "IMMEDIATE" or connection.info.get(_HOLDS_WRITER_LOCK):
            connection.exec_driver_sql(f"BEGIN {mode}")
            _note_begin(connection, immediate=mode == "IMMEDIATE")
            return
        if not writer_lock.acquire(timeout=wait_s):
            # What SQLite itself answers after busy_timeout: the caller's "busy" path.
            locked = sqlite3.OperationalError("database is locked (waiting for a writer)")
            raise OperationalError("BEGIN IMMEDIATE", None, locked)
        connection.info[_HOLDS_WRITER_LOCK] = True
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            _release(connection)
            raise
        _note_begin(connection, immediate=True)

    def _release(connection: Connection) -> None:
        if connection.info.pop(_HOLDS_WRITER_LOCK, False):
            writer_lock.release()

    @event.listens_for(engine, "commit")
    def _on_commit(connection: Connection) -> None:
        # The event comes before the driver's commit: do that commit here, so the lock
        # is only handed on once it is done; the driver's own commit is then a no-op.
        if connection.info.get(_HOLDS_WRITER_LOCK):
            try:
                connection.connection.dbapi_connection.commit()  # type: ignore[union-attr]
            finally:
                _release(connection)

    @event.listens_for(engine, "rollback")
    def _on_rollback(connection: Connection) -> None:
        if connection.info.get(_HOLDS_WRITER_LOCK):
            try:
                connection.connection.dbapi_connection.rollback()  # type: ignore[union-attr]
            finally:
                _release(connection)

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        # A connection returned to the pool mid-transaction (an error path) lets go too.
        if record.info.pop(_HOLDS_WRITER_LOCK, False):
            writer_lock.release()

    return engine


@dataclass(frozen=True)
class _Began:
    #: The connection's ``total_changes`` at ``BEGIN``: unchanged, nothing was written since.
    changes: int
    #: ``BEGIN IMMEDIATE`` only: ``search_sequence`` then. Nothing else can commit while the
    #: write lock is held, so this stays the last committed mark. A deferred transaction is
    #: not read at ``BEGIN``: that would fix its snapshot early, and a write it makes later
    #: would then fail (SQLITE_BUSY_SNAPSHOT) whenever anyone committed in between.
    committed_mark: int | None


def _note_begin(connection: Connection, *, immediate: bool) -> None:
    dbapi_connection: Any = connection.connection.dbapi_connection
    mark = _read_mark(dbapi_connection) if immediate else None
    connection.info[_BEGAN] = _Began(dbapi_connection.total_changes, mark)


def _read_mark(dbapi_connection: Any) -> int | None:
    """Through the driver: an error raised inside SQLAlchemy's begin would roll the fresh
    transaction back, and a database not yet migrated has no sequence table."""
    try:
        row = dbapi_connection.execute("SELECT value FROM search_sequence").fetchone()
    except sqlite3.OperationalError:
        return None
    return None if row is None else int(row[0])


def sqlite_committed_mark(connection: Connection) -> int | None:
    """The last task change mark (``search_sequence``) committed as this SQLite
    transaction sees it: any higher mark it sees is its own write and may still roll back.

    ``None`` when that cannot be told: a transaction that began without the write lock and
    has written since (no statement can tell its rows from committed ones), or a connection
    whose engine was not made by ``make_engine``.
    """
    began = connection.info.get(_BEGAN)
    if not isinstance(began, _Began):
        return None
    if began.committed_mark is not None:
        return began.committed_mark
    dbapi_connection: Any = connection.connection.dbapi_connection
    if dbapi_connection.total_changes != began.changes:
        return None
    return _read_mark(dbapi_connection)


class WalCheckpointer:
    """Checkpoints an SQLite database's WAL in a thread of its own, for a serving process.

    While it runs, the engine's connections do not checkpoint on COMMIT (but past
    ``SQLITE_BACKSTOP_PAGES``, SQLite's own checkpoint as a backstop). Each pass first
    checkpoints without any lock (``PASSIVE``: it copies what no reader still needs, beside
    the writers, and syncs the file), then once more under the engine's writer lock, which
    only has the few pages written meanwhile to copy. That second pass is what lets the next
    writer start the WAL over from its beginning: a WAL checkpointed only beside the writers
    would never be complete when a write begins, and would grow without end. Other
    processes on the file keep SQLite's own checkpoints.
    """

    def __init__(self, engine: Engine, *, interval_seconds: float = 1.0) -> None:
        self.engine = engine
        self.interval_seconds = interval_seconds
        self._state = _SQLITE_STATES[engine]
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._state.background_checkpoints = True
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="wal-checkpoints", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(30)
            self._thread = None
        self._state.background_checkpoints = False

    def checkpoint(self) -> tuple[int, int]:
        """One pass; returns the WAL's frames and how many are in the database file, as
        the locked pass left them (equal when it completed)."""
        raw = self.engine.raw_connection()
        try:
            dbapi_connection: Any = raw.driver_connection
            dbapi_connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            if not self._state.writer_lock.acquire(timeout=self.interval_seconds):
                return (-1, -1)
            try:
                _busy, frames, copied = dbapi_connection.execute(
                    "PRAGMA wal_checkpoint(PASSIVE)"
                ).fetchone()
            finally:
                self._state.writer_lock.release()
            return (int(frames), int(copied))
        finally:
            raw.close()

    def _run(self) -> None:
        while not self._stop.wait(self.interval_seconds):
            try:
                self.checkpoint()
            except Exception:  # a failed pass is retried on the next; SQLite stays correct
                log.warning("WAL checkpoint failed", exc_info=True)


def writer(engine: Engine) -> Engine:
    """The same pool, but SQLite transactions take the write lock at ``BEGIN``."""
    return engine.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"})


@contextmanager
def session_scope(engine: Engine, *, write: bool = True) -> Iterator[Session]:
    """One unit of work for the CLI and jobs: commit on success, roll back on error."""
    with Session(writer(engine) if write else engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def str_enum(enum_cls: type[Any], name: str) -> Any:
    """A portable enum column: VARCHAR plus a CHECK constraint, storing the wire values."""
    from sqlalchemy import Enum

    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        length=20,
        create_constraint=True,
        validate_strings=True,
        values_callable=lambda members: [member.value for member in members],
    )
