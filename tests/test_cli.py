"""The operator CLI against a real database (commits, so it uses ``committed_url``)."""

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from workitems.auth.links import use_link
from workitems.auth.service import authenticate
from workitems.auth.sessions import sign_in
from workitems.auth.throttle import Throttle
from workitems.cli import app
from workitems.db import session_scope
from workitems.errors import AuthenticationError
from workitems.staging.service import list_candidates
from workitems.transcript.service import get_transcript, list_transcripts
from workitems.user.passwords import verify_password
from workitems.user.service import get_user_by_email


@pytest.fixture
def run(committed_url: str, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("WORKITEMS_DATABASE_URL", committed_url)
    return CliRunner()


class TestUsers:
    def test_add_list_deactivate(self, run: CliRunner, engine: Engine) -> None:
        result = run.invoke(
            app,
            [
                "users",
                "add",
                "Priya@Example.com",
                "--name",
                "Priya Shah",
                "--alias",
                "Priya",
                "--alias",
                "PS",
                "--role",
                "admin",
            ],
        )
        assert result.exit_code == 0, result.output
        listed = run.invoke(app, ["users", "list"])
        assert "priya@example.com" in listed.output
        assert run.invoke(app, ["users", "deactivate", "priya@example.com"]).exit_code == 0
        with session_scope(engine, write=False) as session:
            user = get_user_by_email(session, "priya@example.com")
            assert user.aliases == ["Priya", "PS"]
            assert not user.is_active

    def test_add_prints_the_invitation_link_last(
        self, run: CliRunner, engine: Engine, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("WORKITEMS_PUBLIC_URL", "https://work.example.com/")
        result = run.invoke(app, ["users", "add", "nia@example.com", "--name", "Nia Obi"])
        assert result.exit_code == 0, result.output
        link = result.stdout.strip().splitlines()[-1]
        assert link.startswith("https://work.example.com/welcome/")
        password = "nia chose this one"
        with session_scope(engine) as session:
            user = use_link(session, link.rsplit("/", 1)[1], password=password, confirm=password)
            assert user.password_hash is not None
            assert verify_password(user.password_hash, password)
        again = run.invoke(app, ["users", "reset-link", "Nia"])
        assert again.exit_code == 0, again.output
        assert again.stdout.strip().startswith("https://work.example.com/welcome/")

    def test_duplicate_email_is_a_clear_error(self, run: CliRunner) -> None:
        run.invoke(app, ["users", "add", "sam@example.com", "--name", "Sam"])
        result = run.invoke(app, ["users", "add", "sam@example.com", "--name", "Sam"])
        assert result.exit_code == 1
        assert "already exists" in result.output


class TestTokens:
    def test_issue_prints_only_the_token(self, run: CliRunner, engine: Engine) -> None:
        run.invoke(app, ["users", "add", "ci@example.com", "--name", "CI"])
        result = run.invoke(
            app,
            [
                "tokens",
                "issue",
                "--user",
                "ci@example.com",
                "--scope",
                "tasks:read",
                "--scope",
                "users:read",
                "--name",
                "ci",
                "--expires-in-days",
                "30",
            ],
        )
        assert result.exit_code == 0, result.output
        raw = result.stdout.strip()
        assert raw.startswith("wi_")
        assert "\n" not in raw
        with session_scope(engine, write=False) as session:
            principal = authenticate(session, raw)
        assert principal.scopes == {"tasks:read", "users:read"}

    def test_unknown_scope(self, run: CliRunner) -> None:
        run.invoke(app, ["users", "add", "ci@example.com", "--name", "CI"])
        result = run.invoke(
            app, ["tokens", "issue", "--user", "ci@example.com", "--scope", "tasks:delete"]
        )
        assert result.exit_code == 1
        assert "Unknown scope" in result.output

    def test_list_and_revoke(self, run: CliRunner, engine: Engine) -> None:
        run.invoke(app, ["users", "add", "ci@example.com", "--name", "CI"])
        raw = run.invoke(
            app, ["tokens", "issue", "--user", "ci@example.com", "--scope", "tasks:read"]
        ).stdout.strip()
        listed = run.invoke(app, ["tokens", "list"])
        assert raw[:10] in listed.output
        assert raw not in listed.output
        with session_scope(engine, write=False) as session:
            from workitems.auth.service import list_tokens

            token_id = list_tokens(session)[0].id
        assert run.invoke(app, ["tokens", "revoke", str(token_id)]).exit_code == 0
        with session_scope(engine, write=False) as session, pytest.raises(AuthenticationError):
            authenticate(session, raw)


class TestMigrate:
    def test_says_what_it_created_then_that_nothing_was_left(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("WORKITEMS_DATABASE_URL", f"sqlite:///{tmp_path}/fresh.db")
        first = CliRunner().invoke(app, ["migrate"])
        assert first.exit_code == 0, first.output
        assert re.search(r"created the schema in sqlite:///\S+fresh.db: \d+ tables", first.output)
        again = CliRunner().invoke(app, ["migrate"])
        assert "already at the latest migration" in again.output


class TestHelp:
    @pytest.mark.parametrize(
        "command",
        [
            ["migrate"],
            ["serve"],
            ["users", "add"],
            ["users", "list"],
            ["users", "deactivate"],
            ["tokens", "issue"],
            ["tokens", "list"],
            ["tokens", "revoke"],
            ["users", "reset-link"],
            ["transcripts", "add"],
        ],
    )
    def test_every_help_has_an_example(self, command: list[str]) -> None:
        result = CliRunner().invoke(app, [*command, "--help"])
        assert result.exit_code == 0
        assert "Example: " in result.output


class TestImport:
    def test_stages_valid_rows_and_lists_refused(
        self, run: CliRunner, engine: Engine, tmp_path: Path
    ) -> None:
        run.invoke(app, ["users", "add", "priya@example.com", "--name", "Priya Shah"])
        path = tmp_path / "actions.csv"
        path.write_text(
            "title,assignee,due,priority\n"
            "Send the deck to finance,priya@example.com,2026-12-04,high\n"
            "Book the venue,,not-a-date,\n"
            "Fix the login bug,Priya Shah,,urgent\n"
        )
        result = run.invoke(app, ["import", str(path), "--user", "priya@example.com"])
        assert result.exit_code == 0, result.output
        assert "staged 2 of 3 rows" in result.output
        assert "refused line 3: due" in result.output
        with session_scope(engine, write=False) as session:
            from workitems.staging.service import list_candidates

            rows = list_candidates(session).items
            assert [c.source for c in rows] == ["import", "import"]
            assert rows[1].assignee is not None
            assert rows[1].assignee.email == "priya@example.com"

    def test_malformed_file_stages_nothing(
        self, run: CliRunner, engine: Engine, tmp_path: Path
    ) -> None:
        path = tmp_path / "actions.jsonl"
        path.write_text('{"title": "Send the deck"}\n{"title": oops}\n')
        result = run.invoke(app, ["import", str(path)])
        assert result.exit_code == 1
        assert "line 2" in result.output
        with session_scope(engine, write=False) as session:
            from workitems.staging.service import list_candidates

            assert list(list_candidates(session).items) == []


MEETING = "Alice: Can you send the Q3 deck to finance by Friday?\nBob: Sure, I can do that.\n"


class TestTranscriptsAdd:
    def test_analyze_stages_with_a_lines_participants_file(
        self, run: CliRunner, engine: Engine, tmp_path: Path
    ) -> None:
        run.invoke(app, ["users", "add", "bob@example.com", "--name", "Bob Stone"])
        meeting = tmp_path / "sync.txt"
        meeting.write_text(MEETING)
        people = tmp_path / "people.txt"
        people.write_text("Bob Stone (finance) <bob@example.com> | Bob\nAlice\n")
        args = ["transcripts", "add", str(meeting), "--meeting-date", "2026-11-23"]
        result = run.invoke(app, [*args, "--participants", str(people), "--analyze"])
        assert result.exit_code == 0, result.output
        found = re.fullmatch(
            r"transcript (\d+): 1 candidate staged for review at "
            r"http://127.0.0.1:8000/review\?transcript=\d+",
            result.stdout.strip(),
        )
        assert found, result.stdout
        with session_scope(engine, write=False) as session:
            transcript = get_transcript(session, int(found.group(1)))
            assert transcript.title == "sync"
            assert transcript.participants[0]["aliases"] == ["Bob"]
            [candidate] = list_candidates(session, transcript_id=transcript.id).items
            assert candidate.assignee is not None
            assert candidate.assignee.email == "bob@example.com"
            assert candidate.due_date is not None
            assert candidate.due_date.isoformat() == "2026-11-27"
        again = run.invoke(app, [*args, "--analyze"])
        assert again.stdout.strip() == f"transcript {found.group(1)}: 0 candidates staged"

    def test_a_bad_participants_line_stores_nothing(
        self, run: CliRunner, engine: Engine, tmp_path: Path
    ) -> None:
        meeting = tmp_path / "sync.txt"
        meeting.write_text(MEETING)
        people = tmp_path / "people.txt"
        people.write_text("Bob <bob@example.com\n")
        result = run.invoke(
            app, ["transcripts", "add", str(meeting), "--participants", str(people)]
        )
        assert result.exit_code == 1
        assert "line 1" in result.output
        with session_scope(engine, write=False) as session:
            assert list(list_transcripts(session).items) == []


class TestExtractThenImport:
    def test_import_takes_extract_output_as_it_is(
        self, run: CliRunner, engine: Engine, tmp_path: Path
    ) -> None:
        run.invoke(app, ["users", "add", "bob@example.com", "--name", "Bob Stone"])
        meeting = tmp_path / "sync.txt"
        meeting.write_text(MEETING)
        people = tmp_path / "people.json"
        people.write_text('[{"name": "Bob", "email": "bob@example.com"}, {"name": "Alice"}]')
        extracted = run.invoke(
            app,
            [
                "extract",
                str(meeting),
                "--meeting-date",
                "2026-11-23",
                "--participants",
                str(people),
            ],
        )
        assert extracted.exit_code == 0, extracted.output
        output = tmp_path / "items.json"
        output.write_text(extracted.stdout)
        result = run.invoke(app, ["import", str(output)])
        assert result.exit_code == 0, result.output
        assert "staged 1 of 1 rows" in result.stdout
        with session_scope(engine, write=False) as session:
            [candidate] = list_candidates(session).items
            assert candidate.assignee is not None
            assert candidate.assignee.email == "bob@example.com"
            assert candidate.due_phrase is not None
            assert candidate.evidence[0]["quote"]


class TestExtract:
    def test_prints_candidates_with_exactly_the_keys(self, tmp_path: Path) -> None:
        meeting = tmp_path / "sync.txt"
        meeting.write_text(
            "Alice: Can you send the Q3 deck to finance by Friday?\nBob: Sure, I can do that.\n"
        )
        people = tmp_path / "people.json"
        people.write_text('[{"name": "Bob", "email": "bob@example.com"}, {"name": "Alice"}]')
        result = CliRunner().invoke(
            app,
            [
                "extract",
                str(meeting),
                "--meeting-date",
                "2026-11-23",
                "--participants",
                str(people),
            ],
        )
        assert result.exit_code == 0, result.output
        [item] = json.loads(result.stdout)["candidates"]
        assert set(item) == {
            "title",
            "description",
            "owner",
            "owner_user",
            "due",
            "due_phrase",
            "priority",
            "commitment",
            "confidence",
            "warnings",
            "evidence",
            "context",
        }
        assert (item["owner"], item["owner_user"], item["due"]) == (
            "Bob",
            "bob@example.com",
            "2026-11-27",
        )
        assert set(item["evidence"][0]) == {"utterance_index", "speaker", "start", "quote"}
        assert "trace" not in item

    def test_explain_adds_a_trace(self, tmp_path: Path) -> None:
        meeting = tmp_path / "sync.txt"
        meeting.write_text("Bob: I'll send the Q3 deck to finance by Friday.\nAlice: Thanks.\n")
        result = CliRunner().invoke(app, ["extract", str(meeting), "--explain"])
        assert result.exit_code == 0, result.output
        [item] = json.loads(result.stdout)["candidates"]
        assert item["trace"]["seeds"][0]["cue"] == "self_fut"

    def test_extract_does_not_import_the_web_stack(self) -> None:
        import subprocess
        import sys

        code = (
            "import sys; from workitems.cli import app; "
            "print(sorted(m for m in ('fastapi', 'starlette', 'jinja2', 'uvicorn', "
            "'workitems.app', 'workitems.web') if m in sys.modules))"
        )
        done = subprocess.run(  # noqa: S603 (this interpreter, a fixed snippet)
            [sys.executable, "-c", code], capture_output=True, text=True, check=False
        )
        assert done.stdout.strip() == "[]", done.stderr

    def test_malformed_transcript_names_the_line(self, tmp_path: Path) -> None:
        bad = tmp_path / "bad.srt"
        bad.write_text("1\n00:00:01,000 --> 00:00:02,000\nA: hi\n\nx\n00:00:03,000 --> 1\n")
        result = CliRunner().invoke(app, ["extract", str(bad)])
        assert result.exit_code == 1
        assert "line 5" in result.output


class TestCleanup:
    def _seed(self, engine: Engine) -> tuple[str, str]:
        from datetime import timedelta

        from tests.factories import make_task, make_user
        from workitems.clock import utc_now

        with session_scope(engine) as session:
            owner = make_user(session, email="owner@example.com", name="Olu Owner")
            idle = make_task(session, actor=owner, title="Chase the signed NDA", assignee=owner.id)
            fresh = make_task(session, actor=owner, title="Fresh work")
            idle.updated_at = utc_now() - timedelta(days=20)
            return idle.key, fresh.key

    def _nudges(self, engine: Engine, key: str) -> int:
        from workitems.task.enums import EventKind
        from workitems.task.service import list_history

        with session_scope(engine, write=False) as session:
            return sum(e.kind == EventKind.nudged for e in list_history(session, key))

    def test_dry_run_prints_and_nudges_nobody(self, run: CliRunner, engine: Engine) -> None:
        idle, fresh = self._seed(engine)
        result = run.invoke(app, ["cleanup", "--days", "14", "--dry-run"])
        assert result.exit_code == 0, result.output
        assert idle in result.output
        assert "owner@example.com" in result.output
        assert fresh not in result.output
        assert "dry run" in result.output
        assert self._nudges(engine, idle) == 0

    def test_nudges_once_a_week(self, run: CliRunner, engine: Engine) -> None:
        idle, _ = self._seed(engine)
        first = run.invoke(app, ["cleanup"])
        assert "nudged 1" in first.output
        second = run.invoke(app, ["cleanup"])
        assert "nudged 0, skipped 1" in second.output
        assert self._nudges(engine, idle) == 1
        # Nothing was canceled.
        from workitems.task.service import get_task

        with session_scope(engine, write=False) as session:
            assert get_task(session, idle).status == "pending"


class TestWorker:
    def test_once_runs_the_weekly_report_once(self, run: CliRunner, engine: Engine) -> None:
        from workitems.jobs.models import JobRun

        first = run.invoke(app, ["worker", "--once"])
        assert first.exit_code == 0, first.output
        assert "cleanup.weekly_report" in first.output
        assert '"stale": 0' in first.output
        assert "auth.purge_sessions" in first.output
        second = run.invoke(app, ["worker", "--once"])
        assert '"stale"' not in second.output
        with session_scope(engine, write=False) as session:
            job = session.get(JobRun, "cleanup.weekly_report")
            assert job is not None
            assert job.ok is True


class TestSearchAndDashboard:
    def test_search_prints_matches_and_the_count(self, run: CliRunner, engine: Engine) -> None:
        from tests.factories import make_task, make_user

        with session_scope(engine) as session:
            ana = make_user(session, email="ana@example.com", name="Ana")
            mine = make_task(session, actor=ana, title="Reconcile the ledger", assignee=ana.id)
            make_task(session, actor=ana, title="Reconcile the petty cash")
            key = mine.key
        result = run.invoke(app, ["search", "reconcile assignee:me", "--user", "ana@example.com"])
        assert result.exit_code == 0, result.output
        assert key in result.output
        assert "petty cash" not in result.output
        assert "1 matching" in result.output

        bad = run.invoke(app, ["search", "stauts:open"])
        assert bad.exit_code == 1
        assert "Unknown filter" in bad.output

    def test_dashboard_prints_json(self, run: CliRunner, engine: Engine) -> None:
        from tests.factories import make_task

        with session_scope(engine) as session:
            make_task(session, title="Count me")
        result = run.invoke(app, ["dashboard"])
        assert result.exit_code == 0, result.output
        figures = json.loads(result.output)
        assert figures["by_status"]["unaddressed"] == 1
        assert len(figures["throughput"]) == 8


class TestSetPassword:
    def test_reads_the_password_from_stdin(self, run: CliRunner, engine: Engine) -> None:
        run.invoke(app, ["users", "add", "sam@example.com", "--name", "Sam"])
        result = run.invoke(
            app, ["users", "set-password", "sam@example.com"], input="a long new password\n"
        )
        assert result.exit_code == 0, result.output
        with session_scope(engine) as session:
            signed_in = sign_in(
                session,
                email="sam@example.com",
                password="a long new password",
                lifetime=timedelta(days=1),
                throttle=Throttle(),
                address="127.0.0.1",
            )
            assert signed_in.user.email == "sam@example.com"

    def test_short_password_is_refused(self, run: CliRunner) -> None:
        run.invoke(app, ["users", "add", "sam@example.com", "--name", "Sam"])
        result = run.invoke(app, ["users", "set-password", "sam@example.com"], input="short\n")
        assert result.exit_code == 1
        assert "at least 10 characters" in result.output

    def test_unknown_user(self, run: CliRunner) -> None:
        result = run.invoke(
            app, ["users", "set-password", "who@example.com"], input="a long new password\n"
        )
        assert result.exit_code == 1
        assert "who@example.com" in result.output


class TestErrors:
    @pytest.mark.parametrize(
        "args", [["users", "deactivate", "nobody@example.com"], ["tokens", "revoke", "999999"]]
    )
    def test_a_domain_error_is_exit_1_with_its_message(
        self, run: CliRunner, args: list[str]
    ) -> None:
        result = run.invoke(app, args)
        assert result.exit_code == 1, result.output
        assert "error:" in result.output
        assert "does not exist" in result.output or "no " in result.output.lower()
        assert result.exception is None or isinstance(result.exception, SystemExit)
