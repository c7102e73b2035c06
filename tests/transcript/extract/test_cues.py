"""Stage 2: every cue with its flags; rejections are flags the scorer weighs."""

import pytest

from tests.transcript.extract.dialogues import TEAM
from workitems.transcript.extract.cues import Cue, find_cues
from workitems.transcript.extract.normalize import build_turns
from workitems.transcript.formats import Utterance
from workitems.transcript.owners import Roster

ROSTER = Roster(TEAM)


def seed(text: str) -> Cue:
    [turn] = build_turns([Utterance(0, "Alice", text)])
    found = [cues[0] for clause in turn.clauses if (cues := find_cues(clause, ROSTER))]
    assert found, text
    return found[-1]


@pytest.mark.parametrize(
    ("text", "kind", "verb", "flags"),
    [
        ("I'll send the renewal quote to procurement.", "self", "send", {"task_verb"}),
        ("I will update the staging server tonight.", "self", "update", {"due"}),
        ("I'm going to write up the interview notes.", "self", "write", set()),
        ("Let me check with legal about the contract.", "self", "check", set()),
        ("I can take that.", "self", "take", {"deictic"}),
        (
            "I'll have the new onboarding mockups ready by Wednesday.",
            "self",
            "have",
            {"have_ready", "due"},
        ),
        ("Can you send me the numbers?", "addressee", "send", {"question"}),
        ("Priya, could you draft the launch email?", "addressee", "draft", {"question"}),
        ("Please book the room for Thursday.", "addressee", "book", {"due"}),
        ("Marcus will update the forecast.", "third", "update", set()),
        ("The engineer is going to benchmark the database.", "third", "benchmark", set()),
        ("Let's have Sam run the numbers.", "third", "run", set()),
        ("We need to fix the onboarding flow.", "group", "fix", set()),
        ("Someone from legal needs to review the NDA.", "group", "review", set()),
        ("Action item: Bob to send the minutes.", "third", "send", set()),
        ("Action item: update the wiki.", "explicit", "update", set()),
        ("Who can own that?", "who", "own", {"question", "deictic"}),
        # Yesterday's rejections are flags now.
        ("I won't get to the report this week.", "self", "get", {"negated"}),
        ("If we had budget, we could hire a contractor.", "group", "hire", {"hypothetical"}),
        ("I'll share my screen.", "self", "share", {"meeting"}),
        ("I'll probably look at it.", "self", "look", {"hedged", "deictic"}),
        ("We'll go with vendor B.", "group", "go", {"decision"}),
        ("You'll get an email from HR.", "addressee", "get", {"receive"}),
        ("We should really improve the docs someday.", "group", "improve", {"someday"}),
    ],
)
def test_cue_kind_verb_and_flags(text: str, kind: str, verb: str, flags: set[str]) -> None:
    cue = seed(text)
    assert (cue.kind, cue.verb) == (kind, verb)
    assert flags <= cue.flags, cue.flags


def test_a_clause_without_any_cue_has_none() -> None:
    [turn] = build_turns([Utterance(0, "Alice", "The numbers look fine this week.")])
    assert all(find_cues(clause, ROSTER) == [] for clause in turn.clauses)


def test_a_hedge_after_the_object_is_an_afterthought() -> None:
    assert "hedged" in seed("I'll maybe write a welcome guide.").flags
    assert "hedged" not in seed("I'll write a welcome guide, maybe the laptop one.").flags


@pytest.mark.parametrize(
    ("text", "rule", "kind", "subject"),
    [
        ("Priya, the launch email by Friday.", "weak_third", "third", "Priya"),
        ("And you're on the trend watching.", "weak_you", "addressee", None),
        ("I'm on the budget side of things.", "weak_self", "self", None),
        ("Next time the prototype in clay.", "weak", "plain", None),
    ],
)
def test_a_clause_without_a_cue_is_a_weak_cue_only_when_asked(
    text: str, rule: str, kind: str, subject: str | None
) -> None:
    [turn] = build_turns([Utterance(0, "Alice", text)])
    clause = turn.clauses[-1]
    assert find_cues(clause, ROSTER) == []
    [cue] = find_cues(clause, ROSTER, weak=True)
    assert (cue.rule, cue.kind, cue.subject_text) == (rule, kind, subject)
    assert "weak" in cue.flags


def test_a_short_clause_or_a_question_is_no_weak_cue() -> None:
    for text in ("Sounds good.", "What about the budget?"):
        [turn] = build_turns([Utterance(0, "Alice", text)])
        assert [find_cues(c, ROSTER, weak=True) for c in turn.clauses] == [[]] * len(turn.clauses)
