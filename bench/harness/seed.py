"""A team, an all-scope token and realistic tasks, written the fast way.

Users and the token go through the services (a few dozen rows, and a token needs its hash);
tasks go in with SQLAlchemy Core bulk inserts, tens of thousands a second.
"""

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine, func, insert, select, text

from workitems import migrate
from workitems.auth.scopes import ALL_SCOPES
from workitems.auth.service import issue_token
from workitems.clock import utc_now
from workitems.db import Base, make_engine, session_scope
from workitems.task.enums import Priority, TaskSource, TaskStatus
from workitems.task.models import Task
from workitems.user.models import UserRole
from workitems.user.service import add_user

SEED_CHUNK = 5_000

#: ``(display name, login)``; the login is the user's alias and the local part of the email.
TEAM = [
    ("Priya Shah", "priya"),
    ("Sam Okafor", "sam"),
    ("Lena Müller", "lena"),
    ("Diego Alvarez", "diego"),
    ("Mei Tanaka", "mei"),
    ("Tom Becker", "tom"),
    ("Aisha Rahman", "aisha"),
    ("Jonas Berg", "jonas"),
    ("Chloé Martin", "chloe"),
    ("Ravi Iyer", "ravi"),
    ("Nora Lindqvist", "nora"),
    ("Kwame Mensah", "kwame"),
    ("Olga Petrova", "olga"),
    ("Ben Carter", "ben"),
    ("Sofia Rossi", "sofia"),
    ("Hiro Sato", "hiro"),
    ("Fatima Zahra", "fatima"),
    ("Liam Walsh", "liam"),
    ("Ana Costa", "ana"),
    ("Yusuf Demir", "yusuf"),
]
VERBS = [
    "Fix",
    "Review",
    "Update",
    "Draft",
    "Follow up on",
    "Investigate",
    "Migrate",
    "Document",
    "Schedule",
    "Clean up",
    "Prepare",
    "Escalate",
    "Test",
    "Automate",
    "Decide on",
    "Send",
]
OBJECTS = [
    "the billing export",
    "Q3 roadmap slides",
    "onboarding checklist",
    "the flaky login test",
    "vendor contract renewal",
    "release notes for 2.4",
    "customer escalation from Acme",
    "the nightly backup job",
    "SSO configuration",
    "dashboard latency alerts",
    "the hiring loop for backend",
    "incident postmortem",
    "API rate limits",
    "the pricing page copy",
    "data retention policy",
    "staging database upgrade",
    "support macros",
    "the security questionnaire",
    "invoice reconciliation",
    "mobile push notifications",
]
CONTEXTS = [
    "",
    "",
    "",
    " before the board meeting",
    " with the platform team",
    " for the EU region",
    " after the outage",
    " (blocked on legal)",
    " ahead of the launch",
    " per Monday's sync",
]
SENTENCES = [
    "Raised in the weekly ops review.",
    "The customer asked twice already; keep them posted.",
    "See the thread in #platform for the background.",
    "Needs a decision from finance before we can proceed.",
    "Last attempt failed on the staging cluster; logs are attached to the ticket.",
    "Owner to confirm the scope and a realistic date.",
    "Low effort, but it keeps coming up in support.",
    "Depends on the database migration landing first.",
    "Pair with someone from the design team on this one.",
    "Split into smaller tasks if it grows past a day.",
    "Acceptance: the report matches the ledger for the last three months.",
    "Mentioned by the CEO in the all-hands; visible work.",
]
LABELS = [
    "backend",
    "frontend",
    "ops",
    "finance",
    "legal",
    "customer",
    "security",
    "hiring",
    "docs",
    "infra",
    "q3",
    "q4",
    "quick-win",
    "blocked",
    "release",
]
STATUS_WEIGHTS = [
    (TaskStatus.unaddressed, 15),
    (TaskStatus.pending, 30),
    (TaskStatus.in_progress, 22),
    (TaskStatus.on_hold, 8),
    (TaskStatus.completed, 19),
    (TaskStatus.canceled, 6),
]
PRIORITY_WEIGHTS = [
    (Priority.none, 30),
    (Priority.low, 25),
    (Priority.medium, 25),
    (Priority.high, 15),
    (Priority.urgent, 5),
]
SOURCE_WEIGHTS = [
    (TaskSource.manual, 70),
    (TaskSource.staged, 10),
    (TaskSource.transcript, 15),
    (TaskSource.import_, 5),
]
CLOSURE_NOTES = {
    TaskStatus.completed: "Done; see the linked change.",
    TaskStatus.canceled: "No longer needed; superseded by a newer plan.",
}
PRIORITIES = [p.value for p in Priority]


def weighted(rng: random.Random, pairs: Sequence[tuple[Any, int]]) -> Callable[[], Any]:
    """A picker that draws values by weight (cumulative weights computed once)."""
    values = [value for value, _ in pairs]
    cum: list[int] = []
    total = 0
    for _, weight in pairs:
        total += weight
        cum.append(total)

    def pick() -> Any:
        return rng.choices(values, cum_weights=cum)[0]

    return pick


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    aliases: tuple[str, ...] = ()
    role: UserRole = UserRole.member


