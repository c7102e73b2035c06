"""Stage 5: what a title's words refer to (extract/reference.py)."""

import pytest

from tests.transcript.extract.dialogues import dialogue
from workitems.transcript.extract.normalize import build_turns, normalize_tokens, tokenize
from workitems.transcript.extract.reference import (
    Discourse,
    clause_phrases,
    noun_phrase,
    salient_noun_phrase,
    stem,
)


def _words(text: str) -> tuple[list[str], list[str]]:
    return normalize_tokens(tokenize(text))


def discourse(*lines: str) -> Discourse:
    """What was said before the last line, as the last line's title would see it."""
    turns = build_turns(dialogue(*lines))
    return Discourse(turns, [], len(turns) - 1, 0)


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("the copy on the welcome screen today", "the copy on the welcome screen"),
        ("up the Q3 deck to finance", "the Q3 deck"),
        ("look at the contract", "the contract"),
        ("it to finance", ""),
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
        ("it's a blocker for the release", ""),
        ("we talked about the vendor contract", "the vendor contract"),
    ],
)
def test_salient_noun_phrase(text: str, phrase: str) -> None:
    assert " ".join(salient_noun_phrase(*_words(text))) == phrase


@pytest.mark.parametrize(
    ("text", "phrases"),
    [
        (
            "The new intern will update the style guide for the mobile app.",
            [
                ("the new intern", "subject", True),
                ("the style guide for the mobile app", "object", False),
                ("the mobile app", "oblique", False),
            ],
        ),
        # What follows a copula describes the subject; "there are" introduces a thing.
        ("It's a blocker for the release.", []),
        ("There are five stale pull requests.", [("five stale pull requests", "object", False)]),
        # A quantity's thing is in its "of" phrase.
        (
            "The rest of the config questions can wait.",
            [("the rest of the config questions", "subject", False)],
        ),
        # A name, and a role noun, are people.
        (
            "Ask Dana Whitfield about the lease.",
            [("Dana Whitfield", "object", True), ("the lease", "oblique", False)],
        ),
    ],
)
def test_clause_phrases(text: str, phrases: list[tuple[str, str, bool]]) -> None:
    clauses = build_turns(dialogue(f"Alice: {text}"))[0].clauses
    found = [(" ".join(p.cased).lower(), p.role, p.person) for p in clause_phrases(clauses[0])]
    assert found == [(words.lower(), role, person) for words, role, person in phrases]


@pytest.mark.parametrize(
    ("lines", "pronoun", "antecedent"),
    [
        # Recency, and a subject over a phrase inside a prepositional phrase.
        (
            ("Alice: The printer on floor two is jammed again.", "Bob: x"),
            "it",
            "the printer on floor two",
        ),
        # The meeting and its time are never the work.
        (("Alice: Next week the audit starts.", "Bob: x"), "it", "the audit"),
        # Agreement: a person for "him", plural things for "them".
        (
            ("Alice: The plumber sent the invoices for the boiler.", "Bob: x"),
            "him",
            "the plumber",
        ),
        (
            ("Alice: The plumber sent the invoices for the boiler.", "Bob: x"),
            "them",
            "the invoices for the boiler",
        ),
        # What someone said they need is what "the needful" and "it" point at.
        (
            ("Alice: I made the floor plan, but I need the signed lease from you.", "Bob: x"),
            "it",
            "the signed lease",
        ),
        # A pronoun said on the way is one more mention of its referent.
        (
            (
                "Alice: Did the tenancy agreement come back?",
                "Alice: It arrived. The boiler clause has a typo.",
                "Bob: x",
            ),
            "it",
            "the tenancy agreement",
        ),
        (("Alice: Thanks everyone.", "Bob: x"), "it", None),
    ],
)
def test_antecedent(lines: tuple[str, ...], pronoun: str, antecedent: str | None) -> None:
    found = discourse(*lines).antecedent(pronoun)
    assert (" ".join(found.cased).lower() if found else None) == antecedent


@pytest.mark.parametrize(
    ("lines", "phrase", "fuller"),
    [
        (
            ("Alice: We owe legal the signed data processing agreement.", "Bob: x"),
            "the agreement",
            "the signed data processing agreement",
        ),
        # The naming prepositional phrase comes along; a place or a time does not.
        (
            ("Alice: We need a load test on the checkout flow.", "Bob: x"),
            "the load test",
            "the load test on the checkout flow",
        ),
        (("Alice: The pitch deck on Monday is late.", "Bob: x"), "the deck", "the pitch deck"),
        # "one" and "thing" stand for a noun said before.
        (
            ("Alice: Either the in-house queue or an off-the-shelf sync engine.", "Bob: x"),
            "the off-the-shelf one",
            "the off-the-shelf sync engine",
        ),
        (
            ("Alice: The dead letter queue keeps filling up.", "Bob: x"),
            "the dead letter thing",
            "the dead letter queue",
        ),
        # A different thing with the same head is not a fuller mention of this one.
        (("Alice: The Berlin office needs chairs.", "Bob: x"), "the Paris office", None),
    ],
)
def test_fuller(lines: tuple[str, ...], phrase: str, fuller: str | None) -> None:
    found = discourse(*lines).fuller(phrase.split())
    assert (" ".join(found).lower() if found else None) == fuller


@pytest.mark.parametrize(
    ("word", "stemmed"),
    [("invites", "invite"), ("boxes", "box"), ("batteries", "battery"), ("class", "class")],
)
def test_stem(word: str, stemmed: str) -> None:
    assert stem(word) == stemmed
