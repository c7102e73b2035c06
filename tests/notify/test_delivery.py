"""Delivery end to end: committed events, a real worker, real receivers and SMTP server."""

import itertools
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from standardwebhooks import Webhook as Verifier

from tests.factories import auth, make_task, make_token, make_user
from tests.notify.conftest import Receiver, SmtpServer, fast_config
from workitems.app import create_app
from workitems.auth.scopes import Scope
from workitems.config import Settings
from workitems.db import session_scope
from workitems.notify import webhooks
from workitems.notify.delivery import DeliveryConfig
from workitems.notify.enums import DeliveryStatus, EventType
from workitems.notify.mail import SmtpConfig
from workitems.notify.models import Delivery, DeliveryAttempt, Event, Webhook
from workitems.notify.preferences import get_preferences, update_preferences
from workitems.notify.worker import DeliveryWorker
from workitems.task import service
from workitems.user.models import User, UserRole

pytestmark = pytest.mark.concurrency


@pytest.fixture
def people(committed_url: str, engine: Engine) -> tuple[User, User]:
    with session_scope(engine) as session:
        admin = make_user(session, email="ada@example.com", name="Ada Admin", role=UserRole.admin)
        owner = make_user(session, email="sam@example.com", name="Sam Lee")
    return admin, owner


def _hook(engine: Engine, url: str, events: list[EventType] | None = None) -> Webhook:
    with session_scope(engine) as session:
        return webhooks.create_webhook(
            session, url=url, events=events, actor_id=None, allow_private=True
        )


def _drain(engine: Engine, config: DeliveryConfig, **kwargs: Any) -> None:
    worker = DeliveryWorker(engine, config, concurrency=4)
    try:
        worker.drain(timeout=10, **kwargs)
    finally:
        worker.stop()


def _attempts(engine: Engine) -> list[DeliveryAttempt]:
    with session_scope(engine, write=False) as session:
        return list(session.scalars(select(DeliveryAttempt).order_by(DeliveryAttempt.id)))


