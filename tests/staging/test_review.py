"""The review state machine, called directly (the HTTP tests cover the same rules through
the API)."""

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from tests.factories import make_task, make_user
from workitems.clock import utc_today
from workitems.errors import ConflictError, NotFoundError, StaleVersionError, ValidationError
from workitems.staging.enums import ReviewAction, ReviewState
from workitems.staging.models import Candidate
from workitems.staging.review import (
    approve_candidate,
    mark_duplicate,
    merge_candidates,
    reject_candidate,
    review_many,
    snooze_candidate,
    update_candidate,
)
from workitems.staging.schemas import CandidateIn, CandidateUpdate
from workitems.staging.service import stage_candidate
from workitems.task.enums import TaskStatus
from workitems.task.service import get_task, list_comments
from workitems.user.models import User


def _stage(session: Session, title: str = "Send the Q3 deck", **fields: object) -> Candidate:
    return stage_candidate(
        session, CandidateIn.model_validate({"title": title, **fields}), actor_id=None
    )


class TestApproveCandidate:
    def test_creates_the_task_and_links_both_ways(self, session: Session, admin: User) -> None:
        owner = make_user(session)
        candidate = _stage(session, assignee=owner.id)
        approve_candidate(session, candidate.id, actor_id=admin.id)
        task = get_task(session, candidate.task_id or 0)
        assert (candidate.state, candidate.reviewer) == (ReviewState.approved, admin)
        assert (task.status, task.assignee) == (TaskStatus.pending, owner)

    def test_without_an_owner_the_task_is_unaddressed(self, session: Session, admin: User) -> None:
        candidate = approve_candidate(session, _stage(session).id, actor_id=admin.id)
        assert get_task(session, candidate.task_id or 0).status == TaskStatus.unaddressed

    def test_approving_twice_names_the_task(self, session: Session, admin: User) -> None:
        candidate = approve_candidate(session, _stage(session).id, actor_id=admin.id)
        with pytest.raises(ConflictError) as caught:
            approve_candidate(session, candidate.id, actor_id=admin.id)
        assert caught.value.extensions["task_id"] == candidate.task_id

    def test_edits_apply_before_the_task_is_created(self, session: Session, admin: User) -> None:
        edits = CandidateUpdate(title="Send the Q4 deck")
        candidate = approve_candidate(session, _stage(session).id, actor_id=admin.id, edits=edits)
        assert get_task(session, candidate.task_id or 0).title == "Send the Q4 deck"

    def test_a_stale_version_is_refused(self, session: Session, admin: User) -> None:
        candidate = _stage(session)
        with pytest.raises(StaleVersionError):
            approve_candidate(
                session, candidate.id, actor_id=admin.id, expected_version=candidate.version + 1
            )
        assert candidate.state == ReviewState.staged


class TestUpdateCandidate:
    def test_a_reviewed_candidate_cannot_be_edited(self, session: Session, admin: User) -> None:
        candidate = reject_candidate(session, _stage(session).id, actor_id=admin.id, reason="no")
        with pytest.raises(ConflictError):
            update_candidate(
                session, candidate.id, CandidateUpdate(title="Other"), expected_version=None
            )


class TestRejectCandidate:
    def test_needs_a_reason(self, session: Session, admin: User) -> None:
        with pytest.raises(ValidationError):
            reject_candidate(session, _stage(session).id, actor_id=admin.id, reason="  ")

    def test_keeps_the_reason(self, session: Session, admin: User) -> None:
        candidate = reject_candidate(
            session, _stage(session).id, actor_id=admin.id, reason=" chat "
        )
        assert (candidate.state, candidate.reason) == (ReviewState.rejected, "chat")


class TestMarkDuplicate:
    def test_the_candidate_becomes_a_comment_on_the_task(
        self, session: Session, admin: User
    ) -> None:
        task = make_task(session, actor=admin)
        candidate = _stage(session, "Send the deck again", due_phrase="by Friday")
        mark_duplicate(session, candidate.id, task_ref=task.key, actor_id=admin.id, reason="same")
        [comment] = list_comments(session, task.id)
        assert "Send the deck again" in comment.body
        assert "by Friday" in comment.body
        assert (candidate.state, candidate.task_id) == (ReviewState.duplicate, task.id)

    def test_a_missing_task_changes_nothing(self, session: Session, admin: User) -> None:
        candidate = _stage(session)
        with pytest.raises(NotFoundError):
            mark_duplicate(session, candidate.id, task_ref=999_999, actor_id=admin.id)
        assert candidate.state == ReviewState.staged


