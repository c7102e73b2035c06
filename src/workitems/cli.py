"""``workitems``: the operator's command line. Every command's help carries a worked example."""

import dataclasses
import json
import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError as PydanticValidationError
from rich.console import Console
from sqlalchemy import Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from typer.core import TyperGroup

from workitems import extract_command
from workitems import migrate as migrations
from workitems.auth import links, sessions
from workitems.auth import service as auth
from workitems.auth.models import LinkPurpose
from workitems.auth.scopes import ALL_SCOPES
from workitems.clock import utc_now
from workitems.config import Settings
from workitems.db import make_engine, session_scope
from workitems.errors import ValidationError, WorkitemsError
from workitems.jobs import schedule
from workitems.notify import mail
from workitems.notify import webhooks as webhook_service
from workitems.notify.delivery import DeliveryConfig
from workitems.notify.enums import EventType
from workitems.notify.mail import SmtpConfig
from workitems.notify.transport import DeliveryError
from workitems.notify.worker import DeliveryWorker
from workitems.reporting.dashboard import build_dashboard
from workitems.search import service as search_service
from workitems.search.service import SearchSort
from workitems.staging import service as staging
from workitems.staging.enums import CandidateSource
from workitems.staging.importing import ImportFormat, detect_format, parse
from workitems.task import cleanup as task_cleanup
from workitems.transcript import analysis
from workitems.transcript import service as transcripts
from workitems.transcript.formats import TranscriptFormat
from workitems.transcript.schemas import TranscriptIn
from workitems.user import service as users
from workitems.user.models import User, UserRole
from workitems.user.resolve import resolve_person

err = Console(stderr=True)
out = Console()


class _Commands(TyperGroup):
    """The one place a ``WorkitemsError`` becomes exit code 1 with its message: every
    command, in every sub-group, runs inside this ``invoke``. The command's unit of work
    has rolled back by then."""

    # typer passes its own Context subclass; its stubs name the vendored base class.
    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except WorkitemsError as error:
            err.print(f"[red]error:[/red] {error.detail}")
            raise typer.Exit(code=1) from None


app = typer.Typer(
    cls=_Commands,
    help="Workitems: the operational action queue of a team.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
    pretty_exceptions_enable=False,
)
users_app = typer.Typer(help="Manage the people who own work.", no_args_is_help=True)
tokens_app = typer.Typer(help="Issue, list and revoke scoped API tokens.", no_args_is_help=True)
transcripts_app = typer.Typer(
    help="Store meeting transcripts and stage their action items.", no_args_is_help=True
)
webhooks_app = typer.Typer(
    help="Webhook endpoints: add, list, remove, and their delivery log.", no_args_is_help=True
)
notify_app = typer.Typer(help="Check email and notifications.", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(tokens_app, name="tokens")
app.add_typer(transcripts_app, name="transcripts")
app.add_typer(webhooks_app, name="webhooks")
app.add_typer(notify_app, name="notify")


def _settings() -> Settings:
    return Settings()


@contextmanager
def _unit_of_work(*, write: bool = True) -> Iterator[Session]:
    """One command, one engine, one transaction: committed on success, rolled back on error."""
    engine = make_engine(_settings().database_url)
    try:
        with session_scope(engine, write=write) as session:
            yield session
    finally:
        engine.dispose()


@app.command()
def migrate() -> None:
    """Apply database migrations (safe to run again: it does nothing when current).

    Example: `WORKITEMS_DATABASE_URL=postgresql+psycopg://app@db/workitems workitems migrate`
    """
    settings = _settings()
    done = migrations.upgrade_and_report(settings.database_url)
    where = make_url(settings.database_url).render_as_string(hide_password=True)
    if done.before is None:
        err.print(
            f"created the schema in {where}: {done.tables} tables, {done.applied} migrations "
            f"applied (now at {done.after}); `workitems serve` creates the first admin",
            soft_wrap=True,
        )
    elif done.applied:
        err.print(f"applied {done.applied} migrations to {where} ({done.before} -> {done.after})")
    else:
        err.print(
            f"{where} is already at the latest migration ({done.after}); nothing to do",
            soft_wrap=True,
        )


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address [WORKITEMS_HOST].")] = None,
    port: Annotated[int | None, typer.Option(help="Port [WORKITEMS_PORT].")] = None,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Worker processes [WORKITEMS_WORKERS].")
    ] = None,
) -> None:
    """Start the API. On an empty database, first create an admin and print its password and
    an all-scope API token, once.

    Example: `workitems serve --host 0.0.0.0 --port 8080 --workers 4`
    """
    import uvicorn

    settings = _settings()
    try:
        current = migrations.database_is_current(settings.database_url)
    except OperationalError as exc:
        # Start anyway, not ready: /readyz answers 503 and requests 503 with Retry-After
        # until the database answers; an orchestrator restarting us would not help.
        err.print(
            "[yellow]warning:[/yellow] the database does not answer "
            f"({type(exc.orig).__name__}); serving, not ready, until it does"
        )
    else:
        if not current:
            err.print(
                "[red]error:[/red] the database is not migrated; run `workitems migrate` first"
            )
            raise typer.Exit(code=1)
        _bootstrap(settings)
    uvicorn.run(
        "workitems.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers or settings.workers,
        log_level=settings.log_level,
        server_header=False,  # no "server: uvicorn" banner for scanners
    )