class TestWebhooks:
    def test_an_assignment_arrives_signed(
        self, engine: Engine, people: tuple[User, User], receivers: Any
    ) -> None:
        admin, owner = people
        receiver: Receiver = receivers()
        hook = _hook(engine, receiver.url)
        with session_scope(engine) as session:
            task = make_task(session, actor=admin)
            service.assign_task(session, task.id, assignee=owner.email, actor_id=admin.id)
        _drain(engine, fast_config())
        by_type = {r.json["type"]: r for r in receiver.received}
        assert sorted(by_type) == ["task.assigned", "task.created"]
        got = by_type["task.assigned"]
        payload = Verifier(hook.secret).verify(got.body, got.headers)
        assert payload["data"]["assignee"]["email"] == "sam@example.com"
        assert payload["data"]["actor"]["email"] == "ada@example.com"
        with session_scope(engine, write=False) as session:
            ids = set(session.scalars(select(Event.id)))
        assert set(receiver.ids()) == ids

    def test_an_endpoint_gets_only_its_event_types(
        self, engine: Engine, people: tuple[User, User], receivers: Any
    ) -> None:
        admin, owner = people
        receiver = receivers()
        _hook(engine, receiver.url, [EventType.task_assigned])
        with session_scope(engine) as session:
            make_task(session, actor=admin, assignee=owner.email)
            task = make_task(session, actor=admin)
            service.assign_task(session, task.id, assignee=owner.email, actor_id=admin.id)
        _drain(engine, fast_config())
        assert [r.json["type"] for r in receiver.received] == ["task.assigned"]

    def test_failures_are_retried_with_backoff_and_logged(
        self, engine: Engine, people: tuple[User, User], receivers: Any
    ) -> None:
        admin, _ = people
        receiver = receivers(fail_times=3)
        _hook(engine, receiver.url)
        with session_scope(engine) as session:
            make_task(session, actor=admin)
        _drain(engine, fast_config(backoff_base=0.05, backoff_max=1.0), retries=True)
        assert len(set(receiver.ids())) == 1
        attempts = _attempts(engine)
        assert [(a.attempt, a.ok, a.status_code) for a in attempts] == [
            (1, False, 500),
            (2, False, 500),
            (3, False, 500),
            (4, True, 200),
        ]
        assert all(a.error and a.error.startswith("HTTP 500") for a in attempts[:3])
        waits = [(b.at - a.at).total_seconds() for a, b in itertools.pairwise(attempts)]
        # Equal jitter: each wait is at least half its doubled base (0.025, 0.05, 0.1 s).
        assert all(wait >= 0.025 * 2**i for i, wait in enumerate(waits))
        planned = [a.next_attempt_at for a in attempts[:3]]
        assert all(p is not None and p > a.at for p, a in zip(planned, attempts, strict=False))

    def test_a_hanging_receiver_times_out_and_is_retried_later(
        self, engine: Engine, people: tuple[User, User], receivers: Any
    ) -> None:
        admin, _ = people
        receiver = receivers(hang=True)
        _hook(engine, receiver.url)
        with session_scope(engine) as session:
            make_task(session, actor=admin)
        started = time.monotonic()
        _drain(engine, fast_config(timeout=0.3, backoff_base=60, backoff_max=60))
        assert time.monotonic() - started < 5
        [attempt] = _attempts(engine)
        assert attempt.error == "no answer within 0.3 s"
        assert attempt.status_code is None
        with session_scope(engine, write=False) as session:
            [row] = session.scalars(select(Delivery))
            assert row.status is DeliveryStatus.pending
            assert row.next_attempt_at == attempt.next_attempt_at

    def test_retries_stop_when_the_window_closes(
        self, engine: Engine, people: tuple[User, User], receivers: Any
    ) -> None:
        admin, _ = people
        receiver = receivers(fail_times=1000)
        _hook(engine, receiver.url)
        with session_scope(engine) as session:
            make_task(session, actor=admin)
        config = fast_config(retry_window=timedelta(seconds=0.3))
        _drain(engine, config, retries=True)
        with session_scope(engine, write=False) as session:
            [row] = session.scalars(select(Delivery))
        assert row.status is DeliveryStatus.failed
        assert row.attempts == len(receiver.received) > 1

    def test_an_endpoint_failing_too_long_is_disabled_with_the_reason(
        self, engine: Engine, people: tuple[User, User], receivers: Any
    ) -> None:
        admin, _ = people
        receiver = receivers(fail_times=1000)
        hook = _hook(engine, receiver.url)
        with session_scope(engine) as session:
            make_task(session, actor=admin)
            make_task(session, actor=admin)
        _drain(engine, fast_config(disable_after=timedelta(0)), retries=True)
        with session_scope(engine, write=False) as session:
            stored = session.get(Webhook, hook.id)
            statuses = set(session.scalars(select(Delivery.status)))
        assert stored is not None
        assert not stored.is_active
        assert stored.disabled_reason is not None
        assert "last error: HTTP 500" in stored.disabled_reason
        assert statuses == {DeliveryStatus.failed}

    def test_after_a_rotation_both_secrets_verify(
        self, engine: Engine, people: tuple[User, User], receivers: Any
    ) -> None:
        admin, _ = people
        receiver = receivers()
        old = _hook(engine, receiver.url)
        with session_scope(engine) as session:
            new = webhooks.rotate_secret(session, old.id)
            make_task(session, actor=admin)
        _drain(engine, fast_config())
        [got] = receiver.received
        Verifier(old.secret).verify(got.body, got.headers)
        Verifier(new.secret).verify(got.body, got.headers)

    def test_redeliver_sends_the_same_event_again(
        self, engine: Engine, people: tuple[User, User], receivers: Any
    ) -> None:
        admin, _ = people
        receiver = receivers()
        hook = _hook(engine, receiver.url)
        with session_scope(engine) as session:
            make_task(session, actor=admin)
        _drain(engine, fast_config())
        with session_scope(engine) as session:
            [row] = session.scalars(select(Delivery))
            webhooks.redeliver(session, hook.id, row.id)
        _drain(engine, fast_config())
        first, second = receiver.ids()
        assert first == second


