"""What a title's words refer to: noun phrases, pronoun antecedents and fuller mentions.

A title is built from one clause, but people name the work once, in full, and then point
back at it: "it", "that", "them", "the one", a shortened "the estimate" for "the Postgres
conference cost estimate", "him" for the project manager. This module reads the item's
linked clauses and the turns before it as a discourse model (a flat list of the noun
phrases mentioned, with where and in what role) and answers two questions:

- :meth:`Discourse.antecedent`: what a pronoun stands for, by salience (Lappin and
  Leass, 1994, simplified): recent mentions, subjects and objects over phrases inside a
  prepositional phrase, phrases mentioned more than once, the linked request or question
  first; the phrase must agree (a person for "him"/"her", a thing for "it"), and the
  meeting itself ("the agenda", "next week") is never the work;
- :meth:`Discourse.fuller`: the earlier, fuller mention of a definite description with the
  same head noun ("the estimate" -> "the Postgres conference cost estimate", "the load
  test" -> "the load test on the checkout flow"), and the noun an anaphoric "one" stands
  for ("the off-the-shelf one" -> "the off-the-shelf sync engine").

Pure word lists and positions: no tagger, so the chunker trusts determiners, possessives,
numbers and capitals to open a noun phrase, and verbs, prepositions and clause words to end
it.
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from workitems.transcript.extract.lexicon import (
    DETERMINERS,
    LIGHT_NOUNS,
    NP_STOP,
    PRONOUN_OBJECTS,
    STOP,
    VAGUE_OBJECTS,
    VERB_FORMS,
    VERBS,
    wordset,
)
from workitems.transcript.extract.normalize import Clause, Turn

_LEAD_IN = frozenset(
    ["up", "out", "back", "on", "over", "to", "with", "at", "into", "for", "through"]
)
_ATTACH = frozenset(["of", "on", "for", "from", "in", "with", "about"])
#: Prepositions whose phrase names more of the thing itself ("the deck for the board", "a
#: load test on the checkout flow"), unlike place and company ("in the chat", "with Bob").
_NAMING = frozenset(["of", "on", "for", "from", "about"])
_COPULAS = frozenset(["is", "are", "was", "were", "'s", "be", "been"])
_NP_OPENERS = frozenset(
    ["the", "a", "an", "our", "your", "their", "my", "this", "that", "these", "those"]
)
#: A subject and its verb fused ("it's", "you're"): a new clause starts there.
SUBJECT_CONTRACTIONS = wordset(
    "it's that's there's here's he's she's what's who's i'm you're we're they're i've "
    "you've we've they've i'd you'd we'd they'd he'd she'd it'll that'll i'll you'll "
    "we'll they'll he'll she'll let's"
)
#: Nouns of the meeting and of time: never the work a pronoun points back to.
_NOT_WORK = wordset(
    "meeting meetings call agenda minutes time times week weeks day days month months year "
    "years today tomorrow morning afternoon evening tonight weekend quarter moment minute "
    "minutes hour hours second point points thing things "
    "stuff lot bit way part end start side guys everyone everybody people folks team "
    "reason sense deal chance word words one ones "
    "chat room thanks favour favor kind sort rest case fact monday "
    "tuesday wednesday thursday friday saturday sunday"
)
#: Heads that name a person (a role) or a body of people, so "him", "her" or "send them"
#: can point at them.
PERSON_NOUNS = wordset(
    "manager pm director lawyer counsel owner technician tech guy guys woman man lady person "
    "contractor consultant vendor customer client rep representative engineer designer "
    "accountant auditor landlord agent officer supervisor chair chairman chairwoman dean "
    "nurse doctor teacher parent coordinator recruiter candidate head lead boss founder ceo "
    "cfo cto coo vp assistant admin administrator inspector surveyor broker partner buyer "
    "seller driver photographer architect analyst developer intern contact controller "
    "treasurer secretary president principal editor reporter producer director tenant "
    "plumber electrician mechanic courier supplier salesperson specialist volunteer donor "
    "member mayor minister officer professor student friend neighbour neighbor sponsor "
    "investor attorney advisor adviser coach trainer therapist pharmacist receptionist "
    "caterer chef planner agency users customers clients patients students parents members "
    "staff employees residents tenants families volunteers"
) | (
    GROUP_NOUNS := wordset(
        "board committee council legal finance hr procurement department office firm "
        "company bank insurer school vendor agency authority regulator"
    )
)
_PERSON_PRONOUNS = frozenset(["him", "her"])
_PLURAL_PRONOUNS = frozenset(["them", "those", "these"])
#: Words before a name that are not part of it.
_NOT_NAMES = wordset(
    "i i'll i'm i've i'd ok okay so and but yes no yeah right well thanks sorry sure hi hello "
    "hey please great good cool fine then also now oh just maybe the a an it this that "
    "monday tuesday wednesday thursday friday saturday sunday january february march april "
    "may june july august september october november december"
)
#: Adjectives that may sit before a compound noun without being part of it ("the new
#: onboarding mockups" is a kind of "onboarding mockups").
_ADJECTIVES = wordset(
    "new old current final draft updated revised latest last first next other same whole "
    "full short long big small quick rough proper own existing big little main overall "
    "custom in-house off-the-shelf internal external good bad better best second third "
    "two three four five six seven eight nine ten few several many more extra additional "
    "remaining missing open outstanding actual real entire shared whole annual monthly weekly "
    "quarterly yearly daily"
)


@dataclass(frozen=True)
class Phrase:
    """A noun phrase as mentioned: cased words, the lower-case head, where and how."""

    cased: tuple[str, ...]
    head: str
    turn: int
    #: How far back it was said, in turns (a later clause of a turn is a little nearer).
    order: float
    #: "subject", "object" or "oblique" (inside a prepositional phrase).
    role: str
    person: bool
    #: The object of "need" or "want": what someone asked for ("I need the statements").
    wanted: bool = False

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(w.lower() for w in self.cased)


def stem(word: str) -> str:
    """A head noun without its plural ending, so "invites" and "invite" match."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ses", "xes", "ches", "shes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


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
        if (
            word in NP_STOP
            or word in VERB_FORMS
            or word in _ATTACH
            or word in SUBJECT_CONTRACTIONS
            or word in _CHUNK_STOP
            or word.endswith("n't")
            or (
                word in PRONOUN_OBJECTS
                and word not in ("this", "that", "these", "those")
                and not (
                    word in ("one", "ones")
                    and position > start
                    and (position > start + 1 or words[start] in DETERMINERS)
                )
            )
        ):
            break
        if position > start and word in DETERMINERS and word not in ("two", "three", "new"):
            break
        if (
            position > start
            and word in QUANTITY
            and position + 1 < len(words)
            and words[position + 1] in _FINITE_AFTER
        ):
            break  # "forty open reports half are duplicates": a new clause
        if (
            position > start
            and word in ("last", "next", "this", "that")
            and position + 1 < len(words)
            and words[position + 1] in _TIME_NOUNS
        ):
            break  # "the engagement letter last week"
        if (
            position > start + 1
            and word.endswith("s")
            and not words[position - 1].endswith("s")
            and position + 1 < len(words)
            and words[position + 1] in _NP_OPENERS
            and words[position - 1] not in DETERMINERS | _PREPOSITIONS | _ATTACH
            and words[position - 1] not in ("under", "over")
        ):
            break  # "the benefits page mentions the old provider": a verb
        if position > start and word.endswith("ed") and words[position - 1] not in DETERMINERS:
            break
        if (
            position > start + 1
            and word in _PLURAL_VERBS
            and stem(words[position - 1]) != words[position - 1]
        ):
            break  # "the cards look nice", "the designers want"
        position += 1
    return position


