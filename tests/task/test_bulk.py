"""Bulk edits in the domain: one change, many tasks, one outcome each."""

import pytest
from sqlalchemy.orm import Session

from tests.factories import make_task
from workitems.errors import NotFoundError, TaskClosedError, ValidationError
from workitems.task.bulk import MAX_BULK, bulk_update_tasks
from workitems.task.enums import BulkAction, TaskStatus
from workitems.task.models import Task
from workitems.user.models import User


class TestBulkUpdateTasks:
    def test_moves_each_with_the_note(self, session: Session, admin: User) -> None:
        tasks = [make_task(session, title=f"Task {n}") for n in range(2)]
        outcomes = bulk_update_tasks(
            session,
            [t.key for t in tasks],
            action=BulkAction.status,
            status=TaskStatus.completed,
            note="shipped",
            actor_id=admin.id,
        )
        assert outcomes == tasks
        assert {t.status for t in tasks} == {TaskStatus.completed}

    def test_one_refusal_leaves_the_others_applied(self, session: Session, admin: User) -> None:
        closed = make_task(session, actor=admin, title="Closed", status=TaskStatus.canceled)
        open_task = make_task(session, title="Open")
        outcomes = bulk_update_tasks(
            session,
            [closed.id, 999_999, open_task.id],
            action=BulkAction.assign,
            assignee="me",
            actor_id=admin.id,
        )
        assert isinstance(outcomes[0], TaskClosedError)
        assert isinstance(outcomes[1], NotFoundError)
        assert isinstance(outcomes[2], Task)
        assert open_task.assignee_id == admin.id

    @pytest.mark.parametrize("action", [BulkAction.priority, BulkAction.status])
    def test_a_missing_value_refuses_the_whole_batch(
        self, session: Session, admin: User, action: BulkAction
    ) -> None:
        task = make_task(session)
        with pytest.raises(ValidationError):
            bulk_update_tasks(session, [task.id], action=action, actor_id=admin.id)

    def test_at_most_max_bulk(self, session: Session, admin: User) -> None:
        with pytest.raises(ValidationError):
            bulk_update_tasks(
                session, list(range(MAX_BULK + 1)), action=BulkAction.assign, actor_id=admin.id
            )