def _worker_process(db_url: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "WORKITEMS_DATABASE_URL": db_url,
        "WORKITEMS_WEBHOOKS_ALLOW_PRIVATE": "true",
        "WORKITEMS_DELIVERY_POLL_SECONDS": "0.05",
        "WORKITEMS_DELIVERY_CONCURRENCY": "4",
    }
    return subprocess.Popen(  # noqa: S603 (our own CLI, fixed arguments)
        [str(Path(sys.executable).with_name("workitems")), "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.fixture
def two_workers(committed_url: str) -> Iterator[None]:
    if not committed_url.startswith("postgresql"):
        pytest.skip("several worker processes are the PostgreSQL deployment")
    processes = [_worker_process(committed_url) for _ in range(2)]
    try:
        yield
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(10)


class TestTwoWorkers:
    def test_each_event_is_delivered_once(
        self,
        engine: Engine,
        people: tuple[User, User],
        receivers: Any,
        two_workers: None,
    ) -> None:
        admin, _ = people
        receiver = receivers()
        _hook(engine, receiver.url)
        for batch in range(10):
            with session_scope(engine) as session:
                for n in range(10):
                    make_task(session, actor=admin, title=f"task {batch}.{n}")
        deadline = time.monotonic() + 30
        while len(receiver.received) < 100 and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)  # a duplicate would arrive now
        ids = receiver.ids()
        assert len(ids) == 100
        assert len(set(ids)) == 100


class TestEmail:
    def _config(self, smtp: SmtpServer) -> DeliveryConfig:
        return fast_config(smtp=SmtpConfig.parse(smtp.url))

    def test_an_assignment_sends_an_email(
        self, engine: Engine, people: tuple[User, User], smtp_server: SmtpServer
    ) -> None:
        admin, owner = people
        with session_scope(engine) as session:
            task = make_task(session, actor=admin, assignee=owner.email, description="Totals.")
            key = task.key
        _drain(engine, self._config(smtp_server))
        [msg] = smtp_server.inbox.messages
        assert msg["To"] == "sam@example.com"
        assert msg["From"] == "Workitems <workitems@example.com>"
        assert msg["Subject"].strip() == f"[Workitems] Ada Admin assigned you {key}: {task.title}"
        assert msg.get_content_type() == "multipart/alternative"
        text = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        html = msg.get_body(("html",)).get_content()  # type: ignore[union-attr]
        link = f"https://work.example.com/tasks/{key}"
        assert link in text
        assert f'href="{link}"' in html
        assert "Totals." in text
        with session_scope(engine, write=False) as session:
            token = get_preferences(session, owner.id).unsubscribe_token
        unsubscribe = f"https://work.example.com/unsubscribe/{token}?topic=assigned"
        assert msg["List-Unsubscribe"] == f"<{unsubscribe}>"
        assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    def test_assigning_yourself_sends_nothing(
        self, engine: Engine, people: tuple[User, User], smtp_server: SmtpServer
    ) -> None:
        _, owner = people
        with session_scope(engine) as session:
            make_task(session, actor=owner, assignee=owner.email)
        _drain(engine, self._config(smtp_server))
        assert smtp_server.inbox.messages == []

    def test_a_topic_turned_off_sends_nothing(
        self, engine: Engine, people: tuple[User, User], smtp_server: SmtpServer
    ) -> None:
        from workitems.notify.enums import MailTopic

        admin, owner = people
        with session_scope(engine) as session:
            update_preferences(session, owner.id, {MailTopic.assigned: False})
            make_task(session, actor=admin, assignee=owner.email)
        _drain(engine, self._config(smtp_server))
        assert smtp_server.inbox.messages == []

    def test_a_refusing_server_is_retried(
        self, engine: Engine, people: tuple[User, User], smtp_server: SmtpServer
    ) -> None:
        admin, owner = people
        with session_scope(engine) as session:
            make_task(session, actor=admin, assignee=owner.email)
        closed = fast_config(smtp=SmtpConfig.parse("smtp://127.0.0.1:9"), backoff_base=0.05)
        _drain(engine, closed)
        [attempt] = _attempts(engine)[:1]
        assert attempt.error
        assert attempt.error.startswith("SMTP: ")
        _drain(engine, self._config(smtp_server), retries=True)
        assert len(smtp_server.inbox.messages) == 1


class TestServe:
    def test_serve_delivers_in_process_on_sqlite(
        self,
        committed_url: str,
        engine: Engine,
        people: tuple[User, User],
        receivers: Any,
        smtp_server: SmtpServer,
    ) -> None:
        """The issue's first "done when": an assignment, with SMTP and a webhook configured,
        gives a signed webhook and an email within a few seconds."""
        if not committed_url.startswith("sqlite"):
            pytest.skip("serve delivers itself on the embedded default only")
        admin, owner = people
        receiver = receivers()
        _hook(engine, receiver.url)
        with session_scope(engine) as session:
            token = make_token(session, admin, [Scope.tasks_write])
        settings = Settings(
            database_url=committed_url,
            webhooks_allow_private=True,
            smtp_url=smtp_server.url,
            delivery_poll_seconds=30,  # so only the commit's wake-up can explain a quick arrival
        )
        with TestClient(create_app(settings), headers=auth(token)) as client:
            response = client.post(
                "/api/tasks", json={"title": "Book the venue", "assignee": owner.email}
            )
            assert response.status_code == 201
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and not (
                receiver.received and smtp_server.inbox.messages
            ):
                time.sleep(0.02)
            # A failed rollback listener would turn this refused edit into a 500.
            stale = client.patch(
                f"/api/tasks/{response.json()['key']}",
                json={"title": "x"},
                headers={"If-Match": '"0"'},
            )
            assert stale.status_code == 412
        [got] = receiver.received
        assert got.json["data"]["key"] == response.json()["key"]
        [msg] = smtp_server.inbox.messages
        assert msg["To"] == owner.email
        assert response.json()["key"] in msg["Subject"]


class TestScheduledEmail:
    def test_the_digest_and_the_weekly_report_arrive(
        self, engine: Engine, people: tuple[User, User], smtp_server: SmtpServer
    ) -> None:
        from datetime import timedelta as days

        from workitems.clock import utc_now
        from workitems.jobs import schedule
        from workitems.notify.enums import MailTopic

        admin, owner = people
        settings = Settings(smtp_url=smtp_server.url, database_url="sqlite://")
        with session_scope(engine) as session:
            update_preferences(session, owner.id, {MailTopic.digest: True})
            late = make_task(
                session,
                actor=admin,
                assignee=owner.email,
                title="File the VAT return",
                due_date=utc_now().date() - days(days=1),
            )
            quiet = make_task(session, actor=admin, assignee=owner.email, title="Quiet one")
            quiet.updated_at = utc_now() - days(days=30)
            late_key, quiet_key = late.key, quiet.key
        with session_scope(engine) as session:
            assert schedule.due_reminders(session, settings)["digests"] == 1
        with session_scope(engine) as session:
            assert schedule.weekly_cleanup(session, settings)["emailed"] == 1
        _drain(engine, self._config(smtp_server))
        subjects = {m["Subject"].strip(): m for m in smtp_server.inbox.messages}
        digest = subjects["[Workitems] 1 overdue, 0 due soon"]
        assert late_key in digest.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        report = subjects["[Workitems] Weekly cleanup: 1 of your tasks have gone quiet"]
        text = report.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        assert quiet_key in text
        assert "idle 30 days" in text
        assert "topic=cleanup" in report["List-Unsubscribe"]

    def _config(self, smtp: SmtpServer) -> DeliveryConfig:
        return fast_config(smtp=SmtpConfig.parse(smtp.url))
