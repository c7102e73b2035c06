"""Quick add's reading of one typed line (pure, table-driven)."""

from datetime import date

import pytest

from workitems.errors import ValidationError
from workitems.quickadd import QuickAdd, parse_quick_add
from workitems.task.enums import Priority

THURSDAY = date(2026, 11, 26)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "Send the Q3 deck to finance @priya due:friday !high #finance",
            QuickAdd(
                title="Send the Q3 deck to finance",
                owner="priya",
                due=date(2026, 11, 27),
                due_text="friday",
                priority=Priority.high,
                labels=["finance"],
            ),
        ),
        (
            'Book the venue owner:"Priya Shah" priority:urgent label:offsite,events',
            QuickAdd(
                title="Book the venue",
                owner="Priya Shah",
                priority=Priority.urgent,
                labels=["offsite", "events"],
            ),
        ),
        (
            '@"Sam Lee" Draft the agenda due:"next week" #ops #ops',
            QuickAdd(
                title="Draft the agenda",
                owner="Sam Lee",
                due=date(2026, 12, 4),
                due_text="next week",
                labels=["ops"],
            ),
        ),
        (
            "Call the bank due:tomorrow",
            QuickAdd(title="Call the bank", due=date(2026, 11, 27), due_text="tomorrow"),
        ),
        (
            "Renew the lease due:3d",
            QuickAdd(title="Renew the lease", due=date(2026, 11, 29), due_text="3d"),
        ),
        (
            "File taxes due:2027-01-31",
            QuickAdd(title="File taxes", due=date(2027, 1, 31), due_text="2027-01-31"),
        ),
        ("Re: budget in C# !now", QuickAdd(title="Re: budget in C# !now")),
        ("Email sam@example.com about it", QuickAdd(title="Email sam@example.com about it")),
    ],
)
def test_reads_the_line(line: str, expected: QuickAdd) -> None:
    assert parse_quick_add(line, today=THURSDAY) == expected


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("@priya #x", "title"),
        ("Ship it priority:extreme", "Unknown priority 'extreme'"),
        ("Ship it due:someday", "Cannot read the due date 'someday'"),
    ],
)
def test_refuses_what_it_cannot_read(line: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_quick_add(line, today=THURSDAY)
