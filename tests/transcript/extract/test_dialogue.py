"""Dialogue acts of whole turns, and where a meeting's wrap-up is."""

import pytest

from workitems.transcript.extract.dialogue import WRAP_SPAN, turn_acts, wrap_sections
from workitems.transcript.extract.normalize import build_turns
from workitems.transcript.formats import Utterance


def sections(lines: list[str], short: int = 40) -> list[bool]:
    turns = build_turns([Utterance(k, "A" if k % 2 else "B", t) for k, t in enumerate(lines)])
    return wrap_sections(turns, turn_acts(turns), short)


@pytest.mark.parametrize(
    "marker",
    [
        "Okay, to wrap up.",
        "So for the next meeting:",
        "Let's go over the action items.",
        "Your individual work is in the email.",
    ],
)
def test_a_wrap_up_starts_at_its_marker_in_the_second_half(marker: str) -> None:
    talk = ["The numbers look fine this week."] * 100
    late = sections([*talk[:70], marker, *talk[71:]])
    assert late[70:] == [True] * (WRAP_SPAN + 1) + [False] * (100 - 71 - WRAP_SPAN)
    assert not any(late[:70])
    # In the first half it is the agenda ("action items from last time"), not a wrap-up.
    assert not any(sections([*talk[:20], marker, *talk[21:]]))


def test_a_short_meeting_wraps_up_wherever_the_marker_is() -> None:
    lines = ["To recap, then.", "Bob, the deck.", "Sure."]
    assert sections(lines) == [True, True, True]
    assert sections(["Bob, the deck.", "Sure."]) == [False, False]
