"""Who was in a meeting, as people type it: the web's lines (``Name (role) <email> |
alias, alias``) or a JSON list of ``{name, role?, email?, aliases?}``. The web form and the
CLI's ``--participants FILE`` read both, so one file serves every entry point."""

import json
import re
from typing import Any

from workitems.errors import ValidationError

_PARTICIPANT = re.compile(
    r"^(?P<name>[^<(]+?)\s*(?:\((?P<role>[^)]*)\))?\s*(?:<(?P<email>[^>]+)>)?$"
)


def parse_participants(text: str, *, source: str = "Participants") -> list[dict[str, Any]]:
    """JSON when the text starts with ``[``, the lines format otherwise."""
    if text.lstrip().startswith("["):
        return _from_json(text, source)
    return _from_lines(text, source)


def _from_lines(text: str, source: str) -> list[dict[str, Any]]:
    people = []
    for number, line in enumerate(text.splitlines(), start=1):
        head, _, aliases = line.partition("|")
        if not head.strip():
            continue
        found = _PARTICIPANT.match(head.strip())
        if found is None:
            raise ValidationError(
                f"{source}, line {number}: write 'Name (role) <email> | alias, alias'.",
                field="participants",
            )
        person: dict[str, Any] = {"name": found["name"].strip()}
        if found["role"]:
            person["role"] = found["role"].strip()
        if found["email"]:
            person["email"] = found["email"].strip()
        names = [a.strip() for a in aliases.split(",") if a.strip()]
        if names:
            person["aliases"] = names
        people.append(person)
    return people


def _from_json(text: str, source: str) -> list[dict[str, Any]]:
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValidationError(
            f"{source}: line {error.lineno}: {error.msg}", field="participants"
        ) from None
    if not isinstance(raw, list) or not all(
        isinstance(p, dict) and isinstance(p.get("name"), str) and p["name"].strip() for p in raw
    ):
        raise ValidationError(
            f"{source} must be a JSON list of {{name, role?, email?, aliases?}}.",
            field="participants",
        )
    people = []
    for entry in raw:
        person: dict[str, Any] = {"name": entry["name"].strip()}
        for key in ("role", "email"):
            if isinstance(entry.get(key), str) and entry[key].strip():
                person[key] = entry[key].strip()
        aliases = entry.get("aliases")
        if isinstance(aliases, list) and any(isinstance(a, str) and a.strip() for a in aliases):
            person["aliases"] = [a.strip() for a in aliases if isinstance(a, str) and a.strip()]
        people.append(person)
    return people