#: Words that end a noun phrase besides prepositions: particles, subject pronouns and the
#: finite verbs said most ("the guy in #820 wants", "once Emma answers").
_CHUNK_STOP = wordset(
    "into onto up out off back through across around over i you we they he she "
    "wants want needs need says said thinks think asked asks knows know likes answers "
    "keeps keep agreed agree sent told gets got does did has have expires happens seems "
    "looks goes comes means takes makes gives runs ends starts begins stays belongs depends "
    "matters arrives leaves breaks fails crashes still already always never usually often "
    "really actually come arrive happen exist yet too either anymore nobody everyone "
    "anyone somebody someone nothing everybody yes yeah yep no okay ok right sure please "
    "thanks anyway then now again though instead later today tonight tomorrow yesterday "
    "ago here where's how's when's why's who's what's"
)
_TIME_NOUNS = wordset(
    "week weekend month year time morning afternoon evening night quarter monday tuesday "
    "wednesday thursday friday saturday sunday"
)
_PLURAL_VERBS = wordset("look seem come go need want feel sound get keep say think know work")
#: Heads that count or measure: the thing is in their "of" phrase ("the rest of the
#: config questions").
QUANTITY = wordset("rest lot lots bunch couple number most all some part pair set few half")


def salient_noun_phrase(words: Sequence[str], cased: Sequence[str]) -> list[str]:
    """The noun phrase of a clause that "it" most likely points back to: its subject (a
    determiner-led phrase at the start), else its first determiner-led phrase that is not
    what the subject is said to be ("it's a blocker for the release" offers none)."""
    limit = next(
        (i for i, w in enumerate(words) if i > 0 and (w in _COPULAS or w in ("it's", "that's"))),
        len(words),
    )
    if words and words[0] in ("it's", "that's", "this's"):
        return []
    for position, word in enumerate(words[:limit]):
        if word not in _NP_OPENERS:
            continue
        if word in ("this", "that") and (position + 1 == len(words) or words[position + 1] in STOP):
            continue
        phrase = noun_phrase(words[position:], cased[position:])
        if len(phrase) > 1:
            return phrase
    return []