def _bootstrap(settings: Settings) -> None:
    with _unit_of_work() as session:
        created = users.bootstrap_admin(session, email=settings.admin_email)
        if created is None:
            return
        _token, raw = auth.issue_token(
            session, user=created.user, scopes=ALL_SCOPES, name="bootstrap admin token"
        )
    out.print(
        "\n[bold]First start: created the admin user.[/bold] This is shown once; keep it safe.\n"
        f"  email:    {created.user.email}\n"
        f"  password: {created.password}\n"
        f"  token:    {raw}   (all scopes)\n"
    )


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="A search query, as on /api/tasks/search.")],
    sort: Annotated[
        SearchSort, typer.Option(help="updated (newest first) or relevance.")
    ] = SearchSort.updated,
    limit: Annotated[int, typer.Option(min=1, max=200, help="Rows to print.")] = 50,
    user: Annotated[
        str | None, typer.Option("--user", help="Who assignee:me stands for (email or name).")
    ] = None,
) -> None:
    """Search tasks with the same language as the API and the web app.

    Example: `workitems search 'invoice priority:>=high -draft' --user ana@example.com`
    """
    with _unit_of_work(write=False) as session:
        viewer = _person_id(session, user)
        page = search_service.search_tasks(session, query, viewer_id=viewer, sort=sort, limit=limit)
        rows = [
            [
                task.key,
                task.status.value,
                task.priority.value,
                task.assignee.email if task.assignee else "-",
                _when(task.due_date),
                task.title,
            ]
            for task in page.items
        ]
    if rows:
        _print_rows(["key", "status", "priority", "owner", "due", "title"], rows)
    shown = f"{page.count}+" if page.count_capped else str(page.count)
    err.print(f"{shown} matching; showing {len(rows)}, sorted by {page.sort.value}")


@app.command()
def dashboard() -> None:
    """Print the dashboard's figures as JSON (the same as GET /api/tasks/dashboard).

    Example: `workitems dashboard | jq .by_owner`
    """
    with _unit_of_work(write=False) as session:
        figures = build_dashboard(session, now=utc_now())
    typer.echo(json.dumps(dataclasses.asdict(figures), indent=2, default=str))


