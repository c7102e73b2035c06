"""Dialogue acts of whole turns: acceptance, refusal, back-channel, recap markers.

Shared by the scorer's context features and by linking, so both read a reply the same way.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from workitems.transcript.extract.normalize import Turn

_ACCEPT = re.compile(
    r"^(?:(?:yeah|yes|yep|yup|sure|okay|alright|all\s+right|right|fine|of\s+course|absolutely|"
    r"definitely|certainly|no\s+problem|no\s+worries|will\s+do|can\s+do|on\s+it|got\s+it|"
    r"sounds\s+good|happy\s+to|for\s+sure|that\s+works|works\s+for\s+me|deal|done|consider\s+it\s+done|"
    r"i\s+can\s+do\s+(?:that|it)|i'll\s+do\s+(?:that|it)|i'll\s+take\s+(?:that|it|this)|i\s+will|"
    r"i\s+can|i'll\s+handle\s+(?:it|that)|i'll\s+own\s+(?:it|that)|me|i'm\s+on\s+it|i\s+got\s+it|"
    r"i've\s+got\s+it|leave\s+it\s+with\s+me|i'll\s+get\s+on\s+it|i\s+could)\b)"
)
_REFUSE = re.compile(
    r"^(?:(?:well|um|so|sorry|honestly|actually|yeah|oh)\s+)*(?:no\b|nope\b|not\s+(?:me|really|this\s+week|"
    r"right\s+now)\b|i\s+(?:can't|cannot|won't|couldn't)\b|i\s+don't\s+(?:think\s+i\s+can|have\s+"
    r"(?:the\s+)?(?:time|bandwidth|capacity))|i'm\s+not\s+(?:able|going\s+to|sure\s+i\s+can)|"
    r"i\s+(?:will|would)\s+not\b|i'm\s+(?:swamped|slammed|out)|i\s+have\s+no\s+(?:time|bandwidth))"
)
_BACKCHANNEL = re.compile(
    r"^(?:yeah|yes|yep|sure|okay|alright|right|mm|mhm|cool|great|good|nice|fine|exactly|true|"
    r"got\s+it|makes\s+sense|sounds\s+good|thanks|thank\s+you|perfect|agreed)(?:\s+\w+){0,2}$"
)
RECAP = re.compile(
    r"\b(?:to\s+(?:wrap|sum)\s+up|wrap(?:ping)?\s+up|to\s+recap|recap|to\s+summari[sz]e|in\s+"
    r"summary|action\s+items?|next\s+steps|so\s+to\s+confirm|let\s+me\s+(?:read|run)\s+(?:back|"
    r"through)|before\s+we\s+(?:go|close|finish|wrap)|homework|takeaways?)\b"
)


#: What opens a meeting's wrap-up, where work is handed out in fragments ("and you, the
#: trend watching"): a recap marker, or talk of the next meeting and of individual work.
WRAP = re.compile(
    r"\b(?:to\s+(?:wrap|sum)\s+up|wrap(?:ping)?\s+up|to\s+summari[sz]e|in\s+summary|to\s+recap|"
    r"recap|action\s+(?:items?|points?)|next\s+steps?|individual\s+(?:actions?|work|tasks?)|"
    r"to-?do\s+list|next\s+(?:meeting|time|session|call)|individually|homework|"
    r"that's\s+(?:it|all)\s+for\s+(?:today|now)|close\s+the\s+meeting|closing|"
    r"end\s+of\s+(?:the|this)\s+meeting|meeting\s+is\s+over|takeaways?|assignments?|"
    r"tasks?\s+for)\b"
)


@dataclass(frozen=True)
class Acts:
    accept: bool
    refuse: bool
    backchannel: bool
    recap: bool
    words: int
    wrap: bool = False


def turn_acts(turns: Sequence[Turn]) -> list[Acts]:
    acts = []
    for turn in turns:
        text = turn.text
        words = len(turn.words)
        refuse = bool(_REFUSE.match(text))
        accept = not refuse and bool(_ACCEPT.match(text)) and words <= 25
        acts.append(
            Acts(
                accept=accept,
                refuse=refuse,
                backchannel=bool(_BACKCHANNEL.match(text)),
                recap=bool(RECAP.search(text)),
                words=words,
                wrap=bool(WRAP.search(text)),
            )
        )
    return acts


#: A wrap-up marker counts from the middle of the meeting on (before it, "action items"
#: and "next meeting" are mostly the agenda and the last meeting's list), for this many
#: turns.
WRAP_SPAN = 20


def wrap_sections(turns: Sequence[Turn], acts: Sequence[Acts], short: int) -> list[bool]:
    """For each turn, whether it falls in a wrap-up: within ``WRAP_SPAN`` turns after a wrap
    marker said in the second half of the meeting (anywhere in a meeting of fewer than
    ``short`` turns)."""
    n = len(turns)
    inside = [False] * n
    start = 0 if n < short else n // 2
    until = -1
    for position in range(start, n):
        if acts[position].wrap:
            until = position + WRAP_SPAN
        inside[position] = position <= until
    return inside


def reply_to(turns: Sequence[Turn], position: int, *, within: int = 2) -> int | None:
    """The first turn by someone else within the next ``within`` turns."""
    speaker = turns[position].speaker
    for j in range(position + 1, min(position + 1 + within, len(turns))):
        if turns[j].speaker != speaker and turns[j].words:
            return j
    return None
