"""Input bounds every schema and transport shares: what both databases can store.

PostgreSQL's ``integer`` ends at 2**31 - 1 and SQLite's at 2**63 - 1; an id beyond the
smaller can name no row, so inputs are bounded there and a larger one is answered 422
(or 404 where it names a resource), never 500. Only ASCII digits make a number:
``"²".isdigit()`` is true, yet ``int("²")`` fails.
"""

from typing import Annotated

from pydantic import Field

MAX_ID = 2**31 - 1

#: A row id as a request field: positive and storable on both databases.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
#: A count or index stored in an integer column or JSON (utterance indexes, days).
Count = Annotated[int, Field(ge=0, le=MAX_ID)]


def parse_id(text: str) -> int | None:
    """``"42"`` is 42; anything else (signs, spaces, non-ASCII digits, > ``MAX_ID``) is
    ``None``, for the caller to answer 404 or 422."""
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None
