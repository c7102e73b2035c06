"""Search on both databases: each filter, text matching, scope, paging and the cost guard."""

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from tests.factories import make_task, make_user
from workitems.clock import utc_now
from workitems.errors import QueryTooExpensiveError
from workitems.search.query import QuerySyntaxError
from workitems.search.service import SearchSort, find_tasks, search_tasks
from workitems.task import service as tasks
from workitems.task.enums import TaskSource, TaskStatus
from workitems.task.models import Task
from workitems.task.repository import Sort, TaskFilters
from workitems.task.schemas import TaskUpdate
from workitems.user.models import User

TODAY = utc_now().date()


@pytest.fixture
def ana(session: Session) -> User:
    return make_user(session, email="ana@example.com", name="Ana Ruiz", aliases=["Annie"])


@pytest.fixture
def ben(session: Session) -> User:
    return make_user(session, email="ben@example.com", name="Ben Okafor")


@pytest.fixture
def world(session: Session, ana: User, ben: User) -> None:
    """Seven tasks whose every attribute is chosen so each filter selects a known set."""
    make_task(
        session,
        actor=ana,
        title="Deploy the billing service",
        description="Roll out version 2 to the invoicing cluster.",
        priority="urgent",
        assignee=ana.id,
        labels=["billing", "ops"],
        due_date=TODAY - timedelta(days=2),
    )
    make_task(
        session,
        actor=ana,
        title="Write the billing report",
        description="Quarterly numbers for finance.",
        priority="high",
        assignee=ben.id,
        labels=["billing"],
        due_date=TODAY + timedelta(days=5),
    )
    login = make_task(
        session, actor=ana, title="Fix login redirect", priority="medium", labels=["web"]
    )
    tasks.add_comment(
        session, login.id, body="Customers see a blank invoice page", author_id=ben.id
    )
    make_task(
        session,
        actor=ana,
        title="Call the vendor about contracts",
        priority="low",
        due_date=TODAY + timedelta(days=30),
    )
    make_task(
        session,
        actor=ana,
        title="Archive the old billing exports",
        status=TaskStatus.completed,
        note="Moved to cold storage",
        assignee=ana.id,
    )
    make_task(
        session,
        actor=ana,
        title="Migrate the wiki",
        status=TaskStatus.canceled,
        note="Superseded by the handbook project",
    )
    held = make_task(
        session,
        actor=ana,
        title="Renew the TLS certificates",
        assignee=ben.id,
        status=TaskStatus.on_hold,
        note="waiting on security",
    )
    held.source = TaskSource.transcript
    held.updated_at = utc_now() - timedelta(days=45)
    session.flush()


def titles(session: Session, q: str, viewer: User, **kwargs: object) -> set[str]:
    page = search_tasks(session, q, viewer_id=viewer.id, **kwargs)  # type: ignore[arg-type]
    return {task.title for task in page.items}


DEPLOY = "Deploy the billing service"
REPORT = "Write the billing report"
LOGIN = "Fix login redirect"
VENDOR = "Call the vendor about contracts"
ARCHIVE = "Archive the old billing exports"
WIKI = "Migrate the wiki"
TLS = "Renew the TLS certificates"
ACTIVE = {DEPLOY, REPORT, LOGIN, VENDOR, TLS}


