"""Plain-row reads answer exactly what the ORM objects answered: same JSON, same pages."""

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

from tests.factories import make_task, make_user
from workitems.clock import utc_today
from workitems.db import session_scope
from workitems.task import repository
from workitems.task.enums import Priority, TaskStatus
from workitems.task.models import Task
from workitems.task.repository import Sort, TaskFilters
from workitems.task.schemas import TaskOut
from workitems.user.models import User


def _tasks(session: Session, admin: User) -> list[Task]:
    ana = make_user(session, email="ana@example.com", name="Ana Costa")
    return [
        make_task(session, actor=admin, title="Labelled", labels=["zeta", "alpha", "mid"]),
        make_task(
            session,
            actor=ana,
            title="Owned and late",
            assignee=admin.id,
            labels=["beta"],
            due_date=utc_today() - timedelta(days=2),
            priority=Priority.high,
        ),
        make_task(session, title="No creator, no labels"),
        make_task(session, actor=admin, title="Done", status=TaskStatus.completed, note="ok"),
    ]


def _json(out: TaskOut) -> str:
    return out.model_dump_json()


class TestRowsById:
    def test_answer_as_the_orm_does(self, session: Session, admin: User) -> None:
        tasks = _tasks(session, admin)
        session.flush()
        session.expire_all()
        today = utc_today()
        rows = repository.rows_by_id(session, [t.id for t in tasks])
        assert [r.id for r in rows] == [t.id for t in tasks]
        for row, task in zip(rows, tasks, strict=True):
            assert _json(TaskOut.of_row(row, today=today)) == _json(TaskOut.of(task, today=today))

    def test_keep_the_given_order_and_skip_missing(self, session: Session, admin: User) -> None:
        first, second, *_ = _tasks(session, admin)
        rows = repository.rows_by_id(session, [second.id, 10_000_000, first.id])
        assert [r.id for r in rows] == [second.id, first.id]
        assert rows[1].labels == ["alpha", "mid", "zeta"]

    def test_find_row_of_a_missing_task_is_none(self, session: Session) -> None:
        assert repository.find_row(session, 10_000_000) is None


class TestListRows:
    def test_pages_like_list_page(self, session: Session, admin: User) -> None:
        for n in range(5):
            make_task(session, actor=admin, title=f"Task {n}", due_date=date(2030, 1, 5 - n))
        for sort in (Sort(), Sort.parse("due"), Sort.parse("-priority")):
            cursors: tuple[str | None, str | None] = (None, None)
            seen: list[int] = []
            while True:
                tasks = repository.list_page(
                    session, TaskFilters(), sort=sort, cursor=cursors[0], limit=2
                )
                rows = repository.list_rows(
                    session, TaskFilters(), sort=sort, cursor=cursors[1], limit=2
                )
                orm_next, row_next = tasks.next_cursor, rows.next_cursor
                assert [r.id for r in rows.items] == [t.id for t in tasks.items]
                assert row_next == orm_next
                seen += [r.id for r in rows.items]
                if row_next is None:
                    break
                cursors = (orm_next, row_next)
            assert len(seen) == 5


@pytest.mark.concurrency
class TestTitleChanges:
    """What the duplicate index reads to catch up: marks the database assigns."""

    def test_a_status_written_by_any_statement_renews_the_mark(
        self, committed_url: str, engine: Engine
    ) -> None:
        with session_scope(engine) as session:
            task = make_task(session, title="Send the Q3 deck to finance")
        with session_scope(engine, write=False) as session:
            first = repository.title_changes(session, since=None)
        assert [row[0] for row in first.rows] == [task.id]
        with session_scope(engine) as session:
            # Not through the service: no updated_at, no title, only the status.
            session.execute(
                update(Task).where(Task.id == task.id).values(status=TaskStatus.canceled)
            )
        with session_scope(engine, write=False) as session:
            after = repository.title_changes(session, since=first.settled_below)
        assert [(row[0], row[2]) for row in after.rows] == [(task.id, TaskStatus.canceled)]


class TestTitleChangesRecheck:
    def test_rechecked_ids_are_read_as_they_stand_or_reported_gone(self, session: Session) -> None:
        task = make_task(session, title="Send the Q3 deck to finance")
        changes = repository.title_changes(session, since=10**15, recheck=[task.id, 10**9])
        assert [row[:3] for row in changes.rows] == [
            (task.id, "Send the Q3 deck to finance", TaskStatus.unaddressed)
        ]
        assert changes.gone == [10**9]
