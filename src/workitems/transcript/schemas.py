from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from workitems.bounds import STRIP_NONBLANK, Day
from workitems.transcript.formats import TranscriptFormat
from workitems.transcript.models import Transcript

Name = Annotated[str, StringConstraints(min_length=1, max_length=200), STRIP_NONBLANK]


class Participant(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    role: Annotated[str, StringConstraints(max_length=200)] | None = None
    email: Annotated[str, StringConstraints(max_length=320)] | None = None
    aliases: list[Name] = Field(default_factory=list, max_length=20)


class TranscriptIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Annotated[str, StringConstraints(min_length=1, max_length=500), STRIP_NONBLANK]
    content: str = Field(description="The transcript text in any supported format.")
    format: TranscriptFormat = TranscriptFormat.auto
    meeting_date: Day | None = Field(
        default=None, description="Relative due dates resolve against this day."
    )
    participants: list[Participant] = Field(default_factory=list, max_length=200)


class UtteranceOut(BaseModel):
    index: int
    speaker: str | None
    text: str
    start: float | None
    end: float | None


class TranscriptOut(BaseModel):
    id: int
    title: str
    format: str
    checksum: str
    meeting_date: date | None
    participants: list[dict[str, Any]]
    utterance_count: int
    created_at: datetime
    utterances: list[UtteranceOut] | None = Field(
        default=None, description="Included when reading one transcript."
    )

    @classmethod
    def of(cls, transcript: Transcript, *, with_utterances: bool = False) -> "TranscriptOut":
        return cls(
            id=transcript.id,
            title=transcript.title,
            format=transcript.format,
            checksum=transcript.checksum,
            meeting_date=transcript.meeting_date,
            participants=list(transcript.participants or []),
            utterance_count=len(transcript.utterances or []),
            created_at=transcript.created_at,
            utterances=[UtteranceOut(**u) for u in transcript.utterances]
            if with_utterances
            else None,
        )


class TranscriptPage(BaseModel):
    items: list[TranscriptOut]
    next_cursor: str | None
