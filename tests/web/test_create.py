"""The New task form and quick add, through the real app."""

from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy.orm import Session

from tests.factories import make_user
from tests.web.conftest import csrf_of
from workitems.task.repository import TaskFilters
from workitems.task.service import list_tasks
from workitems.user.models import User


def _post(browser: TestClient, **fields: str) -> Response:
    token = csrf_of(browser.get("/").text)
    return browser.post("/tasks/new", data={"csrf_token": token, **fields})


class TestCreateTask:
    def test_quick_add_line_fills_every_field(self, browser: TestClient, session: Session) -> None:
        priya = make_user(session, email="priya@example.com", name="Priya Shah")
        response = _post(
            browser, line="Send the Q3 deck to finance @priya due:2026-12-04 !high #finance"
        )
        assert response.status_code == 303
        [task] = list_tasks(session, TaskFilters(assignee_ids=[priya.id])).items
        assert task.title == "Send the Q3 deck to finance"
        assert task.due_date is not None
        assert task.due_date.isoformat() == "2026-12-04"
        assert task.priority == "high"
        assert task.labels == ["finance"]
        assert task.status == "pending"

    def test_fields_win_over_the_line_and_my_work_defaults_to_me(
        self, browser: TestClient, session: Session, web_user: User
    ) -> None:
        _post(
            browser,
            line="Book the venue !low",
            priority="urgent",
            labels="offsite",
            description="Forty people",
            default_owner="me",
        )
        [task] = list_tasks(session, TaskFilters(assignee_ids=[web_user.id])).items
        assert (task.title, task.priority, task.labels) == ("Book the venue", "urgent", ["offsite"])
        assert task.description == "Forty people"

    def test_a_refusal_keeps_what_was_typed(self, browser: TestClient) -> None:
        response = _post(browser, line="Call the bank @nobody", back="/work")
        location = response.headers["location"]
        assert location.startswith("/work?new_line=Call+the+bank+%40nobody")
        page = browser.get(location)
        assert "Nobody is called" in page.text
        assert 'value="Call the bank @nobody"' in page.text


class TestPreview:
    def test_shows_what_the_line_means(self, browser: TestClient, session: Session) -> None:
        make_user(session, email="priya@example.com", name="Priya Shah")
        found = browser.get(
            "/ui/quick-add", params={"line": "Send the deck @pri due:3d !high #finance"}
        ).json()
        assert found["title"] == "Send the deck"
        assert found["owner"]["name"] == "Priya Shah"
        assert found["priority"] == "high"
        assert found["labels"] == ["finance"]
        assert found["due"]

    def test_reports_what_it_cannot_read(self, browser: TestClient) -> None:
        found = browser.get("/ui/quick-add", params={"line": "Ship it due:someday"}).json()
        assert "Cannot read the due date" in found["error"]
