"""The engine is configured as the README promises."""

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, event, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from workitems.db import (
    SQLITE_BACKSTOP_PAGES,
    WalCheckpointer,
    is_sqlite,
    make_engine,
    sqlite_committed_mark,
    writer,
)


class TestEngine:
    def test_sqlite_pragmas(self, engine: Engine) -> None:
        if not is_sqlite(str(engine.url)):
            return
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000

    def test_migrations_are_current(self, engine: Engine) -> None:
        from workitems.migrate import pending_revisions

        assert not pending_revisions(engine)


class TestSqliteWriterLock:
    """Writers of one process take turns on the engine's lock, not in SQLite's busy-wait."""

    @pytest.fixture
    def sqlite_engine(self, tmp_path: Path) -> Iterator[Engine]:
        url = f"sqlite:///{tmp_path / 'writers.db'}"
        engine = make_engine(url, sqlite_busy_timeout_ms=300)
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (n INTEGER)"))
        yield engine
        engine.dispose()

    def test_next_writer_begins_after_the_commit(self, sqlite_engine: Engine) -> None:
        log: list[str] = []

        @event.listens_for(sqlite_engine, "before_cursor_execute")
        def _record(_c: object, _cur: object, statement: str, *_args: object) -> None:
            if statement.startswith("BEGIN IMMEDIATE"):
                log.append(f"begin {threading.current_thread().name}")

        second_done = threading.Event()

        def second() -> None:
            with writer(sqlite_engine).begin() as connection:
                connection.execute(text("INSERT INTO t VALUES (2)"))
            second_done.set()

        with writer(sqlite_engine).begin() as connection:
            connection.execute(text("INSERT INTO t VALUES (1)"))
            thread = threading.Thread(target=second, name="second")
            thread.start()
            time.sleep(0.1)  # the second writer is waiting by now
            assert log == [f"begin {threading.current_thread().name}"]
        log.append("first committed")
        assert second_done.wait(5)
        thread.join()
        assert log[1:] == ["first committed", "begin second"]
        with sqlite_engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM t")).scalar() == 2

    def test_a_writer_waiting_too_long_is_told_the_database_is_locked(
        self, sqlite_engine: Engine
    ) -> None:
        errors: list[BaseException] = []

        def second() -> None:
            try:
                with writer(sqlite_engine).begin() as connection:
                    connection.execute(text("INSERT INTO t VALUES (2)"))
            except OperationalError as exc:
                errors.append(exc)

        with writer(sqlite_engine).begin() as connection:
            connection.execute(text("INSERT INTO t VALUES (1)"))
            thread = threading.Thread(target=second)
            thread.start()
            thread.join(5)
        assert len(errors) == 1
        assert "locked" in str(errors[0].orig)  # type: ignore[attr-defined]

    def test_rollback_and_errors_hand_the_lock_on(self, sqlite_engine: Engine) -> None:
        def failing_unit_of_work() -> None:
            with writer(sqlite_engine).begin() as connection:
                connection.execute(text("INSERT INTO t VALUES (1)"))
                raise RuntimeError("the unit of work fails")

        with pytest.raises(RuntimeError):
            failing_unit_of_work()
        with Session(writer(sqlite_engine)) as session:
            session.execute(text("INSERT INTO t VALUES (2)"))
            session.rollback()
            session.execute(text("INSERT INTO t VALUES (3)"))
            session.commit()
        with writer(sqlite_engine).begin() as connection:  # would wait 300 ms and fail
            assert connection.execute(text("SELECT n FROM t")).scalars().all() == [3]


