"""Transcript formats, parsed into numbered utterances (pure: text in, utterances out).

Plain text ("Speaker: text", optionally timestamped, or the speaker-on-its-own-line layout
of Otter and Zoom exports), WebVTT (with ``<v Speaker>`` voice tags or "Speaker: text" in
cues), SRT, and JSON (an array of ``{speaker, text, start?, end?}`` segments, or an object
with ``segments`` as Whisper writes). Each line, cue or segment is one utterance, numbered
in input order; for JSON, utterance ``i`` is segment ``i`` even when its text is empty, so
evidence indices line up with the input.
"""

import json
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from workitems.errors import ValidationError


class TranscriptFormat(StrEnum):
    auto = "auto"
    text = "text"
    vtt = "vtt"
    srt = "srt"
    json = "json"


@dataclass(frozen=True)
class Utterance:
    index: int
    speaker: str | None
    text: str
    start: float | None = None
    end: float | None = None


class TranscriptFormatError(ValidationError):
    """Malformed input; ``line`` is 1-based (for JSON, the segment's position is named)."""

    def __init__(self, detail: str, *, line: int | None = None) -> None:
        where = f"line {line}: " if line is not None else ""
        super().__init__(f"{where}{detail}", field="content", line=line)
        self.line = line


_TS = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_SPEAKER = r"[^\W\d_][\w.'&-]*(?:[ ][\w.'&()-]+){0,4}"
_BRACKET_TS_LINE = re.compile(rf"^\[(?P<ts>[^\]]*)\]\s*(?P<speaker>{_SPEAKER})\s*:\s*(?P<text>.*)$")
_SPEAKER_PAREN_TS = re.compile(rf"^(?P<speaker>{_SPEAKER})\s*\((?P<ts>{_TS})\)\s*:\s*(?P<text>.*)$")
_SPEAKER_COLON = re.compile(rf"^(?P<speaker>{_SPEAKER})\s*:\s+(?P<text>\S.*)$")
#: Otter/Zoom: "Alice Smith  0:03", "[Alice Smith] 10:03:22", "Speaker 1 (00:05)".
_SPEAKER_HEADER = re.compile(rf"^\[?(?P<speaker>{_SPEAKER})\]?\s+\(?(?P<ts>{_TS})\)?\s*$")
_TIMING = re.compile(rf"^(?P<start>{_TS})\s*-->\s*(?P<end>{_TS})(?:\s+.*)?$")
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+(?P<speaker>[^>]+)>")
_TAG = re.compile(r"</?[^>]+>")
#: Line openers that look like "Name:" but are markers, not speakers.
_NOT_SPEAKERS = frozenset(
    {
        "action item",
        "action items",
        "action",
        "todo",
        "to do",
        "note",
        "notes",
        "decision",
        "next steps",
        "agenda",
        "summary",
        "follow up",
        "follow-up",
        "re",
        "subject",
        "http",
        "https",
    }
)


def parse_transcript(
    content: str, fmt: TranscriptFormat = TranscriptFormat.auto
) -> tuple[TranscriptFormat, list[Utterance]]:
    content = content.lstrip("\ufeff")
    if not content.strip():
        raise TranscriptFormatError("the transcript is empty")
    if fmt == TranscriptFormat.auto:
        fmt = detect_format(content)
    parser = {
        TranscriptFormat.text: _parse_text,
        TranscriptFormat.vtt: _parse_vtt,
        TranscriptFormat.srt: _parse_srt,
        TranscriptFormat.json: _parse_json,
    }[fmt]
    utterances = parser(content)
    if not any(u.text for u in utterances):
        raise TranscriptFormatError("the transcript has no spoken text")
    return fmt, utterances


def detect_format(content: str) -> TranscriptFormat:
    head = content.lstrip("\ufeff").lstrip()
    if head.startswith("WEBVTT"):
        return TranscriptFormat.vtt
    # "[{" opens a JSON array of segments; "[00:12:03] Alice" and "[Alice] 10:03" are text.
    if head.startswith("{") or re.match(r"\[\s*[{\]]", head):
        return TranscriptFormat.json
    lines = [line.strip() for line in head.splitlines()[:3]]
    if len(lines) >= 2 and lines[0].isdigit() and "-->" in lines[1]:
        return TranscriptFormat.srt
    return TranscriptFormat.text


def parse_timestamp(text: str, *, line: int | None = None) -> float:
    parts = text.strip().replace(",", ".").split(":")
    try:
        numbers = [float(part) for part in parts]
    except ValueError:
        raise TranscriptFormatError(f"{text!r} is not a timestamp", line=line) from None
    if (
        not 2 <= len(numbers) <= 3
        or any(n < 0 for n in numbers)
        or numbers[-1] >= 60
        or (len(numbers) == 3 and numbers[1] >= 60)
    ):
        raise TranscriptFormatError(f"{text!r} is not a valid timestamp", line=line)
    seconds = 0.0
    for number in numbers:
        seconds = seconds * 60 + number
    return round(seconds, 3)


def split_speaker(text: str) -> tuple[str | None, str]:
    """``"Alice: hello"`` -> ``("Alice", "hello")``; markers like "TODO:" are not speakers."""
    match = _SPEAKER_COLON.match(text)
    if match and match["speaker"].strip().lower() not in _NOT_SPEAKERS:
        return match["speaker"].strip(), match["text"].strip()
    return None, text.strip()


