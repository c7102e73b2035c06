"""Every task change writes its event in the same transaction, and only then."""

from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tests.factories import make_task, make_user
from workitems.db import session_scope
from workitems.errors import ValidationError
from workitems.notify.models import Event, Notification
from workitems.staging import review
from workitems.staging.enums import ReviewAction
from workitems.staging.schemas import CandidateIn
from workitems.staging.service import stage_candidate
from workitems.task import service
from workitems.task.enums import TaskStatus
from workitems.task.schemas import TaskUpdate
from workitems.transcript.analysis import analyze_transcript
from workitems.transcript.schemas import TranscriptIn
from workitems.transcript.service import add_transcript
from workitems.user.models import User


def _events(session: Session) -> list[dict[str, Any]]:
    rows = session.scalars(select(Event).order_by(Event.created_at, Event.id))
    return [row.payload for row in rows]


def _types(session: Session) -> list[str]:
    return [p["type"] for p in _events(session)]


class TestTaskEvents:
    def test_create_emits_task_created_in_the_standard_shape(
        self, session: Session, admin: User
    ) -> None:
        task = make_task(session, actor=admin, labels=["finance"])
        [payload] = _events(session)
        assert set(payload) == {"type", "timestamp", "data"}
        assert payload["type"] == "task.created"
        assert payload["timestamp"].endswith("Z")
        data = payload["data"]
        assert (data["id"], data["key"], data["labels"]) == (task.id, task.key, ["finance"])
        assert data["actor"] == {"id": admin.id, "email": admin.email, "name": admin.display_name}

    def test_each_change_emits_its_type(self, session: Session, admin: User) -> None:
        owner = make_user(session)
        task = make_task(session, actor=admin)
        service.assign_task(session, task.id, assignee=owner.id, actor_id=admin.id)
        service.transition_task(
            session, task.id, to=TaskStatus.in_progress, note=None, actor_id=admin.id
        )
        service.update_task(
            session, task.id, TaskUpdate(title="Renamed"), actor_id=admin.id, expected_version=None
        )
        service.add_comment(session, task.id, body="on it", author_id=owner.id)
        service.nudge_task(session, task.id, actor_id=admin.id, note="still alive?")
        assert _types(session) == [
            "task.created",
            "task.assigned",
            "task.status_changed",
            "task.updated",
            "task.commented",
            "task.nudged",
        ]
        payloads = _events(session)
        assert payloads[2]["data"]["changes"]["status"] == {
            "old": "unaddressed",
            "new": "in_progress",
        }
        assert payloads[4]["data"]["comment"]["body"] == "on it"
        assert payloads[5]["data"]["note"] == "still alive?"

    def test_an_owner_edit_is_an_assignment_only(self, session: Session, admin: User) -> None:
        owner = make_user(session)
        task = make_task(session, actor=admin)
        service.update_task(
            session,
            task.id,
            TaskUpdate(assignee=owner.email),
            actor_id=admin.id,
            expected_version=None,
        )
        assert _types(session) == ["task.created", "task.assigned"]

    def test_an_edit_of_owner_and_title_says_both(self, session: Session, admin: User) -> None:
        owner = make_user(session)
        task = make_task(session, actor=admin)
        changes = TaskUpdate(assignee=owner.email, title="New title")
        service.update_task(session, task.id, changes, actor_id=admin.id, expected_version=None)
        assert _types(session) == ["task.created", "task.updated", "task.assigned"]

    def test_a_no_op_edit_emits_nothing(self, session: Session, admin: User) -> None:
        task = make_task(session, actor=admin, title="Same")
        service.update_task(
            session, task.id, TaskUpdate(title="Same"), actor_id=admin.id, expected_version=None
        )
        assert _types(session) == ["task.created"]

    def test_event_ids_are_unique_and_stable(self, session: Session, admin: User) -> None:
        make_task(session, actor=admin)
        make_task(session, actor=admin)
        ids = list(session.scalars(select(Event.id)))
        assert len(set(ids)) == 2
        assert all(i.startswith("evt_") for i in ids)


