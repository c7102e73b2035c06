"""Named queries over candidates.

The review queue is read oldest first (a queue is worked in arrival order), keyset on the id,
so a page is as cheap at the end of the queue as at its start.

Reads that only answer a request (a candidate by id, a page of the queue) come back as
``CandidateRow``: the candidate's columns and the two users' id, email and name (and
whether the assignee is active, which a warning needs) joined in, built from plain rows
as ``task/repository.py`` does for ``TaskRow``. Writes still load ``Candidate``.
"""

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from workitems.paging import Page, Part, decode_cursor, encode_cursor
from workitems.staging.enums import CandidateSource, ReviewState
from workitems.staging.models import Candidate
from workitems.task.enums import Priority
from workitems.task.models import task_key
from workitems.task.repository import PersonRef
from workitems.user.models import User

_CURSOR_KIND = "candidates"


@dataclass(frozen=True, slots=True)
class Assignee:
    """A candidate's resolved owner as responses and warnings see them."""

    id: int
    email: str
    name: str
    is_active: bool

    @property
    def display_name(self) -> str:
        """As ``User`` calls it."""
        return self.name


@dataclass(frozen=True, slots=True)
class CandidateRow:
    """A candidate as a response shows it, read from plain rows (see the module docstring)."""

    id: int
    title: str
    description: str
    assignee_raw: str | None
    due_date: date | None
    due_phrase: str | None
    priority: Priority
    labels: list[str]
    source: CandidateSource
    transcript_id: int | None
    evidence: list[dict[str, Any]]
    confidence: float | None
    commitment: str | None
    extractor: str | None
    extractor_version: str | None
    state: ReviewState
    snoozed_until: date | None
    reviewed_at: datetime | None
    reason: str | None
    task_id: int | None
    created_at: datetime
    updated_at: datetime
    version: int
    assignee: Assignee | None
    reviewer: PersonRef | None

    @property
    def task_key(self) -> str | None:
        return None if self.task_id is None else task_key(self.task_id)


_ROW_COLUMNS = (
    Candidate.id,
    Candidate.title,
    Candidate.description,
    Candidate.assignee_raw,
    Candidate.due_date,
    Candidate.due_phrase,
    Candidate.priority,
    Candidate.labels,
    Candidate.source,
    Candidate.transcript_id,
    Candidate.evidence,
    Candidate.confidence,
    Candidate.commitment,
    Candidate.extractor,
    Candidate.extractor_version,
    Candidate.state,
    Candidate.snoozed_until,
    Candidate.reviewed_at,
    Candidate.reason,
    Candidate.task_id,
    Candidate.created_at,
    Candidate.updated_at,
    Candidate.version,
)


@functools.cache
def _row_select() -> Select[Any]:
    """Every ``CandidateRow`` column in one statement, the two users joined in."""
    assignee = aliased(User, name="assignee")
    reviewer = aliased(User, name="reviewer")
    return (
        select(
            *_ROW_COLUMNS,
            assignee.id,
            assignee.email,
            assignee.display_name,
            assignee.is_active,
            reviewer.id,
            reviewer.email,
            reviewer.display_name,
        )
        .outerjoin(assignee, assignee.id == Candidate.assignee_id)
        .outerjoin(reviewer, reviewer.id == Candidate.reviewer_id)
    )


def _candidate_row(row: Any) -> CandidateRow:
    (
        candidate_id, title, description, assignee_raw, due_date, due_phrase, priority,
        labels, source, transcript_id, evidence, confidence, commitment, extractor,
        extractor_version, state, snoozed_until, reviewed_at, reason, task_id, created_at,
        updated_at, version, a_id, a_email, a_name, a_active, r_id, r_email, r_name,
    ) = row  # fmt: skip
    return CandidateRow(
        candidate_id, title, description, assignee_raw, due_date, due_phrase, priority,
        labels, source, transcript_id, evidence, confidence, commitment, extractor,
        extractor_version, state, snoozed_until, reviewed_at, reason, task_id, created_at,
        updated_at, version,
        Assignee(a_id, a_email, a_name, a_active) if a_id is not None else None,
        PersonRef(r_id, r_email, r_name) if r_id is not None else None,
    )  # fmt: skip


def find_row(session: Session, candidate_id: int) -> CandidateRow | None:
    row = session.execute(_row_select().where(Candidate.id == candidate_id)).first()
    return None if row is None else _candidate_row(row)