def head_of(words: Sequence[str]) -> str:
    """The head noun: the last word before a prepositional phrase."""
    for position, word in enumerate(words):
        if position > 0 and word in _ATTACH:
            return words[position - 1]
    return words[-1] if words else ""


def clause_phrases(clause: Clause, order: float = 0.0) -> list[Phrase]:
    """The noun phrases of a clause: opened by a determiner, a possessive, a number or a
    capitalised word (a name), each with its role."""
    words, cased = clause.words, clause.cased
    found: list[Phrase] = []
    position = 0
    subject_slot = True
    while position < len(words):
        word = words[position]
        opens = (
            word in _NP_OPENERS
            or word in _NUMBERS
            or word in ("both", "all", "some", "any")
            or (word.endswith("'s") and word not in SUBJECT_CONTRACTIONS and len(word) > 3)
            or _capitalised(cased, words, position)
        )
        if opens and word in ("this", "that", "these", "those", "all", "some", "any", "both"):
            nxt = words[position + 1] if position + 1 < len(words) else ""
            opens = bool(nxt) and nxt not in STOP and nxt not in NP_STOP and nxt not in VERB_FORMS
        after_verb = position > 0 and words[position - 1] in VERBS and word not in STOP
        if not opens and after_verb and word not in VERBS and word not in NP_STOP:
            opens = (
                word not in VERB_FORMS
                and word not in _CHUNK_STOP
                and word not in PERSON_PRONOUNS_ALL
                and word not in PRONOUN_OBJECTS
                and not word.endswith("ed")
            )
        if not opens:
            if word in VERBS or word in VERB_FORMS or word.endswith(("ed", "ing")):
                subject_slot = False
            position += 1
            continue
        if _capitalised(cased, words, position):
            end = position + 1
            while end < len(words) and _capitalised(cased, words, end):
                end += 1
            if words[end - 1].endswith("'s") and end < len(words):
                end = max(end, _chunk(words, end))
        else:
            end = _chunk(words, position)
        if end <= position:
            position += 1
            continue
        full_end = end
        if (
            not _capitalised(cased, words, position)  # "ask Dana about the lease"
            and end + 1 < len(words)
            and words[end] in _NAMING
            and words[end + 1] not in PRONOUN_OBJECTS
            and words[end + 1] not in PERSON_PRONOUNS_ALL
        ):
            tail = _chunk(words, end + 1)
            if tail > end + 1 and tail - position <= 9 and words[tail - 1] not in _NOT_WORK:
                full_end = tail  # not "the cfo on monday"
        before = words[position - 1] if position > 0 else ""
        verb_before = (
            position > 1
            and words[position - 2] in VERBS
            and (position < 3 or words[position - 3] not in DETERMINERS)
        )
        if (before in _ATTACH or before in _PREPOSITIONS) and not verb_before:
            role = "oblique"  # not "look at the results", "go through the audit"
        elif _topic(words, cased, position, full_end):
            role = "topic"
        elif subject_slot or (end < len(words) and words[end] in _FINITE_AFTER):
            role = "subject"  # also in ASR run-ons: "ok um the backlog spreadsheet is a mess"
        else:
            role = "object"
        head = words[end - 1]
        if head in QUANTITY and full_end > end:
            head = words[full_end - 1]
        content = [
            w
            for w in words[position:end]
            if (w not in STOP or w in ("one", "ones")) and w not in DETERMINERS
        ]
        existential = position > 1 and words[position - 2] == "there"  # "there are X"
        predicate = (before in _COPULAS and not existential) or before in _COPULA_CONTRACTIONS
        light = head in LIGHT_NOUNS or head == "care" or _ordinal(head)
        if (
            content
            and (head not in STOP or head in ("one", "ones"))
            and not predicate
            and not light
        ):
            name = all(_capitalised(cased, words, p) for p in range(position, end))
            found.append(
                Phrase(
                    tuple(cased[position:full_end]),
                    head,
                    clause.turn,
                    order,
                    role,
                    name or stem(head) in PERSON_NOUNS,
                    before in _WANT,
                )
            )
            if full_end > end and words[end - 1] not in QUANTITY:
                inner = end + 1
                found.append(
                    Phrase(
                        tuple(cased[inner:full_end]),
                        words[full_end - 1],
                        clause.turn,
                        order,
                        "oblique",
                        stem(words[full_end - 1]) in PERSON_NOUNS,
                    )
                )
        subject_slot = False
        position = full_end
    return found