@app.command("import")
def import_candidates(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    fmt: Annotated[
        ImportFormat, typer.Option("--format", help="csv, jsonl, or auto (by extension).")
    ] = ImportFormat.auto,
    user: Annotated[
        str | None, typer.Option("--user", help="Who staged them (email or name).")
    ] = None,
) -> None:
    """Stage candidates for review from a CSV or JSON Lines file.

    Columns: title, description, assignee (email or name), due (YYYY-MM-DD), priority,
    labels (comma- or semicolon-separated). Rows with a bad value are refused and listed;
    a malformed file stages nothing and names the line.

    Example: `workitems import actions.csv --user priya@example.com`
    """
    try:
        rows = parse(file.read_text(encoding="utf-8-sig"), detect_format(file.name, fmt))
        with _unit_of_work() as session:
            actor = _person_id(session, user)
            results = staging.stage_many(
                session,
                [row for _, row in rows],
                actor_id=actor,
                atomic=False,
                source=CandidateSource.import_,
            )
    except UnicodeDecodeError:
        err.print(f"[red]error:[/red] {file} is not UTF-8 text; nothing was staged")
        raise typer.Exit(code=1) from None
    staged = [r for r in results if r.candidate is not None]
    typer.echo(f"staged {len(staged)} of {len(rows)} rows from {file} for review")
    for result in results:
        if result.errors:
            line = rows[result.index][0]
            why = "; ".join(f"{e['field']}: {e['message']}" for e in result.errors)
            typer.echo(f"refused line {line}: {why}")
    if not staged:
        raise typer.Exit(code=1)


app.command("extract")(extract_command.extract)


@transcripts_app.command("add")
def transcripts_add(
    file: extract_command.TranscriptFile,
    title: Annotated[str | None, typer.Option("--title", help="Defaults to the file name.")] = None,
    fmt: extract_command.FormatOption = TranscriptFormat.auto,
    meeting_date: extract_command.MeetingDateOption = None,
    participants: extract_command.ParticipantsOption = None,
    analyze: Annotated[
        bool, typer.Option("--analyze", help="Also stage its action items for review.")
    ] = False,
    user: Annotated[
        str | None, typer.Option("--user", help="Who stored it (email or name).")
    ] = None,
) -> None:
    """Store a transcript; with --analyze, stage its action items in the review queue.
    Prints the transcript id and how many candidates were staged. Storing the same text
    again returns the stored transcript, and analysing again stages nothing new.

    Example: `workitems transcripts add standup.vtt --meeting-date 2026-11-23
    --participants team.txt --analyze`
    """
    settings = _settings()
    try:
        people = extract_command.read_participants(participants) if participants else []
        content = file.read_text(encoding="utf-8-sig")
        data = _transcript_in(
            title=title or file.stem,
            content=content,
            format=fmt,
            meeting_date=meeting_date.date() if meeting_date else None,
            participants=people,
        )
        with _unit_of_work() as session:
            actor = _person_id(session, user)
            transcript, created = transcripts.add_transcript(session, data, actor_id=actor)
            staged = 0
            if analyze:
                _, candidates, fresh = analysis.analyze_transcript(
                    session, transcript.id, actor_id=actor
                )
                staged = len(candidates) if fresh else 0
            transcript_id = transcript.id
    except UnicodeDecodeError:
        err.print(f"[red]error:[/red] {file} is not UTF-8 text; nothing was stored")
        raise typer.Exit(code=1) from None
    if not created:
        err.print(f"the same text is already stored as transcript {transcript_id}")
    review = f"{settings.public_url}/review?transcript={transcript_id}"
    plural = "" if staged == 1 else "s"
    where = f" for review at {review}" if staged else ""
    typer.echo(f"transcript {transcript_id}: {staged} candidate{plural} staged{where}")


def _transcript_in(**fields: Any) -> TranscriptIn:
    try:
        return TranscriptIn.model_validate(fields)
    except PydanticValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ValidationError(f"{where}: {first['msg']}", field=where) from None


@users_app.command("add")
def users_add(
    email: Annotated[str, typer.Argument(help="Unique email; the user's login.")],
    name: Annotated[str, typer.Option("--name", help="Display name.")],
    alias: Annotated[
        list[str] | None,
        typer.Option("--alias", help="A name people use for them in meetings; repeatable."),
    ] = None,
    role: Annotated[UserRole, typer.Option(help="admin or member.")] = UserRole.member,
) -> None:
    """Add a user who can own work, and print their one-time invitation link (valid 7
    days, built from WORKITEMS_PUBLIC_URL) on the last line; they choose their password
    there.

    Example: `workitems users add priya@example.com --name "Priya Shah" --alias Priya --alias PS`
    """
    settings = _settings()
    with _unit_of_work() as session:
        issued = links.invite_user(
            session, email=email, name=name, aliases=alias or [], role=role, invited_by=None
        )
        user = issued.user
        err.print(f"added {user.email} (id {user.id}, {user.role}); invitation link:")
    typer.echo(issued.url(settings.public_url))


