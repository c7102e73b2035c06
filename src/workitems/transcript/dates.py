"""Due dates: find a deadline phrase in an utterance and resolve it against the meeting
date (pure; never against today, so re-running an old transcript gives the same dates).

Conventions, chosen to match how people use these phrases at work:

- "today", "tonight", "EOD", "end of (the) day", "close of business" -> the meeting date;
  "tomorrow" -> the next day; "the day after tomorrow" -> two days on.
- A weekday ("by Friday", "on Monday", "this Friday") is the next such day after the
  meeting, within the coming seven days: a Monday meeting's "by Friday" is that week's
  Friday; a Friday meeting's "by Friday" is the following Friday.
- "next Friday" is the Friday of the following calendar week (weeks start on Monday).
- Periods resolve to their last working day or last day: "this week" / "end of the week"
  / "EOW" / "before the weekend" -> this week's Friday; "next week" -> next week's Friday;
  "next week Monday" -> that Monday; "this weekend" / "over the weekend" -> its Saturday;
  "end of the month" -> the month's last day; "next month" -> the last day of next month;
  "end of the quarter" / "end of the year" likewise.
- "in three days", "within two weeks", "in a month", "in the next two weeks" count from the
  meeting date.
- A bare weekday is a deadline where it ends what is said about the work ("I'll send the
  reminders Monday", "probably Thursday"), not where it is a thing ("Friday's demo", "last
  Monday"); "not before Monday" is a start, not a deadline.
- A clock time ("by four o'clock", "by 10am", "by ten" ending the sentence) is the meeting
  day.
- Explicit dates: ISO ``2025-03-07``, "March 7", "7 March", "the 7th of March", with or
  without a year; without one, the first such date on or after the meeting.
  "the 15th" alone is the next 15th on or after the meeting.
- "before the next meeting", "next time", "soon" keep the phrase with no date: the date
  is not knowable from the transcript; when a date follows it ("before the deadline on the
  thirty-first", "for the retreat, by Friday") the date is the deadline.

Without a meeting date only explicit dates with a year resolve; other phrases are kept
with no date rather than guessed.
"""

import calendar
import re
from datetime import date, timedelta

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "couple of": 2,
    "a couple of": 2,
    "three": 3,
    "few": 3,
    "a few": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twelve": 12,
}
_WD = r"(?P<wd>mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\b"
_MON = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?"
)
_ORDINALS = [
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
]
_SPELLED = (
    r"(?:(?:twenty|thirty)(?:[\s-]+(?:first|second|third|fourth|fifth|sixth|seventh|eighth|"
    r"ninth))?|thirtieth|" + "|".join(reversed(_ORDINALS)) + ")"
)
#: A day of the month: "15", "15th", "fifteenth", "twenty fifth".
_DAY = rf"(?:\d{{1,2}}(?:st|nd|rd|th)?|{_SPELLED})"
_ORD = r"(?:st|nd|rd|th)?"
_LEAD = (
    r"(?:(?:by|before|until|till|no later than|on|for|due|within|in|at)\s+|over\s+(?=the\b))?"
    r"(?:the\s+)?"
)
_NUM = (
    r"(?P<n>\d{1,2}|an?|one|two|three|four|five|six|seven|eight|nine|ten|twelve"
    r"|(?:a\s+)?couple\s+of|(?:a\s+)?few)"
)
#: The count of "two weeks from now".
_FNUM = _NUM.replace("?P<n>", "?P<fn>")
_PART = r"(?:morning|afternoon|evening|night|lunch(?:time)?|noon|eod|cob)"
#: A clock time said as a deadline: "four o'clock", "10am", "ten" ending the sentence.
_HOUR = (
    r"(?:(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,2}(?::\d\d)?)"
    r"\s*(?:am\b|pm\b|a\.m\.|p\.m\.|o'clock)"
    r"|(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,2}(?::\d\d)?)"
    r"(?=\s*(?:[,.;!?]|$|today\b|tonight\b|latest\b|at\s+the\s+latest\b|and\b|so\b|then\b)))"
)
_EOD = (
    r"(?:eod|e\.o\.d\.?|cob|end\s+of\s+(?:the\s+)?(?:business\s+)?day|end\s+of\s+business"
    r"|close\s+of\s+(?:business|play))"
)

