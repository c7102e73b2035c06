"""Stage 5: owner and due date of an item (titles: test_title.py)."""

from datetime import date

import pytest

from tests.transcript.extract.dialogues import extract, in_context, only


@pytest.mark.parametrize(
    ("lines", "owner", "owner_user"),
    [
        (("Bob: I'll send the Q3 deck to finance.",), "Bob", "bob@example.com"),
        (("Alice: Priya, please draft the launch email.",), "Priya Raman", "priya@example.com"),
        (("Alice: Can you update the roadmap?", "Sam: Sure, will do."), "Sam", "sam@example.com"),
        # Named or by role: the participant's name (nobody called Sam spoke).
        (("Alice: Sam will handle the vendor call.",), "Sam Ortiz", "sam@example.com"),
        (
            ("Alice: The engineer is going to benchmark the new database.",),
            "Sam Ortiz",
            "sam@example.com",
        ),
        (("Alice: Dana will send the signed contract to legal.",), "Dana", None),
        (("Guest: I'll rotate the API keys tomorrow.",), "Guest", None),
    ],
)
def test_owner(lines: tuple[str, ...], owner: str, owner_user: str | None) -> None:
    item = only(extract(*in_context(*lines)))
    assert (item.owner, item.owner_user) == (owner, owner_user)


def test_someone_has_no_owner_and_a_warning() -> None:
    item = only(extract(*in_context("Bob: Someone from legal needs to review the NDA by Friday.")))
    assert (item.owner, item.owner_user) == (None, None)
    assert "no_owner" in item.warnings


@pytest.mark.parametrize(
    ("phrase", "due"),
    [
        ("by end of day Friday", date(2025, 3, 7)),
        ("EOD", date(2025, 3, 3)),
        ("tomorrow morning", date(2025, 3, 4)),
        ("in two weeks", date(2025, 3, 17)),
        ("by the 15th", date(2025, 3, 15)),
        ("by the end of the month", date(2025, 3, 31)),
        ("in Q1", None),
        ("before the offsite", None),
        ("ASAP", None),
    ],
)
def test_due_from_the_evidence(phrase: str, due: date | None) -> None:
    item = only(extract(f"Bob: I'll send the pricing sheet to finance {phrase}."))
    assert item.due == due
    assert item.due_phrase is not None
    assert phrase.split()[-1].lower() in item.due_phrase.lower()


def test_the_due_date_may_come_from_the_acceptance() -> None:
    item = only(extract("Alice: Can you update the roadmap?", "Bob: Sure, by Thursday."))
    assert item.due == date(2025, 3, 6)