class TestInbox:
    def test_the_new_owner_is_told(self, session: Session, admin: User) -> None:
        owner = make_user(session)
        task = make_task(session, actor=admin, assignee=owner.email)
        [note] = session.scalars(select(Notification))
        assert note.user_id == owner.id
        assert note.title == f"{admin.display_name} assigned you {task.key}: {task.title}"
        assert note.link == f"/tasks/{task.key}"

    def test_nobody_is_told_what_they_did_themselves(self, session: Session, admin: User) -> None:
        task = make_task(session, actor=admin, assignee=admin.email)
        service.add_comment(session, task.id, body="note to self", author_id=admin.id)
        assert session.scalar(select(func.count()).select_from(Notification)) == 0

    def test_a_comment_by_someone_else_reaches_the_owner(
        self, session: Session, admin: User
    ) -> None:
        owner = make_user(session)
        task = make_task(session, actor=owner, assignee=owner.email)
        service.add_comment(session, task.id, body="Can you add the totals?", author_id=admin.id)
        [note] = session.scalars(select(Notification))
        assert (note.user_id, note.event_type) == (owner.id, "task.commented")
        assert note.body == "Can you add the totals?"


@pytest.mark.concurrency
class TestAtomicity:
    def test_a_rolled_back_change_emits_nothing(self, committed_url: str, engine: Engine) -> None:
        with session_scope(engine) as session:
            admin = make_user(session, email="ada@example.com", name="Ada")

        def change_then_fail() -> None:
            with session_scope(engine) as session:
                make_task(session, actor=admin, title="Written, then rolled back")
                # A later step of the same unit of work fails: nothing of it may be kept.
                make_task(session, actor=admin, status=TaskStatus.in_progress)

        with pytest.raises(ValidationError):
            change_then_fail()
        with session_scope(engine, write=False) as session:
            assert session.scalar(select(func.count()).select_from(Event)) == 0

    def test_a_committed_change_has_its_event(self, committed_url: str, engine: Engine) -> None:
        with session_scope(engine) as session:
            admin = make_user(session, email="ada@example.com", name="Ada")
            make_task(session, actor=admin)
        with session_scope(engine, write=False) as session:
            assert _types(session) == ["task.created"]


class TestCandidateEvents:
    def test_staging_and_review_emit_their_types(self, session: Session, admin: User) -> None:
        first = stage_candidate(session, CandidateIn(title="Send the deck"), actor_id=admin.id)
        second = stage_candidate(session, CandidateIn(title="Book a room"), actor_id=admin.id)
        third = stage_candidate(session, CandidateIn(title="Call Ana"), actor_id=admin.id)
        approved = review.approve_candidate(session, first.id, actor_id=admin.id)
        review.reject_candidate(session, second.id, actor_id=admin.id, reason="not an action")
        assert approved.task_id is not None
        review.mark_duplicate(session, third.id, task_ref=approved.task_id, actor_id=admin.id)
        payloads = _events(session)
        types = [p["type"] for p in payloads]
        for expected in (
            "candidate.staged",
            "candidate.approved",
            "candidate.rejected",
            "candidate.merged",
            "task.created",
        ):
            assert expected in types
        by_type = {p["type"]: p["data"] for p in payloads}
        task_key = f"WI-{approved.task_id}"
        assert by_type["candidate.approved"]["task"] == {"id": approved.task_id, "key": task_key}
        assert by_type["candidate.approved"]["state"] == "approved"
        assert by_type["candidate.rejected"]["reason"] == "not an action"
        assert by_type["candidate.merged"]["into"]["key"] == task_key
        assert "warnings" not in by_type["candidate.staged"]
        assert by_type["candidate.staged"]["actor"]["id"] == admin.id

    def test_a_batch_approval_emits_one_event_per_candidate(
        self, session: Session, admin: User
    ) -> None:
        ids = [
            stage_candidate(session, CandidateIn(title=f"item {n}"), actor_id=admin.id).id
            for n in range(3)
        ]
        review.review_many(session, action=ReviewAction.approve, ids=ids, actor_id=admin.id)
        types = _types(session)
        assert types.count("candidate.approved") == 3
        assert types.count("task.created") == 3


class TestTranscriptEvents:
    def test_analysis_emits_transcript_analyzed_once(self, session: Session, admin: User) -> None:
        content = (
            "Alice: Can you send the Q3 deck to finance by Friday?\nBob: Sure, I can do that.\n"
        )
        transcript, _created = add_transcript(
            session, TranscriptIn(title="Sync", content=content), actor_id=admin.id
        )
        _t, candidates, _now = analyze_transcript(session, transcript.id, actor_id=admin.id)
        analyze_transcript(session, transcript.id, actor_id=admin.id)  # already done: no event
        [payload] = [p for p in _events(session) if p["type"] == "transcript.analyzed"]
        assert payload["data"]["id"] == transcript.id
        assert payload["data"]["candidate_ids"] == [c.id for c in candidates]
