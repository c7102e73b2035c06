"""Intake and edits: staging candidates one at a time or in bulk, reading them back, and
the rules of an edit (owner resolution included).

Reviewing them (and editing one under review, which takes the review lock) is
``review.py``; their warnings are ``attention.py``; their queries are ``repository.py``.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError as PydanticValidationError
from sqlalchemy.orm import Session

from workitems.clock import utc_now, utc_today
from workitems.errors import NotFoundError, ValidationError
from workitems.notify.enums import EventType
from workitems.paging import Page
from workitems.staging import repository
from workitems.staging.emit import emit_candidates
from workitems.staging.enums import CandidateSource, ReviewState
from workitems.staging.models import Candidate
from workitems.staging.schemas import CandidateIn, CandidateUpdate
from workitems.user import repository as users_repository
from workitems.user.models import User
from workitems.user.resolve import match_person

MAX_PAGE = 200


def stage_candidate(
    session: Session,
    data: CandidateIn,
    *,
    actor_id: int | None,
    source: CandidateSource = CandidateSource.manual,
) -> Candidate:
    candidate = _new_candidate(session, data, actor_id=actor_id, source=source)
    session.add(candidate)
    session.flush()
    emit_candidates(session, EventType.candidate_staged, [candidate], actor_id=actor_id)
    return candidate


@dataclass
class BulkItem:
    index: int
    candidate: Candidate | None = None
    errors: list[dict[str, str]] = field(default_factory=list)


def stage_many(
    session: Session,
    items: Sequence[Any],
    *,
    actor_id: int | None,
    atomic: bool,
    source: CandidateSource = CandidateSource.bulk,
) -> list[BulkItem]:
    """Validate every item, then stage the valid ones in one flush.

    With ``atomic`` nothing is staged unless every item is valid. Owners are resolved
    against users loaded once, so the cost is a few queries whatever the batch size.
    """
    results = [BulkItem(index=i) for i in range(len(items))]
    parsed: dict[int, CandidateIn] = {}
    for result, raw in zip(results, items, strict=True):
        try:
            parsed[result.index] = CandidateIn.model_validate(raw)
        except PydanticValidationError as error:
            result.errors = [
                {"field": ".".join(str(p) for p in e["loc"]) or "item", "message": e["msg"]}
                for e in error.errors()
            ]
    all_users = {u.id: u for u in users_repository.list_all(session)}
    for index, data in parsed.items():
        if isinstance(data.assignee, int) and data.assignee not in all_users:
            results[index].errors = [
                {"field": "assignee", "message": f"User {data.assignee} does not exist."}
            ]
    if atomic and any(r.errors for r in results):
        return results
    active = [u for u in all_users.values() if u.is_active]
    for result in results:
        if not result.errors:
            result.candidate = _new_candidate(
                session,
                parsed[result.index],
                actor_id=actor_id,
                source=source,
                users=(all_users, active),
            )
    staged = [r.candidate for r in results if r.candidate is not None]
    session.add_all(staged)
    session.flush()
    emit_candidates(session, EventType.candidate_staged, staged, actor_id=actor_id)
    return results


def _new_candidate(
    session: Session,
    data: CandidateIn,
    *,
    actor_id: int | None,
    source: CandidateSource,
    users: tuple[dict[int, User], Sequence[User]] | None = None,
) -> Candidate:
    now = utc_now()
    candidate = Candidate(
        title=data.title,
        description=data.description,
        due_date=data.due,
        due_phrase=data.due_phrase,
        priority=data.priority,
        labels=list(dict.fromkeys(data.labels)),
        source=data.source or source,
        transcript_id=data.transcript_id,
        evidence=[item.model_dump(mode="json") for item in data.evidence],
        confidence=data.confidence,
        commitment=data.commitment,
        extractor=data.extractor,
        extractor_version=data.extractor_version,
        state=ReviewState.staged,
        created_by_id=actor_id,
        created_at=now,
        updated_at=now,
    )
    _set_owner(session, candidate, data.assignee, users=users)
    if data.assignee_heard and data.assignee is not None:
        candidate.assignee_raw = data.assignee_heard
    return candidate


def get_candidate(session: Session, candidate_id: int, *, lock: bool = False) -> Candidate:
    candidate = repository.find(session, candidate_id, lock=lock)
    if candidate is None:
        raise NotFoundError(f"Candidate {candidate_id} does not exist.")
    return candidate


def get_candidate_row(session: Session, candidate_id: int) -> repository.CandidateRow:
    """``get_candidate`` as a plain row, for an answer that changes nothing."""
    row = repository.find_row(session, candidate_id)
    if row is None:
        raise NotFoundError(f"Candidate {candidate_id} does not exist.")
    return row


def list_candidate_rows(
    session: Session,
    *,
    states: Sequence[ReviewState] = (ReviewState.staged,),
    source: CandidateSource | None = None,
    transcript_id: int | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[repository.CandidateRow]:
    """``list_candidates`` as plain rows."""
    _check_limit(limit)
    return repository.list_rows(
        session,
        states=states,
        today=utc_today(),
        source=source,
        transcript_id=transcript_id,
        cursor=cursor,
        limit=limit,
    )


def _check_limit(limit: int) -> None:
    if not 1 <= limit <= MAX_PAGE:
        raise ValidationError(f"limit must be between 1 and {MAX_PAGE}.", field="limit")


def list_candidates(
    session: Session,
    *,
    states: Sequence[ReviewState] = (ReviewState.staged,),
    source: CandidateSource | None = None,
    transcript_id: int | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[Candidate]:
    """Oldest first (a review queue is worked in arrival order); snoozes that have run
    out count as staged."""
    _check_limit(limit)
    return repository.list_page(
        session,
        states=states,
        today=utc_today(),
        source=source,
        transcript_id=transcript_id,
        cursor=cursor,
        limit=limit,
    )


def count_waiting(session: Session) -> dict[CandidateSource, int]:
    """Candidates waiting for review today, by where they came from."""
    return repository.count_waiting(session, today=utc_today())


def apply_changes(session: Session, candidate: Candidate, changes: CandidateUpdate) -> None:
    """Apply an edit's sent fields (``null`` clears, except for title and priority);
    the caller holds the candidate's lock."""
    sent = changes.model_fields_set
    for name in ("title", "priority"):
        if name in sent and getattr(changes, name) is None:
            raise ValidationError(f"{name} cannot be null.", field=name)
    simple = {
        "title": "title",
        "description": "description",
        "due": "due_date",
        "due_phrase": "due_phrase",
        "priority": "priority",
    }
    for name, column in simple.items():
        if name in sent:
            value = getattr(changes, name)
            setattr(candidate, column, "" if name == "description" and value is None else value)
    if "labels" in sent:
        candidate.labels = list(dict.fromkeys(changes.labels or []))
    if "assignee" in sent:
        _set_owner(session, candidate, changes.assignee)
    candidate.updated_at = utc_now()
    session.flush()


def _set_owner(
    session: Session,
    candidate: Candidate,
    ref: int | str | None,
    *,
    users: tuple[dict[int, User], Sequence[User]] | None = None,
) -> None:
    """Resolve an owner with the person resolver only when it names one person; otherwise
    keep the raw name, and the warnings show the ranked matches. Never a silent guess: a
    name heard in a meeting ("the designers") is review material, not an error. ``users``
    (everyone by id, and the active ones) saves the queries when staging many."""
    candidate.assignee_raw = None
    candidate.assignee = None
    if ref is None:
        return
    if isinstance(ref, int):
        user = users[0].get(ref) if users else session.get(User, ref)
        if user is None:
            raise ValidationError(f"User {ref} does not exist.", field="assignee")
        candidate.assignee = user
        return
    candidate.assignee_raw = ref
    if "@" in ref:
        email = users_repository.normalize_email(ref)
        if users:
            candidate.assignee = next((u for u in users[0].values() if u.email == email), None)
        else:
            candidate.assignee = users_repository.find_by_email(session, email)
        return
    candidate.assignee = match_person(users[1] if users else _active(session), ref).user


def _active(session: Session) -> Sequence[User]:
    return users_repository.list_all(session, active_only=True)
