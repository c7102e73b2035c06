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
            "Please do it ASAP.",
            "I like the 15th design better.",
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
