"""Named queries over candidates."""

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from tests.factories import make_task, make_user
from workitems.clock import utc_today
from workitems.errors import NotFoundError
from workitems.staging import repository
from workitems.staging.attention import (
    get_candidate_with_warnings,
    get_row_with_warnings,
    list_candidates_with_warnings,
    list_rows_with_warnings,
)
from workitems.staging.enums import CandidateSource, ReviewState
from workitems.staging.models import Candidate
from workitems.staging.review import mark_duplicate, reject_candidate
from workitems.staging.schemas import CandidateIn, CandidateOut
from workitems.staging.service import stage_candidate
from workitems.user.models import User


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


def _varied(session: Session, admin: User) -> list[Candidate]:
    """Candidates covering every column a row reads: owners resolved (active and not) and
    unresolved, a reviewer, evidence, labels, dates, a task link, and none of them."""
    ana = make_user(session, email="ana@example.com", name="Ana Costa")
    gone = make_user(session, email="gone@example.com", name="Gone Person")
    gone.is_active = False
    task = make_task(session, actor=admin, title="Existing work")
    full = stage_candidate(
        session,
        CandidateIn.model_validate(
            {
                "title": "Send the signed contract to the printer",
                "description": "Before the launch",
                "assignee": ana.email,
                "assignee_heard": "Ana",
                "due": (utc_today() + timedelta(days=3)).isoformat(),
                "due_phrase": "by Friday",
                "priority": "high",
                "labels": ["zeta", "alpha"],
                "evidence": [{"utterance_index": 3, "speaker": "Bo", "start": 1.5, "quote": "x"}],
                "confidence": 0.75,
                "commitment": "firm",
                "extractor": "rules",
                "extractor_version": "2.0",
            }
        ),
        actor_id=admin.id,
    )
    inactive = stage_candidate(
        session, CandidateIn(title="Call the inactive owner", assignee=gone.id), actor_id=None
    )
    unresolved = stage_candidate(
        session, CandidateIn(title="Budget", assignee="the designers"), actor_id=None
    )
    rejected = stage_candidate(session, CandidateIn(title="Chatter"), actor_id=None)
    reject_candidate(session, rejected.id, actor_id=admin.id, reason="not work")
    merged = stage_candidate(session, CandidateIn(title="Existing work"), actor_id=None)
    mark_duplicate(session, merged.id, task_ref=task.id, actor_id=admin.id, reason=None)
    return [full, inactive, unresolved, rejected, merged]


class TestRows:
    """Plain rows answer exactly what the ORM objects answered: same JSON, same pages."""

    def test_answer_as_the_orm_does(self, session: Session, admin: User) -> None:
        candidates = _varied(session, admin)
        session.flush()
        ids = [c.id for c in candidates]
        session.expire_all()
        for candidate_id in ids:
            orm = get_candidate_with_warnings(session, candidate_id)
            row = get_row_with_warnings(session, candidate_id)
            assert not isinstance(row.candidate, Candidate)
            expected = CandidateOut.of(orm.candidate, orm.warnings).model_dump_json()
            assert CandidateOut.of(row.candidate, row.warnings).model_dump_json() == expected
        assert get_row_with_warnings(session, ids[1]).warnings  # the inactive owner is seen

    def test_a_missing_row_is_not_found(self, session: Session) -> None:
        assert repository.find_row(session, 999_999) is None
        with pytest.raises(NotFoundError):
            get_row_with_warnings(session, 999_999)

    def test_pages_like_list_page(self, session: Session, admin: User) -> None:
        _varied(session, admin)
        states = list(ReviewState)
        for has_warnings in (None, True, False):
            cursors: tuple[str | None, str | None] = (None, None)
            pages = 0
            while True:
                orm = list_candidates_with_warnings(
                    session, states=states, cursor=cursors[0], limit=2, has_warnings=has_warnings
                )
                rows = list_rows_with_warnings(
                    session, states=states, cursor=cursors[1], limit=2, has_warnings=has_warnings
                )
                assert [CandidateOut.of(i.candidate, i.warnings) for i in rows.items] == [
                    CandidateOut.of(i.candidate, i.warnings) for i in orm.items
                ]
                assert rows.next_cursor == orm.next_cursor
                pages += 1
                if rows.next_cursor is None:
                    break
                cursors = (orm.next_cursor, rows.next_cursor)
            assert pages >= 2 or has_warnings is not None
