"""Task detail: edits with the version check, comments, history, provenance."""

import html

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import make_task, make_user
from tests.web.conftest import csrf_of
from workitems.task.schemas import TaskUpdate
from workitems.task.service import get_task, update_task
from workitems.user.models import User


def _edit_form(token: str, version: int, seen_event: int, **fields: str) -> dict[str, str]:
    return {
        "csrf_token": token,
        "version": str(version),
        "seen_event": str(seen_event),
        "title": "Send the Q3 deck to finance",
        "priority": "none",
        **fields,
    }


class TestEdit:
    def test_saves_and_records_history(
        self, browser: TestClient, session: Session, web_user: User
    ) -> None:
        task = make_task(session)
        page = browser.get(f"/tasks/{task.key}")
        assert page.status_code == 200
        response = browser.post(
            f"/tasks/{task.key}/edit",
            data=_edit_form(
                csrf_of(page.text), 1, 0, priority="high", labels="q3, finance", reason="Board"
            ),
        )
        assert response.status_code == 303
        saved = get_task(session, task.id)
        assert saved.priority == "high"
        assert sorted(saved.labels) == ["finance", "q3"]
        detail = browser.get(f"/tasks/{task.key}").text
        assert "“Board”" in detail

    def test_stale_edit_shows_the_other_change_and_keeps_mine(
        self, browser: TestClient, session: Session, web_user: User
    ) -> None:
        task = make_task(session)
        page = browser.get(f"/tasks/{task.key}").text
        other = make_user(session, email="olu@example.com", name="Olu Bello")
        update_task(
            session,
            task.id,
            TaskUpdate(title="Send the Q4 deck"),
            actor_id=other.id,
            expected_version=1,
        )
        seen = int(page.split('name="seen_event" value="')[1].split('"')[0])
        response = browser.post(
            f"/tasks/{task.key}/edit",
            data=_edit_form(csrf_of(page), 1, seen, title="My better title"),
        )
        assert response.status_code == 409
        assert "Someone else changed this task" in response.text
        assert "Olu Bello" in response.text
        assert "Send the Q4 deck" in response.text
        assert 'value="My better title"' in response.text
        assert 'name="version" value="2"' in response.text  # ready to save on top
        assert get_task(session, task.id).title == "Send the Q4 deck"

    def test_only_the_changed_fields_are_written(
        self, browser: TestClient, session: Session, web_user: User
    ) -> None:
        task = make_task(session, description="line one\nline two")
        page = browser.get(f"/tasks/{task.key}").text
        was = html.unescape(page.split('name="was" value="')[1].split('"')[0])
        other = make_user(session, email="olu@example.com", name="Olu Bello")
        update_task(
            session, task.id, TaskUpdate(title="Their title"), actor_id=other.id, expected_version=1
        )
        form = _edit_form(
            csrf_of(page),
            2,
            0,
            was=was,
            description="line one\r\nline two",  # as a browser sends a textarea
            priority="urgent",
        )
        response = browser.post(f"/tasks/{task.key}/edit", data=form)
        assert response.status_code == 303
        saved = get_task(session, task.id)
        assert saved.title == "Their title"  # not written back from the stale page
        assert saved.priority == "urgent"
        assert saved.description == "line one\nline two"

    def test_bad_date_is_explained(self, browser: TestClient, session: Session) -> None:
        task = make_task(session)
        page = browser.get(f"/tasks/{task.key}").text
        response = browser.post(
            f"/tasks/{task.key}/edit", data=_edit_form(csrf_of(page), 1, 0, due_date="soon")
        )
        assert response.status_code == 422
        assert "Due date" in response.text

    def test_unknown_task_is_a_404_page(self, browser: TestClient) -> None:
        response = browser.get("/tasks/WI-99999")
        assert response.status_code == 404
        assert "does not exist" in response.text
        assert "Sign out" in response.text  # the page keeps its navigation


class TestComments:
    def test_comment_appears(self, browser: TestClient, session: Session) -> None:
        task = make_task(session)
        token = csrf_of(browser.get(f"/tasks/{task.key}").text)
        browser.post(f"/tasks/{task.key}/comments", data={"csrf_token": token, "body": "On it"})
        assert "On it" in browser.get(f"/tasks/{task.key}").text