def _topic(words: Sequence[str], cased: Sequence[str], position: int, end: int) -> bool:
    """A phrase said on its own to raise what is talked about next: "Jamal, the welcome
    pack.", or before a clause that points back at it ("the e2e tests for checkout,
    somebody has to own them"; "the x-ray service, somebody needs to ring them"). What a
    pronoun later points back at is usually this topic (a left dislocation)."""
    if any(
        w not in _TOPIC_LEAD and not (k > 0 and cased[k][:1].isupper())
        for k, w in enumerate(words[:position])
    ):
        return False
    return end == len(words) or words[end] in _TOPIC_FOLLOW


#: What may come before a topic: discourse markers, fillers, a name said to someone.
_TOPIC_LEAD = wordset(
    "and so ok okay right well now then also um uh er next first second third last "
    "brilliant great good cool fine oh alright lastly finally"
)
#: What may follow it: a new clause about it.
_TOPIC_FOLLOW = wordset(
    "i we they he she you it somebody someone anybody anyone who who's where's what's how's "
    "i'll we'll they'll it's they're we're i'm we've they've"
)
#: Finite verbs that show the phrase before them is a subject.
_FINITE_AFTER = wordset(
    "is are was were has have had will would can could should must isn't aren't wasn't "
    "weren't hasn't haven't won't can't needs need looks look seems seem keeps keep"
)
#: "it's a blocker": what follows a copula describes the subject, it is not a new thing.
_COPULA_CONTRACTIONS = wordset("it's that's he's she's they're we're you're what's")
_NUMBERS = wordset(
    "two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty "
    "fifty hundred"
)
_PREPOSITIONS = wordset(
    "to at into by after before through onto without within under over across against "
    "between during near via per"
)


