"""Stage 2: every cue in every clause, with flags that the scorer weighs (never vetoes).

Cue kinds: ``self`` (the speaker commits: "I'll", "let me", "I can"), ``addressee`` (a
request or assignment to the listener: "can you", "please", "you'll", an imperative),
``third`` (a named participant, a role or a name before a modal: "Marcus will", "the
designer is going to", "let's have Tom"), ``group`` ("we need to", "let's", "someone from
legal should"), ``explicit`` ("action item", "to do", "follow up on") and ``who`` (an
open question: "who can own that?").

Flags describe what would once have been a rejection: negated, conditional, hypothetical,
past, question, hedged, a deictic or vague object, a due phrase, talk about the meeting
itself, a state or a wish rather than an act, receiving rather than doing.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from workitems.transcript.dates import find_due
from workitems.transcript.extract.lexicon import (
    HEDGES,
    LIGHT_NOUNS,
    LIGHT_VERBS,
    MEETING_OBJECTS,
    MEETING_VERBS,
    NP_STOP,
    PRONOUN_OBJECTS,
    STATIVE,
    STOP,
    TASK_VERBS,
    VAGUE_OBJECTS,
    VERBS,
    wordset,
)
from workitems.transcript.extract.normalize import Clause
from workitems.transcript.owners import Mention, Roster

_FUT = (
    r"(?:'ll|\s+will|\s+shall|'m\s+going\s+to|\s+am\s+going\s+to|'re\s+going\s+to"
    r"|\s+are\s+going\s+to)"
)
_NEED = (
    r"(?:\s+need\s+to|\s+have\s+to|'ve\s+got\s+to|\s+have\s+got\s+to|\s+must|'ll\s+need\s+to"
    r"|'ll\s+have\s+to|\s+got\s+to|\s+should|\s+ought\s+to)"
)
_NEG = (
    r"(?:\s+won't|\s+can't|\s+cannot|\s+will\s+not|'m\s+not\s+going\s+to"
    r"|\s+am\s+not\s+going\s+to|\s+don't\s+think)"
)
_GROUP = (
    r"(?:everyone|everybody|all\s+of\s+you|each\s+of\s+you|you\s+all|you\s+guys"
    r"|both\s+of\s+you|the\s+team)"
)

#: (rule, words it can start at, pattern, kind), strongest first among cues at one word.
_RULES: tuple[tuple[str, str, str, str], ...] = (
    (
        "explicit",
        "action to-do todo to follow follow-up next takeaway",
        r"\b(?:action\s+items?|action\s+points?|to-do|todo|to\s+do\s+list|follow[\s-]up\s+"
        r"(?:on|with)|next\s+steps?|takeaway)\b(?:\s+(?:is|are|for\s+\w+|here))?",
        "explicit",
    ),
    (
        "who",
        "who who's who'll",
        r"\bwho(?:'s|\s+is|'ll|\s+will|\s+can|\s+could|\s+wants\s+to|\s+would\s+like\s+to"
        r"|(?=\s+(?:takes|owns|handles|does|leads|runs|wants|volunteers)\b))",
        "who",
    ),
    (
        "someone",
        "someone somebody we",
        r"\b(?:someone|somebody)(?:\s+(?:from|on|in)\s+(?:the\s+)?\w+)?(?:\s+(?:needs\s+to|has\s+to"
        r"|should|must|will\s+have\s+to|will|can|could|ought\s+to))?\b|\bwe\s+need\s+(?:someone|"
        r"somebody|a\s+volunteer)\s+to\b",
        "group",
    ),
    ("self_neg", "i", rf"\bi{_NEG}\b", "self"),
    (
        "self_job",
        "my",
        r"\bmy\s+(?:job|task|action\s+item|action|homework|to\s+do)\s+(?:is|will\s+be)(?:\s+to)?\b",
        "self",
    ),
    ("self_fut", "i'll i i'm", rf"\bi{_FUT}\b", "self"),
    ("self_need", "i i've i'll", rf"\bi{_NEED}\b", "self"),
    ("self_let", "let", r"\blet\s+me\b", "self"),
    ("self_can", "i", r"\bi\s+(?:can|could)\b", "self"),
    (
        "self_would",
        "i'd i",
        r"\bi(?:'d|\s+would)\s+(?:be\s+happy|be\s+glad|love|like|be\s+able)\s+to\b",
        "self",
    ),
    ("self_onit", "i'm i will can", r"\b(?:i'm|i\s+am)\s+on\s+it\b|\b(?:will|can)\s+do\b", "self"),
    (
        "self_offer",
        "should shall do can want",
        r"\b(?:should|shall|can)\s+i\b|\b(?:do\s+you\s+)?want\s+me\s+to\b",
        "self",
    ),
    (
        "addr_want",
        "i we i'd we'd",
        rf"\b(?:i|we)(?:\s+want|'d\s+like|\s+would\s+like|\s+need)\s+(?:you|{_GROUP})\s+to\b",
        "addressee",
    ),
    ("addr_mind", "would do", r"\b(?:would|do)\s+you\s+mind\b", "addressee"),
    (
        "addr_ask",
        "can could would will",
        r"\b(?:can|could|would|will)\s+you(?:\s+please)?\b",
        "addressee",
    ),
    (
        "group_each",
        "everyone everybody all each you both the",
        rf"\b{_GROUP}(?:{_FUT}|{_NEED}|\s+can|\s+please)\b",
        "group",
    ),
    ("addr_fut", "you'll you you're", rf"\byou{_FUT}\b", "addressee"),
    ("addr_need", "you you've you'll", rf"\byou{_NEED}\b", "addressee"),
    (
        "your_job",
        "your",
        r"\byour\s+(?:job|task|action\s+item|homework)\s+(?:is|will\s+be)(?:\s+to)?\b",
        "addressee",
    ),
    ("please", "please", r"\bplease\b", "addressee"),
    ("for_you", "for", r"\bfor\s+you\b", "addressee"),
    ("group_need", "we we've we'll", rf"\bwe{_NEED}\b", "group"),
    ("group_fut", "we'll we we're", rf"\bwe{_FUT}\b", "group"),
    ("group_can", "we", r"\bwe\s+(?:could|might\s+want\s+to|can)\b", "group"),
    ("lets", "let's let", r"\blet's\b|\blet\s+us\b", "group"),
)
_KIND = {name: kind for name, _, _, kind in _RULES}
_RANK = {name: rank for rank, (name, _, _, _) in enumerate(_RULES)}
#: For each word, the rules that may start there (matching only where a rule can start
#: keeps the cue stage fast: most words start none).
_BY_WORD: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
for _name, _words, _pattern, _kind in _RULES:
    for _word in _words.split():
        _BY_WORD.setdefault(_word, []).append((_name, re.compile(_pattern)))

#: What follows a person who is the subject of a hand-out ("Marcus will", "Tom to").
_THIRD_MODAL = re.compile(
    r"^(?:'s|'ll)?\s*(?:will|'ll|shall|is\s+going\s+to|'s\s+going\s+to|going\s+to|are\s+going\s+to|"
    r"should|needs\s+to|has\s+to|must|can|could|to|is\s+on|owns|takes|is\s+taking|"
    r"is\s+handling|handles|is\s+responsible\s+for|will\s+be)\b"
)
_HAVE_PERSON = re.compile(r"\b(?:let's\s+have|have|ask|get|need|want|like)\s*$")
#: Adverbs and auxiliaries between the cue and the verb.
_LEAD = wordset(
    "just also then definitely certainly probably maybe perhaps quickly really actually "
    "first still both all kindly please ahead try to make sure be able gonna personally "
    "myself happily sure so now"
)
_NEGATION = wordset("not never no n't")
_PAST_MARK = wordset("already yesterday ago earlier")
_SOMEDAY = re.compile(
    r"\b(?:someday|some\s+day|at\s+some\s+point|eventually|one\s+day|in\s+the\s+future|sometime)\b"
)
_HYPOTHETICAL = re.compile(
    r"\bif\s+(?:i|we|you|they|he|she)\s+(?:had|were|was|did|could|got)\b|\b(?:i|we)(?:'d|\s+would)\b"
    r"(?!\s+(?:be\s+happy|be\s+glad|love|like))|\bwould\s+have\b"
)
_COND = re.compile(r"\b(?:if|unless|whether|in\s+case)\b")
_DECISION = re.compile(r"^(?:go\s+with|use|stick\s+with|keep|decide|pick|choose|agree)\b")
_RECEIVE = re.compile(
    r"^(?:get|receive|hear|be\s+(?:sent|given|told))\b(?!\s+(?:back|in\s+touch|\w+\s+(?:done|ready|"
    r"finished|sorted|fixed)|(?:it|that|this|them)\s+(?:done|ready|to)))"
)
_MEETING_ACT = re.compile(
    r"^(?:share\s+(?:my|the|your)\s+screen|stop\s+sharing|pull\s+(?:up|it\s+up)|bring\s+up|move\s+on|"
    r"go\s+(?:back|ahead|on|to\s+the)|take\s+(?:a\s+)?(?:look|notes|questions|"
    r"a\s+break|five)|jump\s+(?:in|to)|wrap\s+up|kick\s+off|get\s+started|start\s+with|"
    r"hand\s+(?:it\s+)?over|circle\s+back\s+to\s+(?:that|this)|put\s+(?:it|that)\s+in\s+the\s+chat|"
    r"drop\s+(?:it|that|a\s+link)\s+in\s+the\s+chat|add\s+(?:it|that)\s+to\s+the\s+agenda)"
)


@dataclass
class Cue:
    rule: str
    kind: str
    clause: Clause
    #: Token span of the cue; the predicate starts at ``end`` (after leading adverbs).
    start: int
    end: int
    verb: str = ""
    verb_at: int = -1
    flags: set[str] = field(default_factory=set)
    #: The person named as subject (third person) or addressed by name in the clause.
    subject: Mention | None = None
    subject_text: str | None = None
    due_phrase: str | None = None

    @property
    def turn(self) -> int:
        return self.clause.turn

    def predicate(self) -> list[str]:
        """Lower-case words from the verb on."""
        return self.clause.words[self.verb_at :] if self.verb_at >= 0 else []

    def predicate_cased(self) -> list[str]:
        return self.clause.cased[self.verb_at :] if self.verb_at >= 0 else []


def clause_mentions(clause: Clause, roster: Roster) -> list[tuple[int, int, Mention]]:
    """Participant mentions as token spans ``(first, last + 1, mention)``."""
    text = clause.cased_text()
    found = []
    for mention in roster.mentions(text):
        first = clause.token_at(mention.start)
        last = clause.token_at(max(mention.start, mention.end - 1))
        found.append((first, last + 1, mention))
    return found


def find_cues(clause: Clause, roster: Roster, *, weak: bool = False) -> list[Cue]:
    """Every cue of the clause, strongest first (the first is the clause's seed); with
    ``weak``, a clause without any gets a weak one (:func:`_weak`)."""
    cues: list[Cue] = []
    text = clause.text
    covered = -1
    for position, word in enumerate(clause.words):
        rules = _BY_WORD.get(word)
        if rules is None or position < covered:
            continue
        for rule, pattern in rules:
            match = pattern.match(text, clause.starts[position])
            if match is not None:
                end = clause.token_at(match.end() - 1) + 1
                cues.append(Cue(rule, _KIND[rule], clause, position, end))
                covered = end
                break
    mentions = clause_mentions(clause, roster)
    cues.extend(_third_cues(clause, mentions))
    cues.extend(_imperative(clause, mentions, cues))
    if weak and not cues:
        cues.extend(_weak(clause, mentions))
    for cue in cues:
        _describe(cue, mentions)
    cues.sort(key=_strength)
    return cues


def _strength(cue: Cue) -> tuple[int, int, int]:
    rank = -1 if cue.kind == "third" else _RANK.get(cue.rule, len(_RULES))
    if cue.rule == "explicit" and cue.verb_at < 0:
        rank = len(_RULES) + 1
    return (0 if cue.verb_at >= 0 else 1, rank, cue.start)


def _third_cues(clause: Clause, mentions: Sequence[tuple[int, int, Mention]]) -> list[Cue]:
    cues = []
    words = clause.words
    for first, end, mention in mentions:
        rest = " ".join(words[end:])
        match = _THIRD_MODAL.match(rest)
        before = " ".join(words[:first])
        if match is not None:
            cue_end = end + len(match.group().split())
            cue = Cue("third", "third", clause, first, cue_end, subject=mention)
            cue.subject_text = mention.text
            cues.append(cue)
        elif _HAVE_PERSON.search(before) and end < len(words) and words[end] in VERBS | {"to"}:
            cue = Cue("third_have", "third", clause, first, end + (words[end] == "to"))
            cue.subject, cue.subject_text = mention, mention.text
            cues.append(cue)
    # A capitalised name that is not a participant ("Dana will send it").
    for position, token in enumerate(clause.cased[:-1]):
        if (
            token[:1].isupper()
            and token.isalpha()
            and token.lower() not in _NOT_NAMES
            and not any(first <= position < end for first, end, _ in mentions)
            and (position == 0 or words[position - 1] not in ("the", "a", "an", "this", "that"))
            and words[position + 1] not in ("to", "can", "could", "should")
        ):
            match = _THIRD_MODAL.match(" ".join(words[position + 1 :]))
            if match is None:
                continue
            cue = Cue(
                "third_name", "third", clause, position, position + 1 + len(match.group().split())
            )
            cue.subject_text = token
            cues.append(cue)
    return cues


_NOT_NAMES = wordset(
    "i it that this there what which who we they he she you everyone everybody nobody "
    "somebody someone anyone anything nothing something maybe so and but then now well "
    "okay yes no yeah oh also where when how why or if because one each all both either "
    "the a an our your my his her their its these those people hopefully probably perhaps "
    "just still actually sure right alright good great cool fine thanks sorry hi hello "
    "hey please monday tuesday wednesday thursday friday saturday sunday today tomorrow "
    "next first let let's i'll we'll you'll i'm legal finance marketing sales engineering "
    "design product support ops hr it's that's"
)


def _imperative(
    clause: Clause, mentions: Sequence[tuple[int, int, Mention]], cues: Sequence[Cue]
) -> list[Cue]:
    """ "Send me the numbers", "Arjun, prototype the prefill": a base verb opens the clause."""
    if cues or clause.question or clause.inherited:
        return []
    words = clause.words
    position = 0
    while position < len(words) and words[position] in _OPENERS:
        position += 1
    for first, end, _ in mentions:
        if first == position:
            position = end
    while position < len(words) and words[position] in _OPENERS:
        position += 1
    if (
        position < len(words) - 1
        and words[position] in VERBS
        and words[position] not in ("have", "be", "let", "see", "go")
    ):
        cue = Cue("imperative", "addressee", clause, position, position)
        if mentions and mentions[0][0] < position:
            cue.subject, cue.subject_text = mentions[0][2], mentions[0][2].text
        return [cue]
    return []


#: A clause without any cue needs this many words to be a weak candidate.
WEAK_MIN_WORDS = 3
_WEAK_SUBJECTS = {
    **dict.fromkeys(wordset("i i'm i've i'd my"), ("weak_self", "self")),
    **dict.fromkeys(wordset("you you're you've your yours"), ("weak_you", "addressee")),
    **dict.fromkeys(wordset("we we're we've our us"), ("weak_we", "group")),
}


def _weak(clause: Clause, mentions: Sequence[tuple[int, int, Mention]]) -> list[Cue]:
    """A clause with no cue at all, as a weak candidate flagged ``weak``: most action items
    of a recorded meeting's wrap-up are hand-outs with no modal ("and you're on the
    trend watching", "the industrial designer the components concept", "next meeting
    the prototype"). Its kind follows its subject (the first word after the openers, or a
    participant named in it), so the owner is read as for a cue; without one it is
    ``plain`` and has no owner. The scorer decides: it weighs the ``weak`` flag, the
    clause's words, its place and its neighbours like any cue's."""
    words = clause.words
    if len(words) - clause.inherited < WEAK_MIN_WORDS or clause.question:
        return []
    position = 0
    while position < len(words) - 1 and words[position] in _OPENERS:
        position += 1
    rule, kind = _WEAK_SUBJECTS.get(words[position], ("weak", "plain"))
    cue = Cue(rule, kind, clause, position, position + (kind != "plain"))
    if kind == "plain" and mentions:
        first, end, mention = mentions[0]
        cue = Cue("weak_third", "third", clause, first, end, subject=mention)
        cue.subject_text = mention.text
    cue.flags.add("weak")
    return [cue]


_OPENERS = wordset(
    "and so okay ok then also just please now right alright yeah yes well oh sure definitely "
    "great good thanks perfect cool"
)


def _describe(cue: Cue, mentions: Sequence[tuple[int, int, Mention]]) -> None:
    clause = cue.clause
    words = clause.words
    position = cue.end
    while position < len(words) and words[position] in _LEAD:
        position += 1
    flags = cue.flags
    if (position < len(words) and words[position] in _NEGATION) or cue.rule == "self_neg":
        flags.add("negated")
        while position < len(words) and words[position] in _NEGATION | _LEAD:
            position += 1
    if position < len(words):
        cue.verb_at = position
        cue.verb = _lemma(words[position])
    rest = " ".join(words[position:])
    before = " ".join(words[: cue.start])
    if clause.question:
        flags.add("question")
    if _COND.search(before):
        flags.add("cond_before")
    if _COND.search(rest):
        flags.add("cond_after")
    if _HYPOTHETICAL.search(clause.text):
        flags.add("hypothetical")
    if any(w in _PAST_MARK for w in words) or re.search(
        r"\blast\s+(?:week|time|month|night)\b", clause.text
    ):
        flags.add("past")
    # A hedge before the work or on its verb ("I'll maybe send", "I'll try to send");
    # one after the object is an afterthought about a detail ("... a checklist, maybe the
    # laptop one").
    scope = words[: position + 2] if cue.verb_at >= 0 else words
    if any(w in HEDGES for w in scope) or re.search(r"\bi\s+(?:think|guess|suppose)\b", before):
        flags.add("hedged")
    if _SOMEDAY.search(clause.text):
        flags.add("someday")
    predicate = words[position + 1 :] if cue.verb_at >= 0 else []
    obj = [w for w in predicate if w not in _PARTICLES]
    if obj and obj[0] in PEOPLE and not [w for w in obj[1:] if w not in STOP | NP_STOP]:
        flags.add("person_object")
    if cue.verb in LIGHT_VERBS and obj and obj[0] in LIGHT_NOUNS:
        flags.add("light")
        obj = [w for w in obj[1:] if w not in LIGHT_NOUNS]
    if cue.verb_at < 0:
        flags.add("no_verb")
    elif not obj:
        flags.add("no_object")
    elif obj[0] in PRONOUN_OBJECTS:
        flags.add("deictic")
    elif obj[0] in VAGUE_OBJECTS:
        flags.add("vague")
    if cue.verb in STATIVE and not (cue.verb == "have" and _ready(predicate)):
        flags.add("stative")
    if cue.verb == "have" and _ready(predicate):
        flags.add("have_ready")
    if cue.verb in TASK_VERBS:
        flags.add("task_verb")
    elif cue.verb in VERBS:
        flags.add("verb")
    if (
        cue.verb in MEETING_VERBS
        or _MEETING_ACT.match(rest)
        or any(w in MEETING_OBJECTS for w in predicate[:3])
    ):
        flags.add("meeting")
    if cue.rule in ("addr_fut", "addr_need", "group_fut") and _RECEIVE.match(rest):
        flags.add("receive")
    if cue.kind == "group" and _DECISION.match(rest):
        flags.add("decision")
    _due, phrase = find_due(clause.cased_text(), None)
    if phrase is not None:
        flags.add("due")
        cue.due_phrase = phrase
    if len(predicate) >= 6:
        flags.add("long")
    if cue.subject is None:
        for first, _end, mention in mentions:
            if first < cue.start or first >= len(words) - 2:
                cue.subject, cue.subject_text = mention, mention.text
                flags.add("vocative")
                break


PEOPLE = wordset("me him her us you them everyone everybody")
_PARTICLES = wordset("the a an up out on over back at into for to with through after about off")


def _ready(predicate: Sequence[str]) -> bool:
    return any(
        w in ("ready", "done", "finished", "sorted", "fixed", "drafted", "updated", "over")
        for w in predicate[:8]
    )


def _lemma(word: str) -> str:
    """ "looking" -> "look", "sends" -> "send"; good enough for verbs after a modal."""
    if word in VERBS:
        return word
    if word.endswith("ing") and len(word) > 5:
        stem = word[:-3]
        if stem + "e" in VERBS:
            return stem + "e"
        if len(stem) > 2 and stem[-1] == stem[-2] and stem[:-1] in VERBS:
            return stem[:-1]
        return stem
    if word.endswith("s") and word[:-1] in VERBS:
        return word[:-1]
    return word