#: One pattern with a named group per kind of phrase; the first alternative that
#: matches at the earliest position wins, so longer phrases are listed first.
_DUE = re.compile(
    rf"""(?ix)\b{_LEAD}(?:
        (?P<iso>(?P<iy>\d{{4}})-(?P<im>\d{{1,2}})-(?P<id>\d{{1,2}}))
      | (?P<md>(?P<md_m>{_MON})\s+(?:the\s+)?(?P<md_d>{_DAY})\b(?:,?\s+(?P<md_y>\d{{4}}))?)
      | (?P<dm>(?P<dm_d>{_DAY})\s+(?:of\s+)?(?P<dm_m>{_MON})(?:,?\s+(?P<dm_y>\d{{4}}))?)
      | (?P<eomon>end\s+of\s+(?P<eomon_m>{_MON}))
      | (?P<after>day\s+after\s+tomorrow)
      | (?P<tomorrow>tomorrow(?:\s+(?:morning|afternoon|evening|night|eod|end\s+of\s+day))?
            |{_EOD}\s+tomorrow)
      | (?P<fromnow>{_FNUM}\s+(?P<funit>day|week|month)s?\s+from\s+(?:today|now))
      | (?P<wdnw>{_WD.replace("wd", "wd7")},?\s+(?:of\s+)?next\s+week\b)
      | (?P<midnw>mid(?:dle\s+of)?[\s-]+next\s+week\b)
      | (?P<midweek>mid[\s-]?week\b)
      | (?P<afterwe>after\s+the\s+weekend\b)
      | (?P<eodwd>{_EOD}\s+(?:on\s+)?(?:this\s+|next\s+)?{_WD.replace("wd", "wd3")})
      | (?P<wdnth>{_WD.replace("wd", "wd4")},?\s+(?:the\s+)?(?P<wdnth_d>{_DAY})\b)
      | (?P<wdpart>(?:this\s+|next\s+)?{_WD.replace("wd", "wd5")}\s+{_PART})
      | (?P<today>today(?!')|tonight|this\s+(?:afternoon|evening|morning)|later\s+today|{_EOD}
            |(?:right\s+)?after\s+(?:this|the)\s+(?:call|meeting)|end\s+of\s+(?:the\s+)?shift
            |(?:before|by)\s+(?:noon|lunch|service|close|{_HOUR}))
      | (?P<early>early\s+next\s+week|(?:the\s+)?start\s+of\s+next\s+week
            |first\s+thing\s+next\s+week)
      | (?P<weekend>(?:this\s+|the\s+|next\s+)weekend\b)
      | (?P<eow>eow|end\s+of\s+(?:the\s+|this\s+)?week\b|this\s+week\b)
      | (?P<nwwd>next\s+week,?\s+(?:on\s+)?{_WD.replace("wd", "wd6")})
      | (?P<nextweek>(?:end\s+of\s+)?next\s+week\b)
      | (?P<eom>end\s+of\s+(?:the\s+|this\s+)?month|this\s+month)
      | (?P<nextmonth>(?:end\s+of\s+)?next\s+month(?!'))
      | (?P<eoq>end\s+of\s+(?:the\s+|this\s+)?quarter)
      | (?P<eoy>end\s+of\s+(?:the\s+|this\s+)?year)
      | (?P<span>(?:next\s+|coming\s+)?{_NUM}\s+(?P<unit>day|week|month)s?\b(?:'\s*time)?)
      | (?P<nextwd>next\s+{_WD})
      | (?P<wday>(?:this\s+|coming\s+|this\s+coming\s+)?{_WD.replace("wd", "wd2")})
      | (?P<nth>(?P<nth_d>\d{{1,2}}(?:st|nd|rd|th)|{_SPELLED})\b)
      | (?P<vague>next\s+(?:meeting|time|session|call|sync|sprint)
            |the\s+next\s+(?:meeting|session|call|sprint)
            |our\s+next\s+(?:meeting|session|call)|soon|asap|a\.s\.a\.p\.?|as\s+soon\s+as\s+possible
            |(?:end\s+of\s+)?q[1-4]|(?:end\s+of\s+)?(?:the\s+)?(?:first|second|third|fourth)\s+quarter
            |(?:end\s+of\s+)?(?:the|this)\s+sprint
            |(?:the|our|your)\s+(?:\w+\s+){{0,2}}(?:offsite|off-site|launch|release|review|demo
            |board\s+meeting|kickoff|kick-off|retreat|summit|conference|holidays?|break|audit|deadline
            |trip|event|go-live|cutover|freeze)\b)
    )""",
)
#: A bare weekday is only a deadline after a preposition ("by Friday", not "Friday's demo
#: went well"); the lead group above is optional, so this checks the matched text.
_WEEKDAY_LEAD = re.compile(r"(?i)^(?:by|before|until|till|on|for|due|no later than|this|coming)\b")
_SPAN_LEAD = re.compile(r"(?i)^(?:in|within|over\s+the\s+(?:next|coming))\b")
_WEEKEND_LEAD = re.compile(r"(?i)^(?:by|before|until|till|on|for|due|over|at|this|next)\b")
#: Words before a bare weekday that make it a day talked about, not a deadline ("last
#: Monday", "every Friday", "since Tuesday"), or a name ("Black Friday").
_NOT_BEFORE_WEEKDAY = frozenset(
    [
        "last",
        "every",
        "since",
        "from",
        "past",
        "that",
        "each",
        "the",
        "a",
        "on",
        "of",
        "per",
        "black",
        "good",
        "cyber",
    ]
)
#: What may follow a bare weekday that ends a commitment ("send it Monday and ...").
_AFTER_WEEKDAY = re.compile(
    r"(?i)^(?:\s*(?:[,.;!?]|$)|\s+(?:and|or|but|so|then|because|if|at|latest|at\s+the\s+latest"
    r"|i|we|it's|that's|is\s+fine|works|ok|okay|yeah)\b)"
)
_NTH_LEAD = re.compile(r"(?i)^(?:by|before|until|till|on|due)\b")
_VAGUE_LEAD = re.compile(r"(?i)^(?:by|before|until|till|for|due|at|in)\b")
#: Vague phrases that are deadlines without a lead word.
_VAGUE_ALONE = re.compile(
    r"(?i)^(?:asap|a\.s\.a\.p|as\s+soon|soon|next\s+(?:meeting|time|sprint|session|call|sync))"
)


