from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from tests.factories import make_user
from workitems.clock import utc_today
from workitems.errors import NotFoundError, ValidationError
from workitems.staging.enums import CandidateSource, ReviewState
from workitems.staging.review import reject_candidate, snooze_candidate
from workitems.staging.schemas import CandidateIn, CandidateUpdate
from workitems.staging.service import (
    apply_changes,
    count_waiting,
    get_candidate,
    list_candidates,
    stage_candidate,
    stage_many,
)


class TestCountWaiting:
    def test_by_source_leaving_out_reviewed_and_snoozed(self, session: Session) -> None:
        reviewer = make_user(session)

        def stage(title: str, source: CandidateSource) -> int:
            data = CandidateIn(title=title)
            return stage_candidate(session, data, actor_id=None, source=source).id

        stage("Send the deck", CandidateSource.transcript)
        stage("Book the room", CandidateSource.transcript)
        rejected = stage("Not work", CandidateSource.manual)
        reject_candidate(session, rejected, actor_id=reviewer.id, reason="chatter")
        snoozed = stage("Later thing", CandidateSource.import_)
        snooze_candidate(
            session, snoozed, until=utc_today() + timedelta(days=2), actor_id=reviewer.id
        )
        counts = count_waiting(session)
        assert counts[CandidateSource.transcript] == 2
        assert counts[CandidateSource.manual] == 0
        assert counts[CandidateSource.import_] == 0
        assert set(counts) == set(CandidateSource)

    def test_an_expired_snooze_is_waiting_again(self, session: Session) -> None:
        reviewer = make_user(session)
        candidate = stage_candidate(
            session, CandidateIn(title="Later thing"), actor_id=None, source=CandidateSource.bulk
        )
        snooze_candidate(
            session, candidate.id, until=utc_today() + timedelta(days=2), actor_id=reviewer.id
        )
        candidate.snoozed_until = utc_today()  # the snooze has run out
        session.flush()
        assert count_waiting(session)[CandidateSource.bulk] == 1


class TestStageCandidate:
    def test_an_unambiguous_name_resolves_the_owner(self, session: Session) -> None:
        sam = make_user(session, name="Sam Lee")
        candidate = stage_candidate(
            session, CandidateIn(title="Send the deck", assignee="Sam Lee"), actor_id=None
        )
        assert candidate.assignee == sam
        assert candidate.assignee_raw == "Sam Lee"

    def test_an_unknown_name_is_kept_raw_never_guessed(self, session: Session) -> None:
        make_user(session, name="Sam Lee")
        candidate = stage_candidate(
            session, CandidateIn(title="Send the deck", assignee="Sammy"), actor_id=None
        )
        assert candidate.assignee is None
        assert candidate.assignee_raw == "Sammy"

    def test_a_unique_prefix_or_alias_resolves_an_ambiguous_one_stays_raw(
        self, session: Session
    ) -> None:
        sofia = make_user(session, email="sofia@example.com", name="Sofia Reyes", aliases=["Sof"])
        make_user(session, email="sofie@example.com", name="Sofie Lind")
        for heard, owner in (("Sofia", sofia), ("sof", sofia), ("Sofi", None)):
            candidate = stage_candidate(
                session, CandidateIn(title="Send the deck", assignee=heard), actor_id=None
            )
            assert (candidate.assignee, candidate.assignee_raw) == (owner, heard)

    def test_a_missing_user_id_is_refused(self, session: Session) -> None:
        with pytest.raises(ValidationError) as caught:
            stage_candidate(session, CandidateIn(title="Send it", assignee=999_999), actor_id=None)
        assert caught.value.field == "assignee"


class TestStageMany:
    ITEMS = ({"title": "Send the deck"}, {"title": ""}, {"title": "Book the room"})

    def test_valid_items_are_staged_and_invalid_ones_reported(self, session: Session) -> None:
        results = stage_many(session, self.ITEMS, actor_id=None, atomic=False)
        assert [r.candidate is not None for r in results] == [True, False, True]
        assert results[1].errors[0]["field"] == "title"

    def test_atomic_stages_nothing_when_one_is_invalid(self, session: Session) -> None:
        results = stage_many(session, self.ITEMS, actor_id=None, atomic=True)
        assert all(r.candidate is None for r in results)
        assert list_candidates(session).items == []

    def test_an_unknown_assignee_id_is_that_items_error(self, session: Session) -> None:
        items = [{"title": "Send the deck", "assignee": 999_999}]
        [result] = stage_many(session, items, actor_id=None, atomic=False)
        assert result.candidate is None
        assert result.errors[0]["field"] == "assignee"


class TestGetCandidate:
    def test_a_missing_candidate_is_not_found(self, session: Session) -> None:
        with pytest.raises(NotFoundError):
            get_candidate(session, 999_999)


class TestListCandidates:
    def test_oldest_first_with_a_cursor_to_continue(self, session: Session) -> None:
        ids = [
            stage_candidate(session, CandidateIn(title=f"Item {n}"), actor_id=None).id
            for n in range(3)
        ]
        first = list_candidates(session, limit=2)
        assert [c.id for c in first.items] == ids[:2]
        rest = list_candidates(session, limit=2, cursor=first.next_cursor)
        assert [c.id for c in rest.items] == ids[2:]
        assert rest.next_cursor is None

    def test_limit_out_of_range_is_refused(self, session: Session) -> None:
        with pytest.raises(ValidationError):
            list_candidates(session, limit=0)

    def test_reviewed_candidates_are_listed_only_when_asked(self, session: Session) -> None:
        reviewer = make_user(session)
        candidate = stage_candidate(session, CandidateIn(title="Not work"), actor_id=None)
        reject_candidate(session, candidate.id, actor_id=reviewer.id, reason="chatter")
        assert list_candidates(session).items == []
        [rejected] = list_candidates(session, states=[ReviewState.rejected]).items
        assert rejected.id == candidate.id


class TestApplyChanges:
    def test_only_sent_fields_change(self, session: Session) -> None:
        candidate = stage_candidate(
            session, CandidateIn(title="Send the deck", description="Q3"), actor_id=None
        )
        apply_changes(session, candidate, CandidateUpdate(title="Send the Q3 deck"))
        assert (candidate.title, candidate.description) == ("Send the Q3 deck", "Q3")

    def test_null_clears_but_not_the_title(self, session: Session) -> None:
        candidate = stage_candidate(
            session, CandidateIn(title="Send the deck", description="Q3"), actor_id=None
        )
        apply_changes(session, candidate, CandidateUpdate(description=None))
        assert candidate.description == ""
        with pytest.raises(ValidationError):
            apply_changes(session, candidate, CandidateUpdate(title=None))
