"""Task service on both databases: every change lands in the history."""

from datetime import date, datetime

import pytest
from sqlalchemy.orm import Session

from tests.factories import make_task, make_user
from workitems.errors import (
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
    StaleVersionError,
    TaskClosedError,
    ValidationError,
)
from workitems.task import service
from workitems.task.enums import EventKind, Priority, TaskSource, TaskStatus
from workitems.task.models import Task
from workitems.task.repository import Sort, TaskFilters
from workitems.task.schemas import TaskCreate, TaskOut, TaskUpdate
from workitems.user.models import User


class TestCreateTask:
    def test_owner_makes_it_pending(self, session: Session, admin: User) -> None:
        task = make_task(session, actor=admin, assignee=admin.id)
        assert task.status == TaskStatus.pending
        assert task.key == f"WI-{task.id}"

    def test_no_owner_leaves_it_unaddressed(self, session: Session, admin: User) -> None:
        assert make_task(session, actor=admin).status == TaskStatus.unaddressed

    def test_records_a_created_event(self, session: Session, admin: User) -> None:
        task = make_task(session, actor=admin, labels=["q3"], priority=Priority.high)
        [event] = service.list_history(session, task.id)
        assert event.kind == EventKind.created
        assert event.changes["priority"] == {"old": None, "new": "high"}
        assert event.changes["labels"] == {"old": None, "new": ["q3"]}

    def test_cannot_start_final(self, session: Session, admin: User) -> None:
        data = TaskCreate(title="Already done", status=TaskStatus.completed)
        with pytest.raises(ValidationError, match="starts as"):
            service.create_task(session, data, actor_id=admin.id)

    def test_inactive_assignee_is_refused(self, session: Session, admin: User) -> None:
        gone = make_user(session, email="gone@example.com", name="Gone")
        gone.is_active = False
        with pytest.raises(ValidationError, match="deactivated"):
            make_task(session, actor=admin, assignee=gone.id)


class TestCreateTaskRow:
    """The API answers a new task from the values it wrote, never reading it back: the
    answer must be what a read returns."""

    def test_answer_is_what_a_read_returns(self, session: Session, admin: User) -> None:
        owner = make_user(session, name="Olu Owner")
        data = TaskCreate(
            title="Ship the export",
            description="for finance",
            priority=Priority.high,
            assignee=owner.id,
            due_date=date(2030, 1, 31),
            labels=["finance", "q3"],
        )
        row = service.create_task_row(session, data, actor_id=admin.id)
        today = date(2030, 1, 1)
        written = TaskOut.of_row(row, today=today).model_dump(mode="json")
        read = TaskOut.of_row(service.get_task_row(session, row.id), today=today)
        assert written == read.model_dump(mode="json")
        assert written["created_by"] == {"id": admin.id, "email": admin.email, "name": "Ada Admin"}
        assert written["assignee"]["name"] == "Olu Owner"

    def test_labels_keep_the_order_given(self, session: Session, admin: User) -> None:
        data = TaskCreate(title="Ordered", labels=["zeta", "alpha"])
        assert service.create_task_row(session, data, actor_id=admin.id).labels == [
            "zeta",
            "alpha",
        ]

    def test_many_get_their_own_ids_in_order(self, session: Session, admin: User) -> None:
        items = [
            (TaskCreate(title=f"Task {n}", labels=[f"l{n}"]), TaskSource.manual, None)
            for n in range(5)
        ]
        rows = service.create_tasks(session, items, actor_id=admin.id)
        for n, row in enumerate(rows):
            read = service.get_task(session, row.id)
            assert (read.title, read.labels) == (f"Task {n}", [f"l{n}"])
            [event] = service.list_history(session, row.id)
            assert event.changes["title"] == {"old": None, "new": f"Task {n}"}

    def test_one_bad_item_writes_nothing(self, session: Session, admin: User) -> None:
        before = len(service.list_tasks(session, TaskFilters(), limit=200).items)
        items = [
            (TaskCreate(title="Fine"), TaskSource.manual, None),
            (TaskCreate(title="Final", status=TaskStatus.completed), TaskSource.manual, None),
        ]
        with pytest.raises(ValidationError):
            service.create_tasks(session, items, actor_id=admin.id)
        assert len(service.list_tasks(session, TaskFilters(), limit=200).items) == before


class TestGetTask:
    def test_by_key_and_id(self, session: Session, admin: User) -> None:
        task = make_task(session, actor=admin)
        assert service.get_task(session, task.key).id == task.id
        assert service.get_task(session, str(task.id)).id == task.id
        assert service.get_task(session, task.key.lower()).id == task.id

    @pytest.mark.parametrize("ref", ["WI-999999", "nope", "WI-", "99999999999999999999999"])
    def test_unknown(self, session: Session, ref: str) -> None:
        with pytest.raises(NotFoundError):
            service.get_task(session, ref)