#: Every deadline phrase contains one of these; most sentences contain none, and this
#: pattern is much cheaper to try than the full one.
_HINT = re.compile(
    r"(?i)\d|to(?:day|night|morrow)|\b(?:eod|cob|eow|asap|soon|q[1-4])\b|e\.o\.d|a\.s\.a\.p|end\s+of"
    r"|close\s+of|week|month|quarter|year|\bdays?\b|\b(?:mon|tue|wed|thu|fri|sat|sun)"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)|first|second|third|fourth|fifth"
    r"|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|teenth|twent|thirt|\bnext\b|sprint"
    r"|mid[\s-]?week|weekend"
    r"|o'clock|\d\s*[ap]m|\b(?:by|before)\s+(?:one|two|three|four|six|seven|eight|nine|ten|eleven"
    r"|twelve)\b"
    r"|after\s+(?:this|the)|lunch|noon|service|shift|\bfive\b|as\s+soon|before\s+(?:the|our|your)"
    r"|(?:by|until|till|for|due|at|in)\s+(?:the|our|your)\s"
)


def find_due(text: str, meeting_date: date | None) -> tuple[date | None, str | None]:
    """The first deadline phrase in ``text`` and its date (``None`` when not resolvable)."""
    if _HINT.search(text) is None:
        return None, None
    matches = list(_DUE.finditer(text))
    for k, match in enumerate(matches):
        phrase = match.group().strip()
        if not _acceptable(match, phrase, text):
            continue
        later = matches[k + 1] if k + 1 < len(matches) else None
        if match["vague"]:
            # "before the deadline on the thirty-first": the date says when the deadline is.
            for other in matches[k + 1 :]:
                if other.start() - match.end() > 40:
                    break
                other_phrase = other.group().strip()
                if not other["vague"] and _acceptable(other, other_phrase, text):
                    return _resolve(other, meeting_date), other_phrase
        if (
            (match["wday"] or match["nextwd"])
            and later is not None
            and (later["md"] or later["dm"] or later["iso"])
            and re.fullmatch(r"[\s,]*(?:the\s+)?", text[match.end() : later.start()])
        ):
            # "by Friday, November 6th": the explicit date says which Friday.
            return _resolve(later, meeting_date), text[match.start() : later.end()].strip()
        return _resolve(match, meeting_date), phrase
    return None, None