@users_app.command("reset-link")
def users_reset_link(
    person: Annotated[str, typer.Argument(help="The user's email or name.")],
) -> None:
    """Print a one-time link (valid 7 days) where the user chooses a new password; it
    replaces any earlier link. Their current password works until the link is used.

    Example: `workitems users reset-link priya@example.com`
    """
    settings = _settings()
    with _unit_of_work() as session:
        user = _person(session, person)
        issued = links.issue_link(session, user, purpose=LinkPurpose.reset, created_by=None)
    typer.echo(issued.url(settings.public_url))


@users_app.command("set-password")
def users_set_password(email: Annotated[str, typer.Argument(help="The user's email.")]) -> None:
    """Set a user's password for the web sign-in; it also ends their web sessions and
    clears a lockout. Read from standard input when it is not a terminal (first line),
    otherwise asked for twice without echo.

    Example: `printf '%s\\n' "$NEW_PASSWORD" | workitems users set-password priya@example.com`
    """
    if sys.stdin.isatty():
        password = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    with _unit_of_work() as session:
        user = users.get_user_by_email(session, email)
        sessions.set_password(session, user, password)
        err.print(f"password set for {user.email}")


@users_app.command("list")
def users_list() -> None:
    """List every user, active or not.

    Example: `workitems users list`
    """
    with _unit_of_work(write=False) as session:
        rows = [
            [
                str(user.id),
                user.email,
                user.display_name,
                ", ".join(user.aliases) or "-",
                user.role.value,
                "yes" if user.is_active else "no",
            ]
            for user in users.list_users(session)
        ]
    _print_rows(["id", "email", "name", "aliases", "role", "active"], rows)


@users_app.command("deactivate")
def users_deactivate(email: Annotated[str, typer.Argument(help="The user's email.")]) -> None:
    """Deactivate a user: they keep their history but cannot be assigned or use tokens.

    Example: `workitems users deactivate sam@example.com`
    """
    with _unit_of_work() as session:
        user = users.deactivate_user(session, email)
        err.print(f"deactivated {user.email}")


@tokens_app.command("issue")
def tokens_issue(
    user: Annotated[str, typer.Option("--user", help="The token's owner (email or name).")],
    scope: Annotated[
        list[str],
        typer.Option("--scope", help="tasks:read, tasks:write, tasks:approve or users:read."),
    ],
    name: Annotated[str, typer.Option("--name", help="What the token is for.")] = "",
    expires_in_days: Annotated[
        int | None, typer.Option("--expires-in-days", help="Expire after D days.")
    ] = None,
) -> None:
    """Issue an API token. Only the token is printed on stdout, so it can be captured.

    Example: `TOKEN=$(workitems tokens issue --user ci@example.com --scope tasks:read
    --scope tasks:write --name ci --expires-in-days 90)`
    """
    with _unit_of_work() as session:
        owner = _person(session, user)
        _token, raw = auth.issue_token(
            session, user=owner, scopes=scope, name=name, expires_in_days=expires_in_days
        )
    typer.echo(raw)


@tokens_app.command("list")
def tokens_list() -> None:
    """List tokens (never their secrets): owner, scopes, expiry, last use, revocation.

    Example: `workitems tokens list`
    """
    with _unit_of_work(write=False) as session:
        rows = [
            [
                str(token.id),
                token.prefix + "...",
                token.name,
                token.user.email,
                ",".join(token.scopes),
                _when(token.expires_at),
                _when(token.last_used_at),
                _when(token.revoked_at),
            ]
            for token in auth.list_tokens(session)
        ]
    _print_rows(["id", "prefix", "name", "user", "scopes", "expires", "last used", "revoked"], rows)


@tokens_app.command("revoke")
def tokens_revoke(
    token_id: Annotated[int, typer.Argument(help="The id from `tokens list`.")],
) -> None:
    """Revoke a token; every server process refuses it (401) within a second.

    Example: `workitems tokens revoke 3`
    """
    with _unit_of_work() as session:
        token = auth.revoke_token(session, token_id)
        err.print(f"revoked token {token.id} ({token.name})")


