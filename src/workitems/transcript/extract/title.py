"""An item's title: the verb phrase of its most specific evidence clause.

From the clause's verb to the end of its object, the deadline, hedges and trailing
function words dropped; "it", "that", "this", "them" are replaced by what they refer to,
found in the linked request or question, or in the turns just before; "me" and "you" by
the people they name. ``make_title`` says when no object was found (``title_vague``).
"""

from collections.abc import Sequence

from workitems.transcript.extract.cues import Cue
from workitems.transcript.extract.lexicon import (
    DETERMINERS,
    ING_E,
    LIGHT_NOUNS,
    NP_STOP,
    PRONOUN_OBJECTS,
    STOP,
    VAGUE_OBJECTS,
    VERB_FORMS,
    VERBS,
    wordset,
)
from workitems.transcript.extract.linking import Item, Seed, relational
from workitems.transcript.extract.normalize import Turn

_OPEN = frozenset({"deictic", "vague", "no_object", "no_verb"})
#: A title ends before these: a deadline or a reason follows, or (in ASR text without
#: punctuation) a new sentence starts with a subject pronoun.
_TITLE_CUT = wordset(
    "he she they we i "
    "by before until till because so if when unless while since but or then as asap today "
    "tomorrow tonight eod"
)
_TITLE_MAX = 12


def title_seed(item: Item) -> Seed | None:
    usable = [
        s
        for s in item.seeds
        if s.cue.verb_at >= 0 and not s.cue.flags & {"negated", "stative", "receive"}
    ] or [s for s in item.seeds if s.cue.verb_at >= 0 and "negated" not in s.cue.flags]
    if not usable:
        return None

    def rank(seed: Seed) -> tuple[int, int, int, int, float]:
        cue = seed.cue
        specific = not (cue.flags & (_OPEN | {"light", "meeting", "person_object"}))
        verb = cue.verb in VERBS and cue.verb not in ("have", "do", "get", "take")
        content = len([w for w in cue.predicate()[1:] if w not in STOP and w not in NP_STOP])
        return (
            int(specific),
            int(relational(cue) is not None),
            int(verb),
            min(content, 4),
            seed.probability,
        )

    return max(usable, key=rank)


def make_title(seed: Seed | None, item: Item, turns: Sequence[Turn]) -> tuple[str, bool]:
    if seed is None:
        return "Follow up on the discussion", True
    cue = seed.cue
    words = cue.predicate()
    cased = cue.predicate_cased()
    end = len(words)
    for position, word in enumerate(words):
        if position > 0 and word in _TITLE_CUT:
            if word in _SUBJECTS and words[position - 1] in _COMPLEMENTIZERS:
                continue
            end = position
            break
    if cue.due_phrase:
        phrase = cue.due_phrase.lower().split()
        for position in range(1, end):
            if words[position : position + len(phrase)] == phrase and (
                phrase[0] in _DEADLINE_LEADS or position + len(phrase) >= end
            ):
                end = position
                break
    words, cased = words[:end], cased[:end]
    while len(words) > 1 and (words[-1] in STOP or words[-1] in NP_STOP):
        if words[-1] in ("it", "them", "that", "this", "these", "those"):
            break
        words, cased = words[:-1], cased[:-1]
    verb = _base_form(cased[0]) if cased else ""
    body = list(cased[1:_TITLE_MAX])
    low = list(words[1:_TITLE_MAX])
    vague = False
    pronoun = _pronoun_at(low)
    content = [w for w in low if w not in STOP and w not in NP_STOP and w not in VAGUE_OBJECTS]
    if pronoun is not None or not content:
        antecedent = [
            w.lower() if w.lower() in DETERMINERS else w for w in _antecedent(cue, item, turns)
        ]
        if antecedent and pronoun is not None:
            body = [*body[:pronoun], *antecedent, *body[pronoun + 1 :]]
        elif antecedent and not content:
            body = [*[w for w in body if w.lower() not in VAGUE_OBJECTS], *antecedent]
        else:
            vague = True
    preposition = relational(cue)
    if preposition and not vague:
        complement = [
            w.lower() if w.lower() in DETERMINERS else w for w in _antecedent(cue, item, turns)
        ]
        if complement:
            body = [*body, preposition, *complement]
    body = _people(body, cue, turns)
    title = " ".join([verb, *body]).strip()
    if not title:
        return "Follow up on the discussion", True
    return title[0].upper() + title[1:], vague


def _pronoun_at(words: Sequence[str]) -> int | None:
    """Where "it", "them", or a "that"/"this" that is not a determiner, stands."""
    for position, word in enumerate(words):
        if word in ("it", "them", "those", "these"):
            return position
        if word in ("that", "this") and (
            position + 1 == len(words) or words[position + 1] in NP_STOP | STOP | _RESULTATIVE
        ):
            return position
    return None


_SUBJECTS = frozenset(["he", "she", "they", "we", "i"])
_COMPLEMENTIZERS = wordset("whether if that what how when why where who")
_DEADLINE_LEADS = frozenset(["by", "before", "until", "till", "due"])
_RESULTATIVE = frozenset(
    ["done", "ready", "sorted", "fixed", "finished", "over", "out", "off", "across"]
)


