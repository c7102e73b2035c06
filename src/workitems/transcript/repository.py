"""Named queries over transcripts."""

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from workitems.paging import Page, Part, decode_cursor, encode_cursor
from workitems.transcript.models import Transcript

_CURSOR_KIND = "transcripts"


def find(session: Session, transcript_id: int, *, lock: bool = False) -> Transcript | None:
    """The transcript, or ``None``; ``lock`` holds its row while it is analysed."""
    if not lock:
        return session.get(Transcript, transcript_id)
    return session.scalar(
        select(Transcript).where(Transcript.id == transcript_id).with_for_update()
    )


def find_by_checksum(session: Session, digest: str) -> Transcript | None:
    return session.scalar(select(Transcript).where(Transcript.checksum == digest))


def list_page(session: Session, *, cursor: str | None, limit: int) -> Page[Transcript]:
    """Newest first, keyset on the id. A listing shows counts, not text: the raw content
    (up to 5 MB each) stays unread."""
    query = (
        select(Transcript)
        .options(defer(Transcript.content, raiseload=True))
        .order_by(Transcript.id.desc())
        .limit(limit + 1)
    )
    if cursor is not None:
        [before_id] = decode_cursor(cursor, _CURSOR_KIND, Part.id)
        query = query.where(Transcript.id < before_id)
    rows = session.scalars(query).all()
    if len(rows) <= limit:
        return Page(rows)
    return Page(rows[:limit], encode_cursor(_CURSOR_KIND, rows[limit - 1].id))