@pytest.mark.usefixtures("world")
class TestFilters:
    @pytest.mark.parametrize(
        ("q", "expected"),
        [
            ("", ACTIVE),
            ("billing", {DEPLOY, REPORT}),
            ("bill*", {DEPLOY, REPORT}),
            ("deploying", {DEPLOY}),  # stemmed
            ("invoice", {LOGIN, DEPLOY}),  # a comment, and "invoicing" in a description
            ('"billing report"', {REPORT}),
            ('"report billing"', set()),
            ("billing -report", {DEPLOY}),
            ("-billing", {LOGIN, VENDOR, TLS}),
            ("storage", set()),  # a closure note, but the task is closed
            ("storage is:closed", {ARCHIVE}),
            ("handbook status:canceled", {WIKI}),
            ("status:pending", {DEPLOY, REPORT}),
            ("status:unaddressed,on_hold", {LOGIN, VENDOR, TLS}),
            ("-status:on_hold", ACTIVE - {TLS} | {ARCHIVE, WIKI}),
            ("status:closed", {ARCHIVE, WIKI}),
            ("is:all billing", {DEPLOY, REPORT, ARCHIVE}),
            ("priority:urgent", {DEPLOY}),
            ("priority:>=high", {DEPLOY, REPORT}),
            ("priority:<medium", {VENDOR, TLS}),
            ("-priority:low,none", {DEPLOY, REPORT, LOGIN}),
            ("assignee:me", {DEPLOY}),
            ("assignee:ben@example.com", {REPORT, TLS}),
            ("assignee:annie", {DEPLOY}),
            ("assignee:none", {LOGIN, VENDOR}),
            ("-assignee:me", {REPORT, LOGIN, VENDOR, TLS}),
            ("-assignee:none", {DEPLOY, REPORT, TLS}),
            ("assignee:me,none", {DEPLOY, LOGIN, VENDOR}),
            ("label:billing", {DEPLOY, REPORT}),
            ("label:ops,web", {DEPLOY, LOGIN}),
            ("label:billing label:ops", {DEPLOY}),
            ("-label:billing", {LOGIN, VENDOR, TLS}),
            (f"due:<{TODAY.isoformat()}", {DEPLOY}),
            ("due:<7d", {DEPLOY, REPORT}),
            (f"due:>={(TODAY + timedelta(days=5)).isoformat()}", {REPORT, VENDOR}),
            ("due:none", {LOGIN, TLS}),
            ("-due:<7d", {LOGIN, VENDOR, TLS}),
            ("overdue:true", {DEPLOY}),
            ("overdue:false", ACTIVE - {DEPLOY}),
            ("is:overdue", {DEPLOY}),
            ("is:unassigned", {LOGIN, VENDOR}),
            ("updated:<30d", ACTIVE - {TLS}),
            ("updated:>30d", {TLS}),
            (f"updated:>={TODAY.isoformat()}", ACTIVE - {TLS}),
            ("created:today", ACTIVE),
            ("source:transcript", {TLS}),
            ("-source:transcript", ACTIVE - {TLS}),
            ("billing priority:>=high assignee:me label:ops overdue:true", {DEPLOY}),
        ],
    )
    def test_query_selects_exactly(
        self, session: Session, ana: User, q: str, expected: set[str]
    ) -> None:
        assert titles(session, q, ana) == expected

    def test_unknown_email_names_the_term(self, session: Session, ana: User) -> None:
        with pytest.raises(QuerySyntaxError) as caught:
            titles(session, "billing assignee:nobody@example.com", ana)
        assert caught.value.extensions["position"] == 8

    def test_relevance_puts_title_matches_first(self, session: Session, ana: User) -> None:
        in_title = make_task(session, actor=ana, title="Ledger template cleanup")
        in_body = make_task(
            session, actor=ana, title="Quarterly close", description="One ledger is missing."
        )
        default = search_tasks(session, "ledger", viewer_id=ana.id)
        assert [t.id for t in default.items] == [in_body.id, in_title.id]
        ranked = search_tasks(session, "ledger", viewer_id=ana.id, sort=SearchSort.relevance)
        assert ranked.sort is SearchSort.relevance
        assert [t.id for t in ranked.items] == [in_title.id, in_body.id]

    def test_relevance_without_words_falls_back_to_updated(
        self, session: Session, ana: User
    ) -> None:
        page = search_tasks(session, "label:billing", viewer_id=ana.id, sort=SearchSort.relevance)
        assert page.sort is SearchSort.updated
        assert {t.title for t in page.items} == {DEPLOY, REPORT}


class TestIndexFollowsWrites:
    def test_edits_comments_and_closure_notes_are_searchable_at_once(
        self, session: Session, ana: User
    ) -> None:
        task = make_task(session, actor=ana, title="Prepare the offsite agenda")
        assert titles(session, "offsite", ana) == {task.title}

        tasks.update_task(
            session,
            task.id,
            TaskUpdate(title="Prepare the retreat agenda"),
            actor_id=ana.id,
            expected_version=task.version,
        )
        assert titles(session, "offsite", ana) == set()
        assert titles(session, "retreat", ana) == {"Prepare the retreat agenda"}

        tasks.add_comment(session, task.id, body="Book the lighthouse venue", author_id=ana.id)
        assert titles(session, "lighthouse", ana) == {"Prepare the retreat agenda"}

        tasks.transition_task(
            session,
            task.id,
            to=TaskStatus.completed,
            note="Agenda sent to everyone",
            actor_id=ana.id,
        )
        assert titles(session, "agenda sent is:closed", ana) == {"Prepare the retreat agenda"}

    def test_any_change_moves_a_task_to_the_top(self, session: Session, ana: User) -> None:
        first = make_task(session, actor=ana, title="Sharpen the pencils")
        make_task(session, actor=ana, title="Sharpen the knives")
        tasks.assign_task(session, first.id, assignee=ana.id, actor_id=ana.id)
        page = search_tasks(session, "sharpen", viewer_id=ana.id)
        assert [t.title for t in page.items] == ["Sharpen the pencils", "Sharpen the knives"]


