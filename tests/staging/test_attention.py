"""Candidates with their warnings: the assembly over the pure rules and the duplicate
index, and its per-process cache."""

from datetime import timedelta

from sqlalchemy.orm import Session

from tests.factories import make_task
from workitems.clock import utc_today
from workitems.staging.attention import (
    _task_index,
    get_candidate_with_warnings,
    list_candidates_with_warnings,
    reset_duplicate_indexes,
    warnings_for,
)
from workitems.staging.models import Candidate
from workitems.staging.review import reject_candidate
from workitems.staging.schemas import CandidateIn
from workitems.staging.service import stage_candidate
from workitems.user.models import User


def _stage(session: Session, **fields: object) -> Candidate:
    return stage_candidate(session, CandidateIn.model_validate(fields), actor_id=None)


class TestGetCandidateWithWarnings:
    def test_a_topic_without_owner_or_date_gets_three(self, session: Session) -> None:
        candidate = _stage(session, title="Budget")
        item = get_candidate_with_warnings(session, candidate.id)
        assert item.candidate is candidate
        assert [w.code for w in item.warnings] == ["title_too_short", "no_owner", "no_due_date"]

    def test_a_reviewed_candidate_needs_no_attention(self, session: Session, admin: User) -> None:
        candidate = _stage(session, title="Budget")
        reject_candidate(session, candidate.id, actor_id=admin.id, reason="chatter")
        assert get_candidate_with_warnings(session, candidate.id).warnings == []


class TestListCandidatesWithWarnings:
    def test_filters_on_having_warnings(self, session: Session, admin: User) -> None:
        clean = _stage(
            session,
            title="Send the Q3 deck to finance",
            assignee=admin.id,
            due=utc_today() + timedelta(days=3),
        )
        noisy = _stage(session, title="Budget")
        with_ = list_candidates_with_warnings(session, has_warnings=True).items
        without = list_candidates_with_warnings(session, has_warnings=False).items
        assert [i.candidate.id for i in with_] == [noisy.id]
        assert [i.candidate.id for i in without] == [clean.id]

    def test_a_full_page_gives_a_cursor(self, session: Session) -> None:
        first, second = _stage(session, title="Budget"), _stage(session, title="Venue")
        page = list_candidates_with_warnings(session, has_warnings=True, limit=1)
        assert [i.candidate.id for i in page.items] == [first.id]
        assert page.next_cursor is not None
        rest = list_candidates_with_warnings(session, has_warnings=True, cursor=page.next_cursor)
        assert ([i.candidate.id for i in rest.items], rest.next_cursor) == ([second.id], None)


class TestDuplicateIndexCache:
    def test_a_task_created_after_the_first_look_is_found(
        self, session: Session, admin: User
    ) -> None:
        first = _stage(session, title="Send the Q3 deck to finance")
        assert "likely_duplicate" not in [w.code for w in warnings_for(session, [first])[first.id]]
        task = make_task(session, actor=admin, title="Send the Q3 deck to finance")
        candidate = _stage(session, title="Send Q3 deck to the finance team")
        [warning] = [
            w
            for w in warnings_for(session, [candidate])[candidate.id]
            if w.code == "likely_duplicate"
        ]
        assert [m["id"] for m in warning.matches or [] if m["kind"] == "task"] == [task.id]

    def test_reset_forgets_the_index(self, session: Session) -> None:
        _task_index(session).index.add(10_000_000, "Send the Q3 deck to finance")
        reset_duplicate_indexes()
        assert 10_000_000 not in _task_index(session).index.titles


class TestGhostRows:
    def test_rolled_back_rows_do_not_hide_real_matches(self, session: Session, admin: User) -> None:
        """Rows inserted by transactions that rolled back stay in the incremental index;
        they must neither be reported nor crowd out the real task."""

        cache = _task_index(session)
        for ghost in range(10_000_000, 10_000_200):
            cache.index.add(ghost, "Send the Q3 deck to finance")
        real = make_task(session, actor=admin, title="Send the Q3 deck to finance")
        candidate = stage_candidate(
            session, CandidateIn(title="Send Q3 deck to the finance team"), actor_id=admin.id
        )
        [warning] = [
            w
            for w in warnings_for(session, [candidate])[candidate.id]
            if w.code == "likely_duplicate"
        ]
        assert [m["id"] for m in warning.matches or []] == [real.id]