PERSON_PRONOUNS_ALL = frozenset(["him", "her", "them", "me", "you", "us"])


def _capitalised(cased: Sequence[str], words: Sequence[str], position: int) -> bool:
    token = cased[position]
    return (
        position > 0
        and token[:1].isupper()
        and token.isalpha()
        and words[position] not in _NOT_NAMES
        and words[position] not in VERBS
    )


class Discourse:
    """The noun phrases said up to a point of the meeting, for one item's title.

    ``linked`` are the item's clauses in other turns (the request, the question, the
    restatement); ``turn`` and ``index`` say where the item starts, so that only what was
    said before it (up to ``WINDOW`` turns back) and in the linked clauses can be pointed
    back at. Built per item, over a few turns: the cost does not grow with the meeting.
    """

    WINDOW = 6
    #: How much further back :meth:`fuller` looks for a fuller mention of a head noun.
    FAR = 30

    def __init__(self, turns: Sequence[Turn], linked: Sequence[Clause], turn: int, index: int):
        self._turns = turns
        self._turn = turn
        self.linked_phrases: list[Phrase] = []
        for clause in linked:
            self.linked_phrases.extend(clause_phrases(clause, _order(clause, turn)))
        self.before: list[Phrase] = []
        self.clauses: list[Clause] = []
        self._heads: dict[str, int] = {}
        for phrase in self.linked_phrases:
            self._count(phrase)
        for position in range(max(0, turn - self.WINDOW), turn + 1):
            for clause in turns[position].clauses:
                if position == turn and clause.index >= index:
                    break
                order = _order(clause, turn)
                self.clauses.append(clause)
                chained = self._chain(clause, order)
                for phrase in [*([chained] if chained else []), *clause_phrases(clause, order)]:
                    self.before.append(phrase)
                    self._count(phrase)

    def _count(self, phrase: Phrase) -> None:
        key = stem(phrase.head)
        self._heads[key] = self._heads.get(key, 0) + 1

    def _chain(self, clause: Clause, order: float) -> Phrase | None:
        """ "Did the report come back?" / "It came in this morning.": a pronoun said on
        the way is one more mention of what it stands for, which keeps that salient ("I
        really need them" keeps the letters salient over a place said after)."""
        for position, word in enumerate(clause.words[:6]):
            if word in _CHAIN:
                pronoun = "them" if word == "them" else "it"
                found = self._named_one(self._best(pronoun, frozenset(), pool=self.before))
                if found is None:
                    return None
                role = "subject" if position < 2 or word in ("it's", "they're") else "object"
                return Phrase(found.cased, found.head, clause.turn, order, role, found.person)
        return None

    def antecedent(self, pronoun: str, exclude: frozenset[str] = frozenset()) -> Phrase | None:
        """The most salient phrase ``pronoun`` can stand for, or None (never one whose
        head is in ``exclude``). An antecedent that is itself "the X one" comes back with
        the noun "one" stands for."""
        return self._named_one(self._best(pronoun, exclude))

    def _named_one(self, found: Phrase | None) -> Phrase | None:
        if found is None or found.head not in ("one", "ones"):
            return found
        words = self._one(found.cased, before=found.order)
        if words is None:
            return None
        return Phrase(tuple(words), words[-1].lower(), found.turn, found.order, found.role, False)

    def _best(
        self, pronoun: str, exclude: frozenset[str], pool: Sequence[Phrase] | None = None
    ) -> Phrase | None:
        person = pronoun in _PERSON_PRONOUNS or pronoun == "they"
        best: tuple[float, Phrase] | None = None
        pools = (
            ((True, self.linked_phrases), (False, self.before[::-1]))
            if pool is None
            else ((False, pool[::-1]),)
        )
        for linked, phrases in pools:
            for phrase in phrases:
                if phrase.person != person and pronoun not in _PLURAL_PRONOUNS:
                    continue
                if phrase.head in exclude or phrase.head in VAGUE_OBJECTS:
                    continue
                if phrase.head in _NOT_WORK and not (
                    phrase.head in ("one", "ones") and len(phrase.cased) > 2
                ):
                    continue
                if not person and phrase.person:
                    continue
                if pronoun in _PERSON_PRONOUNS and (
                    phrase.head in GROUP_NOUNS or phrase.words[0] in ("a", "an")
                ):
                    continue  # "him" is one known person, not "the board" or "a lawyer"
                score = self._salience(phrase, linked)
                plural = phrase.head.endswith("s") and not phrase.head.endswith("ss")
                if pronoun in _PLURAL_PRONOUNS and not person:
                    score += 1.0 if plural else -0.5
                elif pronoun in ("it", "that", "this") and plural:
                    score -= 1.0
                if best is None or score > best[0]:
                    best = (score, phrase)
        return best[1] if best is not None else None

    def _salience(self, phrase: Phrase, linked: bool) -> float:
        score = -phrase.order * 1.5
        score += {"topic": 3.0, "subject": 2.0, "object": 1.5, "oblique": 0.0}[phrase.role]
        score += min(self._heads.get(stem(phrase.head), 1) - 1, 3) * 0.5
        if linked:
            score += 4.0
        if phrase.wanted:
            score += 1.5
        if len(phrase.cased) > 2:
            score += 0.5
        elif len(phrase.cased) == 1 and not phrase.person:
            score -= 1.0  # a bare noun ("reports") names less than "the crash backlog"
        return score

    def fuller(self, words: Sequence[str]) -> list[str] | None:
        """A fuller mention of the definite description ``words`` (determiner first, head
        last), said before or in a linked clause: its modifiers joined to ours, and its
        naming prepositional phrase when we have none. None when there is none."""
        if len(words) < 2:
            return None
        low = [w.lower() for w in words]
        head = low[-1]
        if head in _PLACEHOLDERS:
            named = self._named_by(low[1:-1])
            if named is not None:
                return [words[0], *named]
        if head == "one" or head == "ones":
            return self._one(words)
        if head in _NOT_WORK or head in STOP:
            return None
        key = stem(head)
        own = set(low[1:-1])
        best: Phrase | None = None
        best_gain = 0
        for phrase in [*self.linked_phrases, *reversed(self.before)]:
            pw = phrase.words
            core_end = _core_end(pw)
            if stem(pw[core_end - 1]) != key or phrase.person:
                continue
            modifiers = [w for w in pw[: core_end - 1] if w not in DETERMINERS and w not in STOP]
            if not {m for m in low[1:-1] if m not in _ADJECTIVES} <= set(modifiers) | _ADJECTIVES:
                continue
            gain = len([m for m in modifiers if m not in own]) + (core_end < len(pw))
            if gain > best_gain:
                best, best_gain = phrase, gain
            if best is not None and phrase not in self.linked_phrases:
                break  # the most recent fuller mention said before
        if best is None and _core_end(low) == len(low):
            best = self._earlier_fuller(low, key)
        if best is None:
            return self._nominal(words) if _core_end(low) == len(low) else None
        pw = best.words
        core_end = _core_end(pw)
        theirs = [
            c
            for w, c in zip(pw[: core_end - 1], best.cased[: core_end - 1], strict=True)
            if w not in DETERMINERS
            and w not in STOP
            and not (w.endswith("'s") and low[0] in _POSSESSIVES)
        ]
        said = {w.lower() for w in theirs}
        ours = [w for w in words[1:-1] if w.lower() not in said]
        merged = [words[0], *ours, *theirs, best.cased[core_end - 1]]
        if head != pw[core_end - 1]:
            merged[-1] = words[-1]
        tail = list(best.cased[core_end:])
        if tail and (
            (tail[-1].lower() in _NOT_WORK and not _named_time(tail))
            or tail[-1].lower() in PERSON_NOUNS
        ):
            tail = []  # not "the cfo on monday", but "the rota for opening week"
        merged.extend(tail)
        return merged if len(merged) <= 10 else None

    def _earlier_fuller(self, low: Sequence[str], key: str) -> Phrase | None:
        """The nearest mention before the window with the same head and a modifier that
        names a kind ("the privilege log", "the account migration script"), not only an
        adjective or a number; without a prepositional phrase, which may be about then."""
        own = set(low[1:-1])
        for phrase in self._earlier():
            pw = phrase.words
            if _core_end(pw) != len(pw) or stem(pw[-1]) != key or phrase.person:
                continue
            modifiers = [
                w
                for w in pw[:-1]
                if w not in DETERMINERS
                and w not in STOP
                and w not in _ADJECTIVES
                and w not in _NUMBERS
                and not w.isdigit()
            ]
            if modifiers and not set(modifiers) <= own and own - _ADJECTIVES <= set(modifiers):
                return phrase
        return None

    def _earlier(self) -> Iterator[Phrase]:
        """Phrases said before the window, nearest first, read only when asked: a thing is
        named in full once ("the privilege log for that batch") and, a dozen turns on,
        talked about by its head alone ("back to the log")."""
        first = max(0, self._turn - self.WINDOW)
        for position in range(first - 1, max(-1, first - 1 - self.FAR), -1):
            for clause in reversed(self._turns[position].clauses):
                yield from reversed(clause_phrases(clause, _order(clause, self._turn)))

    def _nominal(self, words: Sequence[str]) -> list[str] | None:
        """ "the load test" after "we haven't load tested the checkout flow": the noun
        names the act said before as a verb, and that verb's object is what it is of."""
        low = [w.lower() for w in words]
        head = low[-1]
        modifiers = [w for w in low[1:-1] if w not in _ADJECTIVES and w not in DETERMINERS]
        if not modifiers:
            return self._nominal_bare(words)
        forms = {head + "s", head + "ed", head + "d", head + "ing", head.removesuffix("e") + "ing"}
        return self._of_object(
            words,
            reversed(self.clauses),
            lambda verb, before: verb in forms and before == modifiers[-1],
        )

    def _nominal_bare(self, words: Sequence[str]) -> list[str] | None:
        """ "the prefill" after "we could just prefill the name from the email domain": the
        same word said just before as a verb (after a modal or "to"), with its object."""
        head = words[-1].lower()
        if head in _MESSAGES:
            return None  # "send the invite" after "invite their CTO": a message, not the act
        return self._of_object(
            words,
            reversed(self.clauses[-4:]),
            lambda verb, before: verb == head and before in _MODAL_BEFORE,
        )

    @staticmethod
    def _of_object(
        words: Sequence[str],
        clauses: Iterable[Clause],
        said_as_verb: Callable[[str, str], bool],
    ) -> list[str] | None:
        """``words`` "of" the object of the first verb (by ``said_as_verb(verb, word
        before it)``) that a noun phrase follows, in ``clauses`` in the order given."""
        for clause in clauses:
            cw = clause.words
            for k in range(1, len(cw) - 1):
                if not said_as_verb(cw[k], cw[k - 1]) or cw[k + 1] not in _NP_OPENERS:
                    continue
                thing = noun_phrase(cw[k + 1 :], clause.cased[k + 1 :])
                if thing and thing[-1].lower() not in _NOT_WORK:
                    return [
                        *words,
                        "of",
                        *[w.lower() if w.lower() in DETERMINERS else w for w in thing],
                    ]
        return None

    def _named_by(self, modifiers: Sequence[str]) -> list[str] | None:
        """ "the dead letter thing": the phrase said before that has those words and a
        real head ("a dead letter queue"), without its determiner."""
        wanted = {m for m in modifiers if m not in _ADJECTIVES and m not in STOP}
        if not wanted:
            return None
        for phrase in [*self.linked_phrases, *reversed(self.before)]:
            pw = phrase.words
            core_end = _core_end(pw)
            if pw[core_end - 1] in _PLACEHOLDERS or phrase.person:
                continue
            if wanted <= set(pw[: core_end - 1]):
                start = 1 if pw[0] in DETERMINERS else 0
                return list(phrase.cased[start:core_end])
        return None

    def _one(self, words: Sequence[str], before: float = -1.0) -> list[str] | None:
        """ "the off-the-shelf one": the compound noun of the most salient thing mentioned
        (before the phrase said ``before`` turns back, when given)."""
        candidates: list[tuple[float, int, Phrase]] = []
        for phrase in [*reversed(self.before), *self.linked_phrases]:
            if phrase.order <= before:
                continue
            pw = phrase.words
            core_end = _core_end(pw)
            head = pw[core_end - 1]
            if phrase.person or head in _NOT_WORK or head in ("one", "ones") or _ordinal(head):
                continue
            score = self._salience(phrase, False)
            if set(pw[: core_end - 1]) & {w.lower() for w in words[1:-1]} - DETERMINERS:
                score += 3.0  # "the hosted one" is the hosted service, not the other one
            candidates.append((score, -len(candidates), phrase))
        if candidates:
            phrase = max(candidates)[2]
            pw = phrase.words
            core_end = _core_end(pw)
            noun = [phrase.cased[core_end - 1]]
            before = core_end - 2
            if (
                before >= 0
                and pw[before] not in DETERMINERS
                and pw[before] not in _ADJECTIVES
                and pw[before] not in STOP
                and not pw[before].endswith("'s")
            ):
                noun.insert(0, phrase.cased[before])  # "sync engine", not just "engine"
            at = _core_end([w.lower() for w in words]) - 1
            return [*words[:at], *noun, *words[at + 1 :]]
        return None


