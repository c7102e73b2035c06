"""The whole pipeline on dialogues written for these tests: the issue's sentences as
regression cases, robustness to chit-chat and to ASR text, and the output contract."""

from datetime import date

import pytest

from tests.transcript.extract.dialogues import (
    MONDAY,
    as_asr,
    dialogue,
    evidence,
    extract,
    only,
    summary,
)
from workitems.transcript.extract import (
    EXTRACTOR_NAME,
    EXTRACTOR_VERSION,
    extract_items,
    item_to_json,
)

STANDUP = (
    "Alice: Morning everyone, let's keep it quick.",
    "Bob: I'll have the new onboarding mockups ready by Wednesday.",
    "Alice: Great. The load test keeps slipping though.",
    "Sam: It does, the staging box was down yesterday.",
    "Alice: Who can own that?",
    "Sam: I'll do it. I'll run the load test tomorrow.",
    "Priya: And I'll go through the accessibility audit and share a summary next Monday.",
    "Alice: Thanks. Bob, can you send the release notes to support by end of day Friday?",
    "Bob: Sure.",
    "Sam: I'll look into the SSO login bug.",
    "Alice: Perfect, that's everything.",
    "Bob: See you tomorrow.",
)
#: Short dialogues, each with the items it must give: (evidence, owner email, due).
DIALOGUES: list[tuple[tuple[str, ...], list[tuple[list[int], str | None, date | None]]]] = [
    (
        ("Alice: Can you update the roadmap?", "Bob: Sure, I can do that."),
        [([0, 1], "bob@example.com", None)],
    ),
    (
        ("Alice: Who takes the budget review?", "Sam: I will, by Thursday."),
        [([0, 1], "sam@example.com", date(2025, 3, 6))],
    ),
    (
        ("Priya: I'll update the deck and send the invite.",),
        [([0], "priya@example.com", None), ([0], "priya@example.com", None)],
    ),
    (
        (
            "Alice: The vendor contract came back from legal this morning.",
            "Bob: Good, I'll send it to finance tomorrow.",
        ),
        [([1], "bob@example.com", date(2025, 3, 4))],
    ),
    (
        ("Alice: Sam will rotate the API keys before Friday.",),
        [([0], "sam@example.com", date(2025, 3, 7))],
    ),
]


class TestTheIssuesStandup:
    """A 12-line stand-up with five obvious items (the old engine found two)."""

    def test_finds_every_item_with_owner_and_date(self) -> None:
        items = extract(*STANDUP)
        found = {(i.owner_user, i.due) for i in items}
        assert ("bob@example.com", date(2025, 3, 5)) in found  # mockups by Wednesday
        assert ("sam@example.com", date(2025, 3, 4)) in found  # load test tomorrow
        assert ("priya@example.com", date(2025, 3, 10)) in found  # audit next Monday
        assert ("bob@example.com", date(2025, 3, 7)) in found  # end of day Friday: Friday
        assert ("sam@example.com", None) in found  # the SSO bug

    def test_the_who_question_and_its_answer_are_one_item(self) -> None:
        [item] = [i for i in extract(*STANDUP) if 5 in evidence(i)]
        assert evidence(item) == [4, 5]
        assert item.title == "Run the load test"

    def test_have_it_ready_is_a_commitment(self) -> None:
        [item] = [i for i in extract(*STANDUP) if evidence(i) == [1]]
        assert "mockups" in item.title.lower()
        assert item.due_phrase == "by Wednesday"

    def test_end_of_day_friday_is_that_friday(self) -> None:
        [item] = [i for i in extract(*STANDUP) if 7 in evidence(i)]
        assert (item.due, item.due_phrase) == (date(2025, 3, 7), "by end of day Friday")
        assert item.title == "Send the release notes to support"

    def test_a_commitment_counts_mid_meeting_as_at_the_end(self) -> None:
        filler = [
            f"{'Alice' if k % 2 else 'Bob'}: The numbers look fine this week." for k in range(30)
        ]
        line = "Sam: I'll look into the SSO login bug."
        early = extract(*filler[:3], line, *filler[3:])
        late = extract(*filler, line)
        assert (
            [i.title for i in early] == [i.title for i in late] == ["Look into the SSO login bug"]
        )


