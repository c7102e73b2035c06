"""The one cursor codec (pure): what it writes it reads back; anything else is a 422."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from workitems.errors import ValidationError
from workitems.paging import Part, decode_cursor, encode_cursor

MOMENT = datetime(2026, 11, 26, 10, 30, tzinfo=UTC)


class TestRoundTrip:
    @pytest.mark.parametrize(
        ("value", "part"),
        [
            (MOMENT, Part.time),
            (date(9999, 12, 31), Part.day),
            (3, Part.rank),
            (0.25, Part.score),
            (2**40, Part.sequence),
        ],
    )
    def test_reads_back_what_it_wrote(self, value: object, part: Part) -> None:
        cursor = encode_cursor("-updated", value, 42)  # type: ignore[arg-type]
        assert decode_cursor(cursor, "-updated", part, Part.id) == [value, 42]

    def test_an_offset_is_read_as_the_same_moment_in_utc(self) -> None:
        cursor = encode_cursor("x", MOMENT.astimezone(timezone(timedelta(hours=-5))))
        assert decode_cursor(cursor, "x", Part.time) == [MOMENT]


class TestRefused:
    def test_another_kind_names_both(self) -> None:
        with pytest.raises(ValidationError, match="'due'") as caught:
            decode_cursor(encode_cursor("-updated", MOMENT, 1), "due", Part.day, Part.id)
        assert caught.value.field == "cursor"

    @pytest.mark.parametrize(
        ("values", "parts"),
        [
            (["2026-01-01T00:00:00"], [Part.time]),  # naive
            (["9999-12-31T23:00:00-05:00"], [Part.time]),  # past year 9999 in UTC
            ([2**31], [Part.id]),
            ([0], [Part.id]),
            ([True], [Part.id]),
            ([2**63], [Part.sequence]),
            (["1"], [Part.rank]),
            ([1, 2], [Part.id]),
        ],
    )
    def test_values_no_row_can_have(self, values: list[object], parts: list[Part]) -> None:
        import base64
        import json

        raw = json.dumps(["x", *values]).encode()
        cursor = base64.urlsafe_b64encode(raw).decode().rstrip("=")
        with pytest.raises(ValidationError):
            decode_cursor(cursor, "x", *parts)

    @pytest.mark.parametrize("text", ["WyJ4IiwgTmFOXQ", "WyJ4IiwgSW5maW5pdHld", "x" * 600, "é"])
    def test_nan_infinity_and_oversize(self, text: str) -> None:
        with pytest.raises(ValidationError):
            decode_cursor(text, "x", Part.score)
