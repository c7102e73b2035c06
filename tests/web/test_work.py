"""My work and All work."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import make_task, make_user
from tests.web.conftest import csrf_of
from workitems.clock import utc_today
from workitems.task.enums import TaskStatus
from workitems.task.service import get_task, nudge_task
from workitems.user.models import User


class TestMyWork:
    def test_groups_my_active_tasks_overdue_first(
        self, browser: TestClient, session: Session, web_user: User
    ) -> None:
        make_task(session, title="Later thing", assignee=web_user.id)
        make_task(
            session,
            title="Late thing",
            assignee=web_user.id,
            due_date=utc_today() - timedelta(days=2),
        )
        make_task(session, title="Someone else's", assignee=make_user(session).id)
        make_task(
            session,
            actor=web_user,
            title="Done thing",
            assignee=web_user.id,
            status=TaskStatus.completed,
        )
        page = browser.get("/").text
        assert page.index("Overdue") < page.index("Late thing") < page.index("Pending")
        assert page.index("Pending") < page.index("Later thing")
        assert "Someone else" not in page
        assert "Done thing" not in page

    def test_completing_needs_a_closure_note(
        self, browser: TestClient, session: Session, web_user: User
    ) -> None:
        task = make_task(session, assignee=web_user.id)
        token = csrf_of(browser.get("/").text)
        form = {"csrf_token": token, "status": "completed", "version": "1", "back": "/"}
        refused = browser.post(f"/tasks/{task.key}/status", data=form)
        assert refused.status_code == 303
        assert browser.get("/").text.count("needs a closure note") == 1
        done = browser.post(f"/tasks/{task.key}/status", data={**form, "note": "Sent it"})
        assert done.status_code == 303
        assert get_task(session, task.id).status == TaskStatus.completed
        assert task.title not in browser.get("/").text


class TestAllWork:
    def test_filters_by_owner_and_pages_with_a_cursor(
        self, browser: TestClient, session: Session, web_user: User
    ) -> None:
        for n in range(52):
            make_task(session, title=f"Task number {n}", assignee=web_user.id)
        make_task(session, title="Unowned one")
        first = browser.get("/work?owner=me&sort=key").text
        assert "Task number 0<" in first
        assert "Unowned one" not in first
        assert "Load more" in first
        more = first.split('data-load-more="rows"')[0].rsplit('href="', 1)[1].split('"')[0]
        second = browser.get(more.replace("&amp;", "&")).text
        assert "Task number 51<" in second
        assert "Load more" not in second

    def test_bulk_reassign_reports_each_refusal(
        self, browser: TestClient, session: Session, web_user: User
    ) -> None:
        open_task = make_task(session, title="Open")
        closed = make_task(session, actor=web_user, title="Closed", status=TaskStatus.canceled)
        token = csrf_of(browser.get("/work").text)
        response = browser.post(
            "/work/bulk",
            data={
                "csrf_token": token,
                "action": "assign",
                "owner": web_user.email,
                "ids": [open_task.key, closed.key],
            },
        )
        assert response.status_code == 303
        assert get_task(session, open_task.id).assignee_id == web_user.id
        page = browser.get("/work").text
        assert "Updated 1 of 2" in page
        assert closed.key in page

    def test_unknown_owner_is_shown_not_raised(self, browser: TestClient) -> None:
        page = browser.get("/work?owner=ghost@example.com")
        assert page.status_code == 200
        assert "ghost@example.com" in page.text


class TestUserLookup:
    def test_ranks_like_the_api(self, browser: TestClient, session: Session) -> None:
        make_user(session, email="priya@example.com", name="Priya Shah")
        found = browser.get("/ui/users?q=pri").json()
        assert found[0] == {"email": "priya@example.com", "name": "Priya Shah"}


class TestSearchAndViews:
    def test_free_text_combines_with_the_filter_bar(
        self, browser: TestClient, session: Session, web_user: User
    ) -> None:
        make_task(session, title="Renew the office lease", assignee=web_user.id)
        make_task(session, title="Renew the car lease")
        make_task(session, title="Order office chairs", assignee=web_user.id)
        page = browser.get("/work", params={"q": "lease", "owner": "me"}).text
        assert "Renew the office lease" in page
        assert "Renew the car lease" not in page
        assert "Order office chairs" not in page

    def test_bad_query_is_explained(self, browser: TestClient) -> None:
        page = browser.get("/work", params={"q": "stauts:pending"})
        assert page.status_code == 200
        assert "Unknown filter" in page.text

    def test_saved_view_becomes_the_default(
        self, browser: TestClient, session: Session, web_user: User
    ) -> None:
        make_task(session, title="Urgent one", priority="urgent")
        make_task(session, title="Calm one")
        page = browser.get("/work", params={"priority": "urgent"}).text
        assert 'value="priority:urgent"' in page
        saved = browser.post(
            "/work/views",
            data={
                "csrf_token": csrf_of(page),
                "name": "Fires",
                "query": "priority:urgent",
                "is_default": "true",
            },
        )
        assert saved.status_code == 303
        opened = browser.get("/work").text  # no parameters: the default view
        assert "All work: Fires" in opened
        assert "Urgent one" in opened
        assert "Calm one" not in opened
        assert "Calm one" in browser.get("/work?q=").text

    def test_task_lookup_for_the_duplicate_picker(
        self, browser: TestClient, session: Session
    ) -> None:
        task = make_task(session, title="Renew the office lease")
        assert browser.get("/ui/tasks?q=lease").json() == [
            {"key": task.key, "title": "Renew the office lease"}
        ]
        assert browser.get("/ui/tasks?q=status:").json() == []


class TestNudges:
    def test_my_work_shows_the_nudge_until_dismissed(
        self, browser: TestClient, session: Session, web_user: User
    ) -> None:
        nudger = make_user(session, email="nora@example.com", name="Nora Lead")
        task = make_task(session, assignee=web_user.id, title="Renew the lease")
        nudge_task(session, task.id, actor_id=nudger.id, note="Is the landlord back?")
        page = browser.get("/").text
        assert "Nudged by Nora Lead on " in page
        assert ": Is the landlord back?" in page
        done = browser.post(f"/tasks/{task.key}/nudges/dismiss", data={"csrf_token": csrf_of(page)})
        assert done.status_code == 303
        assert "Nudged by" not in browser.get("/").text
