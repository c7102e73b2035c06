"""Stage 3a: the scorer's features for one seed cue, as strings (a sparse binary vector).

- the cue's kind and rule, its flags, and each flag crossed with the kind;
- the verb (only from the closed verb list: a topic word cannot become a feature);
- word n-grams of the clause around the cue over a closed vocabulary: function words,
  modals and verbs stay, every other word becomes ``_`` ("i'll send _ _ by friday"), so
  the model learns how people phrase commitments, not what one corpus talks about;
- the same for the neighbouring turns' openings (what was asked, how it was answered);
- dialogue context: the reply accepts or refuses, the cue answers a request or a
  who-question, the speaker is recapping;
- position only as a soft prior: the fifth of the meeting crossed with its length class,
  and the last 3, 6 or 12 per cent of it, none in a short meeting (a stand-up is all
  wrap-up);
- whether the turn is in a wrap-up (:func:`.dialogue.wrap_sections`);
- in long meetings only, how many other cues are within ``NEAR`` turns and whether the
  speaker is the chair (who says the most): hand-outs come in runs, mostly from whoever
  runs the meeting (in a short one, a lone commitment is as good as one in a run);
- for long meetings (``LONG_MEETING`` turns and more) a copy of every feature, so the
  length of the meeting conditions the whole model, not only its bias.
"""

from collections.abc import Sequence
from itertools import pairwise

from workitems.transcript.extract.cues import Cue
from workitems.transcript.extract.dialogue import Acts, reply_to
from workitems.transcript.extract.lexicon import STATIVE, STOP, TASK_VERBS, VERBS, wordset
from workitems.transcript.extract.normalize import Turn

_CLOSED = STOP | wordset(
    "will shall need must should might may please let's i'm i've i'd we're we've you're "
    "today tomorrow tonight friday monday tuesday wednesday thursday week month eod asap "
    "by before until end next morning afternoon can't won't don't not never if unless "
    "whether already yesterday last ago who someone somebody everyone anyone mind sure "
    "okay yeah thanks ready done"
)


#: Below this many turns the whole meeting is "the end": no position feature at all.
SHORT_MEETING = 40
#: From this many turns on, a meeting is a long recorded discussion: every feature also
#: gets an ``L|`` copy, so the model can learn that in long meetings most commitment-like
#: talk is discussion, without making short meetings any stricter.
LONG_MEETING = 300
_NOT_CROSSED = ("pos:", "mlen:", "tail:")
#: The end of a meeting, finer than its fifths: the share of the meeting still to come
#: (a soft prior, relative to the meeting's length, and none in a short meeting).
TAIL = (0.03, 0.06, 0.12)
#: Cues of other clauses within this many turns: hand-outs come in runs.
NEAR = 4


#: How far past the verb the n-grams reach: the object's words are the topic, not how the
#: work was committed to.
NGRAM_AFTER_VERB = 2


def _shape(word: str) -> str:
    return word if word in _CLOSED else "_"


def _verb_class(word: str) -> str:
    """What a word after the cue is when it is not a listed verb: a state or wish ("be",
    "need"), a function word ("the", "just": no verb at all), or an open-class word, most
    often a verb the list lacks ("rotate", "reissue"), which backs off to the cue's own
    weight instead of sharing the penalty of the other two."""
    if not word:
        return "v:_none"
    if word in STATIVE:
        return "v:_state"
    if word in _CLOSED:
        return "v:_function"
    return "v:_open"


def _meeting_length(n: int) -> int:
    """A length class for the base rate: long meetings have fewer items per utterance."""
    return sum(n >= edge for edge in (40, 100, 200, 400))


_PARTICLES = wordset("into up over out through after at back on off around")


def length_class(n: int) -> str:
    return "s" if n < 40 else "m" if n < 200 else "l"


