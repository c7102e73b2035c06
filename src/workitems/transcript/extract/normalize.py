"""Stage 1: utterances into turns and clauses that read the same with or without case and
punctuation.

Each utterance is tokenised; fillers ("um", "uh", "you know" inside a sentence), stutters
("i i'll", "the the"), cut-off words ("s send", "sen- send") and ASR spellings ("gonna",
"cant", "ill" is left alone) are normalised, so later stages match fluent lower-case words.
Cased tokens are kept beside the lower-case ones for titles and names.

A turn is split into clauses at sentence punctuation when there is some, and, with or
without it, before a new subject with a modal ("sure i'll take it" -> "sure" / "i'll take
it"), before a request ("that's fine can you send it"), and at "and"/"then" joining a second
verb phrase to one that already has its object ("i'll update the deck and send the
invite"): the second clause inherits the subject and modal of the first, so it is a
commitment of its own.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from workitems.transcript.extract.lexicon import FILLERS, VERBS, wordset
from workitems.transcript.formats import Utterance

_APOSTROPHE = "\u2019"
#: A word is letters and digits of any script ("Kraków", "Zoë", "Müller" stay one word;
#: ``[^\W_]`` is ``\w`` without the underscore), with inner apostrophes and joiners.
_TOKEN = re.compile(rf"[^\W_]+(?:['{_APOSTROPHE}][^\W_]+)*(?:[-.@/][^\W_]+)*-?|[.!?;:,]")
_BOUNDARY = frozenset(".!?;")
_SPELLINGS = {
    "gonna": ["going", "to"],
    "wanna": ["want", "to"],
    "gotta": ["got", "to"],
    "lemme": ["let", "me"],
    "im": ["i'm"],
    "ive": ["i've"],
    "cant": ["can't"],
    "wont": ["won't"],
    "dont": ["don't"],
    "didnt": ["didn't"],
    "doesnt": ["doesn't"],
    "isnt": ["isn't"],
    "arent": ["aren't"],
    "couldnt": ["couldn't"],
    "shouldnt": ["shouldn't"],
    "wouldnt": ["wouldn't"],
    "youll": ["you'll"],
    "theyll": ["they'll"],
    "thats": ["that's"],
    "whos": ["who's"],
    "ok": ["okay"],
}
#: Subject-and-modal openings that start a new clause even without punctuation.
_STARTS_TEXT = (
    "i'll|i will|i shall|i'm going|i am going|i can|i could|i need|i have to|"
    "i've got|i must|let me|let's|we'll|we will|we need|we have to|we should|"
    "we're going|we must|you'll|you will|you need|you should|you're going|can you|"
    "could you|would you|will you|do you mind|please|i'd like|i want|i'd be|who can|"
    "who will|who's going|who wants"
)
_STARTS = tuple(tuple(start.split()) for start in _STARTS_TEXT.split("|"))
#: Words after which a subject and modal continue the same clause ("if we'll", "what i'll").
_SUBORDINATORS = wordset(
    "if that what when whether unless because cause as than how why where which who once "
    "until before after think hope guess know said say says mean the a"
)
_DISCOURSE = wordset(
    "and but so then also okay oh well yeah yes yep right alright now anyway um uh plus"
)
_CONJ = frozenset({"and", "then", "also", "plus"})
_MODALISH = wordset(
    "i'll we'll you'll will can could going let let's need have should please must shall to"
)
_QUESTION_START = wordset(
    "can could would will do does did is are should shall may who what when where why how "
    "which have has any anyone anybody"
)
_SUBJECTS = wordset("i you we he she they it this that there someone anyone anybody")


@dataclass
class Clause:
    """A stretch of one turn with at most one predicate of interest."""

    turn: int
    index: int
    words: list[str]
    cased: list[str]
    #: Words carried over from the previous clause ("i'll" in "... and send the invite").
    inherited: int = 0
    question: bool = False
    text: str = ""
    starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.text = " ".join(self.words)
        offset = 0
        self.starts = []
        for word in self.words:
            self.starts.append(offset)
            offset += len(word) + 1

    def token_at(self, char: int) -> int:
        """The index of the token that starts at or spans ``char``."""
        for position in range(len(self.starts) - 1, -1, -1):
            if self.starts[position] <= char:
                return position
        return 0

    def cased_text(self, start: int = 0, end: int | None = None) -> str:
        return " ".join(self.cased[start:end])


@dataclass
class Turn:
    position: int
    utterance: Utterance
    speaker: str | None
    words: list[str]
    cased: list[str]
    clauses: list[Clause]

    @property
    def text(self) -> str:
        return " ".join(self.words)

    @property
    def question(self) -> bool:
        return any(clause.question for clause in self.clauses)


def tokenize(text: str) -> list[str]:
    return [t.replace(_APOSTROPHE, "'") for t in _TOKEN.findall(text)]


def normalize_tokens(tokens: Sequence[str]) -> tuple[list[str], list[str]]:
    """(lower-case words, cased words), aligned, with fillers and disfluencies removed.
    Punctuation marks stay as tokens so that clause splitting can use them."""
    lower: list[str] = []
    cased: list[str] = []
    for token in tokens:
        low = token.lower()
        if low in FILLERS:
            continue
        if low.endswith("-") and len(low) > 1:  # a cut-off word: "sen- send"
            continue
        spelled = _SPELLINGS.get(low)
        if spelled is not None:
            lower.extend(spelled)
            cased.extend(spelled)
            continue
        lower.append(low)
        cased.append(token)
    return _drop_disfluencies(lower, cased)


def _drop_disfluencies(lower: list[str], cased: list[str]) -> tuple[list[str], list[str]]:
    keep_low: list[str] = []
    keep_cased: list[str] = []
    n = len(lower)
    i = 0
    while i < n:
        word = lower[i]
        nxt = lower[i + 1] if i + 1 < n else ""
        after = lower[i + 2] if i + 2 < n else ""
        prev = keep_low[-1] if keep_low else ""
        if word == nxt and word.isalpha() and word not in ("that", "had", "very", "no"):
            i += 1  # "the the deck"
            continue
        if nxt.startswith(word + "'") and word.isalpha():
            i += 1  # "i i'll"
            continue
        if (
            1 <= len(word) <= 3
            and word.isalpha()
            and len(nxt) > len(word)
            and nxt.startswith(word)
            and word not in _KEEP_SHORT
        ):
            i += 1  # "s send", "ge get"
            continue
        if (
            word == "you"
            and nxt == "know"
            and prev
            and prev not in _BOUNDARY
            and (
                after not in ("what", "how", "that", "about", "if", "whether", "the", "it", "this")
                or prev in ("the", "a", "and", "to", ",")
            )
        ):
            i += 2  # "send the you know the deck"
            continue
        if word == "i" and nxt == "mean" and prev and prev not in _BOUNDARY:
            i += 2
            continue
        if (
            i + 3 < n
            and word[0].isalpha()
            and nxt[:1].isalpha()
            and (word, nxt) == (lower[i + 2], lower[i + 3])
        ):
            i += 2  # "i'll send i'll send the deck"
            continue
        if keep_low and word == keep_low[-1] and word.isalpha() and word not in ("that", "had"):
            i += 1  # a repeat that dropping a filler brought together
            continue
        keep_low.append(word)
        keep_cased.append(cased[i])
        i += 1
    return keep_low, keep_cased


_KEEP_SHORT = wordset(
    "a an i to in on at of or it is be we he me my by do go so no up us as if the and for "
    "you our can are was not but all any one two its get had has his her him how who why "
    "now new see may let set put run say yes"
)


def build_turns(utterances: Sequence[Utterance]) -> list[Turn]:
    turns: list[Turn] = []
    for position, utterance in enumerate(utterances):
        lower, cased = normalize_tokens(tokenize(utterance.text))
        clauses = split_clauses(position, lower, cased)
        words = [w for w in lower if w not in _PUNCT]
        cased_words = [c for w, c in zip(lower, cased, strict=True) if w not in _PUNCT]
        turns.append(Turn(position, utterance, utterance.speaker, words, cased_words, clauses))
    return turns


_PUNCT = frozenset(".!?;:,")


def split_clauses(turn: int, lower: Sequence[str], cased: Sequence[str]) -> list[Clause]:
    """Clauses of one turn (see the module docstring); punctuation is dropped from them."""
    pieces: list[tuple[list[str], list[str], int, bool]] = []
    words: list[str] = []
    cased_words: list[str] = []
    inherited = 0
    asked = False
    carry: list[str] = []
    carry_cased: list[str] = []

    def close(question: bool) -> None:
        nonlocal words, cased_words, inherited
        if len(words) > inherited:
            pieces.append((words, cased_words, inherited, question))
        words, cased_words, inherited = [], [], 0

    for i, word in enumerate(lower):
        if word in _BOUNDARY:
            close(word == "?")
            asked = asked or word == "?"
            continue
        if word in (",", ":"):
            continue
        if (
            (word in _STARTS_BY_WORD or (i + 1 < len(lower) and lower[i + 1] in _REQUEST_AUX))
            and len(words) > inherited
            and words[-1] not in _SUBORDINATORS
            and (_starts_modal(lower, i) or _is_name_request(lower, cased, i))
        ):
            close(False)
        if word in _CONJ and _starts_modal(lower, i + 1):
            close(False)
            continue
        if (
            word in _CONJ
            and len(words) - inherited >= 3
            and _next_is_verb(lower, i)
            and _has_modal(words)
        ):
            carry, carry_cased = _subject_prefix(words, cased_words)
            close(False)
            if carry:
                words, cased_words, inherited = list(carry), list(carry_cased), len(carry)
            continue
        words.append(word)
        cased_words.append(cased[i])
    close(False)
    clauses = []
    for index, (ws, cs, inh, question) in enumerate(pieces):
        clause = Clause(turn, index, ws, cs, inh)
        clause.question = question or _syntactic_question(ws[inh:])
        clauses.append(clause)
    if asked and clauses and not any(c.question for c in clauses):
        clauses[-1].question = True
    return clauses


_REQUEST_AUX = frozenset({"can", "could", "would", "will"})
_STARTS_BY_WORD: dict[str, list[tuple[str, ...]]] = {}
for _start in _STARTS:
    _STARTS_BY_WORD.setdefault(_start[0], []).append(_start)


def _starts_modal(lower: Sequence[str], i: int) -> bool:
    if i >= len(lower):
        return False
    for start in _STARTS_BY_WORD.get(lower[i], ()):
        if tuple(lower[i : i + len(start)]) == start:
            return True
    return False


def _is_name_request(lower: Sequence[str], cased: Sequence[str], i: int) -> bool:
    """ "... arjun can you prototype it": the name opens the request clause."""
    return (
        i + 2 < len(lower)
        and cased[i][:1].isupper()
        and lower[i + 1] in ("can", "could", "would", "will")
        and lower[i + 2] == "you"
    )


def _next_is_verb(lower: Sequence[str], i: int) -> bool:
    j = i + 1
    while j < len(lower) and lower[j] in ("then", "also", "just", "maybe", "i'll", "will"):
        j += 1
    return j < len(lower) and lower[j] in VERBS and lower[j] not in ("have", "be")


def _has_modal(words: Sequence[str]) -> bool:
    return any(w in _MODALISH for w in words[:6])


def _subject_prefix(words: Sequence[str], cased: Sequence[str]) -> tuple[list[str], list[str]]:
    """The subject and modal of a clause, up to its first verb ("i'll" of "i'll update ...")."""
    for position, word in enumerate(words):
        if position > 0 and word in VERBS:
            return list(words[:position]), list(cased[:position])
    return [], []


def _syntactic_question(words: Sequence[str]) -> bool:
    body = [w for w in words if w not in _DISCOURSE]
    if len(body) < 2:
        return False
    first, second = body[0], body[1]
    if first in ("who", "what", "when", "where", "why", "how", "which"):
        return True
    return first in _QUESTION_START and (second in _SUBJECTS or second.endswith("one"))
