"""Stage 5: an item's title (extract/title.py)."""

import pytest

from tests.transcript.extract.dialogues import extract, only
from workitems.transcript.extract.normalize import normalize_tokens, tokenize
from workitems.transcript.extract.title import noun_phrase, salient_noun_phrase


@pytest.mark.parametrize(
    ("lines", "title"),
    [
        (("Bob: I'll send the Q3 deck to finance by Friday.",), "Send the Q3 deck to finance"),
        (("Alice: Who can own the vendor call?", "Sam: I'll do it."), "Own the vendor call"),
        (
            (
                "Alice: Could you review the pricing page?",
                "Bob: Sure, I'll take a look at it today.",
            ),
            "Review the pricing page",
        ),
        (
            (
                "Alice: The security questionnaire from Acme arrived.",
                "Sam: I'll fill it out tomorrow.",
            ),
            "Fill the security questionnaire from Acme",
        ),
    ],
)
def test_title(lines: tuple[str, ...], title: str) -> None:
    assert only(extract(*lines)).title == title


def test_a_title_without_any_object_is_flagged_vague() -> None:
    item = only(extract("Sam: I'll get that done by Friday."))
    assert "title_vague" in item.warnings


def _words(text: str) -> tuple[list[str], list[str]]:
    return normalize_tokens(tokenize(text))


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("the copy on the welcome screen today", "the copy on the welcome screen"),
        ("up the Q3 deck to finance", "the Q3 deck"),
        ("it to finance", ""),
        ("look at the contract", "the contract"),
        ("that by Friday", ""),
    ],
)
def test_noun_phrase(text: str, phrase: str) -> None:
    assert " ".join(noun_phrase(*_words(text))) == phrase


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("the security questionnaire from Acme arrived", "the security questionnaire from Acme"),
        ("the blocker is the release", "the blocker"),
        ("we talked about the vendor contract", "the vendor contract"),
    ],
)
def test_salient_noun_phrase(text: str, phrase: str) -> None:
    assert " ".join(salient_noun_phrase(*_words(text))) == phrase
