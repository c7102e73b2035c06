"""Pages and their cursors: one shape for every listing, one codec for every cursor.

A cursor is opaque to clients: URL-safe base64 of a JSON list whose first element names
what it pages (a sort such as ``-updated``, ``recent``, ``candidates``...) and whose other
elements are the last row's sort values. Decoding checks every value's kind and range
before a query sees it, so a damaged or forged cursor (a naive timestamp, a number no
column can hold, NaN, Infinity, garbage) is a 422 naming the cursor, never a 500.
"""

import base64
import binascii
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any, Generic, TypeVar

from workitems.bounds import MAX_ID
from workitems.errors import ValidationError

T = TypeVar("T")

#: Longer than any cursor this codec writes; longer input is refused before decoding.
MAX_CURSOR_LENGTH = 512


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a listing and the cursor of the next (``None`` on the last page)."""

    items: Sequence[T]
    next_cursor: str | None = None


class Part(Enum):
    """What one value of a cursor must be."""

    #: A row id: 1 to ``MAX_ID``.
    id = "id"
    #: A small ordinal (a priority's rank): within plus or minus ``MAX_ID``.
    rank = "rank"
    #: A position in a 64-bit sequence (SQLite's FTS rowid): 1 to 2**63 - 1.
    sequence = "sequence"
    #: A finite number (a relevance score).
    score = "score"
    #: A timezone-aware ISO 8601 timestamp.
    time = "time"
    #: An ISO 8601 date.
    day = "day"


CursorValue = int | float | datetime | date
_INTEGER_RANGE = {Part.id: (1, MAX_ID), Part.rank: (-MAX_ID, MAX_ID), Part.sequence: (1, 2**63 - 1)}


def encode_cursor(kind: str, *values: CursorValue) -> str:
    payload = [kind, *(v.isoformat() if isinstance(v, date) else v for v in values)]
    raw = json.dumps(payload, allow_nan=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, kind: str, *parts: Part) -> list[Any]:
    """The values of a cursor made by ``encode_cursor(kind, ...)``, checked against
    ``parts``; ``ValidationError`` (422) for anything else."""
    payload = _payload(cursor)
    if payload[0] != kind:
        found = payload[0] if isinstance(payload[0], str) else "another listing"
        raise ValidationError(
            f"This cursor was made for {found!r}, not {kind!r}; pass back `next_cursor` "
            "as given, with the same query and sort.",
            field="cursor",
        )
    values = payload[1:]
    if len(values) != len(parts):
        raise _malformed()
    return [_check(value, part) for value, part in zip(values, parts, strict=True)]


def _payload(cursor: str) -> list[Any]:
    if not cursor.isascii() or len(cursor) > MAX_CURSOR_LENGTH:
        raise _malformed()
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        payload = json.loads(raw, parse_constant=_no_constant)
    except (binascii.Error, ValueError, RecursionError):
        raise _malformed() from None
    if not isinstance(payload, list) or not payload:
        raise _malformed()
    return payload


def _no_constant(name: str) -> None:
    raise ValueError(name)  # NaN, Infinity and -Infinity are no cursor value


def _check(value: Any, part: Part) -> Any:
    if part in _INTEGER_RANGE:
        low, high = _INTEGER_RANGE[part]
        if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
            return value
    elif part is Part.score:
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if number and math.isfinite(value):
            return float(value)
    elif isinstance(value, str):
        try:
            if part is Part.day:
                return date.fromisoformat(value)
            moment = datetime.fromisoformat(value)
            if moment.tzinfo is not None:
                return moment.astimezone(UTC)  # year 9999 at -05:00 is no storable time
        except (ValueError, OverflowError):
            raise _malformed() from None
    raise _malformed()


def _malformed() -> ValidationError:
    return ValidationError(
        "The cursor is malformed; pass back `next_cursor` as given.", field="cursor"
    )
