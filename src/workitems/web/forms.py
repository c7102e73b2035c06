"""Turning posted form fields into the services' input models.

HTML forms send every field as text, empty when blank; the services take the same
pydantic models as the API. A field that fails validation becomes a domain
``ValidationError`` naming it, which the page shows next to the form.
"""

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from workitems.errors import ValidationError

M = TypeVar("M", bound=BaseModel)

FIELD_NAMES = {"due_date": "due date", "due": "due date", "assignee": "owner"}


def validated(model: type[M], data: Mapping[str, Any]) -> M:
    try:
        return model.model_validate(data)
    except PydanticValidationError as error:
        first = error.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "form"
        name = FIELD_NAMES.get(field, field.replace("_", " "))
        raise ValidationError(f"{name.capitalize()}: {first['msg']}.", field=field) from None


def blank_to_none(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def split_list(value: str | None) -> list[str]:
    """``"a, b,,c"`` -> ``["a", "b", "c"]``: how labels and aliases are typed."""
    return [part.strip() for part in (value or "").split(",") if part.strip()]
