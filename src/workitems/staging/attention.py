"""What a reviewer should look at: candidates with their warnings.

Warnings are computed, never stored: the pure rules of ``warnings.py`` (title, owner, due
date) plus likely duplicates, found with the per-process open-task index of
``duplicates.py``, which is cached here and refreshed incrementally. Every duplicate the
index suggests is re-read from the database before it is shown.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from workitems.clock import utc_today
from workitems.paging import Page
from workitems.staging import repository
from workitems.staging.duplicates import (
    SHORTLIST,
    THRESHOLD,
    TaskTitleCache,
    TitleIndex,
    normalize,
    similarity,
)
from workitems.staging.enums import CandidateSource, ReviewState
from workitems.staging.models import Candidate
from workitems.staging.repository import CandidateRow
from workitems.staging.service import (
    MAX_PAGE,
    get_candidate,
    get_candidate_row,
    list_candidate_rows,
    list_candidates,
)
from workitems.staging.warnings import (
    OwnerResolution,
    ReviewWarning,
    compute_warnings,
    duplicate_warning,
)
from workitems.task import repository as task_repository
from workitems.task.models import task_key
from workitems.task.status import ACTIVE_STATUSES
from workitems.user import repository as users_repository
from workitems.user.models import User
from workitems.user.service import rank_matches

#: Staged and snoozed candidates get warnings; reviewed ones need no attention.
REVIEWABLE = (ReviewState.staged, ReviewState.snoozed)
#: A ``has_warnings`` filter reads at most this many candidates per page request.
MAX_SCAN = 1000
#: Ghost rows found in a shortlist are pruned and the lookup repeated, at most this often.
MAX_PRUNE_ROUNDS = 10


#: A candidate as loaded for a change (``Candidate``) or read for an answer (a plain row).
C = TypeVar("C", Candidate, CandidateRow)


@dataclass(frozen=True)
class CandidateWithWarnings(Generic[C]):
    candidate: C
    warnings: list[ReviewWarning]


def get_candidate_with_warnings(
    session: Session, candidate_id: int
) -> CandidateWithWarnings[Candidate]:
    return one_with_warnings(session, get_candidate(session, candidate_id))


def get_row_with_warnings(
    session: Session, candidate_id: int
) -> CandidateWithWarnings[CandidateRow]:
    """``get_candidate_with_warnings`` read as a plain row, for an answer only."""
    return one_with_warnings(session, get_candidate_row(session, candidate_id))


def one_with_warnings(session: Session, candidate: C) -> CandidateWithWarnings[C]:
    """A candidate just read or changed, with its warnings."""
    return CandidateWithWarnings(candidate, warnings_for(session, [candidate])[candidate.id])


def with_warnings(session: Session, candidates: Sequence[C]) -> list[CandidateWithWarnings[C]]:
    """Candidates just read or changed, with their warnings (one pass for all of them)."""
    found = warnings_for(session, candidates)
    return [CandidateWithWarnings(c, found[c.id]) for c in candidates]


def list_candidates_with_warnings(
    session: Session,
    *,
    states: Sequence[ReviewState] = (ReviewState.staged,),
    source: CandidateSource | None = None,
    transcript_id: int | None = None,
    cursor: str | None = None,
    limit: int = 50,
    has_warnings: bool | None = None,
) -> Page[CandidateWithWarnings[Candidate]]:
    """A page of candidates with their warnings (see ``_page_with_warnings``)."""
    filters: dict[str, Any] = {"states": states, "source": source, "transcript_id": transcript_id}
    return _page_with_warnings(session, list_candidates, filters, cursor, limit, has_warnings)


def list_rows_with_warnings(
    session: Session,
    *,
    states: Sequence[ReviewState] = (ReviewState.staged,),
    source: CandidateSource | None = None,
    transcript_id: int | None = None,
    cursor: str | None = None,
    limit: int = 50,
    has_warnings: bool | None = None,
) -> Page[CandidateWithWarnings[CandidateRow]]:
    """``list_candidates_with_warnings`` read as plain rows, for an answer only."""
    filters: dict[str, Any] = {"states": states, "source": source, "transcript_id": transcript_id}
    return _page_with_warnings(session, list_candidate_rows, filters, cursor, limit, has_warnings)


def _page_with_warnings(
    session: Session,
    read: Callable[..., Page[C]],
    filters: dict[str, Any],
    cursor: str | None,
    limit: int,
    has_warnings: bool | None,
) -> Page[CandidateWithWarnings[C]]:
    """A page of candidates with their warnings, optionally only those with (or without)
    warnings. Warnings are computed, not stored, so the filter reads ahead in batches;
    when it gives up after ``MAX_SCAN`` rows the cursor resumes where it stopped."""
    if has_warnings is None:
        page = read(session, cursor=cursor, limit=limit, **filters)
        return Page(with_warnings(session, page.items), page.next_cursor)
    picked: list[CandidateWithWarnings[C]] = []
    scanned = 0
    while scanned < MAX_SCAN:
        page = read(session, cursor=cursor, limit=MAX_PAGE, **filters)
        batch = warnings_for(session, page.items)
        scanned += len(page.items)
        for candidate in page.items:
            cursor = repository.cursor_after(candidate)
            if bool(batch[candidate.id]) == has_warnings:
                picked.append(CandidateWithWarnings(candidate, batch[candidate.id]))
                if len(picked) == limit:
                    return Page(picked, cursor)
        if page.next_cursor is None:
            return Page(picked)
    return Page(picked, cursor)


def warnings_for(
    session: Session, candidates: Sequence[Candidate | CandidateRow], *, today: date | None = None
) -> dict[int, list[ReviewWarning]]:
    """Warnings for staged and snoozed candidates, by id (an empty list for the others).

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
        changes = task_repository.title_changes(
            session, since=cache.watermark, recheck=cache.unsettled
        )
        cache.apply(
            (
                (i, title, status in ACTIVE_STATUSES, mark)
                for i, title, status, mark in changes.rows
            ),
            settled_below=changes.settled_below,
            gone=changes.gone,
        )
    return cache


def _duplicates(
    session: Session, pending: Sequence[Candidate | CandidateRow]
) -> dict[int, list[dict[str, Any]]]:
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
    staged_titles = dict(repository.staged_titles(session))
    staged_titles.update((candidate.id, candidate.title) for candidate in pending)
    for candidate_id, title in staged_titles.items():
        staged.add(candidate_id, title)

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
                            "key": task_key(task_id),
                            "title": real_titles[task_id],
                            "score": round(score, 1),
                        }
                    )
        for other_id, score in staged.matches(candidate.title, exclude=candidate.id):
            matches.append(
                {
                    "kind": "candidate",
                    "id": other_id,
                    "title": staged_titles.get(other_id, ""),
                    "score": round(score, 1),
                }
            )
        if matches:
            matches.sort(key=lambda m: -float(m["score"]))
            found[candidate.id] = matches[:3]
    return found


def _owner_resolution(
    candidate: Candidate | CandidateRow, active: Sequence[User]
) -> OwnerResolution:
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
