"""Analysing a stored transcript: run the extractor and stage its candidates for review.

Idempotent per extractor version: analysing a transcript again with the same version
returns the candidates already staged and stages nothing new. The transcript row is locked
while analysing, so two concurrent requests cannot both stage.
"""

from sqlalchemy.orm import Session

from workitems.errors import NotFoundError
from workitems.notify import outbox
from workitems.notify.enums import EventType
from workitems.staging import repository as staging_repository
from workitems.staging.enums import CandidateSource
from workitems.staging.models import Candidate
from workitems.staging.schemas import CandidateIn, Evidence
from workitems.staging.service import stage_candidate, stage_many
from workitems.transcript import repository
from workitems.transcript.extract import (
    EXTRACTOR_NAME,
    EXTRACTOR_VERSION,
    ExtractedItem,
    extract_items,
    participants_from,
)
from workitems.transcript.formats import Utterance
from workitems.transcript.models import Transcript
from workitems.transcript.schemas import TranscriptOut

#: Titles made from an utterance are cut here; the quote keeps every word.
TITLE_LENGTH = 200


def analyze_transcript(
    session: Session, transcript_id: int, *, actor_id: int | None
) -> tuple[Transcript, list[Candidate], bool]:
    """``(transcript, candidates, staged_now)``."""
    transcript = repository.find(session, transcript_id, lock=True)
    if transcript is None:
        raise NotFoundError(f"Transcript {transcript_id} does not exist.")
    existing = staging_repository.from_extractor(
        session, transcript.id, extractor=EXTRACTOR_NAME, version=EXTRACTOR_VERSION
    )
    if existing:
        return transcript, existing, False
    items = extract_from(transcript)
    results = stage_many(
        session,
        [_candidate_input(transcript, item).model_dump(mode="json") for item in items],
        actor_id=actor_id,
        atomic=True,
        source=CandidateSource.transcript,
    )
    candidates = [r.candidate for r in results if r.candidate is not None]
    data = TranscriptOut.of(transcript).model_dump(mode="json")
    data["actor"] = outbox.actor_ref(session, actor_id)
    data["candidate_ids"] = [c.id for c in candidates]
    outbox.emit(session, EventType.transcript_analyzed, data)
    return transcript, candidates, True


def extract_from(transcript: Transcript) -> list[ExtractedItem]:
    return extract_items(
        [Utterance(**u) for u in transcript.utterances],
        meeting_date=transcript.meeting_date,
        participants=participants_from(transcript.participants),
    )


def _candidate_input(transcript: Transcript, item: ExtractedItem) -> CandidateIn:
    return CandidateIn(
        title=item.title[:500],
        description=item.description[:20_000],
        assignee=item.owner_user or item.owner,
        assignee_heard=item.owner[:200] if item.owner else None,
        due=item.due,
        due_phrase=item.due_phrase[:200] if item.due_phrase else None,
        priority=item.priority,
        source=CandidateSource.transcript,
        transcript_id=transcript.id,
        evidence=[
            Evidence(
                utterance_index=e.utterance_index,
                speaker=e.speaker,
                start=e.start,
                quote=e.quote[:5_000],
            )
            for e in item.evidence[:80]
        ]
        + [
            Evidence(
                utterance_index=e.utterance_index,
                speaker=e.speaker,
                start=e.start,
                quote=e.quote[:5_000],
                context=True,
            )
            for e in item.context[: 100 - min(len(item.evidence), 80)]
        ],
        confidence=item.confidence,
        commitment=item.commitment,
        extractor=EXTRACTOR_NAME,
        extractor_version=EXTRACTOR_VERSION,
    )


def stage_utterance(
    session: Session, transcript_id: int, index: int, *, actor_id: int | None
) -> Candidate:
    """What the extractor missed: one utterance staged as a candidate, the utterance as
    its evidence and its words as the title, for the reviewer to edit. The speaker is not
    taken as the owner: who said something is often not who will do it."""
    transcript = repository.find(session, transcript_id)
    if transcript is None:
        raise NotFoundError(f"Transcript {transcript_id} does not exist.")
    if not 0 <= index < len(transcript.utterances):
        raise NotFoundError(f"Transcript {transcript_id} has no utterance {index}.")
    said = Utterance(**transcript.utterances[index])
    text = " ".join(said.text.split())
    title = text if len(text) <= TITLE_LENGTH else text[: TITLE_LENGTH - 1].rstrip() + "…"
    data = CandidateIn(
        title=title or f"Utterance {index}",
        source=CandidateSource.transcript,
        transcript_id=transcript.id,
        evidence=[
            Evidence(
                utterance_index=index, speaker=said.speaker, start=said.start, quote=text[:5000]
            )
        ],
    )
    return stage_candidate(session, data, actor_id=actor_id, source=CandidateSource.transcript)