def _acceptable(match: re.Match[str], phrase: str, text: str) -> bool:
    """Some kinds are only deadlines with a lead word ("in two weeks", "by the 5th"); a
    weekday also where it ends what is said ("I'll send the reminders Monday"); nothing
    after "not" ("not before Monday" says when the work may start)."""
    before = text[: match.start()].split()
    if before and before[-1].lower() == "not":
        return False
    if match["wday"] and not _WEEKDAY_LEAD.match(phrase) and not _bare_weekday(match, text):
        return False
    if match["weekend"] and not _WEEKEND_LEAD.match(phrase):
        return False
    if match["span"] and not _SPAN_LEAD.match(phrase):
        return False
    if match["nth"] and not (
        _NTH_LEAD.match(phrase) and (match["nth_d"][:1].isdigit() or " the " in f" {phrase} ")
    ):
        return False
    if match["vague"] and _QUARTER.search(phrase) and _NOUN_AFTER.match(text[match.end() :]):
        return False  # "the invite for the Q3 kickoff": a name, not a deadline
    return not (match["vague"] and not (_VAGUE_LEAD.match(phrase) or _VAGUE_ALONE.match(phrase)))


_QUARTER = re.compile(r"(?i)\bq[1-4]$")
#: A word that goes on naming something after "Q3" ("the Q3 kickoff", "Q1 numbers").
_NOUN_AFTER = re.compile(
    r"(?i)^\s+(?!(?:and|or|but|so|then|because|if|at|please|latest|i|we|you|they|it)\b)[a-z]{3,}"
)


_ALONE_WEEKDAY = re.compile(r"(?i)^\s*(?:at\s+the\s+latest|latest|eod)?\s*[.!?]?\s*$")


def _bare_weekday(match: re.Match[str], text: str) -> bool:
    """A weekday without a lead word that ends what is said about the work: "I'll send the
    reminders Monday", "probably Thursday", "you'll have it Thursday"."""
    before = text[: match.start()].split()
    after = text[match.end() :]
    if not before:
        # An answer to "when?": "Friday." or "Monday at the latest".
        return _ALONE_WEEKDAY.match(after) is not None
    if before[-1].lower().strip(",") in _NOT_BEFORE_WEEKDAY:
        return False
    return _AFTER_WEEKDAY.match(after) is not None


def _resolve(match: re.Match[str], anchor: date | None) -> date | None:
    if match["iso"]:
        return _safe_date(int(match["iy"]), int(match["im"]), int(match["id"]))
    if match["md"] or match["dm"]:
        return _month_day(match, anchor)
    if anchor is None or match["vague"]:
        return None
    return _relative(match, anchor)


