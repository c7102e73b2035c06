"""``/api/tasks/transcripts``: upload and read meeting transcripts."""

import json
from datetime import date
from typing import Annotated, Any

from fastapi import Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy.orm import Session

from workitems.api.deps import TasksRead, TasksWrite
from workitems.api.responses import json_response
from workitems.api.staged import candidates_out
from workitems.bounds import STRIP, Day, Id
from workitems.errors import ValidationError
from workitems.http.params import PathId
from workitems.http.routers import PrefixedRouter
from workitems.http.session import SessionDep, SessionRoute
from workitems.staging import attention
from workitems.staging.schemas import CandidateOut
from workitems.transcript import analysis, service
from workitems.transcript.extract import EXTRACTOR_NAME, EXTRACTOR_VERSION
from workitems.transcript.formats import TranscriptFormat
from workitems.transcript.schemas import (
    Participant,
    TranscriptIn,
    TranscriptOut,
    TranscriptPage,
)

router = PrefixedRouter(
    route_class=SessionRoute, prefix="/api/tasks/transcripts", tags=["transcripts"]
)
UPLOAD_PATH = "/api/tasks/transcripts"

_RAW_FILE: dict[str, Any] = {"description": "The file's text, as exported."}
_UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            # JSON is either the upload object or a JSON transcript file itself (segments,
            # bare or under "segments") with the upload's fields as query parameters.
            "application/json": {
                "schema": {
                    "anyOf": [
                        TranscriptIn.model_json_schema(),
                        {"type": "array", "description": "A JSON transcript's segments."},
                        {
                            "type": "object",
                            "required": ["segments"],
                            "description": "A JSON transcript as Whisper writes it.",
                        },
                    ]
                }
            },
            # A raw file is whatever text it holds: any body is a candidate transcript, so
            # its schema constrains nothing (the parser answers 422 for what it cannot read).
            "text/plain": {"schema": _RAW_FILE},
            "text/vtt": {"schema": _RAW_FILE},
            "application/x-subrip": {"schema": _RAW_FILE},
        },
        "description": "Either `{title, content, format?, meeting_date?, participants?}`, "
        "or the raw file (text, WebVTT, SRT, or a JSON transcript) with `title`, `format` "
        "and `meeting_date` as query parameters.",
    }
}


@router.post(
    "",
    response_model=TranscriptOut,
    status_code=status.HTTP_201_CREATED,
    summary="Upload a transcript (JSON or the raw file); identical content returns the "
    "existing one (200)",
    openapi_extra=_UPLOAD_BODY,
    responses={
        200: {"description": "Already uploaded: the existing transcript."},
        413: {"description": "Over 5 MB."},
    },
)
async def upload_transcript(
    request: Request,
    session: SessionDep,
    principal: TasksWrite,
    title: Annotated[str | None, Query(max_length=500)] = None,
    format: Annotated[TranscriptFormat, Query()] = TranscriptFormat.auto,
    meeting_date: date | None = None,
) -> Response:
    body = await request.body()
    data = _intake(body, request.headers.get("content-type", ""), title, format, meeting_date)
    return await run_in_threadpool(_store, session, data, principal.user_id)


def _store(session: Session, data: TranscriptIn, actor_id: int) -> Response:
    transcript, created = service.add_transcript(session, data, actor_id=actor_id)
    return json_response(
        TranscriptOut.of(transcript),
        status_code=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        headers={"Location": f"{UPLOAD_PATH}/{transcript.id}"},
    )


def _intake(
    body: bytes,
    content_type: str,
    title: str | None,
    fmt: TranscriptFormat,
    meeting_date: date | None,
) -> TranscriptIn:
    """A JSON intake object, or a raw file described by the query parameters."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError("The transcript is not UTF-8 text.", field="content") from None
    if content_type.startswith("application/json"):
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValidationError(
                f"The body is not valid JSON (line {error.lineno}: {error.msg}).",
                field="body",
            ) from None
        if isinstance(parsed, dict) and "content" in parsed:
            try:
                return TranscriptIn.model_validate(parsed)
            except PydanticValidationError as error:
                first = error.errors()[0]
                where = ".".join(str(p) for p in first["loc"])
                raise ValidationError(f"{where}: {first['msg']}", field=where) from None
        if not (isinstance(parsed, list) or (isinstance(parsed, dict) and "segments" in parsed)):
            raise ValidationError(
                "A JSON body is the upload object ({title, content, ...}) or a JSON transcript "
                "(an array of segments, or an object with segments).",
                field="body",
            )
        fmt = TranscriptFormat.json if fmt == TranscriptFormat.auto else fmt
    return TranscriptIn(
        title=title or "Untitled transcript", content=text, format=fmt, meeting_date=meeting_date
    )


class AnalyzeIn(BaseModel):
    """A stored transcript by id, or inline content to store and analyse in one call."""

    model_config = ConfigDict(extra="forbid")

    transcript_id: Id | None = None
    title: Annotated[str, StringConstraints(max_length=500), STRIP] | None = None
    content: str | None = None
    format: TranscriptFormat = TranscriptFormat.auto
    meeting_date: Day | None = None
    participants: list[Participant] = Field(default_factory=list, max_length=200)


class AnalysisOut(BaseModel):
    transcript_id: int
    staged: bool = Field(description="False when this extractor version had already run.")
    extractor: str
    extractor_version: str
    candidates: list[CandidateOut]


@router.post(
    "/analyze",
    response_model=AnalysisOut,
    summary="Extract action items and stage them for review; re-running with the same "
    "extractor version stages nothing new",
    responses={201: {"model": AnalysisOut, "description": "Inline content, stored and staged."}},
)
def analyze(data: AnalyzeIn, session: SessionDep, principal: TasksWrite) -> Response:
    if (data.transcript_id is None) == (data.content is None):
        raise ValidationError("Send either transcript_id or content.", field="transcript_id")
    transcript_id = data.transcript_id
    if transcript_id is None:
        transcript, _ = service.add_transcript(
            session,
            TranscriptIn(
                title=data.title or "Untitled transcript",
                content=data.content or "",
                format=data.format,
                meeting_date=data.meeting_date,
                participants=data.participants,
            ),
            actor_id=principal.user_id,
        )
        transcript_id = transcript.id
    transcript, candidates, staged = analysis.analyze_transcript(
        session, transcript_id, actor_id=principal.user_id
    )
    out = AnalysisOut(
        transcript_id=transcript.id,
        staged=staged,
        extractor=EXTRACTOR_NAME,
        extractor_version=EXTRACTOR_VERSION,
        candidates=candidates_out(attention.with_warnings(session, candidates)),
    )
    return json_response(out, status_code=201 if staged else 200)


@router.get("", response_model=TranscriptPage, summary="Transcripts, newest first")
def list_transcripts(
    session: SessionDep,
    _: TasksRead,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=service.MAX_PAGE)] = 50,
) -> Response:
    page = service.list_transcripts(session, cursor=cursor, limit=limit)
    return json_response(
        TranscriptPage(
            items=[TranscriptOut.of(t) for t in page.items], next_cursor=page.next_cursor
        )
    )


@router.get(
    "/{transcript_id}", response_model=TranscriptOut, summary="One transcript, with utterances"
)
def get_transcript(transcript_id: PathId, session: SessionDep, _: TasksRead) -> Response:
    transcript = service.get_transcript(session, transcript_id)
    return json_response(TranscriptOut.of(transcript, with_utterances=True))
