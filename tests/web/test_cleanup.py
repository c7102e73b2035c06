"""The Cleanup page: the stale list and the explicit sweep."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import make_task
from tests.web.conftest import csrf_of
from workitems.clock import utc_now
from workitems.task.enums import EventKind, TaskStatus
from workitems.task.models import Task
from workitems.task.service import get_task, list_history
from workitems.user.models import User


def _stale(session: Session, title: str, owner: User) -> Task:
    task = make_task(session, title=title, assignee=owner.id)
    task.updated_at = utc_now() - timedelta(days=30)
    session.flush()
    return task


class TestCleanup:
    def test_lists_only_stale_work(
        self, browser: TestClient, session: Session, web_user: User
    ) -> None:
        _stale(session, "Chase the signed NDA", web_user)
        make_task(session, title="Fresh work", assignee=web_user.id)
        page = browser.get("/cleanup").text
        assert "Chase the signed NDA" in page
        assert "idle 30 days" in page
        assert "Fresh work" not in page

    def test_a_hold_reads_held_n_days(
        self, browser: TestClient, session: Session, web_user: User
    ) -> None:
        task = _stale(session, "Wait for the landlord", web_user)
        task.status = TaskStatus.on_hold
        task.status_changed_at = utc_now() - timedelta(days=40)
        task.updated_at = task.status_changed_at
        session.flush()
        page = browser.get("/cleanup").text
        assert "held 40 days" in page
        assert "idle 40 days" not in page

    def test_nudge_records_history_and_keeps_the_task(
        self, browser: TestClient, session: Session, web_user: User
    ) -> None:
        task = _stale(session, "Chase the signed NDA", web_user)
        token = csrf_of(browser.get("/cleanup").text)
        response = browser.post(
            "/cleanup", data={"csrf_token": token, "action": "nudge", "ids": [task.key]}
        )
        assert response.status_code == 303
        assert any(e.kind == EventKind.nudged for e in list_history(session, task.id))
        assert f"Nudged 1 of 1: {task.key}" in browser.get("/cleanup").text

    def test_cancel_needs_a_note(
        self, browser: TestClient, session: Session, web_user: User
    ) -> None:
        task = _stale(session, "Chase the signed NDA", web_user)
        token = csrf_of(browser.get("/cleanup").text)
        form = {"csrf_token": token, "action": "cancel", "ids": [task.key]}
        browser.post("/cleanup", data=form)
        assert "needs a closure note" in browser.get("/cleanup").text
        browser.post("/cleanup", data={**form, "note": "Nobody needs it any more"})
        assert get_task(session, task.id).status == TaskStatus.canceled
        assert "Chase the signed NDA" not in browser.get("/cleanup").text

    def test_snooze_leaves_it_out(
        self, browser: TestClient, session: Session, web_user: User
    ) -> None:
        task = _stale(session, "Chase the signed NDA", web_user)
        token = csrf_of(browser.get("/cleanup").text)
        browser.post("/cleanup", data={"csrf_token": token, "action": "snooze", "ids": [task.key]})
        assert "Chase the signed NDA" not in browser.get("/cleanup").text
