"""The bell, the inbox, email preferences, unsubscribe, and the webhooks admin page."""

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import make_task, make_user
from tests.web.conftest import csrf_of
from workitems.notify.enums import MailTopic
from workitems.notify.models import Notification, Webhook
from workitems.notify.preferences import get_preferences
from workitems.user.models import User


def _bell(html: str) -> str:
    found = re.search(r'<a class="bell"[^>]*aria-label="([^"]+)"', html)
    assert found, "no bell on the page"
    return found.group(1)


class TestInbox:
    def test_the_bell_counts_and_opening_marks_read(
        self, browser: TestClient, session: Session, web_user: User
    ) -> None:
        other = make_user(session)
        task = make_task(session, actor=other, assignee=web_user.email)
        assert _bell(browser.get("/").text) == "Inbox, 1 unread"
        page = browser.get("/inbox")
        assert f"Sam Lee assigned you {task.key}" in page.text
        [note] = session.scalars(select(Notification))
        opened = browser.get(f"/inbox/{note.id}")
        assert opened.status_code == 303
        assert opened.headers["location"] == f"/tasks/{task.key}"
        assert note.read_at is not None
        assert _bell(browser.get("/").text) == "Inbox, no unread"

    def test_someone_elses_notification_is_not_found(
        self, browser: TestClient, session: Session
    ) -> None:
        owner, other = make_user(session), make_user(session, email="o@example.com", name="O")
        make_task(session, actor=other, assignee=owner.email)
        [note] = session.scalars(select(Notification))
        assert browser.get(f"/inbox/{note.id}").status_code == 404
        assert note.read_at is None

    def test_mark_all_read(self, browser: TestClient, session: Session, web_user: User) -> None:
        other = make_user(session)
        make_task(session, actor=other, assignee=web_user.email)
        make_task(session, actor=other, assignee=web_user.email)
        token = csrf_of(browser.get("/inbox").text)
        assert browser.post("/inbox/read", data={"csrf_token": token}).status_code == 303
        assert _bell(browser.get("/").text) == "Inbox, no unread"


class TestEmailPreferences:
    def test_save(self, browser: TestClient, session: Session, web_user: User) -> None:
        token = csrf_of(browser.get("/account/email").text)
        response = browser.post(
            "/account/email", data={"csrf_token": token, "topics": ["digest", "assigned"]}
        )
        assert response.status_code == 303
        prefs = get_preferences(session, web_user.id)
        assert [t for t in MailTopic if prefs.wants(t)] == [MailTopic.assigned, MailTopic.digest]


class TestUnsubscribe:
    def test_get_asks_and_post_unsubscribes(
        self, anonymous: TestClient, session: Session, web_user: User
    ) -> None:
        prefs = get_preferences(session, web_user.id)
        url = f"/unsubscribe/{prefs.unsubscribe_token}?topic=assigned"
        page = anonymous.get(url)
        assert page.status_code == 200
        assert prefs.wants(MailTopic.assigned)  # a GET (a link scanner) changes nothing
        done = anonymous.post(url, data={"List-Unsubscribe": "One-Click"})
        assert done.status_code == 200
        assert "no longer get" in done.text
        assert not prefs.wants(MailTopic.assigned)
        assert prefs.wants(MailTopic.nudged)

    def test_an_unknown_token_is_404(self, anonymous: TestClient) -> None:
        assert anonymous.post("/unsubscribe/nope", data={}).status_code == 404
        assert anonymous.get("/unsubscribe/nope").status_code == 404


class TestAdminWebhooks:
    def test_add_shows_the_secret_once_then_pause_and_remove(
        self, browser: TestClient, session: Session
    ) -> None:
        token = csrf_of(browser.get("/admin/webhooks").text)
        page = browser.post(
            "/admin/webhooks",
            data={
                "csrf_token": token,
                "url": "https://93.184.215.14/hook",
                "events": ["task.assigned"],
            },
        )
        assert page.status_code == 200
        secret = re.search(r'<code class="secret-value">([^<]+)</code>', page.text)
        assert secret
        assert secret.group(1).startswith("whsec_")
        [hook] = session.scalars(select(Webhook))
        assert hook.events == ["task.assigned"]
        detail = browser.get(f"/admin/webhooks/{hook.id}")
        assert secret.group(1) not in detail.text
        paused = browser.post(
            f"/admin/webhooks/{hook.id}/active", data={"csrf_token": token, "active": "false"}
        )
        assert paused.status_code == 303
        assert not hook.is_active
        removed = browser.post(f"/admin/webhooks/{hook.id}/delete", data={"csrf_token": token})
        assert removed.status_code == 303
        assert session.scalars(select(Webhook)).all() == []

    def test_a_private_url_is_refused_with_the_reason(self, browser: TestClient) -> None:
        token = csrf_of(browser.get("/admin/webhooks").text)
        page = browser.post(
            "/admin/webhooks", data={"csrf_token": token, "url": "http://10.0.0.1/x"}
        )
        assert page.status_code == 422
        assert "WORKITEMS_WEBHOOKS_ALLOW_PRIVATE" in page.text
