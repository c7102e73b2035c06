"""Quick add: one typed line becomes a task, ``Send the Q3 deck @priya due:friday !high
#finance``.

The vocabulary is the search language's (``assignee:``/``owner:``, ``priority:``,
``label:``, ``due:``) plus the shorthands of quick-add tools: ``@owner``, ``!priority``,
``#label``. Quotes keep spaces (``@"Priya Shah"``, ``due:"next friday"``). Whatever is not
one of these stays in the title, word for word, so "Re: budget", "C#" or "!now" survive:
only a known filter name before a colon, and ``!`` before a real priority, are read.

Dates read like the transcript's deadlines, against ``today`` (the caller passes today in
the server's time zone): ``due:friday`` is the coming Friday, ``due:tomorrow``,
``due:"next week"``, ``due:2026-12-01``, ``due:3d`` (in three days). Parsing is pure; the
owner stays a reference for the person resolver.
"""

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from pydantic import ValidationError as PydanticValidationError
from sqlalchemy.orm import Session

from workitems.errors import ValidationError, WorkitemsError
from workitems.search.query import ALIASES, Field, parse_when
from workitems.task.enums import Priority
from workitems.task.schemas import TaskCreate
from workitems.transcript.dates import find_due
from workitems.user.resolve import person_json, resolve_person

#: A filter-like token: ``@x``, ``#x``, ``!x`` or ``name:x``, each value bare or quoted.
_TOKEN = re.compile(r'(?<!\S)(?P<lead>[@#!]|(?P<name>[A-Za-z]+):)(?P<value>"[^"]*"|\S+)(?!\S)')
_FIELDS = {Field.assignee, Field.priority, Field.label, Field.due}


@dataclass(frozen=True)
class QuickAdd:
    """What a line says; ``owner`` is unresolved text, ``due_text`` what was typed."""

    title: str
    owner: str | None = None
    due: date | None = None
    due_text: str | None = None
    priority: Priority | None = None
    labels: list[str] = field(default_factory=list)


def parse_quick_add(line: str, *, today: date) -> QuickAdd:
    owner: str | None = None
    due: date | None = None
    due_text: str | None = None
    priority: Priority | None = None
    labels: list[str] = []
    kept: list[str] = []
    last = 0
    for match in _TOKEN.finditer(line):
        field_ = _field(match)
        if field_ is None:
            continue
        value = match["value"]
        value = value[1:-1].strip() if value.startswith('"') else value
        if not value or (match["lead"] == "!" and value.lower() not in Priority.__members__):
            continue  # "Ship it !now" keeps its text; only a real priority is read
        kept.append(line[last : match.start()])
        last = match.end()
        if field_ is Field.assignee:
            owner = value
        elif field_ is Field.priority:
            priority = _priority(value)
        elif field_ is Field.label:
            labels.extend(v.strip() for v in value.split(",") if v.strip())
        else:
            due, due_text = resolve_due(value, today=today), value
    kept.append(line[last:])
    title = " ".join(" ".join(kept).split())
    if not title:
        raise ValidationError("Give the task a title as well.", field="title")
    return QuickAdd(
        title=title,
        owner=owner,
        due=due,
        due_text=due_text,
        priority=priority,
        labels=list(dict.fromkeys(labels)),
    )


def resolve_due(value: str, *, today: date) -> date:
    """A typed due date: ISO, ``today``, ``3d``/``2w`` from today, or a deadline phrase."""
    text = value.strip().lower()
    when = parse_when(text)
    if isinstance(when, date):
        return when
    if isinstance(when, int):
        return today + timedelta(days=when)
    for phrase in (text, f"by {text}"):
        found, matched = find_due(phrase, today)
        if found is not None and matched is not None and matched.endswith(text):
            return found
    raise ValidationError(
        f'Cannot read the due date {value!r}; try friday, tomorrow, 3d, "next week" or 2026-12-01.',
        field="due_date",
    )


def _field(match: re.Match[str]) -> Field | None:
    lead = match["lead"]
    if lead == "@":
        return Field.assignee
    if lead == "#":
        return Field.label
    if lead == "!":
        return Field.priority
    name = match["name"].lower()
    try:
        found = ALIASES.get(name) or Field(name)
    except ValueError:
        return None
    return found if found in _FIELDS else None


def _priority(value: str) -> Priority:
    try:
        return Priority(value.lower())
    except ValueError:
        options = ", ".join(p.value for p in Priority)
        raise ValidationError(
            f"Unknown priority {value!r}; use one of: {options}.", field="priority"
        ) from None


@dataclass(frozen=True)
class TaskForm:
    """The web's New task form: the line (quick add or a plain title) and the optional
    fields beside it, as typed. A filled field wins over the line's token; labels join."""

    line: str
    description: str = ""
    owner: str = ""
    due: str = ""
    priority: str = ""
    labels: str = ""
    #: The owner when neither the field nor the line names one (``me`` on My work).
    default_owner: str = ""


def draft_task(form: TaskForm, *, today: date) -> TaskCreate:
    """The task the form describes, not yet saved (owners stay references)."""
    quick = parse_quick_add(form.line, today=today)
    due = resolve_due(form.due, today=today) if form.due.strip() else quick.due
    priority = _priority(form.priority.strip()) if form.priority.strip() else quick.priority
    typed = [part.strip() for part in form.labels.split(",") if part.strip()]
    owner = form.owner.strip() or quick.owner or form.default_owner.strip() or None
    data = {
        "title": quick.title,
        "description": form.description,
        "assignee": owner,
        "due_date": due,
        "priority": priority or Priority.none,
        "labels": list(dict.fromkeys([*quick.labels, *typed])),
    }
    try:
        return TaskCreate.model_validate(data)
    except PydanticValidationError as error:
        first = error.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "title"
        raise ValidationError(f"{name.capitalize()}: {first['msg']}.", field=name) from None


def preview_task(session: Session, form: TaskForm, *, today: date, actor_id: int) -> dict[str, Any]:
    """What the form would create, for the preview under the box: each part as understood,
    the owner resolved (or the resolver's complaint), so nothing surprises on save."""
    try:
        draft = draft_task(form, today=today)
    except WorkitemsError as exc:
        return {"error": exc.detail}
    preview: dict[str, Any] = {
        "title": draft.title,
        "due": draft.due_date.isoformat() if draft.due_date else None,
        "priority": draft.priority.value,
        "labels": draft.labels,
        "owner": None,
    }
    if draft.assignee is not None:
        try:
            user = resolve_person(session, draft.assignee, actor_id=actor_id, assignable=True)
            preview["owner"] = person_json(user) if user else None
        except WorkitemsError as exc:
            preview["error"] = exc.detail
    return preview
