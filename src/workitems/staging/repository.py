"""Named queries over candidates.

The review queue is read oldest first (a queue is worked in arrival order), keyset on the id,
so a page is as cheap at the end of the queue as at its start.
"""

from collections.abc import Sequence
from datetime import date

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from workitems.paging import Page, Part, decode_cursor, encode_cursor
from workitems.staging.enums import CandidateSource, ReviewState
from workitems.staging.models import Candidate

_CURSOR_KIND = "candidates"


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
    wanted = set(states)
    condition: ColumnElement[bool] = Candidate.state.in_(sorted(wanted))
    if ReviewState.staged in wanted and ReviewState.snoozed not in wanted:
        condition = or_(
            condition,
            and_(Candidate.state == ReviewState.snoozed, Candidate.snoozed_until <= today),
        )
    query = select(Candidate).where(condition)
    if source is not None:
        query = query.where(Candidate.source == source)
    if transcript_id is not None:
        query = query.where(Candidate.transcript_id == transcript_id)
    if cursor is not None:
        [after_id] = decode_cursor(cursor, _CURSOR_KIND, Part.id)
        query = query.where(Candidate.id > after_id)
    rows = session.scalars(query.order_by(Candidate.id).limit(limit + 1)).unique().all()
    if len(rows) <= limit:
        return Page(rows)
    return Page(rows[:limit], cursor_after(rows[limit - 1]))


def cursor_after(candidate: Candidate) -> str:
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
