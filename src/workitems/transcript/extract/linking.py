"""Stage 4: scored seeds linked into items.

A graph over the seeds, with an edge for

- a request or who-question and the reply that takes it up ("Can you ...?" / "Sure, I'll
  take a pass at it"; "Who can own that?" / "I'll do it"): the reply's speaker becomes
  the acceptor, and a reply without a seed of its own ("Sure.") joins as evidence;
- a commitment without an object and the specific one the same speaker says next ("I'll
  do it. I'll run the load test tomorrow.");
- a restatement or a recap of the same work by the same owner later on.

An item is a connected group. Two seeds in one turn with objects of their own stay two
items. A refusal in the reply ("I won't get to it this week") cancels the request unless
someone else takes it up.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from workitems.transcript.extract.cues import Cue
from workitems.transcript.extract.dialogue import Acts, reply_to
from workitems.transcript.extract.lexicon import RELATIONAL, STOP
from workitems.transcript.extract.normalize import Turn

_OPEN = frozenset({"deictic", "vague", "no_object", "no_verb"})
_ASKING = frozenset({"addressee", "who"})


@dataclass
class Seed:
    cue: Cue
    probability: float
    features: list[str]


@dataclass
class Item:
    seeds: list[Seed]
    #: Turns that join as evidence without a seed of their own (a bare "Sure.").
    extra: set[int] = field(default_factory=set)
    acceptor: int | None = None
    refused: bool = False

    @property
    def probability(self) -> float:
        return max(seed.probability for seed in self.seeds)

    @property
    def turns(self) -> list[int]:
        return sorted({s.cue.turn for s in self.seeds} | self.extra)


class _Union:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, a: int) -> int:
        while self.parent[a] != a:
            self.parent[a] = self.parent[self.parent[a]]
            a = self.parent[a]
        return a

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def link(
    seeds: Sequence[Seed],
    turns: Sequence[Turn],
    acts: Sequence[Acts],
    *,
    threshold: float,
    link_floor: float,
    label: Callable[[str], str] = str,
) -> list[Item]:
    """Items over the seeds; ``label`` maps a participant's name to the label their turns
    carry ("Bob" for "Bob Stone"), so that a restatement by name finds the speaker's item."""
    live = [s for s in seeds if s.probability >= link_floor]
    by_turn: dict[int, list[int]] = {}
    for k, seed in enumerate(live):
        by_turn.setdefault(seed.cue.turn, []).append(k)
    union = _Union(len(live))
    acceptor: dict[int, int] = {}
    extra: dict[int, set[int]] = {}
    refused: set[int] = set()
    for k, seed in enumerate(live):
        cue = seed.cue
        if (
            cue.kind in _ASKING
            or cue.rule == "someone"
            or (cue.kind == "third" and cue.clause.question)
        ):
            _link_reply(k, live, turns, acts, by_turn, union, acceptor, extra, refused)
        elif cue.rule == "self_offer" and cue.clause.question:
            _link_answer_to_offer(k, live, turns, acts, by_turn, union, extra)
        if cue.kind == "self" and cue.flags & _OPEN:
            _link_elaboration(k, live, turns, by_turn, union)
        if k > 0 and _continues(live[k - 1].cue, cue):
            union.union(k - 1, k)
    groups: dict[int, Item] = {}
    for k, seed in enumerate(live):
        root = union.find(k)
        item = groups.setdefault(root, Item([]))
        item.seeds.append(seed)
        item.extra |= extra.get(k, set())
        if k in acceptor:
            item.acceptor = acceptor[k]
        if k in refused:
            item.refused = True
    items = []
    for item in groups.values():
        if item.refused and item.acceptor is None:
            continue
        if item.probability < threshold:
            continue
        items.append(item)
    items.sort(key=lambda it: it.turns[0])
    return _merge_restatements(items, turns, label)


def _link_reply(
    k: int,
    live: Sequence[Seed],
    turns: Sequence[Turn],
    acts: Sequence[Acts],
    by_turn: dict[int, list[int]],
    union: _Union,
    acceptor: dict[int, int],
    extra: dict[int, set[int]],
    refused: set[int],
) -> None:
    position = live[k].cue.turn
    reply = reply_to(turns, position)
    if reply is None:
        return
    act = acts[reply]
    answer = [j for j in by_turn.get(reply, []) if live[j].cue.kind == "self"]
    if act.refuse and not answer:
        refused.add(k)
        return
    if act.refuse:
        refused.add(k)
        return
    if answer:
        taken = False
        asked = _content(live[k].cue)
        for rank, j in enumerate(answer):
            cue = live[j].cue
            if (
                cue.flags & (_OPEN | {"person_object"})
                or _content(cue) & asked
                or (rank == 0 and cue.clause.index <= 1)
            ):
                union.union(k, j)
                taken = True
        if taken:
            acceptor[k] = reply
            return
    if act.accept or (live[k].cue.kind == "who" and answer):
        acceptor[k] = reply
        extra.setdefault(k, set()).add(reply)


