"""Stage 5: an item's owner, due date and title.

**Owner**, in order: the person who accepted a request or answered a who-question; the
speaker of a first-person commitment; the person named as the subject ("Marcus will", "the
designer is going to", "let's have Tom"); the person a group hands the work to ("let's have
Nadia do both references"); the person addressed by name; for an unnamed
"you", the next other speaker (a guess, listed with the others nearby as candidates). A
group ("we should", "someone from legal") has no owner; "someone" gets a warning.

**Due date**: the first deadline phrase in the item's evidence, the clause that names the
work by its own words first (:func:`.title.title_seed`), resolved against the meeting date
(:mod:`workitems.transcript.dates`). A turn that also states other items ("I'll call her
today and I'll chase the report") lends this item only the clauses no other item claims:
"today" there is the call's date, not the report's.

**Title**: :mod:`.title` (references resolved by :mod:`.reference`); without an object
the item carries ``title_vague``.
"""

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date

from workitems.transcript.dates import find_due
from workitems.transcript.extract.cues import Cue
from workitems.transcript.extract.linking import Item, Seed
from workitems.transcript.extract.normalize import Turn
from workitems.transcript.extract.title import causee, make_title, title_seed
from workitems.transcript.owners import Mention, Roster, is_ambiguous


@dataclass
class Slots:
    owner: str | None
    owner_user: str | None
    owner_candidates: tuple[str, ...]
    due: date | None
    due_phrase: str | None
    title: str
    warnings: list[str] = field(default_factory=list)
    title_seed: Seed | None = None


def fill(
    item: Item,
    turns: Sequence[Turn],
    roster: Roster,
    meeting_date: date | None,
    others: Collection[tuple[int, int]] = frozenset(),
) -> Slots:
    """The item's slots; ``others`` are the clauses (turn, index) that the meeting's items
    were seeded from: those of another item hold that item's deadline."""
    owner, owner_user, candidates, owner_warnings = _owner(item, turns, roster)
    seed = title_seed(item)
    title = make_title(item, turns, roster.voice_of)
    due, phrase = _due(seed, item, turns, meeting_date, others)
    warnings = list(owner_warnings)
    if title.vague:
        warnings.append("title_vague")
    return Slots(owner, owner_user, candidates, due, phrase, title.text, warnings, title.seed)


# --------------------------------------------------------------------------- owner


def _owner(
    item: Item, turns: Sequence[Turn], roster: Roster
) -> tuple[str | None, str | None, tuple[str, ...], list[str]]:
    if item.acceptor is not None and _asked(item) and _takes_on(turns[item.acceptor]):
        return (*_speaker(turns[item.acceptor].speaker, roster), (), [])
    seeds = sorted(item.seeds, key=lambda s: -s.probability)
    for seed in seeds:
        cue = seed.cue
        if cue.kind == "self" and "negated" not in cue.flags:
            return (*_speaker(turns[cue.turn].speaker, roster), (), [])
    for seed in seeds:
        cue = seed.cue
        if cue.kind == "third":
            if cue.subject is not None:
                return _mention(cue.subject, roster)
            if cue.subject_text:
                return cue.subject_text, None, (), []
            subject = _named_subject(cue, roster)
            if subject is not None:
                return subject
    for seed in seeds:
        cue = seed.cue
        if cue.kind == "addressee":
            if cue.subject is not None:
                return _mention(cue.subject, roster)
            named = _named_before(cue, turns, roster)
            if named is not None:
                return _mention(named, roster)
            reply = _next_other(turns, cue.turn)
            nearby = _nearby(turns, cue.turn)
            if reply is not None:
                label, email = _speaker(turns[reply].speaker, roster)
                return label, email, tuple(s for s in nearby if s != label), []
            return None, None, nearby, ["owner_unknown"]
    for seed in seeds:
        handed = causee(seed.cue)
        if handed is not None:
            mentions = roster.mentions(handed)
            if mentions and mentions[0].start == 0:
                return _mention(mentions[0], roster)
            return handed, None, (), []
    for seed in seeds:
        if seed.cue.rule == "someone":
            return None, None, (), ["no_owner"]
    for seed in seeds:
        if seed.cue.subject is not None and seed.cue.kind in ("explicit", "who"):
            return _mention(seed.cue.subject, roster)
    for seed in seeds:
        if seed.cue.kind == "explicit":
            return (*_speaker(turns[seed.cue.turn].speaker, roster), (), [])
    return None, None, (), []


