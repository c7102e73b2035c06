"""Staging review: read each candidate with its evidence in context, fix it, decide.

A transcript candidate shows its quote highlighted inside the utterances around it, with
speaker and time, because whether something is really a commitment, and whose, is read
from the conversation, not from the extracted sentence alone.
"""

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request, Response
from sqlalchemy.orm import Session

from workitems.bounds import MAX_ID, TextId
from workitems.errors import ValidationError, WorkitemsError
from workitems.http.params import PathId
from workitems.http.session import SessionDep
from workitems.staging import attention
from workitems.staging import review as staging
from workitems.staging.enums import ReviewAction
from workitems.staging.models import Candidate
from workitems.staging.schemas import CandidateIn, CandidateUpdate
from workitems.staging.service import stage_candidate
from workitems.transcript.models import Transcript
from workitems.transcript.service import get_transcript
from workitems.user import service as users
from workitems.web.deps import PostedBy, SignedIn
from workitems.web.forms import blank_to_none, split_list, validated
from workitems.web.render import redirect, render, safe_path
from workitems.web.routing import WebRoute

router = APIRouter(route_class=WebRoute, include_in_schema=False)

PAGE = 25
#: Utterances shown before and after the quoted one.
CONTEXT = 2


def quote_in_context(
    utterances: list[dict[str, Any]],
    evidence: list[dict[str, Any]],
    *,
    radius: int = CONTEXT,
) -> list[dict[str, Any]]:
    """The utterances around every quoted one, in order, as one passage (a ``gap`` row
    where two windows do not touch). A quoted utterance is split into ``before``,
    ``quote`` and ``after`` so the page can highlight the words; when the quote is not
    found in it verbatim the whole utterance is highlighted."""
    quotes: dict[int, str] = {}
    for item in evidence:
        index = item.get("utterance_index")
        if isinstance(index, int) and 0 <= index < len(utterances):
            quotes[index] = str(item.get("quote") or "").strip()
    shown = sorted(
        {
            i
            for index in quotes
            for i in range(max(0, index - radius), min(len(utterances), index + radius + 1))
        }
    )
    rows: list[dict[str, Any]] = []
    for position, i in enumerate(shown):
        if position and i != shown[position - 1] + 1:
            rows.append({"gap": True})
        u = utterances[i]
        text = str(u.get("text") or "")
        row = {"gap": False, "index": i, "speaker": u.get("speaker"), "start": u.get("start")}
        if i in quotes:
            quote = quotes[i]
            at = text.lower().find(quote.lower()) if quote else -1
            if at < 0:
                row.update(before="", quote=text, after="", said=True)
            else:
                end = at + len(quote)
                row.update(before=text[:at], quote=text[at:end], after=text[end:], said=True)
        else:
            row.update(before=text, quote="", after="", said=False)
        rows.append(row)
    return rows


def _contexts(session: Session, candidates: list[Candidate]) -> dict[int, list[dict[str, Any]]]:
    """Each candidate's evidence in context; each transcript is read once per page."""
    transcripts: dict[int, Transcript | None] = {}
    found: dict[int, list[dict[str, Any]]] = {}
    for candidate in candidates:
        tid = candidate.transcript_id
        if tid is not None and tid not in transcripts:
            try:
                transcripts[tid] = get_transcript(session, tid)
            except WorkitemsError:
                transcripts[tid] = None
        transcript = transcripts.get(tid) if tid is not None else None
        utterances = transcript.utterances if transcript is not None else []
        quoted = [e for e in candidate.evidence or [] if not e.get("context")]
        found[candidate.id] = quote_in_context(utterances, quoted)
    return found


