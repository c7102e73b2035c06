"""Stage 5: owner and due date of an item (titles: test_title.py)."""

from datetime import date

import pytest

from tests.transcript.extract.dialogues import extract, in_context, only
from workitems.transcript.extract import ParticipantInfo


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


@pytest.mark.parametrize(
    ("line", "dues"),
    [
        # A deadline said with an earlier item is that item's, not the next one's.
        (
            "Bob: I'll call the landlord today about the lease and I'll also chase the MRI report.",
            {"landlord": date(2025, 3, 3), "report": None},
        ),
        # One said last covers the work said before it.
        (
            "Bob: I'll fix the entries and send the revised log to them by Thursday.",
            {"entries": date(2025, 3, 6), "log": date(2025, 3, 6)},
        ),
        # Each its own: a bare weekday ends the first (ASR text without "by").
        (
            "Bob: i'll send the overdue reminders wednesday and i'll also answer the online "
            "reviews by next friday",
            {"reminders": date(2025, 3, 5), "reviews": date(2025, 3, 14)},
        ),
    ],
)
def test_due_dates_of_two_items_in_one_turn(line: str, dues: dict[str, date | None]) -> None:
    items = extract(*in_context(line))
    got = {word: [i.due for i in items if word in i.title.lower()] for word in dues}
    assert got == {word: [due] for word, due in dues.items()}


def test_a_time_said_before_the_work_is_not_its_deadline() -> None:
    item = only(
        extract(
            *in_context(
                "Jess: We got forty new claims over the weekend, so I'll send the "
                "acknowledgment letters by Wednesday."
            )
        )
    )
    assert item.due == date(2025, 3, 5)


@pytest.mark.parametrize(
    ("request_line", "reply", "due"),
    [
        # The request names when the call is, not a deadline: the one who takes it on says.
        (
            "Alice: Sam, can you set up the kickoff call with Linda for next week?",
            "Sam: Yes, I'll send the invite tomorrow.",
            date(2025, 3, 4),
        ),
        # A deadline asked for stays, whatever day the work starts.
        (
            "Alice: Sam, please get sign-off on the Northwind discount by Thursday.",
            "Sam: Okay, I'll ask her today.",
            date(2025, 3, 6),
        ),
    ],
)
def test_due_date_of_a_request_and_its_acceptance(request_line: str, reply: str, due: date) -> None:
    assert only(extract(*in_context(request_line, reply))).due == due


@pytest.mark.parametrize(
    ("lines", "owner"),
    [
        # A group hands the work to someone by name: they own it (participant or not).
        (("Alice: Let's have Sam run the load test again before launch.",), "Sam Ortiz"),
        (("Alice: ok so let's have jen send the flyers to the printer by friday",), "jen"),
        # An offer that someone only takes note of stays the offerer's.
        (
            (
                "Bob: I'll issue the revised door schedule on the 31st, you'll have it then.",
                "Sam: Okay. As long as it's not later than that.",
            ),
            "Bob",
        ),
    ],
)
def test_owner_of_handed_and_offered_work(lines: tuple[str, ...], owner: str) -> None:
    assert only(extract(*in_context(*lines))).owner == owner


@pytest.mark.parametrize(
    ("line", "due"),
    [
        # Booking an event: the time is the event's, not the booking's deadline.
        ("Bob: I'll book the photographer for Friday morning.", None),
        ("Bob: I'll book the photographer by Wednesday.", date(2025, 3, 5)),
    ],
)
def test_the_time_of_a_booked_event_is_no_due_date(line: str, due: date | None) -> None:
    assert only(extract(*in_context(line))).due == due


def test_a_participant_handed_the_work_by_name_owns_it() -> None:
    people = (
        ParticipantInfo("Margaret Oyelaran", "Head of Infrastructure", "m@example.com"),
        ParticipantInfo("Tomas Reyes", "SRE", "t@example.com"),
        ParticipantInfo("Peter Lindqvist", "Support Lead", "p@example.com", ("Peter",)),
    )
    item = only(
        extract(
            "Margaret Oyelaran: Peter, how did support handle the outage?",
            "Tomas Reyes: Badly, honestly. The status page went up late.",
            "Margaret Oyelaran: Let's have Peter rewrite the incident checklist so the status "
            "page post comes first.",
            "Peter Lindqvist: Fine by me.",
            participants=people,
        )
    )
    assert (item.owner, item.owner_user) == ("Peter Lindqvist", "p@example.com")


def test_an_answer_that_asks_in_turn_does_not_take_the_work() -> None:
    item = only(
        extract(
            *in_context(
                "Sam: Someone from legal should put the notice date in the contract register.",
                "Bob: Yes, please make sure that happens.",
            )
        )
    )
    assert item.owner is None