def _person(session: Session, ref: str) -> User:
    """``--user``: the person resolver's reading (an email, a name, an alias, a prefix)."""
    user = resolve_person(session, ref, actor_id=None, field="user")
    if user is None:
        raise ValidationError("--user needs a person, not 'none'.", field="user")
    return user


def _person_id(session: Session, ref: str | None) -> int | None:
    return _person(session, ref).id if ref else None


@webhooks_app.command("list")
def webhooks_list() -> None:
    """List webhook endpoints (never their secrets): URL, events, state.

    Example: `workitems webhooks list`
    """
    with _unit_of_work(write=False) as session:
        rows = [
            [
                str(hook.id),
                hook.url,
                ",".join(hook.events) or "all",
                "active" if hook.is_active else f"disabled: {hook.disabled_reason}",
                _when(hook.failing_since),
            ]
            for hook in webhook_service.list_webhooks(session)
        ]
    _print_rows(["id", "url", "events", "state", "failing since"], rows)


@webhooks_app.command("add")
def webhooks_add(
    url: Annotated[str, typer.Argument(help="http(s) URL that receives signed POSTs.")],
    event: Annotated[
        list[EventType] | None,
        typer.Option("--event", help="An event type to send; repeatable. Default: all."),
    ] = None,
    description: Annotated[str, typer.Option(help="What the endpoint is for.")] = "",
) -> None:
    """Register an endpoint. Only its signing secret (`whsec_...`) is printed on stdout,
    once, so it can be captured.

    Example: `SECRET=$(workitems webhooks add https://hooks.example.com/wi --event
    task.assigned --event task.status_changed --description "chat bridge")`
    """
    settings = _settings()
    with _unit_of_work() as session:
        hook = webhook_service.create_webhook(
            session,
            url=url,
            events=event,
            description=description,
            actor_id=None,
            allow_private=settings.webhooks_allow_private,
        )
        err.print(f"added webhook {hook.id} for {hook.url}")
    typer.echo(hook.secret)


@webhooks_app.command("remove")
def webhooks_remove(
    webhook_id: Annotated[int, typer.Argument(help="The id from `webhooks list`.")],
) -> None:
    """Remove an endpoint with its delivery log.

    Example: `workitems webhooks remove 2`
    """
    with _unit_of_work() as session:
        webhook_service.delete_webhook(session, webhook_id)
    err.print(f"removed webhook {webhook_id}")


@webhooks_app.command("deliveries")
def webhooks_deliveries(
    webhook_id: Annotated[int, typer.Argument(help="The id from `webhooks list`.")],
    limit: Annotated[int, typer.Option(min=1, max=100, help="Attempts to show.")] = 20,
) -> None:
    """The endpoint's latest delivery attempts, newest first: status code, latency, error
    and the next retry.

    Example: `workitems webhooks deliveries 2 --limit 50`
    """
    with _unit_of_work(write=False) as session:
        rows = [
            [
                _when(attempt.at),
                str(attempt.delivery_id),
                event_type or "-",
                f"#{attempt.attempt}",
                str(attempt.status_code or "-"),
                f"{attempt.latency_ms} ms",
                "ok" if attempt.ok else (attempt.error or "failed"),
                _when(attempt.next_attempt_at),
            ]
            for attempt, event_type in webhook_service.list_attempts(
                session, webhook_id, limit=limit
            )
        ]
    _print_rows(["at", "delivery", "event", "try", "status", "latency", "result", "next try"], rows)


@notify_app.command("test")
def notify_test(
    email: Annotated[str, typer.Argument(help="Where to send the test email.")],
) -> None:
    """Send a test email now, through WORKITEMS_SMTP_URL, and say what the server answered.

    Example: `WORKITEMS_SMTP_URL=smtp://user:pass@mail.example.com:587?starttls=true
    workitems notify test me@example.com`
    """
    settings = _settings()
    if not settings.smtp_url:
        err.print("[red]error:[/red] WORKITEMS_SMTP_URL is not set; email is off")
        raise typer.Exit(code=1)
    try:
        smtp = SmtpConfig.parse(settings.smtp_url)
    except ValueError as error:
        err.print(f"[red]error:[/red] {error}")
        raise typer.Exit(code=1) from None
    content = mail.test_mail(mail.Links(settings.public_url, None))
    message = mail.message(content, sender=settings.mail_from, to=email)
    try:
        mail.send(smtp, message, timeout=settings.webhook_timeout_seconds)
    except DeliveryError as error:
        err.print(f"[red]error:[/red] {error}")
        raise typer.Exit(code=1) from None
    err.print(f"sent a test email to {email} through {smtp.host}:{smtp.port}")