def cue_features(
    cue: Cue,
    turns: Sequence[Turn],
    acts: Sequence[Acts],
    seeds_by_turn: dict[int, list[Cue]],
    chair: str | None = None,
    in_wrap: bool = False,
) -> list[str]:
    kind = cue.kind
    out = ["bias", f"k:{kind}", f"r:{cue.rule}"]
    for flag in cue.flags:
        out.append(f"f:{flag}")
        out.append(f"kf:{kind}:{flag}")
    verb = cue.verb
    if verb in VERBS:
        out.append(f"v:{verb}")
    else:
        # A weak cue's first word is mostly a noun ("the user interface ..."): its class
        # would teach that an unlisted verb after "I'll" is as unlikely.
        out.append(("w" if "weak" in cue.flags else "") + _verb_class(verb))
    words = cue.clause.words
    after = words[cue.verb_at + 1] if 0 <= cue.verb_at < len(words) - 1 else ""
    if verb in VERBS and after in _PARTICLES:
        out.append(f"v:{verb} {after}")
    if verb in TASK_VERBS:
        out.append(f"kv:{kind}:task")
    clause = cue.clause
    words = clause.words
    lo = max(0, cue.start - 2)
    hi = min(len(words), (cue.verb_at if cue.verb_at >= 0 else cue.end) + NGRAM_AFTER_VERB)
    shaped = [_shape(w) for w in words[lo:hi]]
    for w in shaped:
        if w != "_":
            out.append(f"u:{w}")
    for a, b in pairwise(shaped):
        out.append(f"b:{a} {b}")
    out.append(f"clen:{min(len(words) // 4, 6)}")
    position = cue.turn
    turn = turns[position]
    n = len(turns)
    out.append(f"mlen:{_meeting_length(n)}")
    if n >= SHORT_MEETING:
        out.append(f"pos:{length_class(n)}{min(4, position * 5 // max(n, 1))}")
        left = (n - 1 - position) / n
        for edge in TAIL:
            if left < edge:
                out.append(f"tail:{edge}")
                break
    if in_wrap:
        out.append("wrap")
        out.append(f"kwrap:{kind}")
    if n >= LONG_MEETING:
        near = sum(
            1
            for j in range(position - NEAR, position + NEAR + 1)
            if j != position
            for c in seeds_by_turn.get(j, ())
            if "weak" not in c.flags
        )
        out.append(f"near:{min(near, 3)}")
        if chair is not None and turn.speaker == chair:
            out.append("chair")
            out.append(f"kchair:{kind}")
    out.append(f"tlen:{min(len(turn.words) // 6, 6)}")
    if len(turn.clauses) > 1:
        out.append(f"nclause:{min(len(turn.clauses), 4)}")
    reply = reply_to(turns, position)
    if reply is not None:
        act = acts[reply]
        if act.accept:
            out.append("ctx:accepted")
            out.append(f"kctx:{kind}:accepted")
        if act.refuse:
            out.append("ctx:refused")
            out.append(f"kctx:{kind}:refused")
        if act.backchannel:
            out.append("ctx:backchannel")
        if turns[reply].question:
            out.append("ctx:reply_question")
        for w in turns[reply].words[:2]:
            out.append(f"nu:{_shape(w)}")
    previous = _previous_other(turns, position)
    if previous is not None:
        prior = seeds_by_turn.get(previous, [])
        if any(c.kind in ("addressee", "who") or c.rule == "someone" for c in prior):
            out.append(f"kctx:{kind}:after_request")
        if any(c.kind == "who" for c in prior):
            out.append(f"kctx:{kind}:after_who")
        if turns[previous].question:
            out.append(f"kctx:{kind}:after_question")
        for w in turns[previous].words[:2]:
            out.append(f"pu:{_shape(w)}")
    if any(acts[j].recap for j in range(max(0, position - 6), position + 1)):
        out.append(f"kctx:{kind}:recap")
    if n >= LONG_MEETING:
        out.extend([f"L|{name}" for name in out if not name.startswith(_NOT_CROSSED)])
    return out


def _previous_other(turns: Sequence[Turn], position: int) -> int | None:
    speaker = turns[position].speaker
    for j in range(position - 1, max(-1, position - 3), -1):
        if turns[j].speaker != speaker and turns[j].words:
            return j
    return None
