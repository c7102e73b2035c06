"""Storing transcripts: the raw text, its checksum and the parsed utterances."""

import hashlib
from dataclasses import asdict

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workitems.clock import utc_now
from workitems.errors import NotFoundError, ValidationError
from workitems.paging import Page
from workitems.transcript import repository
from workitems.transcript.formats import parse_transcript
from workitems.transcript.models import Transcript
from workitems.transcript.schemas import TranscriptIn

MAX_PAGE = 200


def checksum(content: str) -> str:
    return hashlib.sha256(content.encode()).hexdigest()


def add_transcript(
    session: Session, data: TranscriptIn, *, actor_id: int | None
) -> tuple[Transcript, bool]:
    """Parse and store a transcript; ``(transcript, created)``. Identical content returns
    the transcript already stored (``created`` is False), so uploads are safe to retry."""
    digest = checksum(data.content)
    existing = repository.find_by_checksum(session, digest)
    if existing is not None:
        return existing, False
    fmt, utterances = parse_transcript(data.content, data.format)
    transcript = Transcript(
        title=data.title,
        format=fmt.value,
        content=data.content,
        checksum=digest,
        meeting_date=data.meeting_date,
        participants=[p.model_dump(exclude_none=True) for p in data.participants],
        utterances=[asdict(u) for u in utterances],
        created_by_id=actor_id,
        created_at=utc_now(),
    )
    try:
        with session.begin_nested():
            session.add(transcript)
    except IntegrityError:  # the same content, posted concurrently, won the race
        existing = repository.find_by_checksum(session, digest)
        if existing is None:
            raise
        return existing, False
    return transcript, True


def get_transcript(session: Session, transcript_id: int) -> Transcript:
    transcript = repository.find(session, transcript_id)
    if transcript is None:
        raise NotFoundError(f"Transcript {transcript_id} does not exist.")
    return transcript


def list_transcripts(
    session: Session, *, cursor: str | None = None, limit: int = 50
) -> Page[Transcript]:
    """Newest first; keyset on the id."""
    if not 1 <= limit <= MAX_PAGE:
        raise ValidationError(f"limit must be between 1 and {MAX_PAGE}.", field="limit")
    return repository.list_page(session, cursor=cursor, limit=limit)
