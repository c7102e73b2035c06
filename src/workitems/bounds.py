"""Input bounds every schema and transport shares: what both databases can store.

PostgreSQL's ``integer`` ends at 2**31 - 1 and SQLite's at 2**63 - 1; an id beyond the
smaller can name no row, so inputs are bounded there and a larger one is answered 422
(or 404 where it names a resource), never 500. Only ASCII digits make a number:
``"²".isdigit()`` is true, yet ``int("²")`` fails.

JSON bodies are validated after parsing, in pydantic's lax mode, which would read ``0`` as
``false`` or as the date 1970-01-01; ``Day`` and ``Flag`` take only what the OpenAPI
schema promises (an ISO date string, a JSON boolean).
"""

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, Strict, StrictBool
from pydantic_core import PydanticCustomError

MAX_ID = 2**31 - 1

#: A row id as a request field: a JSON integer (not ``true``), positive and storable on
#: both databases.
Id = Annotated[int, Strict(), Field(ge=1, le=MAX_ID)]
#: The same, from a form field or other text.
TextId = Annotated[int, Field(ge=1, le=MAX_ID)]
#: A fraction such as a confidence: a JSON number, not ``false``.
Fraction = Annotated[float, Strict(), Field(ge=0, le=1)]
#: A count or index stored in an integer column or JSON (utterance indexes, days): a JSON
#: integer, not ``false``.
Count = Annotated[int, Strict(), Field(ge=0, le=MAX_ID)]


_NUMBER = re.compile(r"[+-]?\d+(\.\d*)?([eE][+-]?\d+)?")


def _iso_text(value: Any) -> Any:
    if isinstance(value, int | float) or (isinstance(value, str) and _NUMBER.fullmatch(value)):
        raise ValueError("dates and times are written in ISO 8601 (2026-12-04), not as numbers")
    return value


#: A calendar day in a request: ``"2026-12-04"``, never a number.
Day = Annotated[date, BeforeValidator(_iso_text)]
#: A moment in a request: ISO 8601 text, never a number of seconds.
Instant = Annotated[datetime, BeforeValidator(_iso_text)]
#: A yes/no in a request body: ``true`` or ``false``, never ``0`` or ``"yes"``.
Flag = StrictBool


def parse_id(text: str) -> int | None:
    """``"42"`` is 42; anything else (signs, spaces, non-ASCII digits, > ``MAX_ID``) is
    ``None``, for the caller to answer 404 or 422."""
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


def _stripped_nonblank(value: str) -> str:
    value = value.strip()
    if not value:
        raise PydanticCustomError(
            "string_too_short",
            "String should have at least {min_length} character",
            {"min_length": 1},
        )
    return value


#: Text limits hold for what the client sent, as the OpenAPI schema says (``maxLength``
#: counts the raw value); the stored value is then trimmed. ``STRIP`` trims,
#: ``STRIP_NONBLANK`` trims and refuses what is left empty.
STRIP = AfterValidator(str.strip)
STRIP_NONBLANK = AfterValidator(_stripped_nonblank)