def default_team() -> list[Person]:
    """An admin who owns the bench token, then the twenty people of ``TEAM``."""
    admin = Person("Bench Admin", "bench@example.com", role=UserRole.admin)
    return [admin, *(Person(name, f"{login}@example.com", (login,)) for name, login in TEAM)]


@dataclass(frozen=True)
class Team:
    #: An all-scope API token of the first person, or None when none was asked for.
    token: str | None
    user_ids: list[int]
    people: list[Person] = field(default_factory=list)


def create_team(url: str, people: Sequence[Person], *, issued_by: str | None) -> Team:
    """Migrate, then add ``people`` through the user service and, with ``issued_by`` (the
    token's name), an all-scope token for the first of them."""
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            users = [
                add_user(
                    session,
                    email=person.email,
                    name=person.name,
                    aliases=list(person.aliases),
                    role=person.role,
                )
                for person in people
            ]
            raw: str | None = None
            if issued_by is not None:
                _token, raw = issue_token(session, user=users[0], scopes=ALL_SCOPES, name=issued_by)
            return Team(token=raw, user_ids=[u.id for u in users], people=list(people))
    finally:
        engine.dispose()


@dataclass(frozen=True)
class SeededTasks:
    task_ids: tuple[int, int]
    seconds: float
    labels: int


def seed_tasks(url: str, n_tasks: int, user_ids: Sequence[int], rng: random.Random) -> SeededTasks:
    """``n_tasks`` varied tasks (mostly active; owners, due dates, labels, six months of
    timestamps) with Core bulk inserts; checks the count afterwards."""
    engine = make_engine(url)
    try:
        started = time.perf_counter()
        n_labels = _insert_tasks(engine, n_tasks, list(user_ids), rng)
        seconds = time.perf_counter() - started
        with engine.connect() as conn:
            low, high = conn.execute(select(func.min(Task.id), func.max(Task.id))).one()
            count = conn.scalar(select(func.count()).select_from(Task))
    finally:
        engine.dispose()
    assert count == n_tasks, f"seeded {count} tasks, wanted {n_tasks}"
    return SeededTasks(task_ids=(low, high), seconds=seconds, labels=n_labels)


def _insert_tasks(engine: Engine, n_tasks: int, user_ids: list[int], rng: random.Random) -> int:
    now = utc_now()
    today = now.date()
    horizon = timedelta(days=180).total_seconds()
    pick_status = weighted(rng, STATUS_WEIGHTS)
    pick_priority = weighted(rng, PRIORITY_WEIGHTS)
    pick_source = weighted(rng, SOURCE_WEIGHTS)
    n_labels = 0
    with engine.begin() as conn:
        for start in range(1, n_tasks + 1, SEED_CHUNK):
            tasks: list[dict[str, Any]] = []
            labels: list[dict[str, Any]] = []
            for task_id in range(start, min(start + SEED_CHUNK, n_tasks + 1)):
                created = now - timedelta(seconds=rng.uniform(0, horizon))
                updated = created + (now - created) * rng.random() ** 2
                changed = created + (updated - created) * rng.random()
                status = pick_status()
                final = status in (TaskStatus.completed, TaskStatus.canceled)
                owned = status is TaskStatus.in_progress or rng.random() < 0.55
                due: date | None = None
                if rng.random() < 0.4:
                    due = today + timedelta(days=rng.randint(-30, 60))
                tasks.append(
                    {
                        "id": task_id,
                        "title": f"{rng.choice(VERBS)} {rng.choice(OBJECTS)}{rng.choice(CONTEXTS)}",
                        "description": " ".join(rng.sample(SENTENCES, rng.randint(0, 4))),
                        "status": status,
                        "priority": pick_priority(),
                        "assignee_id": rng.choice(user_ids) if owned else None,
                        "due_date": due,
                        "source": pick_source(),
                        "created_by_id": rng.choice(user_ids),
                        "closure_note": CLOSURE_NOTES.get(status),
                        "closed_at": changed if final else None,
                        "created_at": created,
                        "updated_at": updated,
                        "status_changed_at": changed,
                        "version": 1,
                    }
                )
                if rng.random() < 0.35:
                    for label in rng.sample(LABELS, rng.randint(1, 3)):
                        labels.append({"task_id": task_id, "label": label})
            conn.execute(insert(Base.metadata.tables["tasks"]), tasks)
            if labels:
                conn.execute(insert(Base.metadata.tables["task_labels"]), labels)
            n_labels += len(labels)
        if conn.dialect.name == "postgresql":
            # Explicit ids leave the serial sequence at 1; POST would collide without this.
            conn.execute(
                text("SELECT setval(pg_get_serial_sequence('tasks', 'id'), max(id)) FROM tasks")
            )
            conn.execute(text("ANALYZE"))
    return n_labels