def _parse_text(content: str) -> list[Utterance]:
    utterances: list[Utterance] = []
    speaker: str | None = None
    start: float | None = None
    for number, raw in enumerate(content.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if (match := _BRACKET_TS_LINE.match(line)) or (match := _SPEAKER_PAREN_TS.match(line)):
            speaker = match["speaker"].strip()
            start = parse_timestamp(match["ts"], line=number)
            text = match["text"].strip()
        elif (match := _SPEAKER_HEADER.match(line)) and match["speaker"].lower() not in (
            _NOT_SPEAKERS
        ):
            speaker = match["speaker"].strip()
            start = parse_timestamp(match["ts"], line=number)
            continue
        else:
            named, text = split_speaker(line)
            if named is not None:
                speaker, start = named, None
        if text:
            utterances.append(Utterance(len(utterances), speaker, text, start))
    return utterances


def _blocks(content: str) -> list[tuple[int, list[str]]]:
    """Blank-line separated blocks with the line number each starts on."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    first = 0
    for number, raw in enumerate(content.splitlines(), start=1):
        line = raw.strip()
        if not line:
            if current:
                blocks.append((first, current))
                current = []
            continue
        if not current:
            first = number
        current.append(line)
    if current:
        blocks.append((first, current))
    return blocks


def _parse_vtt(content: str) -> list[Utterance]:
    blocks = _blocks(content)
    if not blocks or not blocks[0][1][0].startswith("WEBVTT"):
        raise TranscriptFormatError("a WebVTT file starts with 'WEBVTT'", line=1)
    utterances: list[Utterance] = []
    for first, lines in blocks[1:]:
        if lines[0].startswith(("NOTE", "STYLE", "REGION")):
            continue
        timing_at = 0 if "-->" in lines[0] else 1
        if timing_at >= len(lines) or "-->" not in lines[timing_at]:
            raise TranscriptFormatError("expected a cue timing 'start --> end'", line=first)
        start, end = _timing(lines[timing_at], line=first + timing_at)
        utterance = _cue_text(lines[timing_at + 1 :])
        if utterance is not None:
            speaker, text = utterance
            utterances.append(Utterance(len(utterances), speaker, text, start, end))
    return utterances


def _parse_srt(content: str) -> list[Utterance]:
    utterances: list[Utterance] = []
    for first, lines in _blocks(content):
        if not lines[0].isdigit():
            raise TranscriptFormatError(
                f"expected a subtitle number, found {lines[0][:40]!r}", line=first
            )
        if len(lines) < 2 or "-->" not in lines[1]:
            raise TranscriptFormatError("expected a timing 'start --> end'", line=first + 1)
        start, end = _timing(lines[1], line=first + 1)
        utterance = _cue_text(lines[2:])
        if utterance is not None:
            speaker, text = utterance
            utterances.append(Utterance(len(utterances), speaker, text, start, end))
    return utterances


def _timing(text: str, *, line: int) -> tuple[float, float]:
    match = _TIMING.match(text)
    if match is None:
        raise TranscriptFormatError(f"{text[:60]!r} is not a cue timing", line=line)
    start = parse_timestamp(match["start"], line=line)
    end = parse_timestamp(match["end"], line=line)
    if end < start:
        raise TranscriptFormatError("the cue ends before it starts", line=line)
    return start, end


def _cue_text(lines: list[str]) -> tuple[str | None, str] | None:
    payload = " ".join(lines)
    voice = _VOICE.search(payload)
    speaker = voice["speaker"].strip() if voice else None
    text = " ".join(_TAG.sub("", payload).split())
    if speaker is None:
        speaker, text = split_speaker(text)
    return (speaker, text) if text else None


def _parse_json(content: str) -> list[Utterance]:
    try:
        data: Any = json.loads(content)
    except json.JSONDecodeError as error:
        raise TranscriptFormatError(f"not valid JSON ({error.msg})", line=error.lineno) from None
    segments = data.get("segments") if isinstance(data, dict) else data
    if not isinstance(segments, list):
        raise TranscriptFormatError(
            "JSON transcripts are an array of segments or an object with 'segments'"
        )
    utterances: list[Utterance] = []
    for position, segment in enumerate(segments):
        if not isinstance(segment, dict) or not isinstance(segment.get("text"), str):
            raise TranscriptFormatError(
                f"segment {position} must be an object with a 'text' string"
            )
        speaker = segment.get("speaker")
        if speaker is not None and not isinstance(speaker, str | int):
            raise TranscriptFormatError(f"segment {position}: 'speaker' must be a string")
        utterances.append(
            Utterance(
                position,
                str(speaker).strip() if speaker is not None else None,
                " ".join(segment["text"].split()),
                _seconds(segment.get("start"), position, "start"),
                _seconds(segment.get("end"), position, "end"),
            )
        )
    return utterances


def _seconds(value: Any, position: int, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise TranscriptFormatError(f"segment {position}: '{name}' must be seconds")
    if isinstance(value, int | float):
        if value < 0:
            raise TranscriptFormatError(f"segment {position}: '{name}' is negative")
        return float(value)
    if isinstance(value, str):
        return parse_timestamp(value)
    raise TranscriptFormatError(f"segment {position}: '{name}' must be seconds")
