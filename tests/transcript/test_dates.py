"""Deadline phrases resolved against the meeting date, never against today."""

from datetime import date

import pytest

from workitems.transcript.dates import find_due

MONDAY = date(2025, 3, 3)
FRIDAY = date(2025, 3, 7)


class TestFindDue:
    @pytest.mark.parametrize(
        ("text", "meeting", "due", "phrase"),
        [
            ("I'll send it by Friday.", MONDAY, date(2025, 3, 7), "by Friday"),
            ("by friday please", FRIDAY, date(2025, 3, 14), "by friday"),
            ("on Wednesday", FRIDAY, date(2025, 3, 12), "on Wednesday"),
            ("let's do it next Friday", MONDAY, date(2025, 3, 14), "next Friday"),
            ("draft it tomorrow", MONDAY, date(2025, 3, 4), "tomorrow"),
            ("the day after tomorrow works", MONDAY, date(2025, 3, 5), "the day after tomorrow"),
            ("I need it EOD", MONDAY, MONDAY, "EOD"),
            ("by end of day", FRIDAY, FRIDAY, "by end of day"),
            ("sometime this week", MONDAY, date(2025, 3, 7), "this week"),
            ("by next week", MONDAY, date(2025, 3, 14), "by next week"),
            (
                "before the end of the month",
                date(2025, 2, 10),
                date(2025, 2, 28),
                "before the end of the month",
            ),
            ("next month", date(2025, 12, 15), date(2026, 1, 31), "next month"),
            ("in two weeks", MONDAY, date(2025, 3, 17), "in two weeks"),
            ("within 3 days", MONDAY, date(2025, 3, 6), "within 3 days"),
            ("by the 15th", MONDAY, date(2025, 3, 15), "by the 15th"),
            ("by the 1st", MONDAY, date(2025, 4, 1), "by the 1st"),
            ("on March 20", MONDAY, date(2025, 3, 20), "on March 20"),
            ("the 2nd of January", MONDAY, date(2026, 1, 2), "the 2nd of January"),
            ("due 2025-06-30", MONDAY, date(2025, 6, 30), "due 2025-06-30"),
            # The phrases: "by end of day Friday" is that Friday, not the meeting day.
            ("by end of day Friday", MONDAY, FRIDAY, "by end of day Friday"),
            ("EOD Friday", MONDAY, FRIDAY, "EOD Friday"),
            ("tomorrow morning", MONDAY, date(2025, 3, 4), "tomorrow morning"),
            ("next Tuesday", MONDAY, date(2025, 3, 11), "next Tuesday"),
            ("end of the month", MONDAY, date(2025, 3, 31), "end of the month"),
            ("Monday the 3rd", date(2025, 2, 26), date(2025, 3, 3), "Monday the 3rd"),
            ("by the twenty fifth", MONDAY, date(2025, 3, 25), "by the twenty fifth"),
            (
                "before the eighteenth of March",
                MONDAY,
                date(2025, 3, 18),
                "before the eighteenth of March",
            ),
            ("by the end of April", MONDAY, date(2025, 4, 30), "by the end of April"),
            ("Thursday afternoon", MONDAY, date(2025, 3, 6), "Thursday afternoon"),
            ("right after this call", MONDAY, MONDAY, "right after this call"),
            ("early next week", FRIDAY, date(2025, 3, 10), "early next week"),
            ("before the weekend", MONDAY, FRIDAY, "before the weekend"),
            # The weekend is its Saturday; "this week" is not read inside "this weekend".
            ("I can review it this weekend.", MONDAY, date(2025, 3, 8), "this weekend"),
            ("I'll do it over the weekend", FRIDAY, date(2025, 3, 8), "over the weekend"),
            ("by next weekend", MONDAY, date(2025, 3, 15), "by next weekend"),
            ("in the next two weeks", MONDAY, date(2025, 3, 17), "in the next two weeks"),
            ("over the next three days", MONDAY, date(2025, 3, 6), "over the next three days"),
            (
                "i will send you the draft next week monday",
                MONDAY,
                date(2025, 3, 10),
                "next week monday",
            ),
            ("next week on Thursday", FRIDAY, date(2025, 3, 13), "next week on Thursday"),
            # A date after an event's name says when the deadline is.
            (
                "before the deadline on the thirty-first",
                MONDAY,
                date(2025, 3, 31),
                "on the thirty-first",
            ),
            ("book the coach for the retreat, both by friday", MONDAY, FRIDAY, "by friday"),
            # A clock time is the meeting day.
            ("three headline options by four o'clock", MONDAY, MONDAY, "by four o'clock"),
            ("the new stop list by ten", MONDAY, MONDAY, "by ten"),
            ("by 10am", MONDAY, MONDAY, "by 10am"),
            # A bare weekday that ends what is said about the work (ASR drops the "by").
            ("i'll send the overdue reminders monday and", FRIDAY, date(2025, 3, 10), "monday"),
            ("the rota for october probably thursday", MONDAY, date(2025, 3, 6), "thursday"),
            ("You'll have it Thursday.", MONDAY, date(2025, 3, 6), "Thursday"),
        ],
    )
    def test_resolves_against_the_meeting_date(
        self, text: str, meeting: date, due: date, phrase: str
    ) -> None:
        assert find_due(text, meeting) == (due, phrase)

    @pytest.mark.parametrize(
        ("text", "phrase"),
        [
            ("before the next meeting", "before the next meeting"),
            ("for next time", "for next time"),
            ("Please do it ASAP.", "ASAP"),
            ("we need it in Q1", "in Q1"),
            ("before the offsite", "before the offsite"),
            ("by next sprint", "by next sprint"),
        ],
    )
    def test_unknowable_dates_keep_the_phrase(self, text: str, phrase: str) -> None:
        assert find_due(text, MONDAY) == (None, phrase)

    @pytest.mark.parametrize(
        "text",
        [
            "Friday's demo went well.",
            "Today's agenda is short.",
            "We sold two weeks of stock.",
            "On second thought, no.",
            "I like the 15th design better.",
            "We got forty claims last Monday.",
            "I'll prepare the load test before Black Friday, of course.",
            "I'll do the two reference calls, but not before Monday.",
            "Let's see if the weekend of the twenty-seventh works for him.",
            "We cut the budget by ten percent.",
            "Monday was busy.",
        ],
    )
    def test_no_deadline(self, text: str) -> None:
        assert find_due(text, MONDAY) == (None, None)

    def test_relative_phrases_need_a_meeting_date(self) -> None:
        assert find_due("by Friday", None) == (None, "by Friday")

    def test_explicit_dates_with_a_year_need_no_meeting_date(self) -> None:
        assert find_due("on 4 July 2025", None) == (date(2025, 7, 4), "on 4 July 2025")

    def test_a_date_earlier_in_the_year_rolls_to_next_year(self) -> None:
        assert find_due("by February 1", MONDAY)[0] == date(2026, 2, 1)


@pytest.mark.parametrize(
    "text",
    ["I'll send the invite for the Q3 kickoff all-hands.", "the Q1 numbers look fine"],
)
def test_a_quarter_that_names_something_is_no_deadline(text: str) -> None:
    assert find_due(text, MONDAY) == (None, None)


@pytest.mark.parametrize(
    ("text", "due", "phrase"),
    [
        ("by wednesday next week", date(2025, 3, 12), "by wednesday next week"),
        ("end of day tomorrow", date(2025, 3, 4), "end of day tomorrow"),
        ("Monday at the latest.", date(2025, 3, 10), "Monday"),
        ("Friday.", FRIDAY, "Friday"),
        ("a week from today", date(2025, 3, 10), "a week from today"),
        ("two weeks from now", date(2025, 3, 17), "two weeks from now"),
        ("by the middle of next week", date(2025, 3, 12), "by the middle of next week"),
        ("after the weekend", date(2025, 3, 10), "after the weekend"),
        ("end of business friday", FRIDAY, "end of business friday"),
    ],
)
def test_more_spoken_and_non_native_deadlines(text: str, due: date, phrase: str) -> None:
    assert find_due(text, MONDAY) == (due, phrase)