def _asked(item: Item) -> bool:
    """Someone asked for the work, so whoever accepted owns it; not an offer ("I'll issue
    the revised schedule on the 31st, you'll have it then" / "Okay."), whose "okay" only
    takes note."""
    offered = {
        s.cue.turn for s in item.seeds if s.cue.kind == "self" and "negated" not in s.cue.flags
    }
    return (
        any(s.cue.kind != "self" and s.cue.turn not in offered for s in item.seeds) or not offered
    )


def _takes_on(turn: Turn) -> bool:
    """The answer takes the work on, not asks for it in turn ("Yes, please make sure that
    happens" answers "someone from legal should ..." without taking it)."""
    words = {w for clause in turn.clauses for w in clause.words}
    return "please" not in words or bool(words & _FIRST_PERSON)


_FIRST_PERSON = frozenset(["i", "i'll", "i'm", "i've", "i'd", "me", "my", "mine", "myself"])


def _named_subject(
    cue: Cue, roster: Roster
) -> tuple[str | None, str | None, tuple[str, ...], list[str]] | None:
    """The person named just before the verb of a hand-out whose subject the cue did not
    keep ("Let's have Peter rewrite the checklist"): a participant, or a capitalised name."""
    before = cue.clause.cased[: cue.verb_at]
    if not before:
        return None
    mentions = roster.mentions(" ".join(before))
    if mentions:
        return _mention(mentions[-1], roster)
    name: list[str] = []
    for word in reversed(before):
        if not (word[:1].isupper() and word.isalpha()) or word.lower() in _NOT_A_NAME:
            break
        name.insert(0, word)
    return (" ".join(name), None, (), []) if name else None


_NOT_A_NAME = frozenset(["let's", "i", "we", "you", "they", "so", "ok", "okay", "and", "then"])


def _speaker(label: str | None, roster: Roster) -> tuple[str | None, str | None]:
    """The owner as a reviewer would call them: an anonymous label ("Speaker 2") found to
    be a participant is shown by the participant's name."""
    if not label:
        return None, None
    return roster.voice_of(label) or label, roster.email_of(label)


def _mention(
    mention: Mention, roster: Roster
) -> tuple[str | None, str | None, tuple[str, ...], list[str]]:
    matches = mention.matches
    if not matches:
        return mention.text, None, (), []
    if is_ambiguous(matches) or mention.plural:
        return None, None, tuple(m.name for m in matches), ["owner_ambiguous"]
    best = matches[0]
    return roster.label_of(best.name), best.email, (), []


def _named_before(cue: Cue, turns: Sequence[Turn], roster: Roster) -> Mention | None:
    """A name said just before in the same turn ("Arjun," then "can you ...")."""
    turn = turns[cue.turn]
    for clause in reversed(turn.clauses[: cue.clause.index]):
        mentions = roster.mentions(clause.cased_text())
        if mentions and len(clause.words) <= 4:
            return mentions[-1]
        break
    return None


def _next_other(turns: Sequence[Turn], position: int) -> int | None:
    speaker = turns[position].speaker
    for j in range(position + 1, min(position + 4, len(turns))):
        if turns[j].speaker and turns[j].speaker != speaker:
            return j
    for j in range(position - 1, max(-1, position - 6), -1):
        if turns[j].speaker and turns[j].speaker != speaker:
            return j
    return None


