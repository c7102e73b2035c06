"""Transcripts: upload a file or paste text, analyse it, read it with what it became."""

from collections import defaultdict
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from workitems.errors import ValidationError, WorkitemsError
from workitems.http.params import PathId
from workitems.http.session import SessionDep
from workitems.staging import service as staging
from workitems.staging.enums import ReviewState
from workitems.transcript import analysis, service
from workitems.transcript.formats import TranscriptFormat
from workitems.transcript.participants import parse_participants
from workitems.transcript.schemas import TranscriptIn
from workitems.web.deps import PostedBy, SignedIn, Viewer
from workitems.web.forms import blank_to_none, validated
from workitems.web.render import redirect, render
from workitems.web.routing import WebRoute

router = APIRouter(route_class=WebRoute, include_in_schema=False)

#: The upload form's path: the app lets it carry a transcript-sized body.
UPLOAD_PATH = "/transcripts"


def _list_page(
    request: Request,
    session: Session,
    viewer: Viewer,
    *,
    status_code: int = 200,
    error: str | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    rows = service.list_transcripts(session, limit=50).items
    return render(
        request,
        "transcripts.html",
        status_code=status_code,
        viewer=viewer,
        transcripts=rows,
        formats=list(TranscriptFormat),
        error=error,
        form=form or {},
    )


@router.get("/transcripts")
def transcripts(request: Request, session: SessionDep, viewer: SignedIn) -> Response:
    return _list_page(request, session, viewer)


@router.post(UPLOAD_PATH)
async def upload(request: Request, session: SessionDep, viewer: PostedBy) -> Response:
    """Async, parsing the form itself: the CSRF check has already read it with a part
    size fit for a transcript, where FastAPI's own form parsing would stop at 1 MB."""
    form = await request.form()
    fields = {
        name: value
        for name in ("title", "content", "format", "meeting_date", "participants")
        if isinstance(value := form.get(name, ""), str)
    }
    upload = form.get("file")
    raw = None
    if isinstance(upload, UploadFile) and upload.filename:
        raw = (upload.filename, await upload.read())
    return await run_in_threadpool(_store, request, session, viewer, fields, raw)


def _store(
    request: Request,
    session: Session,
    viewer: Viewer,
    form: dict[str, str],
    raw: tuple[str, bytes] | None,
) -> Response:
    title = form.get("title", "")
    try:
        text = form.get("content", "")
        if raw is not None:
            try:
                text = raw[1].decode("utf-8-sig")
            except UnicodeDecodeError:
                raise ValidationError("The file is not UTF-8 text.", field="file") from None
            title = title or raw[0]
        if not text.strip():
            raise ValidationError("Choose a file or paste the transcript text.", field="content")
        data = validated(
            TranscriptIn,
            {
                "title": title or "Untitled transcript",
                "content": text,
                "format": form.get("format") or "auto",
                "meeting_date": blank_to_none(form.get("meeting_date")),
                "participants": parse_participants(form.get("participants", "")),
            },
        )
        with session.begin_nested():
            transcript, created = service.add_transcript(session, data, actor_id=viewer.user_id)
    except WorkitemsError as exc:
        return _list_page(request, session, viewer, status_code=422, error=exc.detail, form=form)
    notice = (
        f"Stored “{transcript.title}” ({len(transcript.utterances)} utterances)."
        if created
        else f"This transcript was already uploaded as “{transcript.title}”."
    )
    return redirect(f"/transcripts/{transcript.id}", notice=notice)


@router.get("/transcripts/{transcript_id}")
def transcript_page(
    transcript_id: PathId, request: Request, session: SessionDep, viewer: SignedIn
) -> Response:
    transcript = service.get_transcript(session, transcript_id)
    candidates = staging.list_candidates(
        session, states=list(ReviewState), transcript_id=transcript.id, limit=staging.MAX_PAGE
    ).items
    became: dict[int, list[Any]] = defaultdict(list)
    for candidate in candidates:
        for item in candidate.evidence or []:
            index = item.get("utterance_index")
            if isinstance(index, int):
                became[index].append(candidate)
    return render(
        request,
        "transcript.html",
        viewer=viewer,
        transcript=transcript,
        became=became,
        candidates=candidates,
        waiting=sum(1 for c in candidates if c.state == ReviewState.staged),
    )


@router.post("/transcripts/{transcript_id}/analyze")
def analyze(transcript_id: PathId, session: SessionDep, viewer: PostedBy) -> Response:
    transcript, candidates, staged = analysis.analyze_transcript(
        session, transcript_id, actor_id=viewer.user_id
    )
    if not staged:
        notice = "Already analysed with this extractor; nothing new was staged."
    elif candidates:
        notice = f"Found {len(candidates)} action items; review them below."
    else:
        notice = "No action items found in this transcript."
    return redirect(f"/review?transcript={transcript.id}", notice=notice)


@router.post("/transcripts/{transcript_id}/utterances/{index}/candidate")
def utterance_candidate(
    transcript_id: int, index: int, session: SessionDep, viewer: PostedBy
) -> Response:
    """Make one utterance a candidate, with that utterance as its evidence."""
    candidate = analysis.stage_utterance(session, transcript_id, index, actor_id=viewer.user_id)
    return redirect(
        f"/review?transcript={transcript_id}#c-{candidate.id}",
        notice=f"Staged candidate #{candidate.id} from what was said; edit and approve it.",
    )
