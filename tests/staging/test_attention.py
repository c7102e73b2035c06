"""Candidates with their warnings: the assembly over the pure rules and the duplicate
index, and its per-process cache."""

from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tests.factories import make_task, make_user
from workitems.clock import utc_now, utc_today
from workitems.db import session_scope, writer
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
from workitems.task.enums import TaskStatus
from workitems.task.models import Task
from workitems.task.schemas import TaskUpdate
from workitems.task.service import transition_task, update_task
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


#: How far behind the writer's clock is (or how long before its commit it stamped a row).
SKEWED = timedelta(days=1)
LATE = timedelta(minutes=5)


def _task_matches(session: Session, title: str) -> list[int]:
    """The tasks a new candidate titled ``title`` is warned to duplicate."""
    candidate = stage_candidate(session, CandidateIn(title=title), actor_id=None)
    return [
        match["id"]
        for warning in warnings_for(session, [candidate])[candidate.id]
        if warning.code == "likely_duplicate"
        for match in warning.matches or []
        if match["kind"] == "task"
    ]


def _rename(session: Session, task: Task, title: str, actor: User) -> None:
    update_task(session, task.id, TaskUpdate(title=title), actor_id=actor.id, expected_version=None)


@pytest.mark.concurrency
class TestIndexRefresh:
    """The index catches up by marks the database assigns, never by a writer's clock, and
    never skips a transaction that commits after a refresh has looked."""

    def test_a_task_stamped_by_a_clock_far_behind_is_found(
        self, committed_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        with session_scope(engine) as session:
            admin = make_user(session, email="ada@example.com", name="Ada")
            make_task(session, actor=admin, title="Book the venue for the offsite")
        with session_scope(engine, write=False) as session:
            _task_index(session)  # the index has seen a task stamped now
        with monkeypatch.context() as clock:
            clock.setattr("workitems.task.service.utc_now", lambda: utc_now() - SKEWED)
            with session_scope(engine) as session:
                late = make_task(session, actor=admin, title="Send the Q3 deck to finance")
        with session_scope(engine) as session:
            assert _task_matches(session, "Send Q3 deck to the finance team") == [late.id]

    def test_a_transaction_that_commits_after_a_refresh_is_found(
        self, committed_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """On PostgreSQL the slow transaction writes first (the lower transaction id), a
        second one writes and commits after it, and a refresh runs before the slow one
        commits. On SQLite, where writers take turns, the refresh runs while it is open."""
        with session_scope(engine) as session:
            admin = make_user(session, email="ada@example.com", name="Ada")
            make_task(session, actor=admin, title="Book the venue for the offsite")
        slow = Session(writer(engine), expire_on_commit=False)
        try:
            with monkeypatch.context() as clock:
                # Its rows are stamped when it starts, five minutes before it commits.
                clock.setattr("workitems.task.service.utc_now", lambda: utc_now() - LATE)
                late = make_task(slow, actor=admin, title="Send the Q3 deck to finance")
            if engine.dialect.name == "postgresql":
                with session_scope(engine) as session:
                    make_task(session, actor=admin, title="Renew the domain names")
            with session_scope(engine, write=False) as session:
                assert late.id not in _task_index(session).index.titles  # not committed yet
            slow.commit()
        finally:
            slow.close()
        with session_scope(engine) as session:
            assert _task_matches(session, "Send Q3 deck to the finance team") == [late.id]

    def test_rows_read_again_at_the_boundary_count_once(
        self, session: Session, admin: User, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Its own uncommitted rows are read again by every refresh of a transaction; the
        latest title wins and each task is matched once."""
        task = make_task(session, actor=admin, title="Book the venue for the offsite")
        for _ in range(3):
            _task_index(session)
        with monkeypatch.context() as clock:
            clock.setattr("workitems.task.service.utc_now", lambda: utc_now() - SKEWED)
            _rename(session, task, "Send the Q3 deck to finance", admin)
        for _ in range(3):
            _task_index(session)
        assert _task_matches(session, "Send Q3 deck to the finance team") == [task.id]
        assert _task_matches(session, "Book the venue for the offsite") == []

    def test_a_rolled_back_refresh_hides_nothing_committed_later(
        self, committed_url: str, engine: Engine
    ) -> None:
        """A refresh may read its own transaction's rows; if that transaction rolls back,
        the marks it saw are handed out again (SQLite) and its renames and closures are
        undone. Here that refresh is the index's first, full read."""
        with session_scope(engine) as session:
            admin = make_user(session, email="ada@example.com", name="Ada")
            venue = make_task(session, actor=admin, title="Book the venue for the offsite")
            domains = make_task(session, actor=admin, title="Renew the domain names")

        def fail_after_the_warnings() -> None:
            with session_scope(engine) as session:
                transition_task(
                    session, domains.id, to=TaskStatus.canceled, note="no", actor_id=admin.id
                )
                make_task(session, actor=admin, title="Order the team lunch on Friday")
                _rename(session, venue, "Print the posters for the fair", admin)
                assert _task_matches(session, "Print the posters for the fair") == [venue.id]
                raise RuntimeError("the request fails after its warnings were computed")

        with pytest.raises(RuntimeError):
            fail_after_the_warnings()
        with session_scope(engine) as session:
            deck = make_task(session, actor=admin, title="Send the Q3 deck to finance")
        with session_scope(engine) as session:
            assert _task_matches(session, "Send Q3 deck to the finance team") == [deck.id]
            assert _task_matches(session, "Book the venue for the offsite") == [venue.id]
            assert _task_matches(session, "Renew the domain names") == [domains.id]
            assert _task_matches(session, "Print the posters for the fair") == []
            assert _task_matches(session, "Order the team lunch on Friday") == []

    def test_a_closed_task_leaves_the_index(self, committed_url: str, engine: Engine) -> None:
        with session_scope(engine) as session:
            admin = make_user(session, email="ada@example.com", name="Ada")
            deck = make_task(session, actor=admin, title="Send the Q3 deck to finance")
        with session_scope(engine, write=False) as session:
            assert deck.id in _task_index(session).index.titles
        with session_scope(engine) as session:
            transition_task(
                session, deck.id, to=TaskStatus.canceled, note="not needed", actor_id=admin.id
            )
        with session_scope(engine, write=False) as session:
            assert deck.id not in _task_index(session).index.titles
