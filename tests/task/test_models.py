"""The rules that live on the task itself, and their SQL twins."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import make_task
from workitems.task import repository
from workitems.task.enums import TaskStatus
from workitems.task.models import Task, task_key
from workitems.user.models import User

TODAY = date(2026, 11, 26)


class TestIsOverdue:
    @pytest.mark.parametrize(
        ("due", "status", "expected"),
        [
            (None, TaskStatus.pending, False),
            (TODAY, TaskStatus.pending, False),
            (TODAY - timedelta(days=1), TaskStatus.pending, True),
            (TODAY - timedelta(days=1), TaskStatus.on_hold, True),
            (TODAY - timedelta(days=1), TaskStatus.completed, False),
            (TODAY - timedelta(days=1), TaskStatus.canceled, False),
        ],
    )
    def test_past_due_and_still_active(
        self, due: date | None, status: TaskStatus, expected: bool
    ) -> None:
        assert Task(due_date=due, status=status).is_overdue(TODAY) is expected

    def test_the_sql_expression_picks_the_same_tasks(self, session: Session, admin: User) -> None:
        yesterday = TODAY - timedelta(days=1)
        tasks = [
            make_task(session, actor=admin, title=f"Task {status}", status=status, due_date=due)
            for status in (TaskStatus.pending, TaskStatus.completed)
            for due in (None, yesterday, TODAY)
        ]
        ids = [t.id for t in tasks]
        in_sql = set(
            session.scalars(select(Task.id).where(Task.id.in_(ids), repository.overdue(TODAY)))
        )
        assert in_sql == {t.id for t in tasks if t.is_overdue(TODAY)}
        assert len(in_sql) == 1


class TestTaskKey:
    def test_the_key_people_use(self) -> None:
        assert task_key(42) == "WI-42"
        assert Task(id=42).key == "WI-42"