@router.get("/review")
def review_queue(
    request: Request,
    session: SessionDep,
    viewer: SignedIn,
    transcript: int | None = None,
    cursor: str | None = None,
) -> Response:
    page = attention.list_candidates_with_warnings(
        session, transcript_id=transcript, cursor=cursor, limit=PAGE
    )
    rows = [item.candidate for item in page.items]
    warnings = {item.candidate.id: item.warnings for item in page.items}
    source = get_transcript(session, transcript) if transcript is not None else None
    back = f"/review?transcript={transcript}" if transcript is not None else "/review"
    more = None
    if page.next_cursor is not None:
        more = f"{back}{'&' if transcript is not None else '?'}cursor={page.next_cursor}"
    return render(
        request,
        "review.html",
        viewer=viewer,
        candidates=rows,
        warnings=warnings,
        contexts=_contexts(session, rows),
        source=source,
        back=back,
        more_url=more,
        people=users.lookup_assignable(session, ""),
    )


def _target(back: str) -> str:
    return safe_path(back, "/review")


def _edits(title: str, assignee: str, due: str, priority: str) -> CandidateUpdate:
    return validated(
        CandidateUpdate,
        {
            "title": title,
            "assignee": blank_to_none(assignee),
            "due": blank_to_none(due),
            "priority": priority,
        },
    )


ReviewForm = Annotated[str, Form()]


@router.post("/review/{candidate_id}/save")
def save(
    candidate_id: PathId,
    session: SessionDep,
    viewer: PostedBy,
    version: Annotated[int, Form(ge=0, le=MAX_ID)],
    title: ReviewForm,
    assignee: ReviewForm = "",
    due: ReviewForm = "",
    priority: ReviewForm = "none",
    back: ReviewForm = "/review",
) -> Response:
    try:
        with session.begin_nested():
            staging.update_candidate(
                session,
                candidate_id,
                _edits(title, assignee, due, priority),
                expected_version=version,
            )
    except WorkitemsError as exc:
        return redirect(_target(back), error=exc.detail)
    return redirect(f"{_target(back)}#c-{candidate_id}", notice="Saved.")


@router.post("/review/{candidate_id}/approve")
def approve(
    candidate_id: PathId,
    session: SessionDep,
    viewer: PostedBy,
    version: Annotated[int, Form(ge=0, le=MAX_ID)],
    title: ReviewForm,
    assignee: ReviewForm = "",
    due: ReviewForm = "",
    priority: ReviewForm = "none",
    back: ReviewForm = "/review",
) -> Response:
    """Approve with whatever the reviewer typed into the card, in one transaction."""
    try:
        with session.begin_nested():
            candidate = staging.approve_candidate(
                session,
                candidate_id,
                actor_id=viewer.user_id,
                edits=_edits(title, assignee, due, priority),
                expected_version=version,
            )
    except WorkitemsError as exc:
        return redirect(_target(back), error=exc.detail)
    key = candidate.task_key
    return redirect(_target(back), notice=f"Approved as {key}: {candidate.title}")


@router.post("/review/{candidate_id}/reject")
def reject(
    candidate_id: PathId,
    session: SessionDep,
    viewer: PostedBy,
    version: Annotated[int, Form(ge=0, le=MAX_ID)],
    reason: ReviewForm = "",
    back: ReviewForm = "/review",
) -> Response:
    try:
        with session.begin_nested():
            staging.reject_candidate(
                session,
                candidate_id,
                actor_id=viewer.user_id,
                reason=reason,
                expected_version=version,
            )
    except WorkitemsError as exc:
        return redirect(_target(back), error=exc.detail)
    return redirect(_target(back), notice=f"Rejected candidate #{candidate_id}.")


@router.post("/review/{candidate_id}/duplicate")
def duplicate(
    candidate_id: PathId,
    session: SessionDep,
    viewer: PostedBy,
    version: Annotated[int, Form(ge=0, le=MAX_ID)],
    task: ReviewForm = "",
    reason: ReviewForm = "",
    back: ReviewForm = "/review",
) -> Response:
    try:
        if not task.strip():
            raise ValidationError("Name the task it duplicates (WI-42).", field="task")
        with session.begin_nested():
            candidate = staging.mark_duplicate(
                session,
                candidate_id,
                task_ref=task.strip(),
                actor_id=viewer.user_id,
                reason=blank_to_none(reason),
                expected_version=version,
            )
    except WorkitemsError as exc:
        return redirect(_target(back), error=exc.detail)
    key = candidate.task_key
    return redirect(_target(back), notice=f"Merged candidate #{candidate_id} into {key}.")


