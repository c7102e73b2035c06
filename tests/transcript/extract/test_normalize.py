"""Stage 1: ASR text normalised, turns split into clauses."""

import pytest

from workitems.transcript.extract.normalize import (
    build_turns,
    normalize_tokens,
    split_clauses,
    tokenize,
)
from workitems.transcript.formats import Utterance


def clauses(text: str) -> list[str]:
    lower, cased = normalize_tokens(tokenize(text))
    return [clause.text for clause in split_clauses(0, lower, cased)]


class TestNormalize:
    @pytest.mark.parametrize(
        ("text", "words"),
        [
            ("i i'll send the the deck", "i'll send the deck"),
            ("um so uh I'll send it", "so i'll send it"),
            ("I'll s send it", "i'll send it"),
            ("I'll sen- send it", "i'll send it"),
            ("i'll send i'll send the deck", "i'll send the deck"),
            ("we're gonna ship it", "we're going to ship it"),
            ("i cant do that", "i can't do that"),
            ("ill send the you know the deck", "ill send the deck"),
            ("You know the messaging best.", "you know the messaging best ."),
        ],
    )
    def test_disfluencies_and_asr_spellings(self, text: str, words: str) -> None:
        assert " ".join(normalize_tokens(tokenize(text))[0]) == words

    def test_cased_words_stay_aligned(self) -> None:
        lower, cased = normalize_tokens(tokenize("Um, Priya will send the Q3 deck"))
        assert len(lower) == len(cased)
        assert cased[lower.index("priya")] == "Priya"

    def test_words_with_letters_outside_ascii_stay_whole(self) -> None:
        tokens = tokenize("Zoë will book the Kraków hotel for Müller\u2019s team, not snake_case.")
        assert tokens == [
            *("Zoë", "will", "book", "the", "Kraków", "hotel", "for", "Müller's", "team"),
            *(",", "not", "snake", "case", "."),
        ]


class TestClauses:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            # Coordination: the second verb phrase inherits "i'll" and is a clause of its own.
            (
                "I'll update the deck and send the invite.",
                ["i'll update the deck", "i'll send the invite"],
            ),
            (
                "i'll update the deck and send the invite",
                ["i'll update the deck", "i'll send the invite"],
            ),
            # A new subject with a modal starts a clause, with or without punctuation.
            ("Sure, I'll take a pass at it.", ["sure", "i'll take a pass at it"]),
            ("sure i'll take a pass at it", ["sure", "i'll take a pass at it"]),
            (
                "I'll do it. I'll run the load test tomorrow.",
                ["i'll do it", "i'll run the load test tomorrow"],
            ),
            (
                "i'll do it i'll run the load test tomorrow",
                ["i'll do it", "i'll run the load test tomorrow"],
            ),
            # ... but not inside a subordinate clause.
            ("if we need to i'll call them", ["if we need to", "i'll call them"]),
            ("I think that we should wait", ["i think that we should wait"]),
            # Nouns joined by "and" stay in one clause.
            ("I'll review the deck and the budget", ["i'll review the deck and the budget"]),
        ],
    )
    def test_split(self, text: str, expected: list[str]) -> None:
        assert clauses(text) == expected

    @pytest.mark.parametrize(
        ("text", "question"),
        [
            ("Can you send the deck?", True),
            ("can you send the deck", True),
            ("who can own that", True),
            ("I can send the deck", False),
            ("Send the deck", False),
        ],
    )
    def test_questions_without_a_question_mark(self, text: str, question: bool) -> None:
        [turn] = build_turns([Utterance(0, "A", text)])
        assert turn.question is question