def _link_answer_to_offer(
    k: int,
    live: Sequence[Seed],
    turns: Sequence[Turn],
    acts: Sequence[Acts],
    by_turn: dict[int, list[int]],
    union: _Union,
    extra: dict[int, set[int]],
) -> None:
    """ "Should I invite their CTO?" / "Yes, send the invite today.": the answer joins the
    offer, which stays the offerer's."""
    reply = reply_to(turns, live[k].cue.turn)
    if reply is None or acts[reply].refuse:
        return
    answer = by_turn.get(reply, [])
    for j in answer:
        if live[j].cue.kind in ("addressee", "self") or live[j].cue.flags & _OPEN:
            union.union(k, j)
    if not answer and acts[reply].accept:
        extra.setdefault(k, set()).add(reply)


def _link_elaboration(
    k: int,
    live: Sequence[Seed],
    turns: Sequence[Turn],
    by_turn: dict[int, list[int]],
    union: _Union,
) -> None:
    """ "I'll do it. I'll run the load test tomorrow.": the specific commitment that
    follows, by the same speaker, in the same turn or the next one."""
    cue = live[k].cue
    speaker = turns[cue.turn].speaker
    for position in (cue.turn, cue.turn + 1):
        if position >= len(turns) or turns[position].speaker != speaker:
            continue
        for j in by_turn.get(position, []):
            other = live[j].cue
            if j == k or other.kind != "self" or other.flags & _OPEN:
                continue
            if position == cue.turn and other.clause.index <= cue.clause.index:
                continue
            union.union(k, j)
            return


def _continues(before: Cue, cue: Cue) -> bool:
    """The same speaker's next clause goes on with the same work: "... the capacity
    numbers and share them", "go through the audit and share a summary", "I'll fix the
    mapping. I'll send it to you after": its object points back, or it repeats it."""
    if before.clause.turn != cue.clause.turn:
        return False
    if cue.clause.inherited and (relational(cue) or "person_object" in cue.flags):
        return True
    if before.flags & _OPEN:
        return False
    if "deictic" in cue.flags:
        return True
    return cue.kind == before.kind and bool(_content(cue) & _content(before))


def relational(cue: Cue) -> str | None:
    """The preposition a complement would take when the object is a noun without it
    ("share a summary" of what? "get you access" to what?), else None."""
    words = [
        w
        for w in cue.predicate()[1:]
        if w not in ("a", "an", "the", "my", "our", "your", "short", "quick", "brief", "you")
        and w not in PEOPLE_OBJECTS
    ]
    if not words or words[0] not in RELATIONAL:
        return None
    if len(words) > 1 and words[1] in _COMPLEMENT:
        return None
    return RELATIONAL[words[0]]


_COMPLEMENT = frozenset({"of", "on", "about", "for", "from", "to"})
PEOPLE_OBJECTS = frozenset({"me", "him", "her", "us", "them", "everyone", "everybody"})


def _content(cue: Cue) -> set[str]:
    return {w[:5] for w in cue.predicate()[1:] if w not in STOP and len(w) > 2}


def _owner_key(item: Item, turns: Sequence[Turn], label: Callable[[str], str]) -> str | None:
    for seed in item.seeds:
        cue = seed.cue
        if cue.kind == "self":
            return turns[cue.turn].speaker
        if cue.subject is not None:
            return label(cue.subject.matches[0].name) if cue.subject.matches else cue.subject.text
    if item.acceptor is not None:
        return turns[item.acceptor].speaker
    return None


def _merge_restatements(
    items: list[Item], turns: Sequence[Turn], label: Callable[[str], str]
) -> list[Item]:
    """The same work by the same owner said again later (a recap) is one item: half the
    words in common, or, for a line of the wrap-up (a seed with the ``wrap`` feature) and a
    named owner, any word in common ("I'll send round last month's breach data" ...
    "Sanjay, the breach and handover data by Friday")."""
    merged: list[Item] = []
    words: list[set[str]] = []
    owners: list[str | None] = []
    for item in items:
        content: set[str] = set()
        for seed in item.seeds:
            content |= _content(seed.cue)
        owner = _owner_key(item, turns, label)
        recap = owner is not None and any("wrap" in seed.features for seed in item.seeds)
        target = None
        for index in range(len(merged)):
            if owners[index] != owner:
                continue
            other = words[index]
            shared = len(content & other)
            if (
                content
                and other
                and (shared / len(content | other) >= 0.5 or (recap and shared > 0))
            ):
                target = index
                break
        if target is None:
            merged.append(item)
            words.append(content)
            owners.append(owner)
            continue
        kept = merged[target]
        kept.seeds.extend(item.seeds)
        kept.extra |= item.extra
        if kept.acceptor is None:
            kept.acceptor = item.acceptor
        words[target] |= content
    return merged
