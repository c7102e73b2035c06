"""Named queries over candidates."""

from datetime import timedelta

from sqlalchemy.orm import Session

from workitems.clock import utc_today
from workitems.staging import repository
from workitems.staging.enums import CandidateSource, ReviewState
from workitems.staging.models import Candidate
from workitems.staging.schemas import CandidateIn
from workitems.staging.service import stage_candidate


def _stage(
    session: Session, title: str, source: CandidateSource = CandidateSource.manual
) -> Candidate:
    return stage_candidate(session, CandidateIn(title=title), actor_id=None, source=source)


class TestFind:
    def test_a_missing_id_is_none(self, session: Session) -> None:
        assert repository.find(session, 999_999) is None

    def test_finds_with_the_lock(self, session: Session) -> None:
        candidate = _stage(session, "Send the deck")
        assert repository.find(session, candidate.id, lock=True) is candidate


class TestLockMany:
    def test_only_existing_ids_each_once(self, session: Session) -> None:
        a, b = _stage(session, "Send the deck"), _stage(session, "Book the room")
        found = repository.lock_many(session, [b.id, 999_999, a.id, b.id])
        assert found == {a.id: a, b.id: b}


class TestListPage:
    def test_a_snooze_that_ran_out_is_staged_again(self, session: Session) -> None:
        today = utc_today()
        waiting, hidden = _stage(session, "Waiting"), _stage(session, "Hidden")
        waiting.state = hidden.state = ReviewState.snoozed
        waiting.snoozed_until, hidden.snoozed_until = today, today + timedelta(days=1)
        session.flush()
        page = repository.list_page(session, states=[ReviewState.staged], today=today, limit=10)
        assert [c.id for c in page.items] == [waiting.id]
        assert page.next_cursor is None

    def test_filters_by_source(self, session: Session) -> None:
        _stage(session, "Manual one")
        bulk = _stage(session, "Bulk one", CandidateSource.bulk)
        page = repository.list_page(
            session,
            states=[ReviewState.staged],
            today=utc_today(),
            source=CandidateSource.bulk,
            limit=10,
        )
        assert [c.id for c in page.items] == [bulk.id]


class TestStagedTitles:
    def test_only_staged_candidates(self, session: Session) -> None:
        staged, rejected = _stage(session, "Send the deck"), _stage(session, "Not work")
        rejected.state = ReviewState.rejected
        session.flush()
        assert list(repository.staged_titles(session)) == [(staged.id, "Send the deck")]