class TestUpdateTask:
    def test_records_old_and_new(self, session: Session, admin: User) -> None:
        task = make_task(session, actor=admin)
        service.update_task(
            session,
            task.id,
            TaskUpdate(title="Send the final deck", due_date=date(2026, 12, 4), reason="scope"),
            actor_id=admin.id,
            expected_version=1,
        )
        event = service.list_history(session, task.id)[-1]
        assert event.kind == EventKind.updated
        assert event.reason == "scope"
        assert event.changes == {
            "title": {"old": "Send the Q3 deck to finance", "new": "Send the final deck"},
            "due_date": {"old": None, "new": "2026-12-04"},
        }
        assert task.version == 2

    def test_no_op_records_nothing(self, session: Session, admin: User) -> None:
        task = make_task(session, actor=admin)
        service.update_task(
            session, task.id, TaskUpdate(title=task.title), actor_id=admin.id, expected_version=1
        )
        assert len(service.list_history(session, task.id)) == 1
        assert task.version == 1

    def test_stale_version(self, session: Session, admin: User) -> None:
        task = make_task(session, actor=admin)
        with pytest.raises(StaleVersionError) as caught:
            service.update_task(
                session, task.id, TaskUpdate(title="x"), actor_id=admin.id, expected_version=7
            )
        assert caught.value.current_version == 1

    def test_closed_task_is_frozen(self, session: Session, admin: User) -> None:
        task = make_task(session, actor=admin, status=TaskStatus.completed, note="done")
        with pytest.raises(TaskClosedError):
            service.update_task(
                session,
                task.id,
                TaskUpdate(title="x"),
                actor_id=admin.id,
                expected_version=task.version,
            )

    def test_labels_replace(self, session: Session, admin: User) -> None:
        task = make_task(session, actor=admin, labels=["a", "b"])
        service.update_task(
            session,
            task.id,
            TaskUpdate(labels=["b", "c"]),
            actor_id=admin.id,
            expected_version=1,
        )
        session.expire_all()
        assert service.get_task(session, task.id).labels == ["b", "c"]


class TestTransitionTask:
    def test_close_sets_note_and_time(self, session: Session, admin: User) -> None:
        task = make_task(session, actor=admin)
        service.transition_task(
            session, task.id, to=TaskStatus.canceled, note=" duplicate ", actor_id=admin.id
        )
        assert task.closure_note == "duplicate"
        assert task.closed_at is not None

    def test_reopen_clears_closure_and_keeps_it_in_history(
        self, session: Session, admin: User
    ) -> None:
        task = make_task(session, actor=admin, status=TaskStatus.completed, note="shipped")
        service.transition_task(
            session, task.id, to=TaskStatus.pending, note="bug found", actor_id=admin.id
        )
        assert task.closure_note is None
        assert task.closed_at is None
        event = service.list_history(session, task.id)[-1]
        assert event.kind == EventKind.reopened
        assert event.changes["closure_note"] == {"old": "shipped", "new": None}
        assert event.reason == "bug found"

    def test_hold_reason_is_kept(self, session: Session, admin: User) -> None:
        task = make_task(session, actor=admin)
        service.transition_task(
            session, task.id, to=TaskStatus.on_hold, note="waiting on legal", actor_id=admin.id
        )
        assert service.list_history(session, task.id)[-1].reason == "waiting on legal"

    def test_in_progress_needs_owner(self, session: Session, admin: User) -> None:
        task = make_task(session, actor=admin)
        with pytest.raises(ValidationError, match="owner"):
            service.transition_task(
                session, task.id, to=TaskStatus.in_progress, note=None, actor_id=admin.id
            )

    def test_invalid(self, session: Session, admin: User) -> None:
        task = make_task(session, actor=admin, assignee=admin.id, status=TaskStatus.in_progress)
        with pytest.raises(InvalidTransitionError):
            service.transition_task(
                session, task.id, to=TaskStatus.unaddressed, note=None, actor_id=admin.id
            )


