"""``workitems webhooks ...`` and ``workitems notify test`` against a real database and a
real SMTP server (kept beside the notify tests; ``tests/test_cli.py`` holds the others)."""

from typing import Any

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from tests.factories import make_task, make_user
from tests.notify.conftest import SmtpServer
from workitems.cli import app
from workitems.db import session_scope
from workitems.notify import webhooks


@pytest.fixture
def run(committed_url: str, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("WORKITEMS_DATABASE_URL", committed_url)
    return CliRunner()


class TestWebhooks:
    def test_add_list_deliveries_remove(self, run: CliRunner, engine: Engine) -> None:
        added = run.invoke(
            app,
            ["webhooks", "add", "https://93.184.215.14/hook", "--event", "task.assigned"],
        )
        assert added.exit_code == 0, added.output
        assert added.stdout.strip().startswith("whsec_")
        listed = run.invoke(app, ["webhooks", "list"])
        assert "https://93.184.215.14/hook" in listed.output
        assert "task.assigned" in listed.output
        hook_id = listed.output.splitlines()[1].split()[0]
        log = run.invoke(app, ["webhooks", "deliveries", hook_id])
        assert log.exit_code == 0, log.output
        assert run.invoke(app, ["webhooks", "remove", hook_id]).exit_code == 0
        assert "93.184.215.14" not in run.invoke(app, ["webhooks", "list"]).output

    def test_a_private_url_is_refused(self, run: CliRunner) -> None:
        result = run.invoke(app, ["webhooks", "add", "http://127.0.0.1:9/hook"])
        assert result.exit_code == 1
        assert "WORKITEMS_WEBHOOKS_ALLOW_PRIVATE" in result.output

    def test_removing_an_unknown_endpoint_fails_clearly(self, run: CliRunner) -> None:
        result = run.invoke(app, ["webhooks", "remove", "999"])
        assert result.exit_code == 1
        assert "does not exist" in result.output


class TestNotifyTest:
    def test_sends_a_test_email(
        self, run: CliRunner, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("WORKITEMS_SMTP_URL", smtp_server.url)
        monkeypatch.setenv("WORKITEMS_MAIL_FROM", "Ops <ops@example.com>")
        result = run.invoke(app, ["notify", "test", "ana@example.com"])
        assert result.exit_code == 0, result.output
        [msg] = smtp_server.inbox.messages
        assert (msg["To"], msg["From"]) == ("ana@example.com", "Ops <ops@example.com>")
        assert msg["Subject"] == "[Workitems] Test email"

    def test_without_smtp_it_says_so(self, run: CliRunner) -> None:
        result = run.invoke(app, ["notify", "test", "ana@example.com"])
        assert result.exit_code == 1
        assert "WORKITEMS_SMTP_URL" in result.output

    def test_an_unreachable_server_is_reported(
        self, run: CliRunner, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("WORKITEMS_SMTP_URL", "smtp://127.0.0.1:9")
        result = run.invoke(app, ["notify", "test", "ana@example.com"])
        assert result.exit_code == 1
        assert "SMTP:" in result.output


class TestWorkerOnce:
    def test_delivers_what_is_due_then_exits(
        self,
        run: CliRunner,
        engine: Engine,
        receivers: Any,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setenv("WORKITEMS_WEBHOOKS_ALLOW_PRIVATE", "true")
        receiver = receivers()
        with session_scope(engine) as session:
            admin = make_user(session, email="ada@example.com", name="Ada")
            webhooks.create_webhook(
                session, url=receiver.url, actor_id=admin.id, allow_private=True
            )
            task = make_task(session, actor=admin)
            key = task.key
        result = run.invoke(app, ["worker", "--once"])
        assert result.exit_code == 0, result.output
        assert "notify.due_reminders" in result.output
        [got] = receiver.received
        assert got.json["data"]["key"] == key
