"""Participants as people type them: the web's lines or a JSON list (pure)."""

from typing import Any

import pytest

from workitems.errors import ValidationError
from workitems.transcript.participants import parse_participants

PRIYA = {
    "name": "Priya Shah",
    "role": "PM",
    "email": "priya@example.com",
    "aliases": ["Priya", "PS"],
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Priya Shah (PM) <priya@example.com> | Priya, PS\n\nSam", [PRIYA, {"name": "Sam"}]),
        (
            '[{"name": "Priya Shah", "role": "PM", "email": "priya@example.com",'
            ' "aliases": ["Priya", "PS"]}, {"name": " Sam ", "email": ""}]',
            [PRIYA, {"name": "Sam"}],
        ),
        ("", []),
    ],
)
def test_reads_lines_and_json_alike(text: str, expected: list[dict[str, Any]]) -> None:
    assert parse_participants(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Sam <sam@example.com", "line 1"),
        ('[{"name": "Sam"', "line 1"),
        ('[{"role": "PM"}]', "JSON list of"),
    ],
)
def test_names_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_participants(text)