class TestDialogues:
    @pytest.mark.parametrize(("lines", "expected"), DIALOGUES)
    def test_items(
        self, lines: tuple[str, ...], expected: list[tuple[list[int], str | None, date | None]]
    ) -> None:
        assert [(evidence(i), i.owner_user, i.due) for i in extract(*lines)] == expected

    @pytest.mark.parametrize(("lines", "expected"), [(STANDUP, None), *DIALOGUES])
    def test_lower_case_without_punctuation_gives_the_same_items(
        self, lines: tuple[str, ...], expected: object
    ) -> None:
        assert summary(extract(*(as_asr(line) for line in lines))) == summary(extract(*lines))

    @pytest.mark.parametrize(("lines", "expected"), [(STANDUP, None), *DIALOGUES])
    def test_unrelated_chit_chat_around_a_dialogue_changes_nothing(
        self, lines: tuple[str, ...], expected: object
    ) -> None:
        before = (
            "Bob: Did anyone watch the game last night?",
            "Priya: I did, what a finish.",
            "Bob: The coffee machine on three is broken again.",
        )
        after = ("Priya: Anyway, have a good week everyone.", "Bob: You too.")
        padded = extract(*before, *lines, *after)
        shift = len(before)
        moved = [
            ([k - shift for k in ev], owner, due, title)
            for ev, owner, due, title in summary(padded)
        ]
        assert moved == summary(extract(*lines))

    def test_the_pronoun_in_a_title_is_resolved(self) -> None:
        item = only(
            extract(
                "Alice: The vendor contract came back from legal this morning.",
                "Bob: Good, I'll send it to finance tomorrow.",
            )
        )
        assert "contract" in item.title.lower()
        assert not item.warnings


class TestNotItems:
    @pytest.mark.parametrize(
        "line",
        [
            "Bob: I sent the draft to legal last week.",
            "Alice: If we had the budget I'd hire a contractor.",
            "Sam: Let me share my screen.",
            "Priya: I'll stop sharing now.",
            "Alice: First item on the agenda is the budget.",
            "Bob: We should really improve the docs someday.",
            "Alice: Okay, let's move on.",
        ],
    )
    def test_hard_negatives(self, line: str) -> None:
        assert extract(line) == []

    def test_a_refusal_cancels_the_request(self) -> None:
        assert (
            extract("Alice: Can you update the roadmap?", "Bob: No, I won't get to that this week.")
            == []
        )

    def test_an_empty_transcript(self) -> None:
        assert extract_items([]) == []


class TestOutput:
    def test_json_has_the_documented_keys(self) -> None:
        item = only(extract("Bob: I'll send the Q3 deck to finance by Friday."))
        data = item_to_json(item)
        assert set(data) == {
            "title",
            "description",
            "owner",
            "owner_user",
            "due",
            "due_phrase",
            "priority",
            "commitment",
            "confidence",
            "warnings",
            "evidence",
            "context",
        }
        assert data["due"] == "2025-03-07"
        assert 0 < data["confidence"] <= 1

    def test_explain_adds_a_trace_naming_cues_flags_and_features(self) -> None:
        [item] = extract_items(
            dialogue("Bob: I'll send the Q3 deck to finance by Friday."),
            meeting_date=MONDAY,
            explain=True,
        )
        assert item.trace is not None
        [seed] = item.trace["seeds"]
        assert seed["cue"] == "self_fut"
        assert "due" in seed["flags"]
        assert seed["features"]
        assert "trace" in item_to_json(item)

    def test_the_description_quotes_the_evidence_and_its_speaker_only(self) -> None:
        item = only(
            extract(
                "Alice: The printer is jammed again.",
                "Alice: Can you update the roadmap?",
                "Bob: Sure, I can do that.",
                "Priya: Lunch is here.",
            )
        )
        assert item.description == ("Alice: Can you update the roadmap?\nBob: Sure, I can do that.")
        assert [c.quote for c in item.context] == ["The printer is jammed again.", "Lunch is here."]

    def test_deterministic(self) -> None:
        assert extract(*STANDUP) == extract(*STANDUP)

    def test_identifies_itself(self) -> None:
        assert (EXTRACTOR_NAME, EXTRACTOR_VERSION) == ("workitems-pipeline", "3")
