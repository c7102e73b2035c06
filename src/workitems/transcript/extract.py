"""Action items from a meeting transcript: offline, deterministic, rule-based (pure).

The rules are general English linguistics about how people commit to and hand out work
in conversation; nothing is learned from, or names anything in, a particular corpus.

**Cues.** Each utterance is cleaned (fillers such as "uh", "you know", stuttered
repeats and cut-off false starts such as "s send" removed, spelled-out acronyms
joined) and scanned once with one combined pattern; the strongest cue that survives
the rejections below is kept (the earliest among equals):

- *Self commitments*: "I'll", "I will", "I'm going to", "I have to", "I need to",
  "let me", "I can", "I'm supposed to", "my job is": the speaker owns the work.
- *Requests and assignments*: "you'll", "you're going to", "you need to", "can you",
  "could you", "would you mind", "I want you to", "please", "you should", "for you, ..."
  and, near the end, "you're looking at ..." (the present progressive of plans): the
  addressee owns it.
- *Third person*: a participant's name, role or role initials right before a modal
  ("Sam will", "the designer is going to", "the UX lead, that's Sam, should"), or after
  "I'd like"/"I need" ("I'd like the engineer to ..."); a plural role is a group. A
  capitalised name that is not a participant ("Dana will") is kept as written.
- *Open questions*: "who takes/will/can ...?" (only with an answer, see below).
- *Group actions*: "we need to", "we have to", "we'll", "let's", "we should",
  "everyone should", "what we need to do is": nobody in particular owns them.
- *Explicit markers*: "action item", "TODO", "follow up on/with".

**Rejections.** A cue is dropped when what follows is negated ("I won't", "will not"),
past or already done ("already"), inside a condition or an indirect question ("if we
need to", "how we're going to", "whether you can"), about the meeting itself rather
than work after it ("I'll show you", "let's move on", "we'll talk about", "let me
see", "I'll write that down"), a state or a wish rather than an act ("we'll be fine",
"I'll need it", "we need to have buttons"), receiving rather than doing ("you'll get
an email"), a hypothetical ("if I had ..."), generic "you" ("the last one you'll ever
buy", "all you have to do is") or too short to name any work (no content word: "I'm
going to have to"). A plain question is not
a request unless it has the request form ("can you ...?"). A short act on something
in the room ("I'll rub that out", "put it here") is penalised unless it answers a
question or carries a deadline.

**Context.** A request answered by another speaker with an acceptance ("sure", "I can
do that", "will do") or an open question ("who takes the budget?") answered with "I
will" makes the responder the owner, with both turns as evidence; a refusal drops it.
Otherwise the addressee of "you" is the participant named in the utterance (or just
before it by the same speaker), then the next speaker who acknowledges it or answers
in a few words ("The budget."), then the next other speaker at all, then the most
recent other speaker: the likeliest addressee, with the other people nearby listed as
candidates; in one speaker's round of hand-outs ("Sam will do A, Bob B, and you C")
that unnamed "you" is the one person left without a task. A name in apposition ("the
vendor person, that's Dana, will ...") is the subject of the modal. Right after an
assignment or a wrap-up phrase, a bare "<name or role>, <task>" continues the hand-out.
First names that are not in the participant list are learned from the transcript
(self-introductions, and who answers when a name is called; see
:func:`workitems.transcript.owners.learn_names`). Repeated mentions of one action by
the same owner merge into one item with all the evidence, and so do one speaker's
commitments in consecutive utterances (one plan said in pieces, or a self-repair). A
first-person commitment right after someone else's question takes that question on
("I'll look into that").

**Scoring.** Each cue kind has a base strength; cues gain from a deadline or a
future-time phrase ("by Friday", "for next time", "in the meantime"), a verb of work
after the meeting ("send", "check", "prepare", "follow up"), an acceptance, and their
place in the meeting: action items are mostly recapped in the closing part of a
meeting (the last eighth, or from a wrap-up phrase such as "to wrap up" or "before the
next meeting" in the last 30%), with a ramp before it, and cues in the middle of a long
discussion are usually talk about the work rather than hand-outs. Position weighs in
proportion to length: a short transcript (a stand-up, an excerpt) is treated as all
closing part. Hedges ("maybe", "probably", "try", "could", "should") make a
commitment tentative and "let's"/"we should" a suggestion; neither gets a high
confidence. "You need to"/"you have to" without a time after the meeting loses
strength: it is mostly the impersonal "you" of how things work ("you have to press it
twice"). Candidates below a fixed threshold are dropped.

**Output.** A title in the imperative, built from the verb phrase after the cue (the
deadline and hedges removed, "-ing" forms turned into the base form), a description
quoting the evidence and its context, the owner and matched participant
(:mod:`workitems.transcript.owners`), the due date resolved against the meeting date
(:mod:`workitems.transcript.dates`), a priority from cues such as "urgent", "ASAP",
"blocker", "low priority", the commitment strength, a confidence and the evidence.
"""

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from workitems.transcript.dates import find_due
from workitems.transcript.formats import Utterance
from workitems.transcript.owners import Mention, OwnerMatch, Roster, is_ambiguous, learn_names

EXTRACTOR_NAME = "workitems-rules"
EXTRACTOR_VERSION = "2"


@dataclass(frozen=True)
class ParticipantInfo:
    name: str
    role: str | None = None
    email: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class EvidenceItem:
    utterance_index: int
    speaker: str | None
    start: float | None
    quote: str


@dataclass(frozen=True)
class ExtractedItem:
    title: str
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


# --------------------------------------------------------------------------- cleaning

_ACRONYM = re.compile(r"\b(?:[A-Za-z]_){2,}|\b(?:[A-Z]\.){2,}")
_FILLER = re.compile(
    r"(?i)(?<![\w'-])(?:u+h+m*|u+m+|e+r+m*|a+h+|o+h+|h+m+|m+-?h+m+|m+m+|uh-huh|"
    r"you\s+know|i\s+mean|sort\s+of|kind\s+of|like\s+i\s+said)(?![\w'-])[,.]?"
)
_REPEAT = re.compile(r"(?i)\b(\w+(?:'\w+)?)(?:[\s,]+\1\b)+")
_SPACES = re.compile(r"\s+")
#: A cut-off word restarted in full ("s see", "ge get"); real short words are kept.
_FALSE_START = re.compile(r"(?i)(?<![\w'])([a-z]{1,3})\s+(?=\1[a-z])")
_BACKCHANNEL = re.compile(
    r"(?i)^\W*(?:mm+-?hmm|uh-huh|yeah|yep|yes|yup|okay|ok|'kay|alright|all right|right|sure|"
    r"fine|cool|good|great|exactly|true|of course|absolutely|definitely|will do|got it|"
    r"no problem|sounds good|i will|i can|i'll)\b"
)
_STRONG_ACCEPT = re.compile(
    r"(?i)\b(?:sure|of course|absolutely|definitely|certainly|no problem|will do|can do|"
    r"got it|i will|i'll|i can|i could|i shall|yes|yep|okay|ok|alright|all right|fine|"
    r"happy to|sounds good)\b"
)
_REFUSAL = re.compile(
    r"(?i)^\W*(?:no\b|nope\b|not\s+(?:really|me|sure)\b|i\s+(?:can't|cannot|won't|don't)\b)"
)