def _nearby(turns: Sequence[Turn], position: int) -> tuple[str, ...]:
    speaker = turns[position].speaker
    ranked: list[str] = []
    for offset in (1, -1, 2, -2, 3, -3):
        j = position + offset
        if 0 <= j < len(turns):
            other = turns[j].speaker
            if other and other != speaker and other not in ranked:
                ranked.append(other)
    return tuple(ranked)


# --------------------------------------------------------------------------- due


def _due(
    seed: Seed | None,
    item: Item,
    turns: Sequence[Turn],
    meeting_date: date | None,
    others: Collection[tuple[int, int]] = frozenset(),
) -> tuple[date | None, str | None]:
    order: list[int] = []
    own = {(s.cue.turn, s.cue.clause.index) for s in item.seeds}
    if seed is not None:
        due, phrase = find_due(seed.cue.clause.cased_text(), meeting_date)
        if phrase is not None:
            accepted = _accepted_due(seed, item, turns, meeting_date, own, others, phrase)
            if accepted is not None:
                return accepted
            if seed.cue.verb in _EVENT_VERBS and _EVENT_TIME.match(phrase):
                return None, phrase  # "book the photographer for Friday morning": the event
            return due, phrase
        order.append(seed.cue.turn)
    order.extend(t for t in item.turns if t not in order)
    for position in order:
        for text in _unclaimed_text(turns[position], own, others):
            due, phrase = find_due(text, meeting_date)
            if phrase is not None:
                return due, phrase
    return None, None


#: Verbs whose work is to arrange an event: a time after "for" or "on" is when the event
#: is ("book the second showing for Saturday morning"), not when the booking is due.
_EVENT_VERBS = frozenset(
    ["book", "schedule", "arrange", "reserve", "organise", "organize", "plan", "set"]
)
_EVENT_TIME = re.compile(r"(?i)^(?:for|on)\b")
#: A phrase that states a deadline, not just a time the work is about ("for next week").
_DEADLINE = re.compile(r"(?i)^(?:by|before|until|till|no\s+later\s+than|due|latest)\b")


def _accepted_due(
    seed: Seed,
    item: Item,
    turns: Sequence[Turn],
    meeting_date: date | None,
    own: Collection[tuple[int, int]],
    others: Collection[tuple[int, int]],
    phrase: str,
) -> tuple[date | None, str | None] | None:
    """ "Can you set up the call for next week?" / "I'll send the invite tomorrow": when the
    request names a time but no deadline, the date the one who takes it on gives is the
    due date; a deadline asked for ("by Tuesday") stays, whatever day they start."""
    if item.acceptor is None or item.acceptor == seed.cue.turn or _DEADLINE.match(phrase):
        return None
    for text in _unclaimed_text(turns[item.acceptor], own, others):
        due, said = find_due(text, meeting_date)
        if due is not None:
            return due, said
    return None


def _unclaimed_text(
    turn: Turn, own: Collection[tuple[int, int]], others: Collection[tuple[int, int]]
) -> list[str]:
    """Where in a turn to look for the item's deadline, nearest first: from the item's own
    first clause to the end of the turn, then the turn without the clauses of other items
    said before this item's own. A deadline said last covers the work said before it ("I'll
    fix the entries and send the log by the 20th"); one said with an earlier item is that
    item's ("I'll call her today and chase the report"); and one said before the work may
    be about something else ("we got forty claims over the weekend, I'll send the letters
    by Friday")."""
    mine = [c.index for c in turn.clauses if (c.turn, c.index) in own]
    if not mine:
        claimed = {c.index for c in turn.clauses if (c.turn, c.index) in others}
        if not claimed:
            return [turn.utterance.text]
        return [". ".join(c.cased_text() for c in turn.clauses if c.index not in claimed)]
    first = min(mine)
    claimed = {
        c.index
        for c in turn.clauses
        if c.index < first and (c.turn, c.index) in others and (c.turn, c.index) not in own
    }
    after = ". ".join(c.cased_text() for c in turn.clauses if c.index >= first)
    rest = ". ".join(c.cased_text() for c in turn.clauses if c.index not in claimed)
    return [after, rest]
