"""Helpers for the extractor's tests: short dialogues written for these tests."""

import re
from datetime import date

from workitems.transcript.extract import ExtractedItem, ParticipantInfo, extract_items
from workitems.transcript.formats import Utterance

MONDAY = date(2025, 3, 3)
TEAM = (
    ParticipantInfo("Alice Chen", "Project Manager", "alice@example.com"),
    ParticipantInfo("Bob Stone", "Visual Designer", "bob@example.com"),
    ParticipantInfo("Priya Raman", "Interaction Designer", "priya@example.com"),
    ParticipantInfo("Sam Ortiz", "Engineer", "sam@example.com"),
)


def dialogue(*lines: str) -> list[Utterance]:
    """``"Alice: text"`` lines as numbered utterances."""
    utterances = []
    for index, line in enumerate(lines):
        speaker, text = line.split(":", 1)
        utterances.append(Utterance(index, speaker, text.strip(), start=float(index * 5)))
    return utterances


def extract(*lines: str, participants: tuple[ParticipantInfo, ...] = TEAM) -> list[ExtractedItem]:
    return extract_items(dialogue(*lines), meeting_date=MONDAY, participants=participants)


def in_context(*lines: str) -> tuple[str, ...]:
    """A few lines as said in a meeting: someone asks for updates first, and thanks after."""
    return ("Host: Okay, next. Any updates?", *lines, "Host: Thanks.")


def only(items: list[ExtractedItem]) -> ExtractedItem:
    assert len(items) == 1, [item.title for item in items]
    return items[0]


def evidence(item: ExtractedItem) -> list[int]:
    return [ev.utterance_index for ev in item.evidence]


def as_asr(line: str) -> str:
    """What speech recognition without punctuation or case gives for a line."""
    speaker, text = line.split(":", 1)
    return f"{speaker}: " + re.sub(r"[^\w\s']", "", text).lower()


def summary(items: list[ExtractedItem]) -> list[tuple[object, ...]]:
    """What must not change between two renderings of one dialogue."""
    return [(evidence(i), i.owner_user, i.due, i.title.lower().rstrip(".")) for i in items]