def find(session: Session, candidate_id: int, *, lock: bool = False) -> Candidate | None:
    """The candidate, or ``None``; ``lock`` takes its row lock for a review action."""
    query = select(Candidate).where(Candidate.id == candidate_id)
    if lock:
        query = query.with_for_update(of=Candidate)
    return session.scalar(query)


def lock_many(session: Session, ids: Sequence[int]) -> dict[int, Candidate]:
    """Lock the candidates that exist among ``ids``, by id. Always in id order: one lock
    order for every batch, so two batches never deadlock."""
    rows = session.scalars(
        select(Candidate)
        .where(Candidate.id.in_(sorted(set(ids))))
        .order_by(Candidate.id)
        .with_for_update(of=Candidate)
    ).unique()
    return {candidate.id: candidate for candidate in rows}


def waiting(today: date) -> ColumnElement[bool]:
    """Candidates in the review queue: staged, or snoozed until a day that has come."""
    return or_(
        Candidate.state == ReviewState.staged,
        and_(Candidate.state == ReviewState.snoozed, Candidate.snoozed_until <= today),
    )


def list_page(
    session: Session,
    *,
    states: Sequence[ReviewState],
    today: date,
    source: CandidateSource | None = None,
    transcript_id: int | None = None,
    cursor: str | None = None,
    limit: int,
) -> Page[Candidate]:
    """A page, oldest first.

    Asking for ``staged`` without ``snoozed`` includes snoozes that have run out: from
    that day the candidate is back in the queue."""
    query = _page_query(select(Candidate), states, today, source, transcript_id, cursor)
    rows = session.scalars(query.limit(limit + 1)).unique().all()
    if len(rows) <= limit:
        return Page(rows)
    return Page(rows[:limit], cursor_after(rows[limit - 1]))


def list_rows(
    session: Session,
    *,
    states: Sequence[ReviewState],
    today: date,
    source: CandidateSource | None = None,
    transcript_id: int | None = None,
    cursor: str | None = None,
    limit: int,
) -> Page[CandidateRow]:
    """``list_page`` as ``CandidateRow``s."""
    query = _page_query(_row_select(), states, today, source, transcript_id, cursor)
    rows = [_candidate_row(row) for row in session.execute(query.limit(limit + 1))]
    if len(rows) <= limit:
        return Page(rows)
    return Page(rows[:limit], cursor_after(rows[limit - 1]))


def _page_query(
    query: Select[Any],
    states: Sequence[ReviewState],
    today: date,
    source: CandidateSource | None,
    transcript_id: int | None,
    cursor: str | None,
) -> Select[Any]:
    wanted = set(states)
    condition: ColumnElement[bool] = Candidate.state.in_(sorted(wanted))
    if ReviewState.staged in wanted and ReviewState.snoozed not in wanted:
        condition = or_(
            condition,
            and_(Candidate.state == ReviewState.snoozed, Candidate.snoozed_until <= today),
        )
    query = query.where(condition)
    if source is not None:
        query = query.where(Candidate.source == source)
    if transcript_id is not None:
        query = query.where(Candidate.transcript_id == transcript_id)
    if cursor is not None:
        [after_id] = decode_cursor(cursor, _CURSOR_KIND, Part.id)
        query = query.where(Candidate.id > after_id)
    return query.order_by(Candidate.id)


def cursor_after(candidate: Candidate | CandidateRow) -> str:
    """The cursor of the page that starts after ``candidate``."""
    return encode_cursor(_CURSOR_KIND, candidate.id)


def count_waiting(session: Session, *, today: date) -> dict[CandidateSource, int]:
    """Candidates waiting for review by where they came from (every source present, so a
    chart keeps its rows)."""
    counts = dict.fromkeys(CandidateSource, 0)
    for source, count in session.execute(
        select(Candidate.source, func.count()).where(waiting(today)).group_by(Candidate.source)
    ):
        counts[source] = count
    return counts


def staged_titles(session: Session) -> Sequence[tuple[int, str]]:
    """``(id, title)`` of every staged candidate: what a new candidate may duplicate."""
    rows = session.execute(
        select(Candidate.id, Candidate.title).where(Candidate.state == ReviewState.staged)
    )
    return [(candidate_id, title) for candidate_id, title in rows]


def from_extractor(
    session: Session, transcript_id: int, *, extractor: str, version: str
) -> list[Candidate]:
    """What one extractor version staged from a transcript, oldest first (in any state)."""
    query = (
        select(Candidate)
        .where(Candidate.transcript_id == transcript_id)
        .where(Candidate.extractor == extractor)
        .where(Candidate.extractor_version == version)
        .order_by(Candidate.id)
    )
    return list(session.scalars(query).unique())