def _people(body: list[str], cue: Cue, turns: Sequence[Turn]) -> list[str]:
    """Who "me" and "you" are: "send me the estimate" said by Michael is "send Michael
    the estimate"; "I'll get you access" said to Lena is "get Lena access"."""
    speaker = turns[cue.turn].speaker
    if cue.kind == "self":
        other = _previous_other(turns, cue.turn)
        mapping = {"my": "their"}
        if other:
            mapping["you"] = _first_name(other)
    else:
        mapping = {"me": _first_name(speaker)} if speaker else {}
    return [mapping.get(w.lower(), w) for w in body if w.lower() not in _REFLEXIVE]


_REFLEXIVE = frozenset(["myself", "yourself", "ourselves", "themselves"])


def _first_name(label: str) -> str:
    return label.split()[0] if label.split() else label


def _previous_other(turns: Sequence[Turn], position: int) -> str | None:
    speaker = turns[position].speaker
    for j in range(position - 1, max(-1, position - 4), -1):
        if turns[j].speaker and turns[j].speaker != speaker:
            return turns[j].speaker
    return None


def _antecedent(cue: Cue, item: Item, turns: Sequence[Turn]) -> list[str]:
    """What "it"/"that" refers to: the object of another seed of the item (the request
    or question), else the most salient noun phrase just before: the first (usually the
    subject) of the nearest earlier clause that has one."""
    for seed in sorted(item.seeds, key=lambda s: -s.probability):
        other = seed.cue
        if other is cue or other.flags & _OPEN or other.verb_at < 0:
            continue
        phrase = noun_phrase(
            other.clause.words[other.verb_at + 1 :], other.clause.cased[other.verb_at + 1 :]
        )
        if phrase:
            return phrase
    for position in range(cue.turn, max(-1, cue.turn - 4), -1):
        turn = turns[position]
        clauses = turn.clauses if position != cue.turn else turn.clauses[: cue.clause.index]
        for clause in reversed(clauses):
            phrase = salient_noun_phrase(clause.words, clause.cased)
            if phrase:
                return phrase
    return []


_LEAD_IN = frozenset(
    ["up", "out", "back", "on", "over", "to", "with", "at", "into", "for", "through"]
)
_ATTACH = frozenset(["of", "on", "for", "from", "in", "with", "about"])


def noun_phrase(words: Sequence[str], cased: Sequence[str]) -> list[str]:
    """The first noun phrase with at most one prepositional phrase ("the copy on the
    welcome screen"): optional determiner, words up to a boundary or a verb form."""
    start = 0
    while start < len(words) and (words[start] in _LEAD_IN or words[start] in LIGHT_NOUNS):
        start += 1
    if start < len(words) and words[start] in PRONOUN_OBJECTS | VAGUE_OBJECTS:
        return []
    head = _chunk(words, start)
    if head <= start:
        return []
    end = head
    if end + 1 < len(words) and words[end] in _ATTACH and words[end + 1] not in PRONOUN_OBJECTS:
        tail = _chunk(words, end + 1)
        if tail > end + 1 and tail - start <= 9:
            end = tail
    out = list(cased[start:end])
    content = [w for w in out if w.lower() not in STOP and w.lower() not in DETERMINERS]
    return out if content else []


def _chunk(words: Sequence[str], start: int) -> int:
    """The end of a determiner-led run of noun-phrase words from ``start``."""
    position = start
    while position < len(words) and position - start < 6:
        word = words[position]
        if word in NP_STOP or word in VERB_FORMS or word in _ATTACH:
            break
        if position > start and word in DETERMINERS and word not in ("two", "three", "new"):
            break
        if position > start and word.endswith("ed") and words[position - 1] not in DETERMINERS:
            break
        position += 1
    return position


_COPULAS = frozenset(["is", "are", "was", "were", "'s", "be", "been"])
_NP_OPENERS = frozenset(
    ["the", "a", "an", "our", "your", "their", "my", "this", "that", "these", "those"]
)


def salient_noun_phrase(words: Sequence[str], cased: Sequence[str]) -> list[str]:
    """The noun phrase of a clause that "it" most likely points back to: its subject (a
    determiner-led phrase at the start), else its first determiner-led phrase that is not
    what the subject is said to be ("it's a blocker for the release" offers none)."""
    limit = next((i for i, w in enumerate(words) if w in _COPULAS and i > 0), len(words))
    for position, word in enumerate(words[:limit]):
        if word not in _NP_OPENERS:
            continue
        if word in ("this", "that") and (position + 1 == len(words) or words[position + 1] in STOP):
            continue
        phrase = noun_phrase(words[position:], cased[position:])
        if len(phrase) > 1:
            return phrase
    return []


def _base_form(word: str) -> str:
    low = word.lower()
    if low in VERBS:
        return low
    if low.endswith("ing") and len(low) > 5:
        stem = low[:-3]
        if stem in ING_E:
            return stem + "e"
        if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
            return stem[:-1]
        return stem
    if low.endswith("s") and low[:-1] in VERBS:
        return low[:-1]
    return low