class TestAssignTask:
    def test_reassignment_is_in_history(self, session: Session, admin: User) -> None:
        sam = make_user(session)
        task = make_task(session, actor=admin, assignee=admin.id)
        service.assign_task(
            session, task.id, assignee=sam.email, actor_id=admin.id, reason="Sam owns finance"
        )
        event = service.list_history(session, task.id)[-1]
        assert event.kind == EventKind.assigned
        assert event.changes["assignee"]["old"]["email"] == admin.email
        assert event.changes["assignee"]["new"]["email"] == sam.email
        assert event.reason == "Sam owns finance"

    def test_unassign_in_progress_refused(self, session: Session, admin: User) -> None:
        task = make_task(session, actor=admin, assignee=admin.id, status=TaskStatus.in_progress)
        with pytest.raises(ValidationError):
            service.assign_task(session, task.id, assignee=None, actor_id=admin.id)

    def test_me(self, session: Session, admin: User) -> None:
        task = make_task(session, actor=admin)
        service.assign_task(session, task.id, assignee="me", actor_id=admin.id)
        assert task.assignee_id == admin.id


class TestListTasks:
    def test_default_hides_closed(self, session: Session, admin: User) -> None:
        open_task = make_task(session, actor=admin, title="Open one")
        make_task(session, actor=admin, title="Closed one", status=TaskStatus.completed)
        page = service.list_tasks(session, TaskFilters())
        assert [t.id for t in page.items] == [open_task.id]

    def test_keyset_pages_cover_everything_once(self, session: Session, admin: User) -> None:
        created = {make_task(session, actor=admin, title=f"Task {i}").id for i in range(7)}
        seen: list[int] = []
        cursor = None
        for _ in range(10):
            page = service.list_tasks(
                session, TaskFilters(), sort=Sort.parse("-updated"), cursor=cursor, limit=3
            )
            seen.extend(t.id for t in page.items)
            cursor = page.next_cursor
            if cursor is None:
                break
        assert sorted(seen) == sorted(created)
        assert len(seen) == len(set(seen))

    @pytest.mark.parametrize("sort", ["due", "-due", "priority", "-priority", "created", "key"])
    def test_every_sort_pages(self, session: Session, admin: User, sort: str) -> None:
        for i in range(5):
            make_task(
                session,
                actor=admin,
                title=f"T{i}",
                due_date=date(2026, 12, i + 1) if i % 2 else None,
                priority=list(Priority)[i],
            )
        seen: list[int] = []
        page = service.list_tasks(session, TaskFilters(), sort=Sort.parse(sort), limit=2)
        seen.extend(t.id for t in page.items)
        while page.next_cursor:
            page = service.list_tasks(
                session, TaskFilters(), sort=Sort.parse(sort), cursor=page.next_cursor, limit=2
            )
            seen.extend(t.id for t in page.items)
        assert len(seen) == 5 == len(set(seen))

    def test_limit_bounds(self, session: Session) -> None:
        with pytest.raises(ValidationError):
            service.list_tasks(session, TaskFilters(), limit=201)


class TestComments:
    def test_comment_on_closed_task(self, session: Session, admin: User) -> None:
        task = make_task(session, actor=admin, status=TaskStatus.canceled, note="dup")
        service.add_comment(session, task.id, body="see WI-1", author_id=admin.id)
        assert [c.body for c in service.list_comments(session, task.id)] == ["see WI-1"]
        assert service.list_history(session, task.id)[-1].kind == EventKind.commented


def _changed(*tasks: Task) -> dict[int, datetime]:
    return {task.id: task.updated_at for task in tasks}


class TestNudges:
    def test_shown_until_the_task_changes_or_the_owner_dismisses(
        self, session: Session, admin: User
    ) -> None:
        owner = make_user(session, email="owen@example.com", name="Owen Park")
        kept = make_task(session, actor=admin, assignee=owner.id, title="Renew the lease")
        moved = make_task(session, actor=admin, assignee=owner.id, title="Book the venue")
        for task in (kept, moved):
            service.nudge_task(session, task.id, actor_id=admin.id, note="Still alive?")
        open_ = service.list_open_nudges(session, _changed(kept, moved))
        assert {i: e.reason for i, e in open_.items()} == {
            kept.id: "Still alive?",
            moved.id: "Still alive?",
        }
        assert open_[kept.id].actor == admin
        service.transition_task(
            session, moved.id, to=TaskStatus.in_progress, note=None, actor_id=owner.id
        )
        assert set(service.list_open_nudges(session, _changed(kept, moved))) == {kept.id}
        with pytest.raises(PermissionDeniedError):
            service.dismiss_nudge(session, kept.id, actor_id=admin.id)
        service.dismiss_nudge(session, kept.id, actor_id=owner.id)
        assert service.list_open_nudges(session, _changed(kept, moved)) == {}
        kinds = [e.kind for e in service.list_history(session, kept.id)]
        assert kinds.count(EventKind.nudged) == 1  # the history keeps it