def _named_time(tail: Sequence[str]) -> bool:
    """ "for opening week", "for launch day": a time named by what happens in it, which
    names the thing ("the rota for opening week"), unlike "on Monday" or "for next week"."""
    words = [w.lower() for w in tail]
    return len(words) >= 3 and words[-2] not in _TIME_WORDS and words[-2] not in STOP


_TIME_WORDS = wordset(
    "next this last every coming following each same whole entire first second third one two "
    "three four few couple"
)


def _ordinal(word: str) -> bool:
    """ "the fifteenth", "the 3rd": a date, not a thing."""
    return word.endswith(("th", "st", "nd", "rd")) and (word[:-2].isdigit() or word in _ORDINALS)


_ORDINALS = wordset(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth "
    "thirtieth"
)


_MESSAGES = wordset("invite email call message text note letter reply ping reminder mail post")
#: What comes before a verb in its base form ("we could just prefill", "to review").
_MODAL_BEFORE = wordset("to could can will would should must just i we you let's i'll we'll")
_CHAIN = wordset("it it's them")
_WANT = wordset("need needs want wants require requires needed wanted like")
_PLACEHOLDERS = wordset("thing things stuff one ones")
_POSSESSIVES = frozenset(["my", "your", "our", "their", "his", "her", "its"])


def _core_end(words: Sequence[str]) -> int:
    """Where the phrase's prepositional phrase starts (or its end)."""
    for position, word in enumerate(words):
        if position > 0 and word in _ATTACH:
            return position
    return len(words)


def _order(clause: Clause, turn: int) -> float:
    """How far back a clause is, in turns (the title's own turn is 0); a later clause of
    a turn is a little nearer."""
    return max(0.0, turn - clause.turn - 0.1 * min(clause.index, 5))
