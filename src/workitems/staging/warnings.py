"""Why a staged candidate needs a reviewer's attention: pure rules, no database.

Title quality is a heuristic (no NLP model is downloaded or shipped): an outcome-focused
title is a short imperative ("Send the Q3 deck to finance"), so we flag titles that are too
short, or whose opening words contain no verb: neither a common action verb nor a word
with a verb ending, while a noun ending ("-tion", "-ment") marks a noun phrase.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

MIN_TITLE_WORDS = 3

#: Common verbs that open action items; the list is generic English, not tuned to any data.
ACTION_VERBS = frozenset(
    """
    add adjust agree align analyse analyze answer approve arrange ask assess assign attend
    audit automate book brief build buy calculate call cancel change check choose clarify
    clean close collect compare complete compile configure confirm connect consider
    contact coordinate copy create decide define delete deliver deploy design detail
    determine develop discuss document draft drive edit email enable escalate estimate
    evaluate examine explore export file fill finalise finalize find finish fix follow
    forward gather get give go handle help hire identify implement improve include inform
    install integrate interview investigate invite join keep launch lead learn list look
    make manage map measure meet merge migrate monitor move negotiate notify order
    organise organize outline pay pick plan post prepare present print prioritise
    prioritize produce propose prototype provide publish purchase put raise reach read
    rebuild record reduce refactor register release remind remove rename renew reply
    report request research reschedule resolve respond restart review revise rewrite run
    schedule search secure select send set settle share ship sign simplify sketch sort
    speak specify start submit summarise summarize support survey sync take talk test
    think track train transfer translate try update upgrade upload validate verify visit
    walk watch write
    """.split()  # noqa: SIM905 (a word list reads better as prose than as 250 quoted strings)
)
#: A title whose only object is one of these ("Do it", "Get that done") names no work.
_VAGUE_OBJECTS = frozenset(
    "it that this them those these something stuff things everything one".split()  # noqa: SIM905
)
_PARTICLES = frozenset("the a an up out over on off back care of done ready".split())  # noqa: SIM905
_NOUN_ENDINGS = ("tion", "sion", "ment", "ness", "ity", "ance", "ence", "ship", "ism")
_VERB_ENDINGS = ("ise", "ize", "ify", "ate")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


@dataclass(frozen=True)
class OwnerResolution:
    """What the service found for the proposed owner."""

    raw: str | None = None
    resolved: bool = False
    inactive: bool = False
    matches: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class ReviewWarning:
    code: str
    message: str
    matches: list[dict[str, Any]] | None = None


def title_warning(title: str) -> ReviewWarning | None:
    words = _WORD.findall(title)
    named = [w.lower() for w in words[1:] if w.lower() not in _PARTICLES]
    if named and all(word in _VAGUE_OBJECTS for word in named):
        return ReviewWarning(
            "title_vague",
            f"'{title}' does not say what the work is on; name the object "
            '("Send the signed contract to legal").',
        )
    if len(words) < MIN_TITLE_WORDS:
        return ReviewWarning(
            "title_too_short",
            f"'{title}' is too short to say what done looks like; write the outcome "
            '("Send the Q3 deck to finance").',
        )
    opening = [word.lower() for word in words[:3]]
    if not any(_looks_like_verb(word) for word in opening):
        return ReviewWarning(
            "title_not_outcome",
            f"'{title}' reads as a topic, not an action; start with a verb "
            '("Draft the vendor contract").',
        )
    return None


def owner_warning(owner: OwnerResolution) -> ReviewWarning | None:
    if owner.resolved:
        if owner.inactive:
            return ReviewWarning("owner_inactive", "The proposed owner is deactivated.")
        return None
    if owner.raw is None:
        return ReviewWarning("no_owner", "Nobody owns this yet; pick an owner before approving.")
    if len(owner.matches) > 1:
        return ReviewWarning(
            "owner_ambiguous",
            f"'{owner.raw}' matches several people; pick one.",
            matches=owner.matches,
        )
    return ReviewWarning(
        "owner_unknown",
        f"'{owner.raw}' is not a known active user; pick an owner.",
        matches=owner.matches or None,
    )


def due_warning(due: date | None, *, today: date) -> ReviewWarning | None:
    if due is None:
        return ReviewWarning("no_due_date", "No due date; work without a date tends to drift.")
    if due < today:
        return ReviewWarning("due_in_past", f"The due date {due.isoformat()} has already passed.")
    return None


def compute_warnings(
    *, title: str, owner: OwnerResolution, due: date | None, today: date
) -> list[ReviewWarning]:
    found = [title_warning(title), owner_warning(owner), due_warning(due, today=today)]
    return [warning for warning in found if warning is not None]


def _looks_like_verb(word: str) -> bool:
    if word in ACTION_VERBS:
        return True
    if word.endswith(_NOUN_ENDINGS):
        return False
    return word.endswith(_VERB_ENDINGS)


def duplicate_warning(matches: list[dict[str, Any]]) -> ReviewWarning:
    best = matches[0]
    what = best.get("key") or f"candidate #{best['id']}"
    return ReviewWarning(
        "likely_duplicate",
        f"Looks like {what} (similarity {best['score']:.0f}%); merge it instead?",
        matches=matches,
    )