class TestSqliteCommittedMark:
    """What a SQLite transaction knows of the task change marks committed before it."""

    @pytest.fixture
    def sqlite_engine(self, tmp_path: Path) -> Iterator[Engine]:
        engine = make_engine(f"sqlite:///{tmp_path / 'marks.db'}", sqlite_busy_timeout_ms=300)
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE search_sequence (value INTEGER NOT NULL)"))
            connection.execute(text("INSERT INTO search_sequence VALUES (7)"))
        yield engine
        engine.dispose()

    def test_a_writer_knows_the_mark_from_before_its_own_writes(
        self, sqlite_engine: Engine
    ) -> None:
        with writer(sqlite_engine).begin() as connection:
            connection.execute(text("UPDATE search_sequence SET value = value + 1"))
            assert sqlite_committed_mark(connection) == 7

    def test_a_reader_that_wrote_nothing_reads_it_then(self, sqlite_engine: Engine) -> None:
        with sqlite_engine.connect() as connection, connection.begin():
            with writer(sqlite_engine).begin() as other:  # commits before the first read
                other.execute(text("UPDATE search_sequence SET value = 9"))
            assert sqlite_committed_mark(connection) == 9

    def test_a_reader_that_wrote_cannot_tell(self, sqlite_engine: Engine) -> None:
        with sqlite_engine.connect() as connection, connection.begin():
            connection.execute(text("UPDATE search_sequence SET value = value + 1"))
            assert sqlite_committed_mark(connection) is None

    def test_a_deferred_transaction_may_still_write_after_a_commit(
        self, sqlite_engine: Engine
    ) -> None:
        """Noting the mark must not start a deferred transaction's snapshot at BEGIN: its
        first write would then fail once anyone committed in between."""
        with sqlite_engine.connect() as connection, connection.begin():
            with writer(sqlite_engine).begin() as other:
                other.execute(text("UPDATE search_sequence SET value = 9"))
            connection.execute(text("UPDATE search_sequence SET value = value + 1"))
        with sqlite_engine.connect() as connection:
            assert connection.execute(text("SELECT value FROM search_sequence")).scalar() == 10


class TestWalCheckpointer:
    """A serving process checkpoints the WAL in a thread of its own, never in a COMMIT."""

    @pytest.fixture
    def sqlite_engine(self, tmp_path: Path) -> Iterator[Engine]:
        engine = make_engine(f"sqlite:///{tmp_path / 'wal.db'}", sqlite_busy_timeout_ms=300)
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (n INTEGER, pad TEXT)"))
        yield engine
        engine.dispose()

    @staticmethod
    def _write(engine: Engine, rows: int) -> None:
        for n in range(rows):
            with writer(engine).begin() as connection:
                connection.execute(
                    text("INSERT INTO t VALUES (:n, :pad)"), {"n": n, "pad": "x" * 3000}
                )

    @staticmethod
    def _autocheckpoint(engine: Engine) -> int:
        with engine.connect() as connection:
            return int(connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one())

    def test_commits_leave_checkpoints_to_it_only_while_it_runs(
        self, sqlite_engine: Engine, tmp_path: Path
    ) -> None:
        assert self._autocheckpoint(sqlite_engine) == 1000
        checkpointer = WalCheckpointer(sqlite_engine, interval_seconds=60)
        checkpointer.start()
        try:
            assert self._autocheckpoint(sqlite_engine) == SQLITE_BACKSTOP_PAGES
            self._write(sqlite_engine, 1200)
            # SQLite's own checkpoints would have started the WAL over near 1,000 pages.
            assert (tmp_path / "wal.db-wal").stat().st_size > 1100 * 4096
            frames, copied = checkpointer.checkpoint()
            assert frames >= 1200
            assert copied == frames
        finally:
            checkpointer.stop()
        assert self._autocheckpoint(sqlite_engine) == 1000

    def test_the_wal_starts_over_while_writers_keep_writing(
        self, sqlite_engine: Engine, tmp_path: Path
    ) -> None:
        checkpointer = WalCheckpointer(sqlite_engine, interval_seconds=0.05)
        checkpointer.start()
        stop = threading.Event()

        def keep_writing() -> None:
            while not stop.is_set():
                self._write(sqlite_engine, 10)

        thread = threading.Thread(target=keep_writing)
        thread.start()
        try:
            time.sleep(2)
        finally:
            stop.set()
            thread.join(10)
            checkpointer.stop()
        with sqlite_engine.connect() as connection:
            written = connection.execute(text("SELECT count(*) FROM t")).scalar_one()
        # Each row takes a page or more (about three): had the WAL never started over, it
        # would hold them all. The size is that of the longest stretch between restarts.
        assert written > 100
        assert (tmp_path / "wal.db-wal").stat().st_size < written * 4096
