"""Every transcript format, with small fixture files (including malformed ones)."""

from pathlib import Path

import pytest

from workitems.transcript.formats import (
    TranscriptFormat,
    TranscriptFormatError,
    Utterance,
    detect_format,
    parse_timestamp,
    parse_transcript,
    split_speaker,
)

FIXTURES = Path(__file__).parent / "fixtures"
F = TranscriptFormat


def _parse(name: str, fmt: F = F.auto) -> tuple[F, list[Utterance]]:
    return parse_transcript((FIXTURES / name).read_text(), fmt)


def _rows(utterances: list[Utterance]) -> list[tuple[int, str | None, str, float | None]]:
    return [(u.index, u.speaker, u.text, u.start) for u in utterances]


class TestParseTranscript:
    @pytest.mark.parametrize(
        ("name", "fmt", "rows"),
        [
            (
                "plain.txt",
                F.text,
                [
                    (0, "Alice", "Morning all, quick sync today.", None),
                    (1, "Bob", "I will send the deck to finance by Friday.", None),
                    (2, "Alice", "Great, thanks.", None),
                ],
            ),
            (
                "bracket.txt",
                F.text,
                [
                    (0, "Alice", "Morning all.", 5.0),
                    (1, "Bob", "I will send the deck.", 723.0),
                    (2, "Bob", "This line continues with Bob.", 723.0),
                ],
            ),
            (
                "paren.txt",
                F.text,
                [
                    (0, "Alice", "Can you update the roadmap?", 12.0),
                    (1, "Bob", "Sure, I can do that.", 65.0),
                ],
            ),
            (
                "otter.txt",
                F.text,
                [
                    (0, "Alice Smith", "Morning all.", 3.0),
                    (1, "Alice Smith", "Let us start.", 3.0),
                    (2, "Bob Jones", "I will send the deck.", 75.0),
                ],
            ),
            (
                "zoom.txt",
                F.text,
                [
                    (0, "Alice Smith", "Morning all.", 36202.0),
                    (1, "Bob Jones", "TODO: send the deck.", 36220.0),
                ],
            ),
            (
                "teams.vtt",
                F.vtt,
                [
                    (0, "Alice Smith", "Can you update the roadmap?", 1.0),
                    (1, "Bob", "Sure, I can do that.", 5.5),
                ],
            ),
            (
                "speaker_in_cue.vtt",
                F.vtt,
                [
                    (0, "Alice", "Who takes the budget?", 1.0),
                    (1, "Bob", "I will.", 4.0),
                ],
            ),
            (
                "sample.srt",
                F.srt,
                [
                    (0, "Alice", "Let us review.", 1.0),
                    (1, "Bob", "I will draft the plan by Monday.", 4.5),
                ],
            ),
            (
                "segments.json",
                F.json,
                [
                    (0, "PM", "Okay, action item for you.", 1.5),
                    (1, "ID", "", 2.0),
                    (2, "ID", "I will build the prototype.", 3.25),
                ],
            ),
            (
                "whisper.json",
                F.json,
                [
                    (0, None, "Hello there.", 0.0),
                    (1, None, "Let us begin.", 2.5),
                ],
            ),
        ],
    )
    def test_formats_detected_and_parsed(
        self, name: str, fmt: F, rows: list[tuple[int, str | None, str, float | None]]
    ) -> None:
        detected, utterances = _parse(name)
        assert detected == fmt
        assert _rows(utterances) == rows
        assert _parse(name, fmt)[1] == utterances

    def test_cue_end_times_kept(self) -> None:
        _, utterances = _parse("sample.srt")
        assert utterances[1].end == 6.0

    @pytest.mark.parametrize(
        ("name", "line", "fragment"),
        [
            ("bad_timing.vtt", 3, "timing"),
            ("bad_index.srt", 5, "subtitle number"),
            ("bad.json", 2, "not valid JSON"),
            ("bad_ts.txt", 1, "timestamp"),
        ],
    )
    def test_malformed_names_the_line(self, name: str, line: int, fragment: str) -> None:
        with pytest.raises(TranscriptFormatError) as caught:
            _parse(name)
        assert caught.value.line == line
        assert f"line {line}" in caught.value.detail
        assert fragment in caught.value.detail

    def test_json_segment_without_text_is_named(self) -> None:
        with pytest.raises(TranscriptFormatError, match="segment 1"):
            _parse("no_text.json")

    def test_empty_is_an_error(self) -> None:
        with pytest.raises(TranscriptFormatError, match="empty"):
            _parse("empty.txt")

    def test_vtt_declared_but_not_vtt(self) -> None:
        with pytest.raises(TranscriptFormatError, match="WEBVTT"):
            parse_transcript("Alice: hi\n", F.vtt)


class TestHelpers:
    @pytest.mark.parametrize(
        ("text", "seconds"),
        [("00:12:03", 723.0), ("12:03", 723.0), ("1:02:03.5", 3723.5), ("00:00:01,250", 1.25)],
    )
    def test_timestamps(self, text: str, seconds: float) -> None:
        assert parse_timestamp(text) == seconds

    @pytest.mark.parametrize("text", ["12", "00:61", "aa:bb", "1:2:3:4"])
    def test_bad_timestamps(self, text: str) -> None:
        with pytest.raises(TranscriptFormatError):
            parse_timestamp(text)

    @pytest.mark.parametrize(
        ("line", "expected"),
        [
            ("Alice: hello", ("Alice", "hello")),
            ("Dr. Priya Shah: hello", ("Dr. Priya Shah", "hello")),
            ("Action item: send the deck", (None, "Action item: send the deck")),
            ("TODO: send it", (None, "TODO: send it")),
            ("We met at 10:30 to talk", (None, "We met at 10:30 to talk")),
            ("See https://example.com", (None, "See https://example.com")),
        ],
    )
    def test_split_speaker(self, line: str, expected: tuple[str | None, str]) -> None:
        assert split_speaker(line) == expected

    def test_detect_plain_text_starting_with_a_bracket(self) -> None:
        assert detect_format("[00:00:01] Alice: hi") == F.text