class TestMergeCandidates:
    def test_evidence_joins_the_survivor_and_gaps_are_filled(
        self, session: Session, admin: User
    ) -> None:
        said = {
            "utterance_index": 3,
            "speaker": "Priya",
            "start": None,
            "quote": "Send it",
            "context": False,
        }
        again = {
            "utterance_index": 9,
            "speaker": "Priya",
            "start": 61.0,
            "quote": "By Friday",
            "context": False,
        }
        survivor = _stage(session, "Send the Q3 deck", evidence=[said])
        merged = _stage(
            session,
            "Send the deck out",
            evidence=[said, again],
            due="2026-12-04",
            due_phrase="Friday",
            priority="high",
            labels=["finance"],
        )
        result = merge_candidates(
            session, merged.id, into_id=survivor.id, actor_id=admin.id, reason="same deck"
        )
        assert result is survivor
        assert survivor.evidence == [said, again]
        assert (str(survivor.due_date), survivor.due_phrase) == ("2026-12-04", "Friday")
        assert (survivor.priority, survivor.labels) == ("high", ["finance"])
        assert survivor.state == ReviewState.staged
        assert (merged.state, merged.merged_into_id, merged.reason) == (
            ReviewState.duplicate,
            survivor.id,
            "same deck",
        )

    def test_a_reviewed_survivor_is_refused(self, session: Session, admin: User) -> None:
        survivor = _stage(session)
        reject_candidate(session, survivor.id, actor_id=admin.id, reason="not work")
        merged = _stage(session, "Send the deck out")
        with pytest.raises(ConflictError):
            merge_candidates(session, merged.id, into_id=survivor.id, actor_id=admin.id)
        assert merged.state == ReviewState.staged

    def test_not_into_itself(self, session: Session, admin: User) -> None:
        candidate = _stage(session)
        with pytest.raises(ValidationError, match="itself"):
            merge_candidates(session, candidate.id, into_id=candidate.id, actor_id=admin.id)


class TestSnoozeCandidate:
    def test_only_until_a_future_date(self, session: Session, admin: User) -> None:
        with pytest.raises(ValidationError):
            snooze_candidate(session, _stage(session).id, until=utc_today(), actor_id=admin.id)

    def test_hides_until_the_date(self, session: Session, admin: User) -> None:
        until = utc_today() + timedelta(days=3)
        candidate = snooze_candidate(session, _stage(session).id, until=until, actor_id=admin.id)
        assert (candidate.state, candidate.snoozed_until) == (ReviewState.snoozed, until)


class TestReviewMany:
    def test_one_failure_leaves_the_others_approved(self, session: Session, admin: User) -> None:
        first, second = _stage(session, "Send the deck"), _stage(session, "Book the room")
        approve_candidate(session, second.id, actor_id=admin.id)
        outcomes = review_many(
            session,
            action=ReviewAction.approve,
            ids=[first.id, second.id, 999_999],
            actor_id=admin.id,
        )
        assert outcomes[0] is first
        assert first.state == ReviewState.approved
        assert isinstance(outcomes[1], ConflictError)
        assert isinstance(outcomes[2], NotFoundError)

    def test_an_id_listed_twice_is_approved_once(self, session: Session, admin: User) -> None:
        candidate = _stage(session)
        outcomes = review_many(
            session,
            action=ReviewAction.approve,
            ids=[candidate.id, candidate.id],
            actor_id=admin.id,
        )
        assert outcomes[0] is candidate
        assert isinstance(outcomes[1], ConflictError)

    def test_an_inactive_owner_fails_only_that_item(self, session: Session, admin: User) -> None:
        gone = make_user(session, email="gone@example.com", name="Gone Person")
        blocked, fine = _stage(session, assignee=gone.id), _stage(session, "Book the room")
        gone.is_active = False
        session.flush()
        outcomes = review_many(
            session, action=ReviewAction.approve, ids=[blocked.id, fine.id], actor_id=admin.id
        )
        assert isinstance(outcomes[0], ValidationError)
        assert outcomes[1] is fine
        assert fine.state == ReviewState.approved

    def test_rejecting_needs_a_reason(self, session: Session, admin: User) -> None:
        with pytest.raises(ValidationError):
            review_many(
                session, action=ReviewAction.reject, ids=[_stage(session).id], actor_id=admin.id
            )