class TestPaging:
    def test_pages_are_stable_while_tasks_change(self, session: Session, ana: User) -> None:
        made = [make_task(session, actor=ana, title=f"Rotate key number {i}") for i in range(12)]
        seen: list[int] = []
        page = search_tasks(session, "rotate", viewer_id=ana.id, limit=5)
        seen += [t.id for t in page.items]
        # An already-seen task is edited, and a new one arrives, between two pages.
        tasks.update_task(
            session,
            page.items[0].id,
            TaskUpdate(priority="high"),
            actor_id=ana.id,
            expected_version=page.items[0].version,
        )
        make_task(session, actor=ana, title="Rotate key number 99")
        while page.next_cursor:
            page = search_tasks(
                session, "rotate", viewer_id=ana.id, limit=5, cursor=page.next_cursor
            )
            seen += [t.id for t in page.items]
        assert len(seen) == len(set(seen))
        assert set(seen) >= {t.id for t in made}
        assert page.count == 13

    def test_relevance_pages_cover_every_match_once(self, session: Session, ana: User) -> None:
        for i in range(7):
            make_task(session, actor=ana, title=f"Audit {'audit ' * i}log {i}")
        seen: list[str] = []
        cursor = None
        while True:
            page = search_tasks(
                session,
                "audit",
                viewer_id=ana.id,
                sort=SearchSort.relevance,
                limit=3,
                cursor=cursor,
            )
            seen += [t.title for t in page.items]
            cursor = page.next_cursor
            if cursor is None:
                break
        assert len(seen) == 7 == len(set(seen))
        assert seen[0] == f"Audit {'audit ' * 6}log 6"

    def test_counts_are_capped(
        self, session: Session, ana: User, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr("workitems.search.service.COUNT_CAP", 3)
        for i in range(5):
            make_task(session, actor=ana, title=f"Label printer {i}")
        page = search_tasks(session, "printer", viewer_id=ana.id, limit=2)
        assert (page.count, page.count_capped) == (3, True)


class TestCostGuard:
    def test_an_expensive_query_is_stopped(self, session: Session, ana: User) -> None:
        # A negation-only query with a prefix term, ranked: every row is read and scored.
        words = " ".join(f"term{j}" for j in range(150))
        session.add_all(
            Task(title=f"Quarterly review item {i}", description=words) for i in range(1500)
        )
        session.flush()
        with pytest.raises(QueryTooExpensiveError) as caught:
            search_tasks(
                session,
                "-nothing -zilch review* term1*",
                viewer_id=ana.id,
                sort=SearchSort.relevance,
                timeout_ms=1,
            )
        assert "1 ms budget" in caught.value.detail
        assert caught.value.extensions == {"timeout_ms": 1}
        # The session is still usable afterwards, with no budget left behind.
        assert titles(session, "quarterly item 7", ana) == {"Quarterly review item 7"}


class TestPostgresCount:
    def test_falls_back_to_the_match_set_when_the_walk_runs_out(
        self, session: Session, ana: User, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        if session.get_bind().dialect.name != "postgresql":
            pytest.skip("PostgreSQL's own count strategy")
        from sqlalchemy import event

        monkeypatch.setattr("workitems.search.postgres.WALK_COUNT_MS", 1)
        words = " ".join(f"term{j}" for j in range(150))
        session.add_all(
            Task(title=f"Quarterly review item {i}", description=words) for i in range(1500)
        )
        session.flush()
        counts: list[str] = []

        def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
            if statement.startswith("SELECT count(*)"):
                counts.append(statement)

        connection = session.connection()
        event.listen(connection, "before_cursor_execute", record)
        try:
            page = search_tasks(session, "review term7", viewer_id=ana.id, limit=5)
        finally:
            event.remove(connection, "before_cursor_execute", record)
        assert (page.count, page.count_capped) == (1000, True)
        assert len(page.items) == 5
        assert ["ORDER BY" in statement for statement in counts] == [True, False]


@pytest.mark.usefixtures("world")
class TestFindTasks:
    def _find(self, session: Session, q: str | None, viewer: User) -> set[str]:
        page = find_tasks(
            session, q, TaskFilters(), viewer_id=viewer.id, sort=Sort(), cursor=None, limit=50
        )
        return {task.title for task in page.items}

    @pytest.mark.parametrize("q", [None, "", "   "])
    def test_no_query_is_the_plain_list(self, session: Session, ana: User, q: str | None) -> None:
        assert self._find(session, q, ana) == ACTIVE

    def test_a_query_narrows_the_list(self, session: Session, ana: User) -> None:
        assert self._find(session, "billing", ana) == {DEPLOY, REPORT}

    def test_a_query_may_widen_the_status_scope(self, session: Session, ana: User) -> None:
        assert self._find(session, "billing is:closed", ana) == {ARCHIVE}