def _clean(text: str) -> str:
    """Fillers, stutters and spelled acronyms removed: cues see fluent words."""
    text = _ACRONYM.sub(lambda m: m.group().replace("_", "").replace(".", ""), text)
    text = _FILLER.sub(" ", text)
    text = _REPEAT.sub(r"\1", text)
    text = _FALSE_START.sub(lambda m: m.group() if m.group(1).lower() in _STOP else "", text)
    return _SPACES.sub(" ", text).strip(" ,")


# --------------------------------------------------------------------------- cues

_MODAL_FUT = r"(?:'ll|\s+will|\s+shall|'re\s+(?:going\s+to|gonna)|\s+are\s+(?:going\s+to|gonna))"
_MODAL_NEED = (
    r"(?:\s+(?:need|have|must|ought)\s+to|'ve\s+got\s+to|\s+have\s+got\s+to|\s+must|'d\s+better"
    r"|\s+got\s+to|\s+gotta|(?:'ll|\s+will)\s+(?:need|have)\s+to)"
)
_GROUP_WHO = (
    r"(?:everyone|everybody|each\s+of\s+you|all\s+of\s+you|both\s+of\s+you|you\s+(?:all|two|"
    r"both|guys|three|each)|the\s+(?:whole\s+)?team)"
)
_THIRD_MODAL = (
    r"(?:'ll|will|shall|(?:is|are|'s)\s+(?:going\s+to|gonna)|(?:has|have|needs?)\s+to|should|"
    r"can|could|(?:is|are)\s+(?:supposed|expected)\s+to|(?:is|are)\s+(?:in\s+charge\s+of|"
    r"responsible\s+for))"
)

#: (group name, pattern, kind, commitment, base strength). Kinds: self (the speaker owns
#: it), addressee, group, third (a named participant), explicit, who (an open question).
_RULES: tuple[tuple[str, str, str, str, float], ...] = (
    (
        "explicit",
        r"\b(?:action\s+items?|to-?do(?:\s+list)?|follow[\s-]+up\s+(?:on|with))\b[:,]?",
        "explicit",
        "firm",
        0.5,
    ),
    (
        "who",
        r"\bwho(?:'s|\s+is|'ll|\s+will|\s+can|\s+could|\s+wants\s+to|\s+would\s+like\s+to"
        r"|(?=\s+(?:take|own|handle|do|lead|run|look|check|send|write)(?:s|es)?\b))\b",
        "who",
        "firm",
        0.0,
    ),
    (
        "group_each",
        rf"\b{_GROUP_WHO}(?:\s+\w+)?\s*(?:{_MODAL_FUT}|{_MODAL_NEED}|\s+should|"
        r"\s+can|\s+could)\b",
        "group",
        "firm",
        0.45,
    ),
    ("group_if", rf"\bif\s+{_GROUP_WHO}\s+could\b", "group", "tentative", 0.45),
    (
        "want_you",
        rf"\b(?:i|we)(?:\s+want|'d\s+like|\s+would\s+like|\s+need)\s+(?:you|"
        rf"{_GROUP_WHO})\s+to\b",
        "addressee",
        "firm",
        0.5,
    ),
    (
        "what_we",
        r"\bwhat\s+(?:we|you)\s+(?:need|have|'ve\s+got|got)\s+to\s+do\s+(?:now\s+|next\s+)?"
        r"is(?:\s+to)?\b",
        "group",
        "firm",
        0.45,
    ),
    (
        "self_supposed",
        r"\bi(?:'m|\s+am)\s+(?:supposed|meant|expected|assigned)\s+to\b",
        "self",
        "firm",
        0.5,
    ),
    (
        "self_job",
        r"\bmy\s+(?:job|task|action(?:\s+item)?|homework|assignment|responsibility)"
        r"\s+(?:is|will\s+be)(?:\s+to)?\b",
        "self",
        "firm",
        0.5,
    ),
    (
        "self_fut",
        rf"\bi{_MODAL_FUT}\b|\bi(?:'m|\s+am)\s+(?:going\s+to|gonna)\b",
        "self",
        "firm",
        0.5,
    ),
    ("self_need", rf"\bi{_MODAL_NEED}\b", "self", "firm", 0.35),
    ("let_me", r"\blet\s+me\b", "self", "firm", 0.45),
    (
        "self_can",
        r"\bi\s+(?:can|could)\b(?!\s+(?:see|hear|imagine|understand|tell|think|say|"
        r"remember|not|n't|be\b))",
        "self",
        "tentative",
        0.35,
    ),
    (
        "self_would",
        r"\bi(?:'d|\s+would)\s+(?:be\s+happy|be\s+glad|love|like)\s+to\b",
        "self",
        "tentative",
        0.35,
    ),
    (
        "your_job",
        r"\byour\s+(?:job|task|action(?:\s+item)?s?|homework|assignment|responsibility)"
        r"\s+(?:is|will\s+be)(?:\s+to)?\b",
        "addressee",
        "firm",
        0.5,
    ),
    (
        "addr_supposed",
        r"\byou(?:'re|\s+are)\s+(?:supposed|meant|expected|assigned)\s+to\b",
        "addressee",
        "firm",
        0.45,
    ),
    ("addr_fut", rf"\byou{_MODAL_FUT}\b", "addressee", "firm", 0.5),
    ("addr_need", rf"\byou{_MODAL_NEED}\b", "addressee", "firm", 0.3),
    ("addr_mind", r"\b(?:would|do)\s+you\s+mind\b", "addressee", "firm", 0.45),
    (
        "addr_ask",
        r"\b(?:(?:can|could|will)\s+you|would\s+you\s+(?=please|like\s+to|be\s+able))\b"
        r"(?!\s+(?:see|hear|imagine|believe|"
        r"remember|think|say|explain|repeat|tell\s+(?:me|us)\s+(?:what|how|why|if|whether)|"
        r"be\b))",
        "addressee",
        "firm",
        0.35,
    ),
    (
        "addr_may",
        r"\byou\s+(?:should|could|might|can|may)\b(?!\s+(?:see|hear|imagine|say|"
        r"call\s+it|tell|think|also\s+see|be\b|not\b))",
        "addressee",
        "tentative",
        0.3,
    ),
    ("please", r"\bplease\b", "addressee", "firm", 0.4),
    (
        "for_you",
        r"\b(?:for|from)\s+you\b,?\s*(?:(?:it's|it\s+is|that's|there's|is)\b)?",
        "addressee",
        "firm",
        0.45,
    ),
    ("addr_prog", r"\byou(?:'re|\s+are)\s+(?=\w{3,}ing\b)", "addressee", "firm", 0.35),
    ("group_need", rf"\bwe{_MODAL_NEED}\b", "group", "firm", 0.25),
    ("group_fut", rf"\bwe{_MODAL_FUT}\b", "group", "firm", 0.2),
    ("lets", r"\blet's\b|\blet\s+us\b", "group", "suggestion", 0.3),
    ("group_should", r"\bwe\s+(?:should|could|might\s+want\s+to)\b", "group", "suggestion", 0.2),
    ("third", rf"(?<![\w'])(?:{_THIRD_MODAL})\b", "third", "firm", 0.5),
    ("want_x", r"\b(?:i|we)(?:\s+want|'d\s+like|\s+would\s+like|\s+need)\b", "want_x", "firm", 0.0),
)
_CUES = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern, *_ in _RULES))
_RULE = {name: (kind, commitment, strength) for name, _p, kind, commitment, strength in _RULES}
#: Cues only meaningful in the closing hand-out: elsewhere they describe, not assign.
_WRAP_ONLY = frozenset({"addr_prog", "for_you"})
#: Cues that are requests even when phrased as questions ("could you send it?").
_REQUESTS = frozenset({"addr_ask", "addr_mind", "please", "want_you", "who"})