@router.post("/review/{candidate_id}/merge")
def merge(
    candidate_id: int,
    session: SessionDep,
    viewer: PostedBy,
    version: Annotated[int, Form()],
    into: Annotated[int, Form()],
    reason: ReviewForm = "",
    back: ReviewForm = "/review",
) -> Response:
    """Merge into another candidate in review; its evidence joins the survivor's."""
    try:
        with session.begin_nested():
            survivor = staging.merge_candidates(
                session,
                candidate_id,
                into_id=into,
                actor_id=viewer.user_id,
                reason=blank_to_none(reason),
                expected_version=version,
            )
    except WorkitemsError as exc:
        return redirect(_target(back), error=exc.detail)
    return redirect(
        f"{_target(back)}#c-{survivor.id}",
        notice=f"Merged candidate #{candidate_id} into #{survivor.id}; its evidence joined.",
    )


@router.post("/review/add")
def add_candidate(
    session: SessionDep,
    viewer: PostedBy,
    title: ReviewForm,
    description: ReviewForm = "",
    assignee: ReviewForm = "",
    due: ReviewForm = "",
    priority: ReviewForm = "none",
    labels: ReviewForm = "",
    back: ReviewForm = "/review",
) -> Response:
    """Stage what the extractor missed, straight into the queue (Linear's "create in
    triage"): it gets the same warnings and review as any candidate."""
    fields = {
        "title": title,
        "description": description,
        "assignee": blank_to_none(assignee),
        "due": blank_to_none(due),
        "priority": priority or "none",
        "labels": split_list(labels),
    }
    try:
        with session.begin_nested():
            candidate = stage_candidate(
                session, validated(CandidateIn, fields), actor_id=viewer.user_id
            )
    except WorkitemsError as exc:
        typed = {
            f"new_{k}": v
            for k, v in (
                ("title", title),
                ("description", description),
                ("assignee", assignee),
                ("due", due),
                ("labels", labels),
            )
            if v
        }
        return redirect(f"/review?{urlencode(typed)}#add-candidate", error=exc.detail)
    return redirect(
        f"/review#c-{candidate.id}", notice=f"Added candidate #{candidate.id}: {candidate.title}"
    )


@router.post("/review/{candidate_id}/snooze")
def snooze(
    candidate_id: PathId,
    session: SessionDep,
    viewer: PostedBy,
    version: Annotated[int, Form(ge=0, le=MAX_ID)],
    until: ReviewForm = "",
    back: ReviewForm = "/review",
) -> Response:
    try:
        try:
            day = date.fromisoformat(until)
        except ValueError:
            raise ValidationError("Pick the date to snooze until.", field="until") from None
        with session.begin_nested():
            staging.snooze_candidate(
                session, candidate_id, until=day, actor_id=viewer.user_id, expected_version=version
            )
    except WorkitemsError as exc:
        return redirect(_target(back), error=exc.detail)
    return redirect(_target(back), notice=f"Snoozed candidate #{candidate_id} until {day}.")


@router.post("/review/bulk")
def bulk_approve(
    session: SessionDep,
    viewer: PostedBy,
    ids: Annotated[list[TextId], Form()] = [],  # noqa: B006 (FastAPI copies defaults)
    back: ReviewForm = "/review",
) -> Response:
    if not ids:
        return redirect(_target(back), error="Select candidates to approve first.")
    results = staging.review_many(
        session, action=ReviewAction.approve, ids=ids, actor_id=viewer.user_id
    )
    done = [r for r in results if isinstance(r, Candidate)]
    failed = [r.detail for r in results if isinstance(r, WorkitemsError)]
    if failed:
        return redirect(
            _target(back), error=f"Approved {len(done)} of {len(ids)}. " + " ".join(failed)
        )
    return redirect(_target(back), notice=f"Approved {len(done)} candidates.")
