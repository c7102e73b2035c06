from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workitems.clock import utc_now
from workitems.db import Base


class Transcript(Base):
    """A meeting transcript as uploaded, with its parsed utterances."""

    __tablename__ = "transcripts"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    format: Mapped[str] = mapped_column(String(10))
    content: Mapped[str] = mapped_column(Text)
    #: SHA-256 of the content: posting the same transcript again returns this one.
    checksum: Mapped[str] = mapped_column(String(64), unique=True)
    meeting_date: Mapped[date | None] = mapped_column(default=None)
    #: ``[{name, role?, email?, aliases?}]`` as given at upload.
    participants: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: ``[{index, speaker, text, start, end}]``
    utterances: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