#: What may stand between a subject and its modal: "Sam here will", "the designer, that's
#: Sam, is going to".
_APPOSITION = re.compile(
    r"(?i)\s*(?:(?:here|over\s+here|too|also|then|now|of\s+course)|,?\s*(?:that's|that\s+is|"
    r"i\.e\.|namely)?\s*[A-Z]?\w+\s*,)?\s*"
)
_PARTICIPANT_SUBJECT = 0.65

#: Verbs that act on the meeting itself (presenting, moving on, thinking aloud).
_IN_MEETING = re.compile(
    r"^(?:show|present\s+(?:this|it|my|the\s+slides)|talk|speak|go\s+(?:through|over|back\s+to\s+(?:the|that|this|my|what|slide)|on|"
    r"to\s+the|ahead|round|around|first|next)|move\s+on|explain|start\b(?!\s+\w+ing)|begin|skip|repeat|"
    r"summari[sz]e|turn|pass|hand\s+over|open|close|draw\s+(?:this|it|here)|tell|say|mention|"
    r"read|introduce|give\s+you|walk\s+you|stop|wrap|end|conclude|see\b(?!\s+(?:if|whether|what\s+i\s+can|about))|look\s+at\s+(?:this|"
    r"that|it|these|the\s+(?:slide|screen|board|agenda))|let\s+you|be\s+(?:quick|brief|"
    r"honest|back|right|fine|ok|okay|good|there|here|able|done|finished)|ask|point|switch|"
    r"plug|sit|stand|wait|agree|guess|assume|bet|remind|admit|confess|apologi[sz]e|add|"
    r"meet\s+you|see\s+you|write\s+(?:down|this|that|it)\b|come\s+to\s+(?:that|this|it)|"
    r"try\s+(?:it|this|that)\b|leave\s+(?:the\s+room|you)|stay|catch\s+up|presume|suppose|"
    r"come\s+back\s+to|get\s+(?:back|"
    r"started|going|on\s+with)|leave\s+it|finish\s+(?:this|the\s+presentation|my\s+"
    r"presentation)|just\s+(?:say|show|go|see)|try\s+(?:and|to)\s+(?:explain|show)|have\s+"
    r"(?:a\s+)?(?:look|lunch|break|coffee)\s*(?:at\s+(?:this|that|it|these))?$|"
    r"think(?!\s+(?:about|of|over|through))|know|understand|find\s+out\s+what\s+you|hear|"
    r"continue|proceed|decide\s+(?:now|here)|discuss\s+(?:this|that|it)\s*(?:now|here)?$)\b"
)
#: Leading hedges and auxiliaries stripped from the verb phrase before it is judged.
_PRED_LEAD = re.compile(
    r"(?i)^(?:(?:also|then|just|now|definitely|certainly|probably|maybe|perhaps|actually|"
    r"basically|really|please|first|still|all|both|kindly|quickly|to|gonna|going\s+to|"
    r"go\s+and|try\s+(?:and|to)|make\s+sure\s+(?:to|that\s+(?:you|i|we)(?:'ll"
    r"|\s+will)?)|sort|so|and|well|okay|ok|yeah|like|um|uh|,)\s*)+"
)
_HEDGE = re.compile(
    r"(?i)\b(?:maybe|perhaps|probably|possibly|might|try|trying|hopefully|if\s+(?:i|we|you)"
    r"\s+can|i\s+think|i\s+guess|i\s+suppose|see\s+if|not\s+sure)\b"
)
#: A cue inside a condition, an indirect question or a negated clause is not an action.
_CLAUSE_BREAK = re.compile(r"[,;:.!?]|\b(?:and|but|so|then|okay)\b")
_SUBORDINATE = re.compile(
    r"(?i)\b(?:if|unless|whether|what|how|why|when|whatever|wonder|don't|doesn't|didn't|not|"
    r"never|no|wouldn't|couldn't|shouldn't|can't|won't|do|does|did|are|is|was|were|as|"
    r"because|'cause|cause|since|which|who|where|all|ever|one|thing|things|way|until|once)\W*$"
)
_NEGATED_PRED = re.compile(r"(?i)^(?:not|never|n't|no\s+longer|ever)\b")
#: Receiving something ("you'll get an email") or having a property ("we need to have
#: buttons") describes, it assigns no work.
_NO_WORK = re.compile(
    r"(?i)^(?:(?:get|receive|be\s+(?:sent|given|told|getting|receiving))\b(?!\s+(?:back|in\s+touch|"
    r"hold|together|started|on\s+with))(?:\s+\w+){0,3}?\s+(?:e-?mails?|messages?|instructions?|"
    r"information|mail|notes?|notifications?|questionnaires?|an?\s+answer|a\s+chance)\b|have\b"
    r"(?!\s+(?:a\s+(?:meeting|call|chat|word|talk)|to\b))|be\s+(?:together\s+)?\w+ed\b)"
)
#: Verbs of doing work after a meeting: a cue followed by one is more likely a task.
_TASK_VERB = re.compile(
    r"(?i)^(?:look\s+(?:into|at|for|up)|check|find\s+out|send|e-?mail|mail|forward|prepare|"
    r"write|draft|contact|call|phone|ring|ask|talk\s+to|speak\s+(?:to|with)|investigate|"
    r"research|update|organi[sz]e|arrange|schedule|book|follow\s+up|get\s+back|circulate|"
    r"share|review|fix|finish|complete|fill|set\s+up|sort\s+out|figure\s+out|come\s+up|"
    r"work\s+(?:on|out)|design|build|produce|create|put\s+together|type\s+up|post|"
    r"upload|test|try\s+out|evaluate|consult|coordinate|negotiate|order|buy|get\s+(?:hold|"
    r"in\s+touch)|deal\s+with|handle|take\s+care|focus|concentrate|"
    r"bring|present|report|specify|define|do\s+(?:the|some|a|an)\b)\b"
)
#: "You'll get a new look": for others, "get" is receiving unless it is getting work done.
_RECEIVE = re.compile(
    r"(?i)^(?:get|receive)\b(?!\s+(?:back|in\s+touch|hold|together|started|on\s+with|ready|"
    r"(?:\w+\s+){1,3}(?:done|finished|ready|sorted|together)\b))"
)
_STATIVE = re.compile(
    r"(?i)^(?:need|want|like|love|hate|know|remember|believe|own|prefer|miss|mind|care|"
    r"lose|die|buy|win|fail|regret|doubt|feel|seem|wish|hope)\b"
)
#: "Rub that out", "put it here": a short act on something in the room, done right now.
_DEICTIC = re.compile(
    r"(?i)^\w+(?:\s+\w+)?\s+(?:this|that|it|them|these|those)(?:\s+(?:one|bit|part))?"
    r"(?:\s+(?:here|there|now|out|down|up|away|off|on|in|over|together))?\W*$"
)
_HYPOTHETICAL = re.compile(r"(?i)\bif\s+(?:i|we|you|they|he|she)\s+(?:had|were|was|did|could)\b")
_PAST = re.compile(r"(?i)\b(?:already|yesterday|last\s+(?:week|time|meeting))\b")
_STATE_PRED = re.compile(
    r"(?i)^be\s+(?!(?:(?:together|all|both|also|then|just|still|really)\s+)*\w+ing\b)"
)
_NOW = re.compile(
    r"(?i)\b(?:now|right\s+now|here|at\s+the\s+moment|first|today|in\s+this\s+"
    r"meeting|this\s+meeting)\b"
)
_FUTURE = re.compile(
    r"(?i)\b(?:next\s+(?:meeting|time|session|week|month|call|one)|by\s+(?:the\s+)?(?:next|"
    r"end|tomorrow|monday|tuesday|wednesday|thursday|friday)|before\s+(?:the\s+|our\s+)?"
    r"next|for\s+(?:the\s+|our\s+)?next|tomorrow|after\s+(?:the|this)\s+meeting|in\s+the\s+"
    r"meantime|meanwhile|afterwards|when\s+we\s+(?:come\s+back|meet\s+again|get\s+back)|"
    r"until\s+(?:then|next)|till\s+next|later\s+on|individual(?:ly)?|homework|deadline|due)\b"
)
_WRAP_MARKER = re.compile(
    r"(?i)\b(?:to\s+(?:wrap|sum)\s+up|wrap(?:ping)?\s+up|to\s+summari[sz]e|in\s+summary|"
    r"action\s+items?|next\s+steps|individual\s+(?:actions?|work|tasks?)|to-?do\s+list|"
    r"(?:before|for|until|till|by)\s+(?:the\s+|our\s+)?next\s+(?:meeting|time|session)|"
    r"(?:each|individually)\s+going\s+to\s+do|what\s+we'll\s+be\s+doing\s+individually|"
    r"homework|that's\s+(?:it|all)\s+for\s+(?:today|now)|close\s+the\s+meeting|"
    r"closing|any\s+other\s+business|end\s+of\s+(?:the|this)\s+meeting|meeting\s+is\s+over)\b"
)
_WORD = re.compile(r"[A-Za-z][\w'-]*")


