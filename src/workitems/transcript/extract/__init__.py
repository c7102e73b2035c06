"""Action items from a meeting transcript: a pipeline of stages (pure, offline,
deterministic).

1. :mod:`.normalize`: turns and clauses, ASR text read like written text;
2. :mod:`.cues`: every cue in every clause, with flags;
3. :mod:`.features` and :mod:`.scorer`: a calibrated logistic model (weights in
   ``weights.json``, pure-Python inference);
4. :mod:`.linking`: seeds linked into items (request and acceptance, question and answer,
   restatement and recap; a refusal cancels);
5. :mod:`.slots`: owner, due date and title (:mod:`.title`);
6. here: the output, with the probability as ``confidence``, every linked utterance as
   evidence, and on request a ``trace`` of what decided it.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from workitems.transcript.extract.cues import Cue, find_cues
from workitems.transcript.extract.dialogue import Acts, turn_acts, wrap_sections
from workitems.transcript.extract.features import SHORT_MEETING, cue_features
from workitems.transcript.extract.linking import Item, Seed, link
from workitems.transcript.extract.normalize import Clause, Turn, build_turns
from workitems.transcript.extract.scorer import Model, load_model
from workitems.transcript.extract.slots import Slots, fill
from workitems.transcript.formats import Utterance
from workitems.transcript.owners import Mention, Roster, build_roster

EXTRACTOR_NAME = "workitems-pipeline"
EXTRACTOR_VERSION = "3"

__all__ = [
    "EXTRACTOR_NAME",
    "EXTRACTOR_VERSION",
    "EvidenceItem",
    "ExtractedItem",
    "ParticipantInfo",
    "extract_items",
    "item_to_json",
    "participants_from",
]


@dataclass(frozen=True)
class ParticipantInfo:
    name: str
    role: str | None = None
    email: str | None = None
    aliases: tuple[str, ...] = ()


def participants_from(raw: Sequence[Mapping[str, object]]) -> list[ParticipantInfo]:
    """Participants as stored or uploaded (``{name, role?, email?, aliases?}``)."""
    people = []
    for entry in raw:
        aliases = entry.get("aliases") or []
        people.append(
            ParticipantInfo(
                name=str(entry["name"]),
                role=str(entry["role"]) if entry.get("role") else None,
                email=str(entry["email"]) if entry.get("email") else None,
                aliases=tuple(str(a) for a in aliases) if isinstance(aliases, list) else (),
            )
        )
    return people


@dataclass(frozen=True)
class EvidenceItem:
    utterance_index: int
    speaker: str | None
    start: float | None
    quote: str


@dataclass(frozen=True)
class ExtractedItem:
    title: str
    #: The evidence quoted with its speakers: what a task created from it says.
    description: str
    owner: str | None
    owner_user: str | None
    due: date | None
    due_phrase: str | None
    priority: str
    commitment: str
    confidence: float
    evidence: tuple[EvidenceItem, ...]
    owner_candidates: tuple[str, ...] = ()
    #: ``title_vague``, ``no_owner``, ``owner_unknown``, ``owner_ambiguous``.
    warnings: tuple[str, ...] = ()
    #: The lines around the evidence, for provenance (not part of the description).
    context: tuple[EvidenceItem, ...] = ()
    #: With ``explain``: the cues, flags and features that decided it.
    trace: dict[str, Any] | None = None


@dataclass
class Analysis:
    """Everything the stages computed, for training and for ``--explain``."""

    turns: list[Turn]
    roster: Roster
    seeds: list[Seed]
    items: list[Item]


def analyse(
    utterances: Sequence[Utterance],
    *,
    participants: Sequence[ParticipantInfo] = (),
    model: Model | None = None,
) -> Analysis:
    model = model or load_model()
    turns = build_turns(utterances)
    roster = build_roster([(u.speaker, u.text) for u in utterances], participants)
    acts = turn_acts(turns)
    seeds = score_seeds(turns, roster, model, acts)
    items = link(
        seeds,
        turns,
        acts,
        threshold=model.threshold_for(len(turns)),
        link_floor=model.link_floor,
        label=roster.label_of,
    )
    return Analysis(turns, roster, seeds, items)


def seed_cues(
    turns: Sequence[Turn], roster: Roster, acts: Sequence[Acts] | None = None
) -> list[Cue]:
    """The strongest cue of each clause that has one; in a wrap-up
    (:func:`.dialogue.wrap_sections`) also a weak cue for each clause without one, unless
    its turn has a cue of its own."""
    acts = acts if acts is not None else turn_acts(turns)
    wrap = wrap_sections(turns, acts, SHORT_MEETING)
    seeds: list[Cue] = []
    for turn in turns:
        called: Mention | str | None = None
        first = len(seeds)
        for clause in turn.clauses:
            cues = find_cues(clause, roster, weak=wrap[turn.position])
            if cues:
                cue = cues[0]
                if called == "group" and cue.kind == "addressee":
                    cue.kind = "group"
                    cue.flags.add("group_vocative")
                elif (
                    isinstance(called, Mention)
                    and cue.subject is None
                    and cue.kind
                    in (
                        "addressee",
                        "who",
                    )
                ):
                    cue.subject, cue.subject_text = called, called.text
                    cue.flags.add("vocative")
                seeds.append(cue)
            called = _called(clause, roster)
        if wrap[turn.position] and len(seeds) - first > 1:
            turn_seeds = seeds[first:]
            if any("weak" not in c.flags for c in turn_seeds):
                seeds[first:] = [c for c in turn_seeds if "weak" not in c.flags]
    return seeds


_GROUP_CALLS = frozenset(
    ["everyone", "everybody", "all", "guys", "folks", "team", "you", "okay", "so", "right", "and"]
)


def _called(clause: Clause, roster: Roster) -> Mention | str | None:
    """A clause that is only a name ("Priya," before "please draft ..."): a vocative;
    ``"group"`` for "okay everyone," before "please ...": the request is to all."""
    if len(clause.words) > 3:
        return None
    if set(clause.words) <= _GROUP_CALLS and set(clause.words) & {
        "everyone",
        "everybody",
        "guys",
        "folks",
        "all",
        "team",
    }:
        return "group"
    mentions = roster.mentions(clause.cased_text())
    return mentions[-1] if len(mentions) == 1 else None


def seed_features(
    turns: Sequence[Turn], cues: Sequence[Cue], acts: Sequence[Acts] | None = None
) -> list[list[str]]:
    acts = acts if acts is not None else turn_acts(turns)
    by_turn: dict[int, list[Cue]] = {}
    for cue in cues:
        by_turn.setdefault(cue.turn, []).append(cue)
    chair = _chair(turns)
    wrap = wrap_sections(turns, acts, SHORT_MEETING)
    return [cue_features(cue, turns, acts, by_turn, chair, wrap[cue.turn]) for cue in cues]


def _chair(turns: Sequence[Turn]) -> str | None:
    """Who says the most (the person running the meeting, as a rule), or None when the
    meeting is too short to tell."""
    if len(turns) < SHORT_MEETING:
        return None
    said: dict[str, int] = {}
    for turn in turns:
        if turn.speaker:
            said[turn.speaker] = said.get(turn.speaker, 0) + len(turn.words)
    return max(sorted(said), key=lambda s: said[s]) if said else None


def score_seeds(
    turns: Sequence[Turn], roster: Roster, model: Model, acts: Sequence[Acts] | None = None
) -> list[Seed]:
    acts = acts if acts is not None else turn_acts(turns)
    cues = seed_cues(turns, roster, acts)
    seeds = [
        Seed(cue, model.probability(features), features)
        for cue, features in zip(cues, seed_features(turns, cues, acts), strict=True)
    ]
    share_coordinated(seeds)
    return seeds


def share_coordinated(seeds: Sequence[Seed]) -> None:
    """ "I'll update the deck and send the invite": the modal scopes over both verb phrases,
    so the second is as much a commitment as the first."""
    previous: Seed | None = None
    for seed in seeds:
        clause = seed.cue.clause
        if (
            previous is not None
            and clause.inherited
            and previous.cue.clause.turn == clause.turn
            and previous.cue.clause.index == clause.index - 1
            and not seed.cue.flags & {"negated", "meeting"}
        ):
            seed.probability = max(seed.probability, previous.probability)
        previous = seed


def extract_items(
    utterances: Sequence[Utterance],
    *,
    meeting_date: date | None = None,
    participants: Sequence[ParticipantInfo] = (),
    explain: bool = False,
    model: Model | None = None,
) -> list[ExtractedItem]:
    """The action items of one meeting, in transcript order.

    Deterministic: the same transcript, date and participants give the same items.
    Without participants, the speaker labels are the people owners are matched to.
    ``model`` replaces the shipped weights (the bench's cross-validation scores each
    meeting with a model fitted without it).
    """
    utterances = list(utterances)
    if not utterances:
        return []
    model = model or load_model()
    analysis = analyse(utterances, participants=participants, model=model)
    found = []
    seeded = {(s.cue.turn, s.cue.clause.index) for item in analysis.items for s in item.seeds}
    for item in analysis.items:
        slots = fill(item, analysis.turns, analysis.roster, meeting_date, seeded)
        found.append(_finish(item, slots, analysis.turns, model if explain else None))
    return found


_COMMITMENT_TENTATIVE = frozenset({"hedged", "cond_after", "hypothetical"})


def _commitment(item: Item) -> str:
    kinds = {s.cue.kind for s in item.seeds}
    flags = set().union(*(s.cue.flags for s in item.seeds))
    if kinds <= {"group"}:
        return "suggestion"
    if flags & _COMMITMENT_TENTATIVE or {s.cue.rule for s in item.seeds} <= {
        "self_can",
        "group_can",
    }:
        return "tentative"
    return "firm"


def _finish(item: Item, slots: Slots, turns: Sequence[Turn], model: Model | None) -> ExtractedItem:
    positions = item.turns
    evidence = tuple(_quote(turns[p]) for p in positions)
    context_at = sorted(
        {p + d for p in positions for d in (-1, 1) if 0 <= p + d < len(turns)} - set(positions)
    )
    text = " ".join(turns[p].utterance.text for p in positions)
    description = "\n".join(f"{e.speaker or 'Someone'}: {e.quote}" for e in evidence)
    trace = _trace(item, slots, model) if model is not None else None
    return ExtractedItem(
        title=slots.title[:500],
        description=description,
        owner=slots.owner,
        owner_user=slots.owner_user,
        due=slots.due,
        due_phrase=slots.due_phrase,
        priority=_priority(text),
        commitment=_commitment(item),
        confidence=round(item.probability, 3),
        evidence=evidence,
        owner_candidates=slots.owner_candidates,
        warnings=tuple(slots.warnings),
        context=tuple(_quote(turns[p]) for p in context_at),
        trace=trace,
    )


def _quote(turn: Turn) -> EvidenceItem:
    u = turn.utterance
    return EvidenceItem(u.index, u.speaker, u.start, u.text.strip())


def _trace(item: Item, slots: Slots, model: Model) -> dict[str, Any]:
    return {
        "seeds": [
            {
                "utterance_index": s.cue.clause.turn,
                "clause": s.cue.clause.text,
                "cue": s.cue.rule,
                "kind": s.cue.kind,
                "flags": sorted(s.cue.flags),
                "probability": round(s.probability, 3),
                "features": [[name, weight] for name, weight in model.contributions(s.features)],
            }
            for s in item.seeds
        ],
        "acceptor_utterance": item.acceptor,
        "linked_without_cue": sorted(item.extra),
        "title_from": slots.title_seed.cue.clause.text if slots.title_seed else None,
    }


_PRIORITY = (
    (
        "low",
        re.compile(
            r"(?i)\b(?:low\s+priority|not\s+urgent|no\s+(?:rush|hurry)|"
            r"when(?:ever)?\s+you\s+(?:get\s+a\s+chance|have\s+time)|nice\s+to\s+have)\b"
        ),
    ),
    (
        "urgent",
        re.compile(
            r"(?i)\b(?:urgent(?:ly)?|asap|a\.s\.a\.p|as\s+soon\s+as\s+possible|"
            r"immediately|right\s+away|emergency|blocker|blocking)\b"
        ),
    ),
    (
        "high",
        re.compile(
            r"(?i)\b(?:high\s+priority|top\s+priority|critical|crucial|priority\s+one|p1)\b"
        ),
    ),
)


def _priority(text: str) -> str:
    for level, pattern in _PRIORITY:
        if pattern.search(text):
            return level
    return "none"


def item_to_json(item: ExtractedItem) -> dict[str, Any]:
    """The wire form of an item: the documented keys, the date as ISO text; ``trace`` only
    when the item was extracted with ``explain``."""
    data: dict[str, Any] = {
        "title": item.title,
        "description": item.description,
        "owner": item.owner,
        "owner_user": item.owner_user,
        "due": item.due.isoformat() if item.due else None,
        "due_phrase": item.due_phrase,
        "priority": item.priority,
        "commitment": item.commitment,
        "confidence": item.confidence,
        "warnings": list(item.warnings),
        "evidence": [_evidence_json(ev) for ev in item.evidence],
        "context": [_evidence_json(ev) for ev in item.context],
    }
    if item.trace is not None:
        data["trace"] = item.trace
    return data


def _evidence_json(ev: EvidenceItem) -> dict[str, Any]:
    return {
        "utterance_index": ev.utterance_index,
        "speaker": ev.speaker,
        "start": ev.start,
        "quote": ev.quote,
    }
