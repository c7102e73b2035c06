"""The review state machine: approve, reject, merge as a duplicate, snooze, and in batches.

Nothing reaches active work unreviewed: a task is only created by approving, in the same
transaction that marks the candidate approved. Review actions lock the candidate row
(``FOR UPDATE`` on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite), so two reviewers approving
at once create exactly one task; the second gets ``ConflictError`` naming it.
"""

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from workitems.clock import utc_now, utc_today
from workitems.errors import (
    ConflictError,
    NotFoundError,
    StaleVersionError,
    ValidationError,
    WorkitemsError,
)
from workitems.notify.enums import EventType
from workitems.staging import repository
from workitems.staging.emit import emit_candidates
from workitems.staging.enums import CandidateSource, ReviewAction, ReviewState
from workitems.staging.models import Candidate
from workitems.staging.schemas import CandidateUpdate
from workitems.staging.service import apply_changes, get_candidate
from workitems.task.enums import Priority, TaskSource
from workitems.task.schemas import TaskCreate
from workitems.task.service import add_comment, create_tasks, get_task
from workitems.user.models import User

REVIEWABLE = (ReviewState.staged, ReviewState.snoozed)
_TASK_SOURCE = {
    CandidateSource.transcript: TaskSource.transcript,
    CandidateSource.import_: TaskSource.import_,
}


def update_candidate(
    session: Session,
    candidate_id: int,
    changes: CandidateUpdate,
    *,
    expected_version: int | None,
) -> Candidate:
    """Edit a candidate still in review (a reviewed one is history: 409)."""
    candidate = _lock_reviewable(session, candidate_id, expected_version)
    apply_changes(session, candidate, changes)
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
        apply_changes(session, candidate, edits)
    [task] = create_tasks(session, [_task_input(candidate)], actor_id=actor_id)
    _review(session, candidate, ReviewState.approved, actor_id=actor_id, reason=None)
    candidate.task_id = task.id
    session.flush()
    emit_candidates(session, EventType.candidate_approved, [candidate], actor_id=actor_id)
    return candidate


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
    emit_candidates(session, EventType.candidate_rejected, [candidate], actor_id=actor_id)
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
    emit_candidates(session, EventType.candidate_merged, [candidate], actor_id=actor_id)
    return candidate


def merge_candidates(
    session: Session,
    candidate_id: int,
    *,
    into_id: int,
    actor_id: int,
    reason: str | None = None,
    expected_version: int | None = None,
) -> Candidate:
    """Merge a candidate into another one still in review (the survivor): its evidence
    joins the survivor's, and what the survivor lacks (description, owner, due date,
    priority, labels) is taken from it, so approving the survivor loses nothing. The merged
    one is closed as a duplicate pointing at the survivor. Both rows are locked, in id
    order so two opposite merges cannot deadlock."""
    if candidate_id == into_id:
        raise ValidationError("A candidate cannot be merged into itself.", field="into")
    first, second = sorted((candidate_id, into_id))
    locked = {i: get_candidate(session, i, lock=True) for i in (first, second)}
    candidate, survivor = locked[candidate_id], locked[into_id]
    _check_reviewable(candidate)
    _check_reviewable(survivor)
    if expected_version is not None and candidate.version != expected_version:
        raise StaleVersionError(
            f"Candidate {candidate.id} changed since you read it; fetch it again.",
            current_version=candidate.version,
        )
    seen = {_evidence_key(item) for item in survivor.evidence or []}
    joined = list(survivor.evidence or [])
    for item in candidate.evidence or []:
        if _evidence_key(item) not in seen:
            joined.append(item)
            seen.add(_evidence_key(item))
    survivor.evidence = joined
    if not survivor.description and candidate.description:
        survivor.description = candidate.description
    if survivor.assignee is None and survivor.assignee_raw is None:
        survivor.assignee, survivor.assignee_raw = candidate.assignee, candidate.assignee_raw
    if survivor.due_date is None and candidate.due_date is not None:
        survivor.due_date, survivor.due_phrase = candidate.due_date, candidate.due_phrase
    if survivor.priority == Priority.none:
        survivor.priority = candidate.priority
    survivor.labels = list(dict.fromkeys([*(survivor.labels or []), *(candidate.labels or [])]))
    survivor.updated_at = utc_now()
    _review(session, candidate, ReviewState.duplicate, actor_id=actor_id, reason=reason)
    candidate.merged_into_id = survivor.id
    session.flush()
    return survivor


def _evidence_key(item: dict[str, Any]) -> tuple[Any, ...]:
    return (item.get("utterance_index"), item.get("speaker"), item.get("quote"))


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


def _approve_batch(
    session: Session, ids: Sequence[int], *, actor_id: int
) -> list[Candidate | WorkitemsError]:
    """Approve many at once: lock them with one query, check each, create all the tasks
    in one batch. Same outcomes as approving one by one, a fraction of the statements."""
    by_id = repository.lock_many(session, ids)
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
    emit_candidates(session, EventType.candidate_approved, ready, actor_id=actor_id)
    return outcomes


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
        # The quoted lines; the lines around them ride along for provenance only.
        "evidence": [e for e in candidate.evidence or [] if not e.get("context")],
        "context": [e for e in candidate.evidence or [] if e.get("context")],
        "confidence": candidate.confidence,
        "commitment": candidate.commitment,
        "assignee_raw": candidate.assignee_raw,
        "due_phrase": candidate.due_phrase,
    }
    return data, _TASK_SOURCE.get(candidate.source, TaskSource.staged), provenance


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
        key = candidate.task_key
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
