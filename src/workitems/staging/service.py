"""Staging, editing and reviewing candidates.

Nothing reaches active work unreviewed: a task is only created by ``approve_candidate``,
in the same transaction that marks the candidate approved. Review actions lock the
candidate row (``FOR UPDATE`` on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite), so two
reviewers approving at once create exactly one task; the second gets ``ConflictError``
naming it.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from workitems.clock import utc_now, utc_today
from workitems.errors import (
    ConflictError,
    NotFoundError,
    StaleVersionError,
    ValidationError,
    WorkitemsError,
)
from workitems.staging.duplicates import (
    SHORTLIST,
    THRESHOLD,
    TaskTitleCache,
    TitleIndex,
    normalize,
    similarity,
)
from workitems.staging.enums import CandidateSource, ReviewAction, ReviewState
from workitems.staging.models import Candidate
from workitems.staging.schemas import CandidateIn, CandidateUpdate
from workitems.staging.warnings import (
    OwnerResolution,
    ReviewWarning,
    compute_warnings,
    duplicate_warning,
)
from workitems.task import repository as task_repository
from workitems.task.enums import TaskSource
from workitems.task.models import KEY_PREFIX
from workitems.task.schemas import TaskCreate
from workitems.task.service import add_comment, create_tasks, get_task
from workitems.task.status import ACTIVE_STATUSES
from workitems.user import repository as users_repository
from workitems.user.models import User
from workitems.user.service import rank_matches

MAX_PAGE = 200
REVIEWABLE = (ReviewState.staged, ReviewState.snoozed)
_TASK_SOURCE = {
    CandidateSource.transcript: TaskSource.transcript,
    CandidateSource.import_: TaskSource.import_,
}


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
    session.add_all([r.candidate for r in results if r.candidate is not None])
    session.flush()
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
    return candidate


def get_candidate(session: Session, candidate_id: int, *, lock: bool = False) -> Candidate:
    query = select(Candidate).where(Candidate.id == candidate_id)
    if lock:
        query = query.with_for_update(of=Candidate)
    candidate = session.scalar(query)
    if candidate is None:
        raise NotFoundError(f"Candidate {candidate_id} does not exist.")
    return candidate


def list_candidates(
    session: Session,
    *,
    states: Sequence[ReviewState] = (ReviewState.staged,),
    source: CandidateSource | None = None,
    transcript_id: int | None = None,
    after_id: int | None = None,
    limit: int = 50,
) -> tuple[Sequence[Candidate], int | None]:
    """Oldest first (a review queue is worked in arrival order); keyset on the id."""
    if not 1 <= limit <= MAX_PAGE:
        raise ValidationError(f"limit must be between 1 and {MAX_PAGE}.", field="limit")
    wanted = set(states)
    condition: ColumnElement[bool] = Candidate.state.in_(sorted(wanted))
    if ReviewState.staged in wanted and ReviewState.snoozed not in wanted:
        # A snooze that has run out puts the candidate back in the queue.
        condition = or_(
            condition,
            and_(Candidate.state == ReviewState.snoozed, Candidate.snoozed_until <= utc_today()),
        )
    query = select(Candidate).where(condition)
    if source is not None:
        query = query.where(Candidate.source == source)
    if transcript_id is not None:
        query = query.where(Candidate.transcript_id == transcript_id)
    if after_id is not None:
        query = query.where(Candidate.id > after_id)
    rows = session.scalars(query.order_by(Candidate.id).limit(limit + 1)).unique().all()
    if len(rows) <= limit:
        return rows, None
    return rows[:limit], rows[limit - 1].id


#: A ``has_warnings`` filter reads at most this many candidates per page request.
MAX_SCAN = 1000


def list_with_warnings(
    session: Session,
    *,
    states: Sequence[ReviewState] = (ReviewState.staged,),
    source: CandidateSource | None = None,
    transcript_id: int | None = None,
    after_id: int | None = None,
    limit: int = 50,
    has_warnings: bool | None = None,
) -> tuple[list[Candidate], dict[int, list[ReviewWarning]], int | None]:
    """A page of candidates with their warnings, optionally only those with (or without)
    warnings. Warnings are computed, not stored, so the filter reads ahead in batches; when
    it gives up after ``MAX_SCAN`` rows the cursor resumes where it stopped."""
    filters: dict[str, Any] = {"states": states, "source": source, "transcript_id": transcript_id}
    if has_warnings is None:
        rows, last = list_candidates(session, after_id=after_id, limit=limit, **filters)
        return list(rows), warnings_for(session, rows), last
    picked: list[Candidate] = []
    found: dict[int, list[ReviewWarning]] = {}
    scanned = 0
    while scanned < MAX_SCAN:
        rows, last = list_candidates(session, after_id=after_id, limit=MAX_PAGE, **filters)
        batch = warnings_for(session, rows)
        scanned += len(rows)
        for candidate in rows:
            after_id = candidate.id
            if bool(batch[candidate.id]) == has_warnings:
                picked.append(candidate)
                found[candidate.id] = batch[candidate.id]
                if len(picked) == limit:
                    return picked, found, candidate.id
        if last is None:
            return picked, found, None
    return picked, found, after_id


def update_candidate(
    session: Session,
    candidate_id: int,
    changes: CandidateUpdate,
    *,
    expected_version: int | None,
) -> Candidate:
    candidate = _lock_reviewable(session, candidate_id, expected_version)
    _apply(session, candidate, changes)
    return candidate


def approve_candidate(
    session: Session,
    candidate_id: int,
    *,
    actor_id: int,
    edits: CandidateUpdate | None = None,
    expected_version: int | None = None,
) -> Candidate:
    """Create the active task from the candidate (``pending`` with an owner, else
    ``unaddressed``), link both ways, and record the reviewer. Not idempotent by design:
    approving again is a 409 that names the task already created."""
    candidate = _lock_reviewable(session, candidate_id, expected_version)
    if edits is not None:
        _apply(session, candidate, edits)
    [task] = create_tasks(session, [_task_input(candidate)], actor_id=actor_id)
    _review(session, candidate, ReviewState.approved, actor_id=actor_id, reason=None)
    candidate.task_id = task.id
    session.flush()
    return candidate


def _task_input(candidate: Candidate) -> tuple[TaskCreate, TaskSource, dict[str, Any]]:
    data = TaskCreate(
        title=candidate.title,
        description=candidate.description,
        priority=candidate.priority,
        assignee=candidate.assignee_id,
        due_date=candidate.due_date,
        labels=list(candidate.labels or []),
    )
    provenance = {
        "candidate_id": candidate.id,
        "source": candidate.source.value,
        "transcript_id": candidate.transcript_id,
        "evidence": list(candidate.evidence or []),
        "confidence": candidate.confidence,
        "commitment": candidate.commitment,
        "assignee_raw": candidate.assignee_raw,
        "due_phrase": candidate.due_phrase,
    }
    return data, _TASK_SOURCE.get(candidate.source, TaskSource.staged), provenance


def _approve_batch(
    session: Session, ids: Sequence[int], *, actor_id: int
) -> list[Candidate | WorkitemsError]:
    """Approve many at once: lock them with one query, check each, create all the tasks
    in one batch. Same outcomes as approving one by one, a fraction of the statements."""
    rows = session.scalars(
        select(Candidate)
        .where(Candidate.id.in_(sorted(set(ids))))
        .order_by(Candidate.id)  # one lock order for every batch: no deadlocks between them
        .with_for_update(of=Candidate)
    ).unique()
    by_id = {candidate.id: candidate for candidate in rows}
    outcomes: list[Candidate | WorkitemsError] = []
    ready: list[Candidate] = []
    taken: set[int] = set()
    for candidate_id in ids:
        candidate = by_id.get(candidate_id)
        try:
            if candidate is None:
                raise NotFoundError(f"Candidate {candidate_id} does not exist.")
            if candidate_id in taken:
                raise ConflictError(f"Candidate {candidate_id} is listed twice.")
            _check_reviewable(candidate)
            if candidate.assignee is not None and not candidate.assignee.is_active:
                raise ValidationError(
                    f"{candidate.assignee.email} is deactivated and cannot be assigned work.",
                    field="assignee",
                )
        except WorkitemsError as error:
            outcomes.append(error)
            continue
        taken.add(candidate_id)
        ready.append(candidate)
        outcomes.append(candidate)
    tasks = create_tasks(session, [_task_input(c) for c in ready], actor_id=actor_id)
    for candidate, task in zip(ready, tasks, strict=True):
        _review(session, candidate, ReviewState.approved, actor_id=actor_id, reason=None)
        candidate.task_id = task.id
    session.flush()
    return outcomes


def reject_candidate(
    session: Session,
    candidate_id: int,
    *,
    actor_id: int,
    reason: str,
    expected_version: int | None = None,
) -> Candidate:
    if not reason.strip():
        raise ValidationError("Rejecting needs a reason, so the source can learn.", field="reason")
    candidate = _lock_reviewable(session, candidate_id, expected_version)
    _review(session, candidate, ReviewState.rejected, actor_id=actor_id, reason=reason.strip())
    session.flush()
    return candidate


def mark_duplicate(
    session: Session,
    candidate_id: int,
    *,
    task_ref: str | int,
    actor_id: int,
    reason: str | None = None,
    expected_version: int | None = None,
) -> Candidate:
    """Merge into an existing task: the candidate's text and evidence become a comment
    there, so no context is lost, and the candidate points at the task."""
    candidate = _lock_reviewable(session, candidate_id, expected_version)
    task = get_task(session, task_ref)
    add_comment(session, task.id, body=_merge_note(candidate, reason), author_id=actor_id)
    _review(session, candidate, ReviewState.duplicate, actor_id=actor_id, reason=reason)
    candidate.task_id = task.id
    session.flush()
    return candidate


def snooze_candidate(
    session: Session,
    candidate_id: int,
    *,
    until: date,
    actor_id: int,
    reason: str | None = None,
    expected_version: int | None = None,
) -> Candidate:
    """Hide a candidate until ``until``; from that day it is back in the staged queue."""
    if until <= utc_today():
        raise ValidationError("Snooze until a future date.", field="until")
    candidate = _lock_reviewable(session, candidate_id, expected_version)
    _review(session, candidate, ReviewState.snoozed, actor_id=actor_id, reason=reason)
    candidate.snoozed_until = until
    session.flush()
    return candidate


def review_many(
    session: Session,
    *,
    action: ReviewAction,
    ids: Sequence[int],
    actor_id: int,
    reason: str | None = None,
) -> list[Candidate | WorkitemsError]:
    """Approve or reject many candidates, each in its own SAVEPOINT: one failure (already
    reviewed, inactive owner) is reported for that item and leaves the others applied."""
    if action == ReviewAction.reject and not (reason and reason.strip()):
        raise ValidationError("Rejecting needs a reason.", field="reason")
    if action == ReviewAction.approve:
        try:
            with session.begin_nested():
                return _approve_batch(session, ids, actor_id=actor_id)
        except WorkitemsError:
            pass  # something only the one-by-one path can attribute to its item
    results: list[Candidate | WorkitemsError] = []
    for candidate_id in ids:
        try:
            with session.begin_nested():
                if action == ReviewAction.approve:
                    results.append(approve_candidate(session, candidate_id, actor_id=actor_id))
                else:
                    results.append(
                        reject_candidate(
                            session, candidate_id, actor_id=actor_id, reason=reason or ""
                        )
                    )
        except WorkitemsError as error:
            results.append(error)
    return results


def waiting(today: date) -> ColumnElement[bool]:
    """Candidates in the review queue: staged, or snoozed until a day that has come."""
    return or_(
        Candidate.state == ReviewState.staged,
        and_(Candidate.state == ReviewState.snoozed, Candidate.snoozed_until <= today),
    )


def count_waiting(session: Session) -> dict[CandidateSource, int]:
    """Candidates waiting for review by where they came from (every source present, so a
    chart keeps its rows)."""
    counts = dict.fromkeys(CandidateSource, 0)
    for source, count in session.execute(
        select(Candidate.source, func.count())
        .where(waiting(utc_today()))
        .group_by(Candidate.source)
    ):
        counts[source] = count
    return counts


def warnings_for(
    session: Session, candidates: Sequence[Candidate], *, today: date | None = None
) -> dict[int, list[ReviewWarning]]:
    """Warnings for staged and snoozed candidates (reviewed ones need no attention).

    Users are loaded once for the whole page, so a page costs one extra query.
    """
    today = today or utc_today()
    pending = [c for c in candidates if c.state in REVIEWABLE]
    result: dict[int, list[ReviewWarning]] = {c.id: [] for c in candidates}
    if not pending:
        return result
    active = users_repository.list_all(session, active_only=True)
    duplicates = _duplicates(session, pending)
    for candidate in pending:
        found = compute_warnings(
            title=candidate.title,
            owner=_owner_resolution(candidate, active),
            due=candidate.due_date,
            today=today,
        )
        if duplicates.get(candidate.id):
            found.append(duplicate_warning(duplicates[candidate.id]))
        result[candidate.id] = found
    return result


#: One open-task title index per database and process (see ``staging/duplicates.py``).
_TASK_INDEXES: dict[str, TaskTitleCache] = {}


#: Ghost rows found in a shortlist are pruned and the lookup repeated, at most this often.
MAX_PRUNE_ROUNDS = 10


def reset_duplicate_indexes() -> None:
    """Forget the in-process indexes (tests roll back their data between runs)."""
    _TASK_INDEXES.clear()


def _task_index(session: Session) -> TaskTitleCache:
    bind = session.get_bind()
    url = bind.engine.url if isinstance(bind, Connection) else bind.url
    cache = _TASK_INDEXES.setdefault(url.render_as_string(hide_password=True), TaskTitleCache())
    with cache.lock:
        if cache.stale():
            cache.reset()
        rows = task_repository.titles_changed_since(session, cache.since())
        cache.apply((i, title, status in ACTIVE_STATUSES, at) for i, title, status, at in rows)
    return cache


def _duplicates(session: Session, pending: Sequence[Candidate]) -> dict[int, list[dict[str, Any]]]:
    """Likely duplicates of open tasks and of other staged candidates, re-scored from the
    database (the task index may hold a row another transaction rolled back)."""
    tasks = _task_index(session)
    real_titles: dict[int, str] = {}
    for _ in range(MAX_PRUNE_ROUNDS):
        with tasks.lock:
            # Every good hit, not only the best three: a ghost among them is pruned this
            # round instead of hiding a real match for several.
            task_hits = {c.id: tasks.index.matches(c.title, limit=SHORTLIST) for c in pending}
        hit_ids = {i for hits in task_hits.values() for i, _ in hits} - set(real_titles)
        real_titles.update(task_repository.open_titles(session, sorted(hit_ids)))
        ghosts = hit_ids - set(real_titles)  # closed since, or a rolled-back insert
        if not ghosts:
            break
        with tasks.lock:
            for ghost in ghosts:
                tasks.index.remove(ghost)
    staged = TitleIndex()
    for candidate_id, title in session.execute(
        select(Candidate.id, Candidate.title).where(Candidate.state == ReviewState.staged)
    ):
        staged.add(candidate_id, title)
    for candidate in pending:
        staged.add(candidate.id, candidate.title)

    found: dict[int, list[dict[str, Any]]] = {}
    for candidate in pending:
        norm = normalize(candidate.title)
        matches: list[dict[str, Any]] = []
        for task_id, _ in task_hits[candidate.id]:
            if task_id in real_titles:
                score = similarity(norm, normalize(real_titles[task_id]))
                if score >= THRESHOLD:
                    matches.append(
                        {
                            "kind": "task",
                            "id": task_id,
                            "key": f"{KEY_PREFIX}{task_id}",
                            "title": real_titles[task_id],
                            "score": round(score, 1),
                        }
                    )
        for other_id, score in staged.matches(candidate.title, exclude=candidate.id):
            matches.append({"kind": "candidate", "id": other_id, "score": round(score, 1)})
        if matches:
            matches.sort(key=lambda m: -float(m["score"]))
            found[candidate.id] = matches[:3]
    return found


def _lock_reviewable(
    session: Session, candidate_id: int, expected_version: int | None
) -> Candidate:
    candidate = get_candidate(session, candidate_id, lock=True)
    _check_reviewable(candidate)
    if expected_version is not None and candidate.version != expected_version:
        raise StaleVersionError(
            f"Candidate {candidate.id} changed since you read it (you have version "
            f"{expected_version}, it is at {candidate.version}); fetch it again.",
            current_version=candidate.version,
        )
    return candidate


def _check_reviewable(candidate: Candidate) -> None:
    if candidate.state == ReviewState.approved:
        key = f"{KEY_PREFIX}{candidate.task_id}"
        raise ConflictError(
            f"Candidate {candidate.id} was already approved as {key}.",
            task_id=candidate.task_id,
            task_key=key,
        )
    if candidate.state not in REVIEWABLE:
        raise ConflictError(
            f"Candidate {candidate.id} was already reviewed ({candidate.state.value}).",
            state=candidate.state.value,
        )


def _apply(session: Session, candidate: Candidate, changes: CandidateUpdate) -> None:
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


def _review(
    session: Session,
    candidate: Candidate,
    state: ReviewState,
    *,
    actor_id: int,
    reason: str | None,
) -> None:
    candidate.state = state
    candidate.reviewer = session.get(User, actor_id)
    candidate.reviewed_at = utc_now()
    candidate.reason = reason
    candidate.updated_at = candidate.reviewed_at


def _merge_note(candidate: Candidate, reason: str | None) -> str:
    lines = [
        f"Merged duplicate candidate #{candidate.id} ({candidate.source.value}): {candidate.title}"
    ]
    if candidate.description:
        lines.append(candidate.description)
    if candidate.assignee_raw:
        lines.append(f"Proposed owner: {candidate.assignee_raw}")
    if candidate.due_phrase or candidate.due_date:
        lines.append(f"Proposed due: {candidate.due_phrase or candidate.due_date}")
    for item in candidate.evidence or []:
        speaker = item.get("speaker") or "?"
        start = item.get("start")
        at = f" at {start}" if start is not None else ""
        lines.append(f'> {speaker}{at}: "{item.get("quote", "")}"')
    if reason:
        lines.append(f"Reason: {reason}")
    return "\n".join(lines)


def _set_owner(
    session: Session,
    candidate: Candidate,
    ref: int | str | None,
    *,
    users: tuple[dict[int, User], Sequence[User]] | None = None,
) -> None:
    """Resolve an owner only when it is unambiguous; otherwise keep the raw name, and the
    warnings show the ranked matches. Never a silent guess. ``users`` (everyone by id, and
    the active ones) saves the queries when staging many."""
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
    active = users[1] if users else _active(session)
    exact = [u for rank, u in rank_matches(active, ref) if rank == 0]
    if len(exact) == 1:
        candidate.assignee = exact[0]


def _active(session: Session) -> Sequence[User]:
    return users_repository.list_all(session, active_only=True)


def _owner_resolution(candidate: Candidate, active: Sequence[User]) -> OwnerResolution:
    if candidate.assignee is not None:
        return OwnerResolution(
            raw=candidate.assignee_raw, resolved=True, inactive=not candidate.assignee.is_active
        )
    if candidate.assignee_raw is None:
        return OwnerResolution()
    matches: list[dict[str, Any]] = [
        {"id": user.id, "email": user.email, "name": user.display_name, "rank": rank}
        for rank, user in rank_matches(active, candidate.assignee_raw)[:5]
    ]
    return OwnerResolution(raw=candidate.assignee_raw, matches=matches)
