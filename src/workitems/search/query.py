"""The search language: free words and phrases mixed with ``name:value`` filters.

Parsing is pure and strict. A misspelt filter (``stauts:pending``) or an unclosed quote is
an error naming the term and its position, never silently read as text: a query that
quietly matches nothing is worse than one that says why it cannot run.

Grammar, one term per whitespace-separated run::

    term      = ["-"] (phrase | filter | word)
    phrase    = '"' any text '"'
    filter    = name ":" [op] (value | phrase)       op = "<" | "<=" | ">" | ">=" | "="
    word      = letters or digits, optionally ending in "*" for a prefix match

Values are checked here (a status must be a status, a date a date) so the compiler that
turns a query into SQL only meets well-formed input.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from workitems.errors import ValidationError
from workitems.task.enums import Priority, TaskSource, TaskStatus


class Op(StrEnum):
    eq = "="
    lt = "<"
    le = "<="
    gt = ">"
    ge = ">="


class Field(StrEnum):
    status = "status"
    priority = "priority"
    assignee = "assignee"
    label = "label"
    due = "due"
    overdue = "overdue"
    updated = "updated"
    created = "created"
    source = "source"
    is_ = "is"


#: Other spellings people reach for; each maps to one field.
ALIASES = {"owner": Field.assignee, "assigned": Field.assignee, "labels": Field.label}

#: ``is:`` values; ``open`` is the default scope, the others widen or narrow it.
IS_VALUES = frozenset({"open", "closed", "all", "overdue", "unassigned"})

#: ``status:`` shorthands besides the six statuses.
STATUS_GROUPS = frozenset({"open", "closed", "all"})

ORDERED_FIELDS = frozenset({Field.priority, Field.due, Field.updated, Field.created})

_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*", re.UNICODE)
_NAME = re.compile(r"[A-Za-z_]+")
_RELATIVE = re.compile(r"(\d{1,4})([dw])", re.IGNORECASE)


class QuerySyntaxError(ValidationError):
    """A query that cannot be read; ``term`` and ``position`` (0-based) say where."""

    title = "Invalid search query"

    def __init__(self, detail: str, *, term: str, position: int) -> None:
        super().__init__(
            f"{detail} (at position {position}: {term!r})",
            field="q",
            term=term,
            position=position,
        )


@dataclass(frozen=True)
class TextTerm:
    """A word, prefix or phrase; ``negated`` for ``-word``."""

    text: str
    position: int
    negated: bool = False
    phrase: bool = False
    prefix: bool = False


@dataclass(frozen=True)
class Filter:
    field: Field
    op: Op
    values: tuple[str, ...]
    position: int
    raw: str
    negated: bool = False


@dataclass
class ParsedQuery:
    text: list[TextTerm] = field(default_factory=list)
    filters: list[Filter] = field(default_factory=list)

    @property
    def positive_text(self) -> list[TextTerm]:
        return [t for t in self.text if not t.negated]

    @property
    def negative_text(self) -> list[TextTerm]:
        return [t for t in self.text if t.negated]

    def names_closed_work(self) -> bool:
        """Whether the query asks about statuses itself, so closed work is not hidden."""
        return any(
            f.field is Field.status or (f.field is Field.is_ and set(f.values) & STATUS_GROUPS)
            for f in self.filters
        )


def parse(q: str) -> ParsedQuery:
    parsed = ParsedQuery()
    for raw, position in _split(q):
        negated = raw.startswith("-") and len(raw) > 1
        body = raw[1:] if negated else raw
        if body.startswith('"'):
            parsed.text.extend(_phrase(body, position, negated))
            continue
        name, colon, value = body.partition(":")
        if colon and _NAME.fullmatch(name):
            parsed.filters.append(_filter(name, value, raw, position, negated))
            continue
        parsed.text.extend(_words(body, position, negated))
    return parsed


def _split(q: str) -> list[tuple[str, int]]:
    """Whitespace-separated terms with their offsets; quotes keep their spaces."""
    terms: list[tuple[str, int]] = []
    i, n = 0, len(q)
    while i < n:
        if q[i].isspace():
            i += 1
            continue
        start = i
        while i < n and not q[i].isspace():
            if q[i] == '"':
                end = q.find('"', i + 1)
                if end < 0:
                    raise QuerySyntaxError(
                        'This quote is never closed; end the phrase with a second "',
                        term=q[start:],
                        position=start,
                    )
                i = end + 1
            else:
                i += 1
        terms.append((q[start:i], start))
    return terms


def _phrase(body: str, position: int, negated: bool) -> list[TextTerm]:
    if not body.endswith('"') or len(body) < 2:
        raise QuerySyntaxError(
            "Text after a closing quote must be separated by a space", term=body, position=position
        )
    words = _WORD.findall(body[1:-1])
    if not words:
        return []
    return [TextTerm(" ".join(words), position, negated=negated, phrase=len(words) > 1)]


def _words(body: str, position: int, negated: bool) -> list[TextTerm]:
    """``follow-up`` is one phrase of two words, as both search engines tokenise it."""
    prefix = body.endswith("*")
    words = _WORD.findall(body.rstrip("*"))
    if not words:
        return []
    if len(words) > 1:
        return [TextTerm(" ".join(words), position, negated=negated, phrase=True)]
    return [TextTerm(words[0], position, negated=negated, prefix=prefix)]


def _filter(name: str, value: str, raw: str, position: int, negated: bool) -> Filter:
    lowered = name.lower()
    try:
        field_ = ALIASES.get(lowered) or Field(lowered)
    except ValueError:
        known = ", ".join(f"{f.value}:" for f in Field)
        raise QuerySyntaxError(
            f"Unknown filter {name!r}; use one of {known} or quote the text",
            term=raw,
            position=position,
        ) from None
    op = Op.eq
    for candidate in (Op.le, Op.ge, Op.lt, Op.gt, Op.eq):
        if value.startswith(candidate.value):
            op, value = candidate, value[len(candidate.value) :]
            break
    if op is not Op.eq and field_ not in ORDERED_FIELDS:
        raise QuerySyntaxError(
            f"{field_.value}: takes no comparison; only priority, due, updated and created do",
            term=raw,
            position=position,
        )
    if value.startswith('"') and value.endswith('"') and len(value) >= 2:
        values: tuple[str, ...] = (value[1:-1].strip(),)
    else:
        values = tuple(v.strip() for v in value.split(",") if v.strip())
    if not values:
        raise QuerySyntaxError(
            f"{field_.value}: needs a value, as in {_EXAMPLES[field_]}", term=raw, position=position
        )
    if op is not Op.eq and len(values) > 1:
        raise QuerySyntaxError(
            "A comparison takes one value, not a list", term=raw, position=position
        )
    found = Filter(field_, op, tuple(v.lower() for v in values), position, raw, negated)
    _check_values(found)
    return found


_EXAMPLES = {
    Field.status: "status:pending,in_progress",
    Field.priority: "priority:>=high",
    Field.assignee: "assignee:me, assignee:none or assignee:ana@example.com",
    Field.label: "label:billing",
    Field.due: "due:<2026-12-01 or due:<7d",
    Field.overdue: "overdue:true",
    Field.updated: "updated:<30d or updated:>2026-01-01",
    Field.created: "created:>2026-01-01",
    Field.source: "source:transcript",
    Field.is_: "is:closed",
}


def _check_values(f: Filter) -> None:
    def bad(message: str) -> QuerySyntaxError:
        return QuerySyntaxError(
            f"{message}; for example {_EXAMPLES[f.field]}", term=f.raw, position=f.position
        )

    for value in f.values:
        if f.field is Field.status and value not in STATUS_GROUPS:
            if value not in TaskStatus.__members__:
                options = ", ".join([*TaskStatus, *sorted(STATUS_GROUPS)])
                raise bad(f"Unknown status {value!r} (use {options})")
        elif f.field is Field.priority and value not in Priority.__members__:
            raise bad(f"Unknown priority {value!r} (use {', '.join(Priority)})")
        elif f.field is Field.source and value not in {s.value for s in TaskSource}:
            raise bad(f"Unknown source {value!r} (use {', '.join(s.value for s in TaskSource)})")
        elif f.field is Field.overdue and value not in ("true", "false"):
            raise bad("overdue: is true or false")
        elif f.field is Field.is_ and value not in IS_VALUES:
            raise bad(f"Unknown is: value {value!r} (use {', '.join(sorted(IS_VALUES))})")
        elif f.field in (Field.due, Field.updated, Field.created):
            if f.field is Field.due and value == "none" and f.op is Op.eq:
                continue
            if parse_when(value) is None:
                raise bad(f"{value!r} is neither a date (YYYY-MM-DD) nor an age like 30d or 2w")


def parse_when(value: str) -> date | int | None:
    """A date, ``today`` (age 0) or a relative age in days (``30d``, ``2w``)."""
    if value == "today":
        return 0
    match = _RELATIVE.fullmatch(value)
    if match:
        amount, unit = int(match.group(1)), match.group(2).lower()
        return amount * (7 if unit == "w" else 1)
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None
