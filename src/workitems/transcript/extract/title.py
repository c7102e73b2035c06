"""An item's title: the verb phrase of its most specific evidence clause, naming the work.

1. **Which clause.** Every seed of the item offers a title; the one kept has a concrete
   object of its own (not "it", "something", a person only, or a light verb such as
   "handle", "take care of", "get that done" whose real object is elsewhere), then the
   most content words once its references are resolved, then the most probable.
2. **Its span.** From the verb to the end of its object: the title stops where a
   deadline, a reason, a condition or (in ASR text without punctuation) a new sentence
   starts ("once it's drafted", "next week", "you're the computer person"); fillers and
   hedges ("just", "maybe", "like") are dropped; "check whether ..." keeps its clause.
3. **Its references** (:mod:`.reference`): "it", "that", "this", "them" and "one" become
   what they stand for, found in the linked request or question or in the turns before;
   "him"/"her" the person; a shortened definite description its fuller mention ("the
   estimate" -> "the conference cost estimate"); "me" and "you" the people they name.
4. **Vague**: when no object is found the title still names the verb and what was said
   ("Follow up: ..."), never a bare verb, and ``make_title`` says so (``title_vague``).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from workitems.transcript.extract.cues import Cue
from workitems.transcript.extract.lexicon import (
    DETERMINERS,
    HEDGES,
    ING_E,
    LIGHT_NOUNS,
    NP_STOP,
    RELATIONAL,
    STOP,
    VAGUE_OBJECTS,
    VERBS,
    wordset,
)
from workitems.transcript.extract.linking import Item, Seed, relational
from workitems.transcript.extract.normalize import Clause, Turn
from workitems.transcript.extract.reference import (
    SUBJECT_CONTRACTIONS,
    Discourse,
    Phrase,
    noun_phrase,
    salient_noun_phrase,
    stem,
)
from workitems.transcript.owners import is_anonymous

__all__ = ["Title", "make_title", "noun_phrase", "salient_noun_phrase", "title_seed"]

_OPEN = frozenset({"deictic", "vague", "no_object", "no_verb"})
#: A title ends before these: a deadline, a reason or a condition follows, or (in ASR text
#: without punctuation) a new sentence starts with a subject pronoun.
_TITLE_CUT = (
    wordset(
        "he she they we i "
        "by before until till because so if when unless while since but or then as asap eod eow "
        "cob once whereas although though otherwise whenever"
    )
    | SUBJECT_CONTRACTIONS
)
#: Words taken from the clause, and words in the title once references are resolved.
_TITLE_MAX = 12
_TITLE_WORDS = 16
_VAGUE_TITLE = "Follow up on the discussion"
#: Verbs whose work is named by what follows them elsewhere: "handle it", "take care of
#: that", "get that done", "do the needful", "own that", "knock it out".
LIGHT = wordset("handle do take deal sort own knock tackle cover action manage aim")

#: Verbs that take a clause: "check whether the vaccine arrived" keeps its clause.
_CLAUSE_VERBS = wordset("check see find ask confirm verify figure make double-check know")
#: Verbs whose object is followed by the question asked ("ask the warehouse if they can
#: confirm the stock", "check with finance whether").
_ASK_VERBS = wordset("ask check confirm see find email call ring text message")
_COMPLEMENTIZERS = wordset("whether if that what how when why where who which")
_SUBJECTS = frozenset(["he", "she", "they", "we", "i"])
_DEADLINE_LEADS = frozenset(["by", "before", "until", "till", "due"])
_RESULTATIVE = frozenset(
    ["done", "ready", "sorted", "fixed", "finished", "over", "out", "off", "across"]
)
#: Words said on the way that a title does without.
_FILLERS = (
    wordset(
        "just really actually basically quickly definitely certainly probably maybe perhaps "
        "kindly please also personally hopefully possibly literally obviously honestly "
        "anyway"
    )
    | HEDGES
) - {"try", "trying", "guess", "suppose", "eventually"}
_TIME_UNITS = wordset(
    "week weeks month months morning afternoon evening weekend quarter year day days time "
    "thing monday tuesday wednesday thursday friday saturday sunday"
)
_PRONOUNS = frozenset(["it", "them", "those", "these", "that", "this", "him", "her", "one"])
_PEOPLE_WORDS = frozenset(["him", "her", "them"])
#: Verbs that need their object: said without it ("I'll escalate to their director"), the
#: object is what was just talked about.
_NEEDS_OBJECT = wordset(
    "send forward escalate share circulate bring give hand pass move add push submit post "
    "upload print return mail deliver"
)
#: Particles of phrasal verbs, kept with the verb when the object moves ("knock out").
_PARTICLES = wordset("out up off down back over through")
_NOT_CONTENT = STOP | NP_STOP | VAGUE_OBJECTS
_REFLEXIVE = frozenset(["myself", "yourself", "ourselves", "themselves"])
#: Verbs whose object is a person ("chase him", "call her", "send them the listing").
_PERSON_VERBS = wordset(
    "call ring phone email e-mail text ping chase remind ask tell invite contact thank meet "
    "brief nudge message write loop cc introduce reach pay"
)


@dataclass(frozen=True)
class Title:
    text: str
    #: No object was found: the item carries ``title_vague``.
    vague: bool
    #: The seed whose clause the title was made from.
    seed: Seed | None


def causee(cue: Cue) -> str | None:
    """The person "let's have Nadia do both references" hands the work to ("Nadia", as
    said), or None: "have", one to three capitalised words (in ASR text without case, one
    word that is no common word), then a verb."""
    words, cased = cue.predicate(), cue.predicate_cased()
    if len(words) < 3 or words[0] != "have" or cue.kind not in ("group", "explicit"):
        return None
    end = 1
    while end < min(len(cased), 4) and cased[end][:1].isupper() and cased[end].isalpha():
        end += 1
    if end == 1 and words[1].isalpha() and not _COMMON.intersection([words[1]]):
        end = 2  # "let's have nadia do both references"
    if end == 1 or end >= len(words) or words[end] in _COMMON - VERBS - _DO_VERBS:
        return None
    nxt = words[end + 1] if end + 1 < len(words) else ""
    if words[end] not in VERBS | _DO_VERBS and nxt not in DETERMINERS:
        return None  # a verb: one the lexicon knows, or one followed by its object
    return " ".join(cased[1:end])


_DO_VERBS = wordset("do look go get make take give run")
#: Words after "have" that are not a person's name.
_COMMON = (
    STOP
    | NP_STOP
    | DETERMINERS
    | VERBS
    | VAGUE_OBJECTS
    | wordset(
        "someone somebody anyone anybody everyone everybody people team them him her us you "
        "legal finance marketing sales support ops hr it design engineering product"
    )
)


def title_seed(item: Item) -> Seed | None:
    """The seed whose clause names the work by its own words (the due date is read there
    first)."""
    usable = _usable(item)
    if not usable:
        return None
    return max(usable, key=_static_rank)


def _usable(item: Item) -> list[Seed]:
    return [
        s
        for s in item.seeds
        if s.cue.verb_at >= 0 and not s.cue.flags & {"negated", "stative", "receive"}
    ] or [s for s in item.seeds if s.cue.verb_at >= 0 and "negated" not in s.cue.flags]


def _static_rank(seed: Seed) -> tuple[int, int, int, int, float]:
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


def _specific(cue: Cue) -> bool:
    """The clause names the work itself: a concrete object, a verb that is not light."""
    return not (cue.flags & (_OPEN | {"light", "meeting", "person_object"})) and not _light(cue)


def _verbal(title: str) -> bool:
    """The title starts with a verb (not "Your team help ...")."""
    first = title.split()[0].lower() if title.split() else ""
    return first not in STOP or first in VERBS


def _light(cue: Cue) -> bool:
    """A verb that does not name the work: "handle", "take care of", "take a look at",
    and "get that done" (a result with a pronoun for the object)."""
    return (
        cue.verb in LIGHT
        or "light" in cue.flags
        or (_resultative(cue) and bool(cue.flags & {"deictic", "vague"}))
    )


def _resultative(cue: Cue) -> bool:
    """ "get the contract signed", "have the mockups ready": the light verb's result names
    the work, and its object is concrete."""
    words = cue.predicate()
    return cue.verb in ("get", "have") and any(w in _RESULTATIVE for w in words[2:8])


def make_title(
    item: Item, turns: Sequence[Turn], voice: Callable[[str], str | None] | None = None
) -> Title:
    """The title from the item's most specific clause: each usable seed offers one; kept
    is the one from a clause that names the work itself, then the one that is not vague,
    then the one with the most content words, then the most probable."""
    best: tuple[tuple[int, int, int, int, int, int, int, float], Title] | None = None
    for seed in _usable(item):
        text, vague, score = _build(seed, item, turns, voice)
        cue = seed.cue
        rank = (
            int(_verbal(text)),
            int(not _fallback(cue, item)),
            int(_specific(cue)),
            int(not vague),
            int(not _light(cue)),
            min(score, 4),
            int(relational(cue) is not None),
            seed.probability,
        )
        if best is None or rank > best[0]:
            best = (rank, Title(text, vague, seed))
    return best[1] if best is not None else Title(_VAGUE_TITLE, True, None)


def _fallback(cue: Cue, item: Item) -> bool:
    """What will be done if the work fails ("I'll call them. If I can't reach them, I'll
    send a letter"; "..., or I'll escalate to their manager"): the work is the plain
    commitment beside it."""
    if cue.clause.words[:1] in (["or"], ["otherwise"], ["else"]):
        return True
    return any(
        s.cue.turn == cue.turn
        and s.cue.clause.index == cue.clause.index - 1
        and "cond_before" in s.cue.flags
        for s in item.seeds
    )


def _made(verb: str, body: Sequence[str]) -> tuple[str, list[str]] | None:
    """ "have it written", "get the logs printed": the work is the participle's verb
    ("write it", "print the logs"); "get it done" names no work and stays."""
    if verb not in ("have", "get") or len(body) < 2:
        return None
    last = body[-1].lower()
    base = _PARTICIPLES.get(last)
    if base is None and last.endswith("ed") and len(last) > 4:
        for candidate in (last[:-2], last[:-1], last[:-3]):
            if candidate in VERBS:
                base = candidate
                break
    if base is None or base in ("do", "get", "have"):
        return None
    return base, list(body[:-1])


_PARTICIPLES = {
    "written": "write",
    "sent": "send",
    "built": "build",
    "drawn": "draw",
    "paid": "pay",
    "made": "make",
    "drafted": "draft",
    "done": "do",
}


def _build(
    seed: Seed,
    item: Item,
    turns: Sequence[Turn],
    voice: Callable[[str], str | None] | None = None,
) -> tuple[str, bool, int]:
    """(title, vague, how many content words name the work)."""
    cue = seed.cue
    words, cased = _span(cue)
    if not words:
        return _VAGUE_TITLE, True, 0
    verb = _base_form(cased[0])
    body = list(cased[1:_TITLE_MAX])
    made = _made(verb, body)
    if made is not None:
        verb, body = made
    anchor = cue.clause
    discourse = Discourse(turns, _linked(cue, item), anchor.turn, anchor.index)
    body, resolved = _resolve(body, verb, discourse)
    if verb in _NEEDS_OBJECT and body and body[0].lower() in ("to", "with", "over", "back"):
        phrase = discourse.antecedent("it")  # "escalate to their director": escalate what?
        if phrase is not None and not _mentions(body, phrase):
            body = [*_np(phrase), *body]
            resolved = True
    low = [w.lower() for w in body]
    content = [w for w in low if w not in _NOT_CONTENT and w not in _RESULTATIVE]
    vague = False
    unresolved_person = any(
        _pronoun_kind(low, k, verb) in ("him", "her", "they")
        for k in range(len(low))
        if low[k] in _PEOPLE_WORDS
    )
    if not content and unresolved_person:
        vague = True  # "ring them": whom is not known, and a thing would be wrong
    elif not content:
        phrase = discourse.antecedent("it")
        if phrase is not None:
            kept = [w for w in body if w.lower() not in VAGUE_OBJECTS]
            while kept and kept[-1].lower() in DETERMINERS:
                kept.pop()  # "do the needful" -> "do" + the thing
            body = [*kept, *_np(phrase)]
        else:
            vague = True
    body = _bridge(_expand(body, discourse), discourse)
    preposition = relational(cue)
    if preposition and not vague and not _has_complement(body):
        complement = _previous_object(cue, turns, discourse)
        if complement and not {w.lower() for w in complement} & {w.lower() for w in body}:
            body = [*body, preposition, *complement]
    body = _dedupe(_people(body, cue, turns, voice))[: _TITLE_WORDS - 1]
    title = " ".join([verb, *body]).strip()
    if vague and not body:
        clause = " ".join(cue.clause.cased[: _TITLE_MAX + 2])
        title = f"Follow up: {clause}" if clause else _VAGUE_TITLE
        return title, True, 0
    score = len([w for w in body if w.lower() not in _NOT_CONTENT | _PEOPLE_WORDS | LIGHT_NOUNS])
    score += int(made is not None)  # the participle named the work too
    if verb in LIGHT and not resolved:
        score = min(score, 1)
    return title[0].upper() + title[1:], vague, score


def _linked(cue: Cue, item: Item) -> list[Clause]:
    """The item's clauses in other turns (the request, the question, the recap), the most
    probable first: where the work is usually named."""
    return [
        s.cue.clause
        for s in sorted(item.seeds, key=lambda s: -s.probability)
        if s.cue.turn != cue.turn and not s.cue.flags & _OPEN
    ]


def _has_complement(body: Sequence[str]) -> bool:
    """The relational noun already says what it is of ("comments about the review")."""
    low = [w.lower() for w in body]
    return any(
        w in RELATIONAL and k + 1 < len(low) and low[k + 1] in ("of", "on", "about", "to", "for")
        for k, w in enumerate(low)
    )


def _previous_object(cue: Cue, turns: Sequence[Turn], discourse: Discourse) -> list[str]:
    """What a relational noun is of: the object of the clause just before in the same
    turn ("go through the audit and share a summary"), else the most salient thing."""
    clauses = turns[cue.turn].clauses
    if cue.clause.index > 0:
        before = clauses[cue.clause.index - 1]
        at = next((k for k, w in enumerate(before.words) if w in VERBS), -1)
        if at >= 0:
            rest = before.words[at + 1 :]
            pronoun = next((w for w in rest[:3] if w in ("it", "them", "that", "this")), None)
            if pronoun is not None:
                phrase = discourse.antecedent(pronoun)
                if phrase is not None:
                    return _np(phrase)
            found = noun_phrase(rest, before.cased[at + 1 :])
            if found:
                return [w.lower() if w.lower() in DETERMINERS else w for w in found]
    noun = relational(cue)
    phrase = discourse.antecedent("it", exclude=frozenset(RELATIONAL))
    return _np(phrase) if phrase is not None and noun else []


def _span(cue: Cue) -> tuple[list[str], list[str]]:
    """The words of the title, from the verb to where the object ends; times said on the
    way ("on Monday", "next week"), fillers and hedges dropped."""
    words = cue.predicate()
    cased = cue.predicate_cased()
    at = cue.verb_at
    if words and words[0] in STOP and at >= 2 and cue.clause.words[at - 2 : at] == ["make", "sure"]:
        # "can you make sure the API supports annual plans": the work is making sure.
        words, cased = cue.clause.words[at - 2 :], cue.clause.cased[at - 2 :]
    # "going to send", "need to send": the verb that names the work comes after.
    while len(words) > 2 and words[1] == "to" and words[0] in ("going", "need", "have", "want"):
        words, cased = words[2:], cased[2:]
    end = len(words)
    dropped: set[int] = set()
    embedded = False
    position = 1
    while position < len(words):
        word = words[position]
        previous = words[position - 1]
        if word in _COMPLEMENTIZERS and (
            previous in _CLAUSE_VERBS | {"out", "with"}
            or _complementizer(words, position)
            or (words[0] in _ASK_VERBS and word in ("if", "whether") and position <= 5)
        ):
            embedded = True  # "check whether we have enough vaccine", "tell them that the"
            position += 1
            continue
        if word in ("it", "this", "that") and _finite(words, position + 1):
            end = position  # "renew it it expires on the 15th"
            break
        if word in _SUBJECTS and (embedded or previous in _COMPLEMENTIZERS):
            position += 1
            continue
        length = _time_phrase(words, position)
        if length:
            dropped.update(range(position, position + length))
            position += length
            continue
        if word in _TITLE_CUT or _filler_like(words, position):
            end = position
            break
        if (
            word.endswith("'s")
            and position >= 2
            and word not in SUBJECT_CONTRACTIONS
            and position + 1 < len(words)
            and words[position + 1] in _AFTER_IS
        ):
            # ASR run-on: "get it fixed the sprint's already full": "'s" is "is" here.
            end = position - 1 if words[position - 1] in DETERMINERS else position
            break
        if (
            word in _PRONOUN_SUBJECTS
            and position >= 2
            and not embedded
            and position + 1 < len(words)
            and (_finite(words, position + 1) or words[position + 1] in _FINITE_AFTER_SUBJECT)
        ):
            end = position  # ASR run-on: "send out the comp plans everyone gets their own"
            break
        if word.endswith("n't") and not embedded and position >= 2:
            # ASR run-on: "i'll fold them don't worry", "their office doesn't open till".
            end = position
            if position >= 3 and words[position - 2] in _POSSESSIVE_SUBJECTS:
                end = position - 2
            break
        if position >= 3 and word in ("maybe", "perhaps", "probably", "possibly"):
            end = position  # "a first project, maybe the churn model": an afterthought
            break
        if (
            position >= 3
            and word in VERBS
            and previous not in _NOT_BEFORE_VERB
            and position + 1 < len(words)
            and words[position + 1] in _PEOPLE_WORDS | {"me", "us", "you"}
        ):
            end = position  # ASR: "call the grocery chain about the order tell them ..."
            break
        if word == "and" and position + 1 < len(words) and words[position + 1] in _AND_CUT:
            end = position
            break
        position += 1
    if cue.due_phrase:
        phrase = cue.due_phrase.lower().split()
        for position in range(1, end):
            if words[position : position + len(phrase)] == phrase and (
                phrase[0] in _DEADLINE_LEADS or position + len(phrase) >= end
            ):
                end = position
                break
    kept = [
        (w, c)
        for k, (w, c) in enumerate(zip(words[:end], cased[:end], strict=True))
        if k == 0 or (w not in _FILLERS and w not in _REFLEXIVE and k not in dropped)
    ]
    words, cased = [w for w, _ in kept], [c for _, c in kept]
    if len(words) > _TITLE_MAX:
        # Too long to keep whole: end at the last phrase boundary that keeps the object.
        cut = max(
            (k for k in range(3, _TITLE_MAX) if words[k] in _BOUNDARIES),
            default=_TITLE_MAX,
        )
        words, cased = words[:cut], cased[:cut]
    if (
        len(words) > 3
        and words[-1] in ("up", "out", "off", "down")  # not "send it over": same work
        and words[-2] not in _PRONOUNS
        and words[1] not in _PARTICLES
        and words[-2] not in STOP
        and not set(words[1:-1]) & _BOUNDARIES  # "the analysis with the users split out"
    ):
        # "set the groups up": the particle is the verb's ("set up the groups").
        words = [words[0], words[-1], *words[1:-1]]
        cased = [cased[0], cased[-1], *cased[1:-1]]
    while len(words) > 1 and (words[-1] in STOP or words[-1] in NP_STOP or words[-1] in _ARTICLES):
        if words[-1] in _PRONOUNS | {"me", "you", "us"} or (
            words[-1] in _PARTICLES and words[-2] in _PRONOUNS
        ):
            break  # "send it", "fill it out", "pair with you"
        words, cased = words[:-1], cased[:-1]
    return words, cased


_AFTER_IS = wordset(
    "already been not going gonna still just really fine done full ready over late broken "
    "down out up empty closed open"
)
_PRONOUN_SUBJECTS = wordset("everyone everybody someone somebody nobody anyone anybody")
_FINITE_AFTER_SUBJECT = wordset("gets has needs wants knows says thinks can will should")
_POSSESSIVE_SUBJECTS = wordset("their his her its our my your the")
#: Where an over-long title may end, and what may not end it.
_BOUNDARIES = wordset("to and for with in on so or at from")
_ARTICLES = wordset("a an the this that these those some any all each every both")
#: Words after which a verb continues the same clause ("to do", "and return", "can send").
_NOT_BEFORE_VERB = wordset(
    "to and or then also can could will would should must i we you they he she let please"
)
_AND_CUT = wordset("see stuff everything so all then i we you they he she it")


def _complementizer(words: Sequence[str], position: int) -> bool:
    """ "that" opening a clause ("a heads-up that the markup is coming"), not a pronoun."""
    nxt = words[position + 1] if position + 1 < len(words) else ""
    return words[position] == "that" and (
        nxt
        in (
            "the",
            "a",
            "an",
            "our",
            "their",
            "your",
            "my",
            "his",
            "her",
            "we",
            "they",
            "he",
            "she",
            "i",
            "you",
            "it",
            "there",
            "this",
        )
        or nxt in SUBJECT_CONTRACTIONS
    )


def _finite(words: Sequence[str], position: int) -> bool:
    """A finite verb at ``position``: "is", "was", "expires", "needs"."""
    while position < len(words) and words[position] in _ADVERBS:
        position += 1
    if position >= len(words):
        return False
    word = words[position]
    return (
        word in _FINITE
        or word.endswith("n't")
        or (word.endswith("s") and (word[:-1] in VERBS or word[:-2] in VERBS) and len(word) > 3)
    )


_ADVERBS = wordset("really just still also probably definitely already never always only")
_FINITE = wordset("is 's was were will would can could should might must has had does did")


def _time_phrase(words: Sequence[str], position: int) -> int:
    """How many words a time said on the way takes at ``position`` (0: none): "next
    week", "this afternoon", "first thing", "end of day", "right after this", "the
    latest", "on Monday", "in two weeks", a bare weekday."""
    word = words[position]
    nxt = words[position + 1] if position + 1 < len(words) else ""
    third = words[position + 2] if position + 2 < len(words) else ""
    previous = words[position - 1]
    if word in _WEEKDAYS or word in ("today", "tonight", "tomorrow"):
        return 1 + (nxt in ("morning", "afternoon", "evening", "night"))
    if word in ("next", "this", "last") and nxt in _TIME_UNITS and previous not in DETERMINERS:
        return 2 + (third in _WEEKDAYS)
    if word == "first" and nxt == "thing":
        return 2 + (third in ("tomorrow", "monday", "today"))
    if word == "end" and nxt == "of" and previous not in DETERMINERS:
        return 3 + (third in ("the", "this", "next"))
    if word == "after" and nxt in ("this", "that") and (not third or third in _NOT_CONTENT):
        return 2  # "straight after this"
    if word in ("straight", "right") and nxt in ("after", "away"):
        return 1 if nxt == "away" else 2 + (third in ("this", "that", "the"))
    if word == "right" and nxt in ("after", "away", "now"):
        return 1 if nxt != "after" else 2 + (third in ("this", "that", "the"))
    if word in ("latest", "soonest"):
        return 1
    if word == "the" and nxt in ("latest", "soonest"):
        return 2
    if word in ("on", "in", "within", "for") and nxt in _WEEKDAYS:
        return 2 + (third in ("morning", "afternoon", "evening", "night"))
    if word in ("for", "over", "within", "in", "during") and nxt == "the":
        end = position + 2  # "for the next two weeks", "over the coming month"
        while end < len(words) and words[end] in _TIME_COUNTS:
            end += 1
        if end < len(words) and end > position + 2 and words[end] in _TIME_UNITS:
            return end + 1 - position
    if word in ("in", "within") and nxt in ("a", "an", "two", "three", "four", "the"):
        return 3 if third in _TIME_UNITS else 0
    if word in ("later", "soon") and previous not in DETERMINERS:
        return 1
    return 0


_TIME_COUNTS = wordset("next coming following last first two three four five six few couple of")
_WEEKDAYS = wordset("monday tuesday wednesday thursday friday saturday sunday")


def _filler_like(words: Sequence[str], position: int) -> bool:
    """ "like" said as a filler ("the freelancers for election night like two more")."""
    return (
        words[position] == "like"
        and position > 1
        and words[position - 1]
        not in ("look", "looks", "would", "feel", "something", "things", "stuff", "just")
    )


def _resolve(body: list[str], verb: str, discourse: Discourse) -> tuple[list[str], bool]:
    """The pronouns of the title (at most two) replaced by what they stand for: "it",
    "that", "them", "him"; "both" and "more" keep their word ("both sessions", "more
    competent cells"). Whether one was."""
    resolved = 0
    position = 0
    while position < len(body) and resolved < 2:
        low = [w.lower() for w in body]
        word = low[position]
        kind = _pronoun_kind(low, position, verb)
        if kind is None:
            position += 1
            continue
        phrase = discourse.antecedent(kind)
        rest = body[:position] + body[position + 1 :]
        if phrase is None or _mentions(rest, phrase):
            position += 1
            continue
        replacement = _np(phrase)
        if word in ("both", "more", "all"):
            replacement = [word, *[w for w in replacement if w.lower() not in DETERMINERS]]
        after = position + 1
        if position == 0 and after < len(body) and body[after].lower() in _PARTICLES:
            replacement = [body[after], *replacement]  # "fill it out" -> "fill out the form"
            after += 1
        body = [*body[:position], *replacement, *body[after:]]
        position += len(replacement)
        resolved += 1
    return body, resolved > 0


def _pronoun_kind(low: Sequence[str], position: int, verb: str) -> str | None:
    """Which pronoun stands at ``position``, as the antecedent search needs it ("him",
    "her" for a person, "they" for people or a body of people, "them" for things), or
    None."""
    word = low[position]
    nxt = low[position + 1] if position + 1 < len(low) else ""
    previous = low[position - 1] if position > 0 else verb
    if word in ("that", "this", "those", "these"):
        if not _standalone(low, position) or _complementizer(low, position):
            return None
        return word
    if word in ("both", "more") and position == 0 and (not nxt or nxt in NP_STOP or nxt in STOP):
        return "them"
    if word == "them":
        if nxt in ("all", "both", "each"):
            return "them"  # "link them all"
        if verb in _PERSON_VERBS or previous in ("to", "with", "from") or nxt in DETERMINERS:
            return "they"  # "send them the listing", "get the files to them": people
        return "them"
    if word == "her" and nxt and nxt not in NP_STOP | STOP | _PARTICLES:
        return None  # "her report": a possessive, left as said
    if word in ("it", "him", "her"):
        return word
    return None


def _standalone(low: Sequence[str], position: int) -> bool:
    """ "that" as a pronoun ("send that to Bob"), not a determiner ("that report")."""
    return position + 1 == len(low) or low[position + 1] in NP_STOP | STOP | _RESULTATIVE


def _np(phrase: Phrase) -> list[str]:
    return [w.lower() if w.lower() in DETERMINERS else w for w in phrase.cased]


def _mentions(body: Sequence[str], phrase: Phrase) -> bool:
    low = {w.lower() for w in body}
    return phrase.head in low


def _expand(body: list[str], discourse: Discourse) -> list[str]:
    """The first definite description of the title in its fullest earlier form."""
    low = [w.lower() for w in body]
    for position, word in enumerate(low):
        if word not in _EXPANDABLE:
            continue
        end = position + 1
        while end < len(low) and low[end] not in NP_STOP and low[end] not in STOP:
            end += 1
        if end - position < 2 or (end < len(low) and low[end] in ("'s",)):
            continue
        if word in ("a", "an") and low[end - 1] not in ("one", "ones"):
            continue
        fuller = discourse.fuller(body[position:end])
        if fuller is None:
            return body
        has_pp = end < len(low) and low[end] in ("of", "for", "on", "about", "from")
        if has_pp:
            fuller = fuller[: len(fuller) - _pp_length(fuller)]
        added = {w.lower() for w in fuller} - set(low[position:end])
        if added and {stem(w) for w in added} <= {stem(w) for w in low[end:]}:
            return body  # "the list of audio bugs" says what "the bug list" would add
        if word in ("this", "that", "these", "those"):
            fuller[0] = "the"
        return [*body[:position], *fuller, *body[end:]]
    return body


_EXPANDABLE = wordset(
    "the this that these those a an my our your their two three four five both all"
)


#: Nouns that name an attribute or a part of something else ("the description" of the job
#: posting, "the cost estimate" for the conference, "two options" for the lease): said
#: without their complement, they bridge to the thing just talked about (Clark, 1975).
_ATTRIBUTES = {
    **dict.fromkeys(
        wordset(
            "description details price prices cost costs wording layout specs "
            "requirements figures numbers breakdown"
        ),
        "of",
    ),
    **dict.fromkeys(
        wordset("estimate estimates quote quotes options option budget agenda plan timeline"),
        "for",
    ),
    # Acts on a thing ("the renewal" of the certificate, "the reinspection" of the deck) and
    # the people of a place ("the manager" of the supermarket).
    **dict.fromkeys(
        wordset(
            "renewal reinspection inspection analysis audit survey summary replacement repair "
            "manager owner"
        ),
        "of",
    ),
    **dict.fromkeys(wordset("response reply answer"), "to"),
    **dict.fromkeys(wordset("update feedback comments notes"), "on"),
}


def _bridge(body: list[str], discourse: Discourse) -> list[str]:
    """The first noun of the title that names an attribute, with what it is of when the
    title does not say: "update the description" -> "update the description of the job
    posting", when the job posting was just talked about."""
    low = [w.lower() for w in body]
    for position, word in enumerate(low):
        preposition = _ATTRIBUTES.get(word)
        if preposition is None or position == 0 or low[position - 1] in ("of", "for", "on"):
            continue
        nxt = low[position + 1] if position + 1 < len(low) else ""
        if nxt and nxt not in NP_STOP and nxt not in STOP:
            continue  # a modifier ("the cost estimate"), not the head
        if nxt in ("of", "for", "on", "about", "from"):
            return body
        start = position
        while start > 0 and low[start - 1] not in _EXPANDABLE and low[start - 1] not in STOP:
            start -= 1
        modifiers = low[start:position]
        if (
            start == 0
            or low[start - 1] not in _EXPANDABLE
            or any(m not in _ATTRIBUTES and m not in DETERMINERS for m in modifiers)
        ):
            return body  # "the listing description" already says what it is of
        phrase = discourse.antecedent("it", exclude=frozenset(_ATTRIBUTES) | {word})
        if phrase is None or phrase.order > 2 or phrase.role == "oblique":
            return body
        if {w.lower() for w in phrase.cased} - DETERMINERS & set(low):
            return body
        return [*body[: position + 1], preposition, *_np(phrase), *body[position + 1 :]]
    return body


def _pp_length(words: Sequence[str]) -> int:
    for position, word in enumerate(words):
        if position > 0 and word.lower() in ("of", "for", "on", "about", "from"):
            return len(words) - position
    return 0


def _dedupe(body: list[str]) -> list[str]:
    out: list[str] = []
    for word in body:
        if out and out[-1].lower() == word.lower() and word.isalpha():
            continue
        out.append(word)
    return out


def _people(
    body: list[str],
    cue: Cue,
    turns: Sequence[Turn],
    voice: Callable[[str], str | None] | None = None,
) -> list[str]:
    """Who "me" and "you" are: "send me the estimate" said by Michael is "send Michael
    the estimate"; "I'll get you access" said to Lena is "get Lena access". A diarization
    label ("spk_0") is no name: it becomes the participant found to be that voice, or the
    word stays as said."""

    def name(label: str | None) -> str | None:
        if not label:
            return None
        known = voice(label) if voice is not None else None
        if known:
            return _first_name(known)
        return None if is_anonymous(label) else _first_name(label)

    speaker = turns[cue.turn].speaker
    mapping: dict[str, str] = {}
    if cue.kind == "self":
        other = name(_previous_other(turns, cue.turn))
        mapping["my"] = "their"
        if other:
            mapping["you"] = other
    else:
        said = name(speaker)
        if said:
            mapping["me"] = said
    return [mapping.get(w.lower(), w) for w in body if w.lower() not in _REFLEXIVE]


def _first_name(label: str) -> str:
    return label.split()[0] if label.split() else label


def _previous_other(turns: Sequence[Turn], position: int) -> str | None:
    speaker = turns[position].speaker
    for j in range(position - 1, max(-1, position - 4), -1):
        if turns[j].speaker and turns[j].speaker != speaker:
            return turns[j].speaker
    return None


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
