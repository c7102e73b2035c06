"""Staging benchmark: bulk staging, batch approval and duplicate warnings at scale.

The review queue is fed in bulk (an extractor or an importer posts candidates 1,000 at a
time) and worked in bulk (a reviewer approves a page at a time), so both must keep up with
a realistic backlog; and its duplicate warnings compare every candidate with every open
task, which must not turn into a quadratic scan on a big database. What it measures, on
SQLite by default, on a PostgreSQL server with ``--database-url``, or on both with
``--both``:

A. Throughput, on a fresh, migrated database with a team of users and an all-scope token
   (created in-process) and the real service started as a subprocess (``workitems serve
   --workers 1``):

   - ``POST /api/tasks/staged/bulk``: ``--candidates`` (10,000) realistic candidates (varied
     meeting action items; owners by name, email, id or not at all; due dates; evidence
     quotes; labels) in sequential requests of 1,000, each with its own Idempotency-Key, as
     a retrying client sends them. Prints candidates/s (goal on SQLite: >= 5,000) and the
     per-request p50 and max.
   - The first request again with the same key: a replay, which must stage nothing.
   - ``GET /api/tasks/staged?limit=200`` with the whole batch staged (warnings are computed
     when candidates are read, against every staged candidate).
   - ``POST /api/tasks/staged/review`` approving them all, 1,000 ids per request. Prints
     candidates/s (goal on SQLite: >= 2,000), then checks in the database that exactly one
     task was created per candidate.

B. Duplicate warnings at scale, on a second fresh database: ``--open-tasks`` (100,000) open
   tasks seeded with SQLAlchemy Core bulk inserts (varied titles: systems, artefacts,
   customers, versions, ticket references), then ``--dup-candidates`` (1,000) candidates
   staged in one bulk request, ~10% of them reworded near-duplicates of existing task
   titles. It times the bulk request per candidate and ``GET /api/tasks/staged?limit=200``
   per candidate read: the first page of a fresh server process (which builds the
   process's open-task title index) and then every page warm. It counts the candidates
   with a ``likely_duplicate`` warning: planted ones found, others matched to a task, and
   ones matched only to other staged candidates. The same run at a tenth of the open tasks
   first (``--no-scale-check`` skips it) shows how the cost grows: roughly flat per
   candidate means no scan over all open tasks per candidate.

Finally a one-line summary per database for a closing note, and the exact command.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, insert, select, text

from harness import report
from harness.database import backend_name, fresh_database, shown
from harness.options import add_common, add_database, database_urls, parser_for
from harness.report import fmt_ms, fmt_rps, load_average, print_table
from harness.seed import (
    CONTEXTS,
    LABELS,
    PRIORITY_WEIGHTS,
    SENTENCES,
    TEAM,
    VERBS,
    create_team,
    default_team,
    weighted,
)
from harness.server import CpuMeter, Server, request
from workitems.clock import utc_now
from workitems.db import Base, make_engine
from workitems.staging.enums import ReviewState
from workitems.staging.models import Candidate
from workitems.task.enums import Priority, TaskSource, TaskStatus
from workitems.task.models import Task

BULK_PATH = "/api/tasks/staged/bulk"
REVIEW_PATH = "/api/tasks/staged/review"
LIST_PATH = "/api/tasks/staged"
MAX_BATCH = 1_000  # the bulk and review endpoints' limit
PAGE = 200  # the list endpoint's maximum page
SEED_CHUNK = 5_000
REQUEST_TIMEOUT = 600.0
#: Goals from the issue, on SQLite: candidates per second.
GOALS: dict[str, float] = {"staged": 5_000.0, "approved": 2_000.0}
DUPLICATE = "likely_duplicate"
SEED = 20261125


# --------------------------------------------------------------------------- options


@dataclass(frozen=True)
class Options:
    candidates: int
    open_tasks: int
    dup_candidates: int
    dup_share: float
    scale_check: bool
    idempotency_keys: bool
    database_urls: tuple[str | None, ...]
    log_level: str
    keep: bool
    json_path: Path | None
    check: bool


def parse_args(argv: Sequence[str] | None = None) -> Options:
    parser = parser_for(__doc__)
    parser.add_argument(
        "--candidates", type=int, help="candidates to stage and approve (10000; 2000 with --quick)"
    )
    parser.add_argument(
        "--open-tasks", type=int, help="open tasks for the duplicate check (100000; 10000 quick)"
    )
    parser.add_argument(
        "--dup-candidates",
        type=int,
        help="candidates staged against the open tasks (1000; 200 with --quick)",
    )
    parser.add_argument(
        "--dup-share",
        type=float,
        default=0.10,
        help="share of those that reword an existing task's title (0.10)",
    )
    parser.add_argument(
        "--no-scale-check",
        action="store_true",
        help="skip the duplicate check at a tenth of the open tasks",
    )
    parser.add_argument(
        "--no-idempotency-key",
        action="store_true",
        help="send the bulk requests without Idempotency-Key (and skip the replay)",
    )
    add_database(parser, both=True)
    add_common(parser)
    args = parser.parse_args(argv)
    quick: bool = args.quick
    urls = database_urls(parser, args)
    if not 0 <= args.dup_share <= 1:
        parser.error("--dup-share is a fraction between 0 and 1")
    candidates = args.candidates if args.candidates is not None else (2_000 if quick else 10_000)
    open_tasks = args.open_tasks if args.open_tasks is not None else (10_000 if quick else 100_000)
    dup_candidates = (
        args.dup_candidates if args.dup_candidates is not None else (200 if quick else 1_000)
    )
    if min(candidates, open_tasks, dup_candidates) < 1:
        parser.error("--candidates, --open-tasks and --dup-candidates must be positive")
    return Options(
        candidates=candidates,
        open_tasks=open_tasks,
        dup_candidates=dup_candidates,
        dup_share=args.dup_share,
        scale_check=not args.no_scale_check and open_tasks >= 1_000,
        idempotency_keys=not args.no_idempotency_key,
        database_urls=urls,
        log_level=args.log_level,
        keep=args.keep,
        json_path=args.json,
        check=args.check,
    )


# --------------------------------------------------------------------------- database


@dataclass(frozen=True)
class Team:
    token: str
    user_ids: list[int]
    #: ``(display name, login alias, email)`` of each member.
    members: list[tuple[str, str, str]]


def setup(url: str) -> Team:
    """Migrate, then create the team (with aliases) and an all-scope token."""
    made = create_team(url, default_team(), issued_by="bench/staging.py")
    assert made.token is not None
    members = [(name, login, f"{login}@example.com") for name, login in TEAM]
    return Team(token=made.token, user_ids=made.user_ids, members=members)


# --------------------------------------------------------------------------- data

#: Meeting action items, a vocabulary apart from the seeded tasks' so that only the
#: planted rewordings are meant to look like an existing task.
CANDIDATE_VERBS = [
    "Send",
    "Share",
    "Book",
    "Ask",
    "Confirm",
    "Draft",
    "Set up",
    "Follow up with",
    "Circulate",
    "Check with",
    "Write up",
    "Sort out",
    "Chase",
    "Get quotes for",
    "Finalize",
    "Reply to",
    "Collect",
    "Plan",
]
CANDIDATE_NOUNS = [
    "budget",
    "meeting notes",
    "offsite agenda",
    "venue shortlist",
    "hiring plan",
    "interview feedback",
    "press release",
    "travel approvals",
    "vendor shortlist",
    "renewal quote",
    "demo environment",
    "churn analysis",
    "design mock-ups",
    "board memo",
    "reference calls",
    "forecast",
    "partner agreement",
    "training schedule",
    "tax filing",
    "accessibility audit",
    "interview recordings",
    "launch checklist",
    "pricing results",
    "support rota",
    "handbook page",
    "procurement form",
    "guest list",
    "booth order",
    "localisation files",
    "audit evidence",
    "job description",
    "seating plan",
    "expense report",
    "contract redlines",
    "roadmap one-pager",
    "survey results",
    "case study",
    "webinar slides",
    "invoice dispute",
    "security review",
]
CANDIDATE_MODIFIERS = [
    "",
    "",
    "the",
    "the revised",
    "the draft",
    "the final",
    "the Q3",
    "the Q4",
    "the 2027",
    "the updated",
    "the quarterly",
    "the signed",
    "next month's",
    "the new",
]
#: Project code names are made of these: thousands of distinct words, as real projects,
#: customers and places give a tracker's titles.
SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ren",
    "to",
    "va",
    "sel",
    "dor",
    "qui",
    "fen",
    "ba",
    "tis",
    "ro",
    "mar",
    "lin",
    "ze",
    "cor",
    "pa",
    "nu",
    "vek",
]
CITIES = ["Lisbon", "Berlin", "Tokyo", "Austin", "Nairobi", "Oslo", "Lyon", "Porto", "Dublin"]
TEAMS = [
    "sales team",
    "design team",
    "support team",
    "data team",
    "new starters",
    "leadership offsite",
    "field engineers",
    "partner managers",
]
WHEN_TAILS = ["", "", " before Thursday", " by the end of the month", " after the retro"]
QUOTES = [
    "Can someone {verb} {thing}? I'd like it done {when}.",
    "OK, {owner}, you take that one: {thing}, {when} if possible.",
    "We keep forgetting {thing}; let's make it an action item.",
    "I'll {verb} {thing}, but I need the numbers first.",
    "Action for {owner}: {thing}. Ping me when it's done.",
    "Let's not drop {thing} again, it was on last week's list too.",
]
WHEN = ["by Friday", "this week", "before the launch", "next sprint", "tomorrow", "asap"]
DUE_PHRASES = ["by Friday", "next week", "end of month", "before the launch", "tomorrow"]
EXTRACTOR = ("bench-extractor", "2.1.0")

#: Open-task titles: an action on an artefact of a system, often qualified by a customer,
#: a version, a ticket or a context, as a big tracker's titles are.
SYSTEMS = [
    "billing",
    "invoicing",
    "payroll",
    "search",
    "checkout",
    "SSO",
    "reporting",
    "CRM sync",
    "mobile app",
    "data warehouse",
    "notification service",
    "audit log",
    "feature flags",
    "admin console",
    "public API",
    "webhooks",
    "CDN",
    "email delivery",
    "inventory",
    "shipping",
    "tax engine",
    "analytics pipeline",
    "customer portal",
    "partner portal",
    "job scheduler",
    "image resizer",
    "ledger",
    "refunds",
    "subscriptions",
    "onboarding flow",
    "identity provider",
    "Kubernetes cluster",
    "Postgres replicas",
    "Redis cache",
    "message queue",
    "status page",
    "help centre",
    "chat widget",
    "desktop client",
    "translation memory",
]
ARTEFACTS = [
    "export",
    "dashboard",
    "runbook",
    "alerts",
    "migration",
    "API client",
    "permissions",
    "test suite",
    "release notes",
    "error budget",
    "retry logic",
    "rate limits",
    "backfill job",
    "schema change",
    "load test",
    "SLA report",
    "access review",
    "cost report",
    "on-call handover",
    "incident review",
    "config drift",
    "dependency upgrade",
    "timeouts",
    "data model",
    "onboarding guide",
    "audit trail",
    "capacity plan",
    "deprecation notice",
    "health checks",
    "pagination",
]
COMPANY_A = [
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Stark",
    "Wayne",
    "Hooli",
    "Vandelay",
    "Soylent",
    "Tyrell",
    "Cyberdyne",
    "Wonka",
    "Gringotts",
    "Oceanic",
    "Massive",
    "Northwind",
    "Contoso",
    "Fabrikam",
    "Tailspin",
    "Litware",
    "Adatum",
    "Proseware",
    "Wingtip",
    "Blue Yonder",
    "Lucerne",
]
COMPANY_B = [
    "Logistics",
    "Health",
    "Bank",
    "Retail",
    "Media",
    "Energy",
    "Foods",
    "Labs",
    "Insurance",
    "Airlines",
    "Motors",
    "Pharma",
    "Telecom",
    "Travel",
    "Studios",
    "Capital",
    "Robotics",
    "Farms",
    "Textiles",
    "Games",
]
REGIONS = ["EU", "US-East", "APAC", "LATAM", "UK", "Canada"]
OPEN_STATUS_WEIGHTS = [
    (TaskStatus.unaddressed, 20),
    (TaskStatus.pending, 40),
    (TaskStatus.in_progress, 30),
    (TaskStatus.on_hold, 10),
]
PRIORITIES = [p.value for p in Priority]


def task_title(rng: random.Random) -> str:
    system, artefact = rng.choice(SYSTEMS), rng.choice(ARTEFACTS)
    verb = rng.choice(VERBS)
    if rng.random() < 0.5:
        title = f"{verb} the {system} {artefact}"
    else:
        title = f"{verb} {artefact} for {system}"
    roll = rng.random()
    if roll < 0.30:
        title += f" for {rng.choice(COMPANY_A)} {rng.choice(COMPANY_B)}"
    elif roll < 0.45:
        title += f" (v{rng.randint(2, 6)}.{rng.randint(0, 19)})"
    elif roll < 0.60:
        title += f" (#{rng.randint(1_000, 99_999)})"
    elif roll < 0.70:
        title += f" in {rng.choice(REGIONS)}"
    else:
        title += rng.choice(CONTEXTS)
    return title


def reword(title: str, rng: random.Random) -> str:
    """A near-duplicate as a meeting would restate it: other case, filler, word order,
    a dropped article, or a typo; one or two of them."""

    def lower(t: str) -> str:
        return t.lower()

    def drop_the(t: str) -> str:
        return t.replace(" the ", " ", 1) if " the " in t else t + " again"

    def filler(t: str) -> str:
        return rng.choice(["Please ", "We need to ", "Someone should "]) + t[0].lower() + t[1:]

    def suffix(t: str) -> str:
        return t + rng.choice([" asap", " this week", " (again)", " - follow-up"])

    def typo(t: str) -> str:
        words = t.split()
        long = [i for i, w in enumerate(words) if len(w) > 5 and w.isalpha()]
        if not long:
            return t + " asap"
        i = rng.choice(long)
        w = words[i]
        j = rng.randrange(1, len(w) - 2)
        words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
        return " ".join(words)

    def reorder(t: str) -> str:
        if " for " in t:
            head, tail = t.rsplit(" for ", 1)
            return f"{tail}: {head[0].lower()}{head[1:]}"
        return t

    edits = [lower, drop_the, filler, suffix, typo, reorder]
    for edit in rng.sample(edits, rng.randint(1, 2)):
        title = edit(title)
    return title


def candidate(rng: random.Random, team: Team, today: date) -> dict[str, Any]:
    """A candidate as an extractor posts it, with a fresh meeting-style title."""
    thing = f"{rng.choice(CANDIDATE_MODIFIERS)} {rng.choice(CANDIDATE_NOUNS)}".strip()
    roll = rng.random()
    if roll < 0.35:
        code = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
        tail = f" for Project {code.capitalize()}"
    elif roll < 0.60:
        tail = f" for {rng.choice(COMPANY_A)} {rng.choice(COMPANY_B)}"
    elif roll < 0.80:
        tail = f" for the {rng.choice(CITIES)} {rng.choice(TEAMS)}"
    else:
        tail = f" with {rng.choice(team.members)[0].split()[0]}{rng.choice(WHEN_TAILS)}"
    title = f"{rng.choice(CANDIDATE_VERBS)} {thing}{tail}"
    return decorate({"title": title}, rng, team, today)


def decorate(item: dict[str, Any], rng: random.Random, team: Team, today: date) -> dict[str, Any]:
    """Owner, due date, priority, labels, evidence and confidence, in realistic mixes."""
    name, login, email = rng.choice(team.members)
    roll = rng.random()
    if roll < 0.35:
        item["assignee"] = name.split()[0]  # as heard: "Priya"
    elif roll < 0.50:
        item["assignee"] = email
    elif roll < 0.60:
        item["assignee"] = rng.choice(team.user_ids)
    elif roll < 0.70:
        item["assignee"] = rng.choice(["the designer", "someone from legal", "Alex", "finance"])
    if rng.random() < 0.6:
        item["due"] = (today + timedelta(days=rng.randint(-5, 45))).isoformat()
        if rng.random() < 0.3:
            item["due_phrase"] = rng.choice(DUE_PHRASES)
    if rng.random() < 0.4:
        item["description"] = " ".join(rng.sample(SENTENCES, rng.randint(1, 2)))
    if rng.random() < 0.5:
        item["priority"] = rng.choice(PRIORITIES)
    if rng.random() < 0.4:
        item["labels"] = rng.sample(LABELS, rng.randint(1, 2))
    owner = item.get("assignee") if isinstance(item.get("assignee"), str) else login
    start = rng.uniform(30, 3_300)
    item["evidence"] = [
        {
            "utterance_index": rng.randint(0, 400),
            "speaker": rng.choice(team.members)[0],
            "start": round(start + 9 * n, 1),
            "quote": rng.choice(QUOTES).format(
                verb=rng.choice(CANDIDATE_VERBS).lower(),
                thing=item["title"].split(" ", 1)[-1],
                when=rng.choice(WHEN),
                owner=owner,
            ),
        }
        for n in range(rng.randint(1, 2))
    ]
    item["confidence"] = round(rng.uniform(0.45, 0.99), 2)
    item["extractor"], item["extractor_version"] = EXTRACTOR
    return item


# --------------------------------------------------------------------------- http


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    payload: Any
    seconds: float


def call(
    port: int,
    method: str,
    path: str,
    *,
    token: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Answer:
    """One request on its own connection (loopback connect is ~0.1 ms; no keep-alive to
    lose between steps, and no retried POST). Timed from sending to the last byte read."""
    status, answer_headers, payload, seconds = request(
        port, method, path, token=token, body=body, headers=headers, timeout=REQUEST_TIMEOUT
    )
    return Answer(status, answer_headers, payload, seconds)


def expect(answer: Answer, status: int, what: str) -> Any:
    if answer.status != status:
        raise RuntimeError(f"{what} -> {answer.status}, not {status}: {str(answer.payload)[:500]}")
    return answer.payload


@dataclass
class Step:
    """Sequential requests that each carry ``items`` candidates."""

    label: str
    items: int = 0
    requests_ms: list[float] = field(default_factory=list)
    server_cpu: float | None = None

    @property
    def seconds(self) -> float:
        return sum(self.requests_ms) / 1000

    @property
    def rate(self) -> float:
        return self.items / self.seconds if self.seconds else 0.0

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.requests_ms) if self.requests_ms else 0.0

    @property
    def max_ms(self) -> float:
        return max(self.requests_ms, default=0.0)

    @property
    def ms_per_item(self) -> float:
        return self.seconds * 1000 / self.items if self.items else 0.0


def series(step: Step) -> str:
    return ", ".join(f"{ms:,.0f}" for ms in step.requests_ms)


def start_server(url: str, log_path: Path, log_level: str) -> Server:
    return Server.workitems(url, log_path, log_level=log_level).wait_ready()


def stage_bulk(
    server: Server,
    token: str,
    items: list[dict[str, Any]],
    *,
    label: str,
    keys: list[str] | None,
) -> tuple[Step, list[int], list[bytes]]:
    """Stage ``items`` in requests of up to 1,000; return the step, the ids and the bodies."""
    step = Step(label)
    ids: list[int] = []
    bodies = [
        json.dumps({"candidates": items[i : i + MAX_BATCH]}).encode()
        for i in range(0, len(items), MAX_BATCH)
    ]
    meter = CpuMeter(server)
    for n, body in enumerate(bodies):
        headers = {"Idempotency-Key": keys[n]} if keys else None
        answer = call(server.port, "POST", BULK_PATH, token=token, body=body, headers=headers)
        payload = expect(answer, 200, f"POST {BULK_PATH} #{n + 1}")
        size = len(payload["results"])
        if payload["created"] != size or payload["invalid"]:
            bad = [r for r in payload["results"] if r["status"] != "created"][:3]
            raise RuntimeError(f"bulk #{n + 1}: {payload['created']} of {size} created: {bad}")
        ids.extend(r["id"] for r in payload["results"])
        step.items += size
        step.requests_ms.append(answer.seconds * 1000)
    step.server_cpu = meter.share()
    return step, ids, bodies


def review(
    server: Server, token: str, ids: list[int], *, action: str, label: str, reason: str = ""
) -> Step:
    step = Step(label)
    meter = CpuMeter(server)
    for start in range(0, len(ids), MAX_BATCH):
        chunk = ids[start : start + MAX_BATCH]
        body: dict[str, Any] = {"action": action, "ids": chunk}
        if reason:
            body["reason"] = reason
        answer = call(server.port, "POST", REVIEW_PATH, token=token, body=json.dumps(body).encode())
        payload = expect(answer, 200, f"POST {REVIEW_PATH} ({action})")
        wanted = "approved" if action == "approve" else "rejected"
        failed = [r for r in payload["results"] if r["status"] != wanted]
        if failed:
            raise RuntimeError(f"{len(failed)} of {len(chunk)} not {wanted}: {failed[:3]}")
        step.items += len(chunk)
        step.requests_ms.append(answer.seconds * 1000)
    step.server_cpu = meter.share()
    return step


def read_queue(server: Server, token: str) -> tuple[Step, list[dict[str, Any]]]:
    """Every staged candidate, a page of ``PAGE`` at a time, with its warnings."""
    step = Step(f"GET {LIST_PATH}?limit={PAGE}, all pages")
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    meter = CpuMeter(server)
    while True:
        path = f"{LIST_PATH}?limit={PAGE}" + (f"&cursor={cursor}" if cursor else "")
        answer = call(server.port, "GET", path, token=token)
        payload = expect(answer, 200, f"GET {path}")
        items.extend(payload["items"])
        step.items += len(payload["items"])
        step.requests_ms.append(answer.seconds * 1000)
        cursor = payload["next_cursor"]
        if not cursor:
            break
    step.server_cpu = meter.share()
    return step, items


def warm_up(server: Server, token: str, item: dict[str, Any]) -> None:
    """Stage one candidate and reject it: a fresh process's first write is slower (lazy
    imports, compiled-statement caches), which is not what the figures are about."""
    answer = call(
        server.port,
        "POST",
        BULK_PATH,
        token=token,
        body=json.dumps({"candidates": [item]}).encode(),
    )
    [result] = expect(answer, 200, "warm-up bulk")["results"]
    review(server, token, [result["id"]], action="reject", label="warm-up", reason="warm-up")
    expect(call(server.port, "GET", f"{LIST_PATH}?limit=1", token=token), 200, "warm-up")


def first_page(server: Server, token: str) -> tuple[float, list[dict[str, Any]]]:
    answer = call(server.port, "GET", f"{LIST_PATH}?limit={PAGE}", token=token)
    payload = expect(answer, 200, f"GET {LIST_PATH}?limit={PAGE}")
    return answer.seconds * 1000, payload["items"]


# --------------------------------------------------------------------------- phase A


@dataclass
class PhaseA:
    staged: Step
    approved: Step
    replay_ms: float | None = None
    replay_ok: bool | None = None
    replay_note: str = ""
    staged_in_db_after_replay: int = 0
    list_first_page_ms: float = 0.0
    list_page_items: int = 0
    list_warned: int = 0
    tasks_created: int = 0
    tasks_from_staging: int = 0
    approved_in_db: int = 0
    server_errors: dict[str, int] = field(default_factory=dict)


def phase_a(opts: Options, url: str, workdir: Path, rng: random.Random) -> PhaseA:
    team = setup(url)
    today = utc_now().date()
    items = [candidate(rng, team, today) for _ in range(opts.candidates)]
    run_id = uuid.uuid4().hex[:12]
    n_requests = -(-len(items) // MAX_BATCH)
    keys = (
        [f"bench-staging-{run_id}-{n}" for n in range(n_requests)]
        if opts.idempotency_keys
        else None
    )
    server = start_server(url, workdir / "server-a.log", opts.log_level)
    engine = make_engine(url)
    try:
        warm_up(server, team.token, candidate(rng, team, today))
        print(
            f"  staging {len(items):,} candidates in {n_requests} sequential bulk request(s) of "
            f"up to {MAX_BATCH:,}" + (" with Idempotency-Key" if keys else ""),
            flush=True,
        )
        staged, ids, bodies = stage_bulk(
            server, team.token, items, label=f"POST {BULK_PATH}", keys=keys
        )
        print(
            f"  staged   {staged.items:>7,} in {staged.seconds:6.2f} s = "
            f"{fmt_rps(staged.rate):>6} candidates/s (request p50 {fmt_ms(staged.p50_ms)} ms, "
            f"max {fmt_ms(staged.max_ms)} ms)\n    requests (ms): {series(staged)}",
            flush=True,
        )
        result = PhaseA(staged=staged, approved=Step("review"))
        if keys:
            answer = call(
                server.port,
                "POST",
                BULK_PATH,
                token=team.token,
                body=bodies[0],
                headers={"Idempotency-Key": keys[0]},
            )
            payload = expect(answer, 200, "replay")
            with engine.connect() as conn:
                in_db = conn.scalar(select(func.count()).select_from(Candidate)) or 0
            replayed = answer.headers.get("idempotent-replayed") == "true"
            same_ids = [r["id"] for r in payload["results"]] == ids[: len(payload["results"])]
            result.replay_ms = answer.seconds * 1000
            result.staged_in_db_after_replay = in_db
            # One more candidate in the db: the warm-up's, rejected.
            result.replay_ok = replayed and same_ids and in_db == len(ids) + 1
            result.replay_note = (
                f"Idempotent-Replayed: {answer.headers.get('idempotent-replayed', 'absent')}, "
                f"same ids: {same_ids}, candidates in the db: {in_db:,} (staged {len(ids):,} "
                "+ 1 warm-up)"
            )
            print(
                f"  replay of request 1 (same key): {fmt_ms(result.replay_ms)} ms, "
                f"{result.replay_note}: {'ok' if result.replay_ok else 'WRONG'}",
                flush=True,
            )
        ms, page = first_page(server, team.token)
        result.list_first_page_ms = ms
        result.list_page_items = len(page)
        result.list_warned = sum(1 for c in page if c["warnings"])
        print(
            f"  GET {LIST_PATH}?limit={PAGE} with {len(ids):,} staged: {fmt_ms(ms)} ms "
            f"({fmt_ms(ms / max(1, len(page)))} ms per candidate; {result.list_warned} of "
            f"{len(page)} with warnings)",
            flush=True,
        )
        print(f"  approving them in requests of up to {MAX_BATCH:,} ids", flush=True)
        approved = review(
            server, team.token, ids, action="approve", label=f"POST {REVIEW_PATH} approve"
        )
        result.approved = approved
        print(
            f"  approved {approved.items:>7,} in {approved.seconds:6.2f} s = "
            f"{fmt_rps(approved.rate):>6} candidates/s (request p50 {fmt_ms(approved.p50_ms)} "
            f"ms, max {fmt_ms(approved.max_ms)} ms)\n    requests (ms): {series(approved)}",
            flush=True,
        )
        with engine.connect() as conn:
            result.tasks_created = conn.scalar(select(func.count()).select_from(Task)) or 0
            result.tasks_from_staging = (
                conn.scalar(
                    select(func.count()).select_from(Task).where(Task.source == TaskSource.staged)
                )
                or 0
            )
            result.approved_in_db = (
                conn.scalar(
                    select(func.count())
                    .select_from(Candidate)
                    .where(Candidate.state == ReviewState.approved)
                    .where(Candidate.task_id.is_not(None))
                )
                or 0
            )
        ok = result.tasks_created == result.approved_in_db == len(ids)
        print(
            f"  in the database: {result.tasks_created:,} tasks "
            f"({result.tasks_from_staging:,} with source 'staged'), {result.approved_in_db:,} "
            f"candidates approved with a task: {'ok' if ok else 'WRONG'}",
            flush=True,
        )
        result.server_errors = dict(server.errors_since(0))
        return result
    except BaseException:
        print(f"\nserver log tail:\n{server.log_tail()}", file=sys.stderr)
        raise
    finally:
        engine.dispose()
        server.stop()


# --------------------------------------------------------------------------- phase B


@dataclass
class DupRun:
    open_tasks: int
    seed_seconds: float
    staged: Step
    cold_first_page_ms: float
    cold_first_page_items: int
    warm: Step
    warm_first_page_ms: float
    candidates: int
    planted: int
    planted_found: int
    other_task_matches: int
    candidate_only_matches: int
    with_duplicate_warning: int
    missed_examples: list[str] = field(default_factory=list)
    server_errors: dict[str, int] = field(default_factory=dict)

    @property
    def warm_ms_per_candidate(self) -> float:
        return self.warm.ms_per_item

    @property
    def cold_ms_per_candidate(self) -> float:
        return self.cold_first_page_ms / max(1, self.cold_first_page_items)


def seed_open_tasks(
    engine: Engine,
    first_id: int,
    last_id: int,
    user_ids: list[int],
    rng: random.Random,
    titles: dict[int, str],
) -> None:
    """Open tasks ``first_id..last_id`` with Core bulk inserts; their titles go in ``titles``."""
    now = utc_now()
    today = now.date()
    horizon = timedelta(days=180).total_seconds()
    pick_status = weighted(rng, OPEN_STATUS_WEIGHTS)
    pick_priority = weighted(rng, PRIORITY_WEIGHTS)
    with engine.begin() as conn:
        for start in range(first_id, last_id + 1, SEED_CHUNK):
            tasks: list[dict[str, Any]] = []
            labels: list[dict[str, Any]] = []
            for task_id in range(start, min(start + SEED_CHUNK, last_id + 1)):
                # Not in the last minutes, so a running server's index would see nothing new:
                # the server is started after seeding anyway.
                created = now - timedelta(seconds=rng.uniform(600, horizon))
                updated = created + (now - timedelta(minutes=10) - created) * rng.random() ** 2
                status = pick_status()
                owned = status is TaskStatus.in_progress or rng.random() < 0.6
                due = today + timedelta(days=rng.randint(-30, 60)) if rng.random() < 0.4 else None
                title = task_title(rng)
                titles[task_id] = title
                tasks.append(
                    {
                        "id": task_id,
                        "title": title,
                        "description": " ".join(rng.sample(SENTENCES, rng.randint(0, 3))),
                        "status": status,
                        "priority": pick_priority(),
                        "assignee_id": rng.choice(user_ids) if owned else None,
                        "due_date": due,
                        "source": TaskSource.manual,
                        "created_by_id": rng.choice(user_ids),
                        "created_at": created,
                        "updated_at": updated,
                        "status_changed_at": updated,
                        "version": 1,
                    }
                )
                if rng.random() < 0.3:
                    for label in rng.sample(LABELS, rng.randint(1, 2)):
                        labels.append({"task_id": task_id, "label": label})
            conn.execute(insert(Base.metadata.tables["tasks"]), tasks)
            if labels:
                conn.execute(insert(Base.metadata.tables["task_labels"]), labels)
        if conn.dialect.name == "postgresql":
            conn.execute(
                text("SELECT setval(pg_get_serial_sequence('tasks', 'id'), max(id)) FROM tasks")
            )
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))


def dup_candidates(
    opts: Options, rng: random.Random, team: Team, titles: dict[int, str], pool_ids: int
) -> tuple[list[dict[str, Any]], dict[int, int]]:
    """The batch, and for each planted near-duplicate (by index) the task it rewords; the
    planted ones reword tasks among the first ``pool_ids``, which exist at every size."""
    today = utc_now().date()
    planted_n = round(opts.dup_candidates * opts.dup_share)
    planted_at = set(rng.sample(range(opts.dup_candidates), planted_n))
    items: list[dict[str, Any]] = []
    planted: dict[int, int] = {}
    for index in range(opts.dup_candidates):
        if index in planted_at:
            task_id = rng.randint(1, pool_ids)
            planted[index] = task_id
            items.append(decorate({"title": reword(titles[task_id], rng)}, rng, team, today))
        else:
            items.append(candidate(rng, team, today))
    return items, planted


def dup_run(
    opts: Options,
    url: str,
    workdir: Path,
    team: Team,
    open_tasks: int,
    seed_seconds: float,
    items: list[dict[str, Any]],
    planted: dict[int, int],
    titles: dict[int, str],
) -> DupRun:
    # A fresh process: its open-task index is built by the first read, as after a deploy.
    server = start_server(url, workdir / f"server-b-{open_tasks}.log", opts.log_level)
    try:
        warm_up(server, team.token, candidate(random.Random(open_tasks), team, utc_now().date()))
        staged, ids, _ = stage_bulk(server, team.token, items, label=f"POST {BULK_PATH}", keys=None)
        cold_ms, cold_items = first_page(server, team.token)
        read_queue(server, team.token)  # one warm pass, then the measured one
        warm, queue = read_queue(server, team.token)
        warm_first_ms, _ = first_page(server, team.token)
        by_id = {c["id"]: c for c in queue}
        planted_found = other_task = candidate_only = with_warning = 0
        for index, candidate_id in enumerate(ids):
            found = by_id.get(candidate_id)
            if found is None:
                continue
            dups = [w for w in found["warnings"] if w["code"] == DUPLICATE]
            if not dups:
                continue
            with_warning += 1
            matches = [m for w in dups for m in (w.get("matches") or [])]
            tasks = [m for m in matches if m.get("kind") == "task"]
            if index in planted:
                target = planted[index]
                if any(m["id"] == target or m.get("title") == titles[target] for m in tasks):
                    planted_found += 1
                    continue
            elif tasks:
                other_task += 1
            else:
                candidate_only += 1
        missed = [
            f"{by_id[ids[index]]['title']!r} (rewords WI-{target} {titles[target]!r}; "
            f"warned: {[w['code'] for w in by_id[ids[index]]['warnings']]})"
            for index, target in planted.items()
            if ids[index] in by_id
            and not any(
                m.get("kind") == "task" and (m["id"] == target or m.get("title") == titles[target])
                for w in by_id[ids[index]]["warnings"]
                if w["code"] == DUPLICATE
                for m in w.get("matches") or []
            )
        ]
        # Leave the queue empty for the next size.
        review(server, team.token, ids, action="reject", label="reject", reason="bench clean-up")
        return DupRun(
            open_tasks=open_tasks,
            seed_seconds=seed_seconds,
            staged=staged,
            cold_first_page_ms=cold_ms,
            cold_first_page_items=len(cold_items),
            warm=warm,
            warm_first_page_ms=warm_first_ms,
            candidates=len(ids),
            planted=len(planted),
            planted_found=planted_found,
            other_task_matches=other_task,
            candidate_only_matches=candidate_only,
            with_duplicate_warning=with_warning,
            missed_examples=missed[:3],
            server_errors=dict(server.errors_since(0)),
        )
    except BaseException:
        print(f"\nserver log tail:\n{server.log_tail()}", file=sys.stderr)
        raise
    finally:
        server.stop()


def phase_b(opts: Options, url: str, workdir: Path, rng: random.Random) -> list[DupRun]:
    team = setup(url)
    sizes = [opts.open_tasks // 10, opts.open_tasks] if opts.scale_check else [opts.open_tasks]
    titles: dict[int, str] = {}
    engine = make_engine(url)
    runs: list[DupRun] = []
    try:
        seeded = 0
        items: list[dict[str, Any]] = []
        planted: dict[int, int] = {}
        for size in sizes:
            started = time.perf_counter()
            seed_open_tasks(engine, seeded + 1, size, team.user_ids, rng, titles)
            seed_seconds = time.perf_counter() - started
            seeded = size
            with engine.connect() as conn:
                count = conn.scalar(select(func.count()).select_from(Task)) or 0
            assert count == size, f"seeded {count} tasks, wanted {size}"
            print(f"  seeded {size:,} open tasks ({seed_seconds:.1f} s)", flush=True)
            if not items:
                items, planted = dup_candidates(opts, rng, team, titles, sizes[0])
            run = dup_run(opts, url, workdir, team, size, seed_seconds, items, planted, titles)
            runs.append(run)
            print_dup_run(run)
    finally:
        engine.dispose()
    return runs


def print_dup_run(run: DupRun) -> None:
    print(
        f"  at {run.open_tasks:,} open tasks, {run.candidates:,} candidates "
        f"({run.planted} rewording a task):\n"
        f"    bulk staging      {run.staged.seconds * 1000:8.1f} ms = "
        f"{run.staged.ms_per_item:.3f} ms per candidate ({fmt_rps(run.staged.rate)}/s)\n"
        f"    first page, cold  {run.cold_first_page_ms:8.1f} ms = "
        f"{run.cold_ms_per_candidate:.3f} ms per candidate "
        f"(includes building the process's open-task index)\n"
        f"    all pages, warm   {run.warm.seconds * 1000:8.1f} ms = "
        f"{run.warm_ms_per_candidate:.3f} ms per candidate ({len(run.warm.requests_ms)} pages, "
        f"first {fmt_ms(run.warm_first_page_ms)} ms)\n"
        f"    {DUPLICATE}: {run.with_duplicate_warning} of {run.candidates}: "
        f"{run.planted_found} of {run.planted} planted found, {run.other_task_matches} other "
        f"candidates matched to a task, {run.candidate_only_matches} matched only to other "
        "staged candidates",
        flush=True,
    )
    for example in run.missed_examples:
        print(f"    planted, not found: {example}", flush=True)
    if run.with_duplicate_warning == 0:
        print(
            f"    no candidate got a {DUPLICATE} warning: the duplicate check is missing from "
            "this build or found nothing",
            flush=True,
        )


# --------------------------------------------------------------------------- report


@dataclass
class BackendResult:
    backend: str
    url: str
    a: PhaseA
    b: list[DupRun]


def verdict(backend: str, key: str, rate: float) -> str:
    goal = GOALS[key]
    if backend != "SQLite":
        return f"SQLite goal {goal:,.0f}"
    return f"goal {goal:,.0f}, {'ok' if rate >= goal else 'MISS'}"


def print_tables(results: list[BackendResult]) -> None:
    rows: list[list[str]] = []
    for r in results:
        for key, step in (("staged", r.a.staged), ("approved", r.a.approved)):
            rows.append(
                [
                    r.backend,
                    step.label,
                    f"{step.items:,}",
                    f"{step.seconds:.2f}",
                    fmt_rps(step.rate),
                    fmt_ms(step.p50_ms),
                    fmt_ms(step.max_ms),
                    "-" if step.server_cpu is None else f"{step.server_cpu * 100:.0f}%",
                    verdict(r.backend, key, step.rate),
                ]
            )
    print()
    print_table(
        ["db", "step", "candidates", "s", "cand/s", "p50 ms", "max ms", "srv cpu", "result"], rows
    )
    rows = []
    for r in results:
        for run in r.b:
            rows.append(
                [
                    r.backend,
                    f"{run.open_tasks:,}",
                    f"{run.candidates:,}",
                    f"{run.staged.ms_per_item:.3f}",
                    f"{run.cold_ms_per_candidate:.3f}",
                    f"{run.warm_ms_per_candidate:.3f}",
                    f"{run.with_duplicate_warning}",
                    f"{run.planted_found}/{run.planted}",
                    f"{run.other_task_matches}",
                    f"{run.candidate_only_matches}",
                ]
            )
    print()
    print_table(
        [
            "db",
            "open tasks",
            "cands",
            "stage ms/cand",
            "read cold ms/cand",
            "read warm ms/cand",
            "dup warned",
            "planted found",
            "other->task",
            "cand only",
        ],
        rows,
    )


def figures(r: BackendResult) -> dict[str, Any]:
    """The derived figures (rates, per-candidate times) for the JSON report."""

    def step(s: Step) -> dict[str, Any]:
        return {
            "candidates": s.items,
            "seconds": s.seconds,
            "per_second": s.rate,
            "ms_per_candidate": s.ms_per_item,
            "request_p50_ms": s.p50_ms,
            "request_max_ms": s.max_ms,
            "server_cpu": s.server_cpu,
        }

    return {
        "backend": r.backend,
        "staged": step(r.a.staged),
        "approved": step(r.a.approved),
        "replay_ms": r.a.replay_ms,
        "replay_ok": r.a.replay_ok,
        "duplicates": [
            {
                "open_tasks": run.open_tasks,
                "staging_ms_per_candidate": run.staged.ms_per_item,
                "read_cold_ms_per_candidate": run.cold_ms_per_candidate,
                "read_warm_ms_per_candidate": run.warm_ms_per_candidate,
                "with_duplicate_warning": run.with_duplicate_warning,
                "planted": run.planted,
                "planted_found": run.planted_found,
            }
            for run in r.b
        ],
    }


def summary_line(opts: Options, r: BackendResult) -> str:
    a = r.a
    parts = [
        f"staged {a.staged.items:,} in {a.staged.seconds:.2f} s = {fmt_rps(a.staged.rate)}/s "
        f"({verdict(r.backend, 'staged', a.staged.rate)}), request p50 "
        f"{fmt_ms(a.staged.p50_ms)} ms",
        f"approved {fmt_rps(a.approved.rate)}/s "
        f"({verdict(r.backend, 'approved', a.approved.rate)}), request p50 "
        f"{fmt_ms(a.approved.p50_ms)} ms; {a.tasks_created:,} tasks created",
    ]
    if a.replay_ms is not None:
        parts.append(
            f"replay {fmt_ms(a.replay_ms)} ms, "
            + ("nothing staged" if a.replay_ok else "WRONG: " + a.replay_note)
        )
    for run in r.b:
        parts.append(
            f"at {run.open_tasks:,} open tasks: staging {run.staged.ms_per_item:.2f} ms, "
            f"reading with warnings {run.warm_ms_per_candidate:.2f} ms per candidate "
            f"(first page after start {run.cold_ms_per_candidate:.2f}), {DUPLICATE} on "
            f"{run.with_duplicate_warning} of {run.candidates} ({run.planted_found}/{run.planted} "
            "planted found)"
        )
    return f"bench/staging.py: {r.backend}: " + "; ".join(parts) + "."


def run(opts: Options) -> int:
    started_at = utc_now()
    print(
        f"bench/staging.py started {started_at:%Y-%m-%d %H:%M:%S} UTC on {os.cpu_count()} CPUs; "
        f"load average {load_average()}"
    )
    print(f"versions: {report.versions()}")
    workdir = Path(tempfile.mkdtemp(prefix="workitems-bench-staging-"))
    results: list[BackendResult] = []
    errors = 0
    try:
        for server_url in opts.database_urls:
            with fresh_database(server_url, workdir, "staging_a", keep=opts.keep) as url:
                backend = backend_name(url)
                where = shown(url)
                print(f"\n== {backend}: A. bulk staging and approval ({where}) ==", flush=True)
                # The same data on every database, whatever ran before.
                a = phase_a(opts, url, workdir, random.Random(SEED))
            with fresh_database(server_url, workdir, "staging_b", keep=opts.keep) as url:
                print(
                    f"\n== {backend}: B. duplicate warnings with {opts.open_tasks:,} open tasks ==",
                    flush=True,
                )
                b = phase_b(opts, url, workdir, random.Random(SEED + 1))
            results.append(BackendResult(backend, where, a, b))
            logged = dict(a.server_errors)
            for each in b:
                for kind, count in each.server_errors.items():
                    logged[kind] = logged.get(kind, 0) + count
            if logged:
                errors += sum(logged.values())
                print(f"\nthe server logged {sum(logged.values())} unhandled error(s):")
                for kind, count in logged.items():
                    print(f"  {count} x {kind}")
            if a.replay_ok is False or a.tasks_created != a.staged.items:
                errors += 1
        print_tables(results)
        print(f"\nload average at the end: {load_average()} (other work on the machine skews)")
        print("\nsummary:")
        for r in results:
            print(summary_line(opts, r))
        print(f"command: {report.command()}")
        if opts.json_path is not None:
            report.write_json(
                opts.json_path,
                {
                    "started_at": started_at.isoformat(),
                    "options": {k: str(v) for k, v in asdict(opts).items()},
                    "results": [asdict(r) for r in results],
                    "figures": [figures(r) for r in results],
                    "summary": [summary_line(opts, r) for r in results],
                    "goals": GOALS,
                },
            )
    finally:
        if opts.keep:
            print(f"kept {workdir} (staging_a.db, staging_b.db, server logs)")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    if errors:
        return 1
    sqlite = [r for r in results if r.backend == "SQLite"]
    missed = any(
        r.a.staged.rate < GOALS["staged"] or r.a.approved.rate < GOALS["approved"] for r in sqlite
    )
    return 2 if missed and opts.check else 0


def main(argv: Sequence[str] | None = None) -> int:
    return run(parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