def _wordset(text: str) -> frozenset[str]:
    """A word list written as one string, so that long lists stay readable."""
    return frozenset(text.split())


_STOP = _wordset(
    "a an the and or but so to of in on at for with by from up out it its this that these "
    "those is are be been was were do does did have has had will would can could should i "
    "you we they he she me us them my your our their his her just also then maybe "
    "probably some any all about into over there here what which who how when okay yeah "
    "um uh well like really very get got go going gonna"
)
#: A capitalised word after these is a thing ("the Euros", "five Dollars"), not a person.
_NOT_BEFORE_NAMES = _wordset(
    "the a an this that these those some any two three four five six seven eight nine ten "
    "twenty thirty forty fifty hundred thousand million of in on at for with by"
)
_CAPITALISED_NOT_NAMES = _wordset(
    "I It That This There What Which Who We They He She You Everything Everyone Everybody "
    "Nobody Somebody Someone Anyone Anything Nothing Something Maybe So And But Then Now "
    "Well Okay Yes No Yeah Oh Also Where When How Why Or If Because One Each All Both "
    "Either Neither The A An Our Your My His Her Their Its These Those People Which "
    "Hopefully Probably Perhaps Just Still Actually Basically Obviously Somehow Sure"
)


@dataclass
class _Turn:
    index: int
    speaker: str | None
    raw: str
    text: str
    low: str
    start: float | None
    backchannel: bool
    strong_accept: bool
    refusal: bool


@dataclass
class _Cue:
    rule: str
    kind: str
    commitment: str
    strength: float
    start: int
    end: int
    owners: tuple[OwnerMatch, ...] = ()
    owner_text: str | None = None


@dataclass
class _Candidate:
    turn: int
    cue: _Cue
    score: float
    commitment: str
    predicate: str
    owner: str | None = None
    owner_user: str | None = None
    owner_candidates: tuple[str, ...] = ()
    evidence: list[int] = field(default_factory=list)
    context: list[int] = field(default_factory=list)
    #: The owner (if any) is only the likeliest addressee: nobody named or acknowledged it.
    guessed: bool = False


def _turns(utterances: Sequence[Utterance]) -> list[_Turn]:
    turns = []
    for u in utterances:
        text = _clean(u.text)
        turns.append(
            _Turn(
                index=u.index,
                speaker=u.speaker,
                raw=u.text,
                text=text,
                low=text.lower(),
                start=u.start,
                backchannel=bool(_BACKCHANNEL.match(u.text)) and len(u.text.split()) <= 6,
                strong_accept=bool(_STRONG_ACCEPT.search(u.text)) and len(u.text.split()) <= 12,
                refusal=bool(_REFUSAL.match(u.text)),
            )
        )
    return turns