def _print_rows(headers: list[str], rows: list[list[str]]) -> None:
    """Plain aligned columns: readable, and easy to grep or cut in scripts."""
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows, strict=True)]
    for row in [headers, *rows]:
        typer.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))


def _when(value: object) -> str:
    return "-" if value is None else str(value)[:19]


@app.command()
def cleanup(
    days: Annotated[int, typer.Option(min=1, help="Idle for this many days is stale.")] = 14,
    hold_days: Annotated[
        int, typer.Option(min=1, help="On hold for this many days is stale.")
    ] = 30,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only print the report; nudge nobody.")
    ] = False,
) -> None:
    """The weekly cleanup: print stale work (longest idle first), then nudge each owner by
    a history event, except where a nudge was sent in the last week. Nothing is canceled;
    cancel or snooze from the web app or `POST /api/tasks/stale/sweep`.

    Example: `workitems cleanup --days 21 --dry-run`
    """
    with _unit_of_work() as session:
        run = task_cleanup.run_weekly_cleanup(
            session, days=days, hold_days=hold_days, dry_run=dry_run
        )
        rows = [
            [
                item.task.key,
                f"{item.idle_days}d",
                item.reason,
                item.task.assignee.email if item.task.assignee else "(no owner)",
                item.last_nudged_at.date().isoformat() if item.last_nudged_at else "never",
                item.task.title,
            ]
            for item in run.stale
        ]
    if rows:
        _print_rows(["key", "idle", "why", "owner", "nudged", "title"], rows)
    if dry_run:
        err.print(f"{len(run.stale)} stale task(s); dry run, nobody nudged")
        return
    err.print(
        f"{len(run.stale)} stale task(s); nudged {len(run.nudged)}, "
        f"skipped {len(run.stale) - len(run.nudged)} nudged in the last "
        f"{task_cleanup.RENUDGE_DAYS} days"
    )


@app.command()
def worker(
    once: Annotated[
        bool, typer.Option("--once", help="Run what is due now, deliver what is due, exit.")
    ] = False,
    tick: Annotated[float, typer.Option(min=1, help="Seconds between schedule checks.")] = 60,
) -> None:
    """Deliver webhooks and email, and run the scheduled jobs: `cleanup.weekly_report` every
    Monday at 08:00 UTC (the stale report with nudges, emailed to each owner),
    `notify.due_reminders` daily at 07:00 UTC (`task.due_soon`, `task.overdue`, digests),
    `notify.purge` daily at 04:00 UTC and `auth.purge_sessions` every Sunday at 03:00 UTC.
    Several workers may run on several hosts: each delivery and each job run happens once.

    Example: `workitems worker` (or `workitems worker --once` from cron)
    """
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    settings = _settings()
    engine = make_engine(settings.database_url)
    deliveries = DeliveryWorker(
        engine,
        DeliveryConfig.from_settings(settings),
        concurrency=settings.delivery_concurrency,
        poll_seconds=settings.delivery_poll_seconds,
    )
    names = ", ".join(job.name for job in schedule.JOBS)
    err.print(f"worker: delivering events; managing {names}")
    try:
        if once:
            _run_jobs(engine, settings)
            deliveries.drain(timeout=max(60.0, 3 * settings.webhook_timeout_seconds))
            return
        deliveries.start()
        while True:
            _run_jobs(engine, settings)
            time.sleep(tick)
    except KeyboardInterrupt:
        err.print("worker: stopped")
    finally:
        deliveries.stop()
        engine.dispose()


def _run_jobs(engine: Engine, settings: Settings) -> None:
    for name, result in schedule.run_due(engine, settings=settings).items():
        err.print(f"{name}: {json.dumps(result)}")