def _relative(match: re.Match[str], anchor: date) -> date | None:
    friday = anchor + timedelta(days=4 - anchor.weekday())
    monday_next = anchor - timedelta(days=anchor.weekday()) + timedelta(days=7)
    simple = {
        "after": anchor + timedelta(days=2),
        "tomorrow": anchor + timedelta(days=1),
        "today": anchor,
        "early": monday_next,
        "eow": friday if friday >= anchor else anchor,
        "nextweek": friday + timedelta(days=7),
        "eom": _month_end(anchor.year, anchor.month),
        "nextmonth": _month_end(*_add_months(anchor.year, anchor.month, 1)),
        "eoq": _month_end(anchor.year, ((anchor.month - 1) // 3 + 1) * 3),
        "eoy": date(anchor.year, 12, 31),
    }
    for kind, value in simple.items():
        if match[kind]:
            return value
    if match["weekend"]:
        if match.group().lower().split()[0] == "before":
            return friday if friday >= anchor else anchor
        saturday = anchor + timedelta(days=(5 - anchor.weekday()) % 7)
        if anchor.weekday() == 6:
            saturday = anchor
        if "next" in match.group().lower().split():
            saturday += timedelta(days=7)
        return saturday
    if match["nwwd"]:
        return monday_next + timedelta(days=_weekday(match["wd6"]))
    if match["wdnw"]:
        return monday_next + timedelta(days=_weekday(match["wd7"]))
    if match["midnw"]:
        return monday_next + timedelta(days=2)
    if match["midweek"]:
        wednesday = anchor + timedelta(days=2 - anchor.weekday())
        return wednesday if wednesday >= anchor else anchor
    if match["afterwe"]:
        return monday_next
    if match["fromnow"]:
        raw = " ".join(match["fn"].lower().split())
        count = int(raw) if raw.isdigit() else _NUMBERS.get(raw, 1)
        unit = match["funit"].lower()
        days = count * {"day": 1, "week": 7}.get(unit, 0)
        if unit == "month":
            year, month = _add_months(anchor.year, anchor.month, count)
            return _safe_date(year, month, min(anchor.day, calendar.monthrange(year, month)[1]))
        return anchor + timedelta(days=days)
    if match["eomon"]:
        month = _month(match["eomon_m"])
        year = anchor.year + (1 if month < anchor.month else 0)
        return _month_end(year, month)
    if match["span"]:
        return _span(match, anchor)
    if match["nextwd"]:
        return monday_next + timedelta(days=_weekday(match["wd"]))
    for group in ("wd2", "wd3", "wd5"):
        if match[group]:
            if "next" in match.group().lower().split():
                return monday_next + timedelta(days=_weekday(match[group]))
            ahead = (_weekday(match[group]) - anchor.weekday()) % 7
            return anchor + timedelta(days=ahead or 7)
    if match["wdnth"]:
        return _next_day_of_month(anchor, _day_number(match["wdnth_d"]))
    if match["nth"]:
        return _next_day_of_month(anchor, _day_number(match["nth_d"]))
    return None


def _day_number(text: str) -> int:
    """ "15th" -> 15, "fifteenth" -> 15, "twenty fifth" -> 25."""
    words = re.split(r"[\s-]+", text.lower())
    if words[0][:1].isdigit():
        return int(re.sub(r"\D", "", words[0]))
    tens = {"twenty": 20, "twentieth": 20, "thirty": 30, "thirtieth": 30}
    total = 0
    for word in words:
        if word in tens:
            total += tens[word]
        elif word in _ORDINALS:
            total += _ORDINALS.index(word) + 1
    return total


def _span(match: re.Match[str], anchor: date) -> date:
    raw = " ".join(match["n"].lower().split())
    count = int(raw) if raw.isdigit() else _NUMBERS.get(raw, 1)
    unit = match["unit"].lower()
    if unit == "day":
        return anchor + timedelta(days=count)
    if unit == "week":
        return anchor + timedelta(weeks=count)
    year, month = _add_months(anchor.year, anchor.month, count)
    return _safe_date(year, month, min(anchor.day, calendar.monthrange(year, month)[1])) or anchor


def _weekday(token: str) -> int:
    token = token.lower()
    return next(i for i, name in enumerate(_WEEKDAYS) if name.startswith(token[:3]))


def _month(token: str) -> int:
    token = token.lower().rstrip(".")
    return next(i for i, name in enumerate(_MONTHS, start=1) if name.startswith(token[:3]))


def _month_day(match: re.Match[str], anchor: date | None) -> date | None:
    if match["md"]:
        month, day, year = _month(match["md_m"]), _day_number(match["md_d"]), match["md_y"]
    else:
        month, day, year = _month(match["dm_m"]), _day_number(match["dm_d"]), match["dm_y"]
    if year:
        return _safe_date(int(year), month, day)
    if anchor is None:
        return None
    found = _safe_date(anchor.year, month, day)
    if found is not None and found < anchor:
        found = _safe_date(anchor.year + 1, month, day)
    return found


def _next_day_of_month(anchor: date, day: int) -> date | None:
    year, month = anchor.year, anchor.month
    for _ in range(12):
        found = _safe_date(year, month, day)
        if found is not None and found >= anchor:
            return found
        year, month = _add_months(year, month, 1)
    return None


def _add_months(year: int, month: int, count: int) -> tuple[int, int]:
    total = year * 12 + (month - 1) + count
    return total // 12, total % 12 + 1


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