# --------------------------------------------------------------------------- positions


@dataclass(frozen=True)
class _Layout:
    """Where the closing part of the meeting starts, and how much position counts."""

    wrap_start: int
    late_start: int
    weight: float


def _layout(turns: Sequence[_Turn]) -> _Layout:
    n = len(turns)
    wrap_start = n - max(8, n // 8)
    for i in range(n - (3 * n) // 10, wrap_start):
        if _WRAP_MARKER.search(turns[i].low):
            wrap_start = i
            break
    return _Layout(max(0, wrap_start), n - n // 3, min(1.0, n / 200))


#: Position weights: a bonus in the closing part, ramping down to a penalty before the
#: last third of the meeting.
WRAP_BONUS = 0.3
EARLY_PENALTY = -0.1
#: A short transcript (a stand-up, an excerpt) is all "closing part": no position penalty.
SHORT_MEETING_BONUS = 0.2
#: "You have to press it twice": without a time after the meeting, "you need/have to"
#: is mostly the impersonal "you" of how things work, not a hand-out.
GENERIC_NEED_PENALTY = 0.15


def _position_bonus(i: int, layout: _Layout) -> float:
    if i >= layout.wrap_start:
        local = WRAP_BONUS
    elif i >= layout.late_start:
        span = max(1, layout.wrap_start - layout.late_start)
        local = EARLY_PENALTY + (WRAP_BONUS - EARLY_PENALTY) * 0.8 * (i - layout.late_start) / span
    else:
        local = EARLY_PENALTY
    return layout.weight * local + (1 - layout.weight) * SHORT_MEETING_BONUS


# --------------------------------------------------------------------------- cue finding


def _find_cue(turn: _Turn, roster: Roster, in_wrap: bool) -> _Cue | None:
    """The strongest cue in the utterance that survives the rejection rules (the earliest
    among equals): "for you, Sam, you're going to ..." is an assignment, not a phrase."""
    best: _Cue | None = None
    for cue in _cues(turn, roster, in_wrap):
        if best is None or cue.strength > best.strength:
            best = cue
    return best


def _cues(turn: _Turn, roster: Roster, in_wrap: bool) -> Iterator[_Cue]:
    for match in _CUES.finditer(turn.low):
        rule = match.lastgroup
        if rule is None or (rule in _WRAP_ONLY and not in_wrap):
            continue
        if turn.low.startswith(("'t", "not"), match.end()):
            continue
        kind, commitment, strength = _RULE[rule]
        cue = _Cue(rule, kind, commitment, strength, match.start(), match.end())
        if kind == "third" and not _third_subject(cue, turn, roster):
            continue
        if kind == "want_x" and not _wanted_subject(cue, turn, roster):
            continue
        if kind in ("who", "explicit") or _acceptable(cue, turn):
            yield cue


def _third_subject(cue: _Cue, turn: _Turn, roster: Roster) -> bool:
    """A participant (or a capitalised name) right before the modal is its subject."""
    before = turn.text[: cue.start].rstrip()
    for mention in reversed(roster.mentions(before)):
        if _APPOSITION.fullmatch(before[mention.end :]):
            cue.strength = _PARTICIPANT_SUBJECT
            return _assign_mention(cue, mention)
        break
    name = re.search(r"(?:^|\s)([A-Z][a-z]+)$", before) or re.search(
        r"(?i:,\s*(?:that's|that\s+is|i\.e\.|namely))\s+([A-Z][a-z]+)\s*,$", before
    )
    preceding = before[: name.start(1)].split()[-1:] if name else []
    if preceding and preceding[0].lower() in _NOT_BEFORE_NAMES:
        return False
    if name and name.group(1) not in _CAPITALISED_NOT_NAMES and name.start(1) > 0:
        cue.owner_text = name.group(1)
        cue.owners = tuple(roster.resolve(name.group(1)))
        return True
    return False


def _wanted_subject(cue: _Cue, turn: _Turn, roster: Roster) -> bool:
    """ "I'd like the designer to ...": the participant between the verb and "to"."""
    after = turn.text[cue.end :]
    mentions = roster.mentions(after)
    if not mentions or mentions[0].start > 6:
        return False
    rest = re.match(r"\W*to\b", after[mentions[0].end :])
    if rest is None:
        return False
    cue.kind, cue.end = "third", cue.end + mentions[0].end + rest.end()
    cue.strength = _PARTICIPANT_SUBJECT
    return _assign_mention(cue, mentions[0])


def _assign_mention(cue: _Cue, mention: Mention) -> bool:
    cue.owner_text = mention.text
    cue.owners = mention.matches
    if mention.plural or (len(mention.matches) > 1 and is_ambiguous(mention.matches)):
        cue.kind = "group" if mention.plural else "third"
    return True


_CLAUSE_END = re.compile(
    r"[.?!;]|,\s*(?:so|but|because|and\s+then|which|since|okay|right|yeah)\b"
    r"|\s(?:so\s+that|because|'cause|cause|but|since|which|whereas)\s"
)


def _predicate(turn: _Turn, cue: _Cue) -> str:
    """The verb phrase after the cue, up to the end of its clause."""
    rest = turn.text[cue.end :]
    rest = _CLAUSE_END.split(rest, maxsplit=1)[0]
    return _PRED_LEAD.sub("", rest.strip(" ,")).strip(" ,")


def _acceptable(cue: _Cue, turn: _Turn) -> bool:
    """The rejection rules: negation, conditions, past, the meeting itself, states."""
    clause = _CLAUSE_BREAK.split(turn.low[: cue.start])[-1]
    if _SUBORDINATE.search(clause):
        return False
    pred = _predicate(turn, cue).lower()
    if _NEGATED_PRED.match(turn.low[cue.end :].lstrip()) or _PAST.search(pred):
        return False
    if cue.rule == "for_you":
        return len(pred.split()) >= 2
    if len(pred.split()) < 2 or not _content(pred) or _IN_MEETING.match(pred):
        return False
    if _STATE_PRED.match(pred):
        return False
    if _NO_WORK.match(pred) or _STATIVE.match(pred) or _HYPOTHETICAL.search(turn.low):
        return False
    if cue.kind in ("addressee", "group") and _RECEIVE.match(pred):
        return False
    return cue.rule in _REQUESTS or not turn.low.rstrip().endswith("?")


# --------------------------------------------------------------------------- candidates


def _answers_question(i: int, turns: Sequence[_Turn]) -> bool:
    """ "I'll look into that" right after someone else's question takes it on."""
    speaker = turns[i].speaker
    for j in range(i - 1, max(-1, i - 4), -1):
        if turns[j].speaker != speaker and turns[j].raw.rstrip().endswith("?"):
            return True
    return False


def _score(cand: _Candidate, turns: Sequence[_Turn], layout: _Layout) -> float:
    turn = turns[cand.turn]
    score = cand.cue.strength + _position_bonus(cand.turn, layout)
    if _FUTURE.search(turn.low) or find_due(turn.text, None)[1]:
        score += 0.15
    elif cand.cue.rule == "addr_need":
        score -= GENERIC_NEED_PENALTY
    if _NOW.search(cand.predicate.lower()) and not _FUTURE.search(turn.low):
        score -= 0.15
    if _TASK_VERB.match(cand.predicate):
        score += 0.1
    if cand.cue.kind == "self" and _answers_question(cand.turn, turns):
        score += 0.1
    elif _DEICTIC.match(cand.predicate) and not _FUTURE.search(turn.low):
        score -= 0.2
    if cand.commitment != "firm":
        score -= 0.05
    return score


def _commitment(cue: _Cue, turn: _Turn) -> str:
    if cue.commitment == "suggestion":
        return "suggestion"
    if cue.commitment == "tentative" or _HEDGE.search(turn.low):
        return "tentative"
    return "firm"


def _candidates(turns: Sequence[_Turn], roster: Roster, layout: _Layout) -> list[_Candidate]:
    found: list[_Candidate] = []
    consumed: set[int] = set()
    for i, turn in enumerate(turns):
        if i in consumed or not turn.low:
            continue
        cue = _find_cue(turn, roster, i >= layout.wrap_start)
        if cue is None:
            cand = _continued_handout(i, turns, roster, layout, found)
            if cand is not None:
                found.append(cand)
            continue
        if cue.kind == "who":
            cand = _open_question(i, turns, cue, consumed)
        else:
            pred = "" if cue.kind == "explicit" else _predicate(turn, cue)
            cand = _Candidate(i, cue, 0.0, _commitment(cue, turn), pred, evidence=[i])
            if cue.kind == "explicit":
                cand.predicate = _predicate(turn, cue)
            _resolve_owner(cand, turns, roster, consumed)
        if cand is None or cand.score < 0:
            continue
        cand.score += _score(cand, turns, layout)
        found.append(cand)
    return found


def _open_question(
    i: int, turns: Sequence[_Turn], cue: _Cue, consumed: set[int]
) -> _Candidate | None:
    """ "Who takes the budget?" answered by "I will" / "me": the responder owns it."""
    asker = turns[i].speaker
    for j in range(i + 1, min(i + 4, len(turns))):
        reply = turns[j]
        if reply.speaker == asker:
            continue
        if re.match(
            r"(?i)^\W*(?:i\s+(?:will|can|could|shall)|i'll|me|i\s+do|i'm\s+happy)\b", reply.low
        ):
            consumed.add(j)
            pred = _present_to_base(_predicate(turns[i], cue))
            cand = _Candidate(i, cue, 0.5, "firm", pred, evidence=[i, j])
            cand.owner = reply.speaker
            return cand
        break
    return None


def _present_to_base(phrase: str) -> str:
    """ "takes the budget" -> "take the budget": the question's verb as an imperative."""
    first, _, rest = phrase.partition(" ")
    low = first.lower()
    if low in ("does", "goes"):
        first = first[:-2]
    elif low.endswith("ies") and len(low) > 4:
        first = first[:-3] + "y"
    elif low.endswith(("sses", "xes", "ches", "shes")):
        first = first[:-2]
    elif low.endswith("s") and not low.endswith("ss"):
        first = first[:-1]
    return f"{first} {rest}".strip()


def _resolve_owner(
    cand: _Candidate, turns: Sequence[_Turn], roster: Roster, consumed: set[int]
) -> None:
    turn = turns[cand.turn]
    kind = cand.cue.kind
    if kind == "self":
        cand.owner = turn.speaker
        return
    if kind == "third":
        _owner_from_matches(cand, cand.cue.owners, cand.cue.owner_text, roster)
        return
    if kind == "group" and cand.cue.owners:
        cand.owner_candidates = tuple(roster.label_of(m.name) for m in cand.cue.owners)
        return
    if kind == "explicit":
        _explicit_owner(cand, turn, roster)
        return
    if kind == "addressee":
        if re.search(rf"\b{_GROUP_WHO}\b", turn.low):
            return
        _addressee(cand, turns, roster, consumed)


def _owner_from_matches(
    cand: _Candidate, matches: Sequence[OwnerMatch], text: str | None, roster: Roster
) -> None:
    if matches and not is_ambiguous(matches):
        cand.owner, cand.owner_user = roster.label_of(matches[0].name), matches[0].email
    elif matches:
        cand.owner_candidates = tuple(roster.label_of(m.name) for m in matches)
    else:
        cand.owner = text


def _explicit_owner(cand: _Candidate, turn: _Turn, roster: Roster) -> None:
    """ "Action item: Priya to send the deck": the first name after the marker."""
    after = turn.text[cand.cue.end :]
    mentions = roster.mentions(after)
    if mentions and mentions[0].start <= 4:
        _owner_from_matches(cand, mentions[0].matches, mentions[0].text, roster)
        task = re.sub(
            r"(?i)^\W*(?:to|will|should|is\s+to|needs\s+to)\s+", "", after[mentions[0].end :]
        )
        cand.predicate = task.strip(" ,:.")
        return
    if re.search(r"\bi(?:'ll|\s+will)\b", turn.low[cand.cue.end :]):
        cand.owner = turn.speaker


def _addressee(
    cand: _Candidate, turns: Sequence[_Turn], roster: Roster, consumed: set[int]
) -> None:
    """Named in the utterance, then an acceptance or acknowledgement, else candidates."""
    i = cand.turn
    turn = turns[i]
    named = _vocative(turn, cand.cue, roster) or _recent_vocative(i, turns, roster)
    reply = _reply(i, turns)
    if reply is not None and turns[reply].refusal:
        consumed.add(reply)
        cand.score = -1.0
        return
    if (
        reply is not None
        and cand.cue.rule in ("addr_ask", "addr_mind")
        and (turns[reply].strong_accept)
    ):
        cand.evidence.append(reply)
        consumed.add(reply)
        cand.score += 0.1
    if named is not None:
        _owner_from_matches(cand, named.matches, named.text, roster)
        return
    if reply is not None and (turns[reply].backchannel or turns[reply].strong_accept):
        cand.owner = turns[reply].speaker
        cand.owner_user = roster.email_of(cand.owner) if cand.owner else None
        cand.context.append(reply)
        cand.score += 0.05
    elif reply is not None and reply - i <= 2 and _short_response(turns[reply]):
        cand.owner = turns[reply].speaker
        cand.owner_user = roster.email_of(cand.owner) if cand.owner else None
        cand.context.append(reply)
    others = _nearby_speakers(i, turns)
    if cand.owner is None:
        cand.owner = turns[reply].speaker if reply is not None else _previous_speaker(i, turns)
        cand.guessed = True
    cand.owner_candidates = tuple(s for s in others if s != cand.owner) if cand.owner else others


def _short_response(turn: _Turn) -> bool:
    """A few words said straight back ("The budget." / "Right, the budget"): the
    addressee taking up the turn, not a new question or a new topic."""
    words = turn.text.split()
    return 0 < len(words) <= 4 and not turn.raw.rstrip().endswith("?")


def _vocative(turn: _Turn, cue: _Cue, roster: Roster) -> Mention | None:
    """A participant named before the cue, or after a comma at the end ("..., Sam?")."""
    mentions = roster.mentions(turn.text)
    before = [m for m in mentions if m.end <= cue.start + 1]
    if before:
        return before[-1]
    tail = [m for m in mentions if re.fullmatch(r"\W*", turn.text[m.end :])]
    if tail and turn.text[: tail[-1].start].rstrip().endswith(","):
        return tail[-1]
    return None


def _recent_vocative(i: int, turns: Sequence[_Turn], roster: Roster) -> Mention | None:
    """A name said alone just before by the same speaker ("Sam," / "you will ..."); a
    name with a task after it ("Sam the mock-ups") is a hand-out of its own."""
    speaker = turns[i].speaker
    for j in range(i - 1, max(-1, i - 3), -1):
        prev = turns[j]
        if prev.speaker != speaker:
            continue
        mentions = roster.mentions(prev.text)
        if len(mentions) == 1:
            rest = prev.text[: mentions[0].start] + prev.text[mentions[0].end :]
            if len(_WORD.findall(rest)) <= 2:
                return mentions[0]
    return None


def _reply(i: int, turns: Sequence[_Turn]) -> int | None:
    """The first turn by someone else within the next three."""
    speaker = turns[i].speaker
    for j in range(i + 1, min(i + 4, len(turns))):
        if turns[j].speaker != speaker and turns[j].raw.strip(" .,"):
            return j
    return None


def _previous_speaker(i: int, turns: Sequence[_Turn]) -> str | None:
    """The most recent other speaker: who the speaker was last talking with."""
    speaker = turns[i].speaker
    for j in range(i - 1, max(-1, i - 30), -1):
        if turns[j].speaker and turns[j].speaker != speaker:
            return turns[j].speaker
    return None


def _nearby_speakers(i: int, turns: Sequence[_Turn]) -> tuple[str, ...]:
    """Other speakers around the turn, nearest first: who "you" most likely is."""
    speaker = turns[i].speaker
    ranked: list[str] = []
    for offset in (1, -1, 2, -2, 3, -3):
        j = i + offset
        if 0 <= j < len(turns):
            other = turns[j].speaker
            if other and other != speaker and other not in ranked:
                ranked.append(other)
    return tuple(ranked)


_HANDOUT = re.compile(r"(?i)^(?:(?:and|then|so|now|also|um|uh|okay|right)\W+)*")


def _in_handout(i: int, turns: Sequence[_Turn], found: Sequence[_Candidate]) -> bool:
    """The same speaker just assigned work, or just announced the hand-out."""
    speaker = turns[i].speaker
    if found:
        last = found[-1]
        if (
            i - last.turn <= 3
            and turns[last.turn].speaker == speaker
            and last.cue.kind
            in (
                "addressee",
                "third",
            )
        ):
            return True
    return any(
        turns[j].speaker == speaker and _WRAP_MARKER.search(turns[j].low)
        for j in range(max(0, i - 3), i)
    )


def _continued_handout(
    i: int,
    turns: Sequence[_Turn],
    roster: Roster,
    layout: _Layout,
    found: Sequence[_Candidate],
) -> _Candidate | None:
    """ "Sam, the vendor call." right after an assignment by the same speaker."""
    turn = turns[i]
    if i < layout.wrap_start or not _in_handout(i, turns, found):
        return None
    lead = _HANDOUT.match(turn.text)
    offset = lead.end() if lead else 0
    mentions = [m for m in roster.mentions(turn.text) if m.start <= offset + 12]
    if not mentions:
        return None
    task = turn.text[mentions[0].end :].strip(" ,:-")
    task = re.sub(r"(?i)^(?:will\s+do|is\s+on|has|gets|for|with|on|is)\s+", "", task)
    if len(task.split()) < 2:
        return None
    cue = _Cue("handout", "third", "firm", 0.45, mentions[0].start, mentions[0].end)
    cand = _Candidate(i, cue, 0.0, "firm", "work on " + task, evidence=[i])
    _owner_from_matches(cand, mentions[0].matches, mentions[0].text, roster)
    cand.score += _score(cand, turns, layout)
    return cand


# --------------------------------------------------------------------------- merging


def _content(text: str) -> set[str]:
    return {w.lower()[:5] for w in _WORD.findall(text) if w.lower() not in _STOP}


def _restated(kept: _Candidate, cand: _Candidate) -> bool:
    """One speaker's commitments in consecutive utterances ("I'll save a copy." / "and
    I'll put it in the shared folder"): one plan said in pieces, or a self-repair."""
    return (
        kept.cue.kind == cand.cue.kind == "self"
        and kept.owner == cand.owner
        and cand.turn - max(kept.evidence) == 1
    )


#: How many utterances apart one speaker's hand-outs still count as one round.
HANDOUT_ROUND = 6


def _by_elimination(cands: Sequence[_Candidate], turns: Sequence[_Turn], roster: Roster) -> None:
    """ "Sam will do the copy, Bob the mock-ups, and you the research": in one speaker's
    round of hand-outs, an unnamed "you" is the one person not yet given a task."""
    people = set(roster.people())
    for cand in cands:
        if not cand.guessed:
            continue
        speaker = turns[cand.turn].speaker
        named = {
            other.owner
            for other in cands
            if other is not cand
            and other.owner
            and not other.guessed
            and other.cue.kind in ("third", "addressee")
            and turns[other.turn].speaker == speaker
            and abs(other.turn - cand.turn) <= HANDOUT_ROUND
        }
        left = people - named - {roster.label_of(speaker or "")}
        if named and len(left) == 1:
            cand.owner = left.pop()
            cand.owner_user = roster.email_of(cand.owner)
            cand.owner_candidates = tuple(o for o in cand.owner_candidates if o != cand.owner)
            cand.guessed = False


def _merge(cands: list[_Candidate]) -> list[_Candidate]:
    """One action mentioned again (a recap, a confirmation) becomes one item."""
    merged: list[_Candidate] = []
    for cand in cands:
        words = _content(cand.predicate)
        target = None
        for kept in merged:
            if kept.owner != cand.owner and kept.owner and cand.owner:
                continue
            other = _content(kept.predicate)
            if _restated(kept, cand) or (
                words and other and len(words & other) / len(words | other) >= 0.5
            ):
                target = kept
                break
        if target is None:
            merged.append(cand)
            continue
        target.evidence = sorted(set(target.evidence) | set(cand.evidence))
        target.owner = target.owner or cand.owner
        target.owner_user = target.owner_user or cand.owner_user
        target.score = max(target.score, cand.score) + 0.05
        if cand.score > target.score:
            target.predicate, target.turn = cand.predicate, cand.turn
    return merged


# --------------------------------------------------------------------------- output

#: Threshold on the score; chosen so that a clear commitment anywhere in a short
#: transcript passes, while discussion in the middle of a long meeting does not.
THRESHOLD = 0.65

_PRIORITY = (
    (
        "low",
        re.compile(
            r"(?i)\b(?:low\s+priority|not\s+urgent|no\s+(?:rush|hurry)|"
            r"when(?:ever)?\s+you\s+(?:get\s+a\s+chance|have\s+time)|nice\s+to\s+have|"
            r"eventually)\b"
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
            r"(?i)\b(?:high\s+priority|top\s+priority|critical|crucial|important|"
            r"priority\s+one|p1)\b"
        ),
    ),
    ("medium", re.compile(r"(?i)\b(?:medium\s+priority|normal\s+priority)\b")),
)


def _priority(text: str) -> str:
    for level, pattern in _PRIORITY:
        if pattern.search(text):
            return level
    return "none"


_ING_E = _wordset(
    "mak tak writ us com hav giv prepar chang arrang shar typ decid provid includ clos "
    "mov schedul organis organiz finalis finaliz summaris summariz circulat compar "
    "describ determin defin combin continu argu updat creat evaluat investigat generat "
    "produc reduc plac receiv improv solv serv achiev releas captur figur measur secur "
    "ensur handl complet delegat negotiat calculat coordinat communicat translat estimat "
    "validat analys analyz revis advis purchas chas phas pric sourc ston stor scor explor "
    "compil"
)


def _base_form(word: str) -> str:
    """ "looking" -> "look", "making" -> "make", "getting" -> "get"."""
    low = word.lower()
    if not low.endswith("ing") or len(low) <= 5:
        return word
    stem = low[:-3]
    if stem in _ING_E:
        return stem + "e"
    if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
        return stem[:-1]
    return stem


def _title(cand: _Candidate, due_phrase: str | None, speaker: str | None) -> str:
    text = cand.predicate
    if cand.cue.rule == "for_you":
        to_do = re.match(r"(?i)^(?:\w+\W+)?to\s+(.+)", text)
        text = to_do.group(1) if to_do else "work on " + text
    if due_phrase:
        text = text.replace(due_phrase, "")
    text = re.sub(r"(?i)^be\s+(?=\w+ing\b)", "", text.strip(" ,"))
    words = text.split()
    if words and words[0].lower().endswith("ing"):
        words[0] = _base_form(words[0])
    if cand.cue.kind == "self":
        words = [{"my": "your", "myself": "yourself"}.get(w.lower(), w) for w in words]
    elif speaker:
        words = [speaker if w.lower() == "me" else w for w in words]
    words = words[:14]
    while words and words[-1].lower().strip(",.") in _STOP:
        words.pop()
    title = " ".join(words).strip(" ,.")
    if not title:
        return "Follow up on the discussion"
    return title[0].upper() + title[1:]


def _description(cand: _Candidate, turns: Sequence[_Turn]) -> str:
    shown = sorted({*cand.evidence, *cand.context})
    first = shown[0]
    if first > 0 and turns[first - 1].speaker != turns[first].speaker:
        shown.insert(0, first - 1)
    lines = [f"{turns[i].speaker or 'Someone'}: {turns[i].raw.strip()}" for i in shown]
    return "\n".join(lines)


def _finish(
    cand: _Candidate, turns: Sequence[_Turn], meeting_date: date | None, roster: Roster
) -> ExtractedItem:
    turn = turns[cand.turn]
    text = " ".join(turns[i].text for i in cand.evidence)
    due, due_phrase = find_due(text, meeting_date)
    owner_user = cand.owner_user
    if cand.owner and owner_user is None:
        owner_user = roster.email_of(cand.owner)
    confidence = min(1.0, max(0.0, cand.score))
    if cand.commitment == "tentative":
        confidence = min(confidence, 0.6)
    elif cand.commitment == "suggestion":
        confidence = min(confidence, 0.5)
    return ExtractedItem(
        title=_title(cand, due_phrase, turn.speaker),
        description=_description(cand, turns),
        owner=cand.owner,
        owner_user=owner_user,
        due=due,
        due_phrase=due_phrase,
        priority=_priority(text),
        commitment=cand.commitment,
        confidence=round(confidence, 2),
        evidence=tuple(
            EvidenceItem(turns[i].index, turns[i].speaker, turns[i].start, turns[i].raw.strip())
            for i in sorted(set(cand.evidence))
        ),
        owner_candidates=cand.owner_candidates,
    )


def extract_items(
    utterances: Sequence[Utterance],
    *,
    meeting_date: date | None = None,
    participants: Sequence[ParticipantInfo] = (),
) -> list[ExtractedItem]:
    """The action items of one meeting, in transcript order.

    Deterministic: the same transcript, date and participants give the same items.
    Without participants, the speaker labels are the people owners are matched to.
    """
    turns = _turns(utterances)
    if not turns:
        return []
    learned = learn_names([(t.speaker, t.raw) for t in turns])
    roster = Roster(participants, (t.speaker for t in turns), learned)
    layout = _layout(turns)
    cands = [c for c in _candidates(turns, roster, layout) if c.score >= THRESHOLD]
    _by_elimination(cands, turns, roster)
    cands = _merge(cands)
    cands.sort(key=lambda c: min(c.evidence))
    return [_finish(c, turns, meeting_date, roster) for c in cands]


def item_to_json(item: ExtractedItem) -> dict[str, Any]:
    """The wire form of an item: exactly the documented keys, the date as ISO text."""
    return {
        "title": item.title,
        "description": item.description,
        "owner": item.owner,
        "owner_user": item.owner_user,
        "due": item.due.isoformat() if item.due else None,
        "due_phrase": item.due_phrase,
        "priority": item.priority,
        "commitment": item.commitment,
        "confidence": item.confidence,
        "evidence": [
            {
                "utterance_index": ev.utterance_index,
                "speaker": ev.speaker,
                "start": ev.start,
                "quote": ev.quote,
            }
            for ev in item.evidence
        ],
    }
