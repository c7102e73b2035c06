"""The one reading of a person reference, used wherever someone names an owner: the API's
owner fields and filters, the web's forms, the CLI, the search language and quick add.

A reference is an id, an email, ``me``, ``none``, a display name, an alias or the email's
local part, compared without case; failing an exact match, a prefix of a name or of one of
its words ("pri" for Priya Shah) that fits exactly one person. Exact matches win over
prefixes, so "Sam" means the user called Sam even when Samantha exists. A reference that
fits several people is refused with the list of them, never guessed; so is one that fits
nobody.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from workitems.bounds import MAX_ID
from workitems.errors import ValidationError
from workitems.user import repository
from workitems.user.models import User

#: The words that are not names.
ME = "me"
NOBODY = "none"
#: How many matches an ambiguous reference lists.
MAX_LISTED = 10


class UnknownPersonError(ValidationError):
    title = "Unknown person"


class AmbiguousPersonError(ValidationError):
    """``matches`` lists everyone the reference fits, so the caller can pick one."""

    title = "Ambiguous person"


@dataclass(frozen=True)
class PersonMatch:
    """What a name means among a set of people: exactly one ``user``, or the ``matches``
    it could mean (empty when it fits nobody)."""

    user: User | None = None
    matches: Sequence[User] = field(default_factory=tuple)


def match_person(people: Iterable[User], text: str) -> PersonMatch:
    """Read a name, alias, email or prefix against ``people`` (pure, so a batch can load
    the users once). Ids, ``me`` and ``none`` are the caller's: see ``resolve_person``."""
    needle = text.strip().casefold()
    if not needle:
        return PersonMatch()
    exact: list[User] = []
    prefix: list[User] = []
    for person in people:
        names = _names(person)
        if needle in names:
            exact.append(person)
        elif any(name.startswith(needle) for name in names) or any(
            word.startswith(needle) for name in names for word in name.split()
        ):
            prefix.append(person)
    found = exact or prefix
    if len(found) == 1:
        return PersonMatch(user=found[0], matches=tuple(found))
    return PersonMatch(matches=tuple(sorted(found, key=lambda u: (u.display_name, u.id))))


def resolve_person(
    session: Session,
    ref: int | str,
    *,
    actor_id: int | None,
    field: str = "assignee",
    assignable: bool = False,
) -> User | None:
    """The one user ``ref`` means, or ``None`` for ``none``.

    ``assignable`` reads names among active users first and refuses a deactivated one, as
    giving someone work needs; filters (``assignable=False``) find anyone, so a departed
    colleague's old tasks stay searchable. Raises ``UnknownPersonError`` or
    ``AmbiguousPersonError`` (both 422, the latter listing the matches).
    """
    user = _read(session, ref, actor_id=actor_id, field=field, assignable=assignable)
    if user is not None and assignable and not user.is_active:
        raise ValidationError(
            f"{user.display_name} ({user.email}) is deactivated and cannot be assigned work.",
            field=field,
        )
    return user


def person_json(user: User) -> dict[str, Any]:
    return {"id": user.id, "email": user.email, "name": user.display_name}


def _read(
    session: Session, ref: int | str, *, actor_id: int | None, field: str, assignable: bool
) -> User | None:
    if isinstance(ref, int) or (ref.strip().isascii() and ref.strip().isdigit()):
        user_id = int(ref)
        # An id no database can store names nobody (and would be a driver error on PostgreSQL).
        user = session.get(User, user_id) if 0 < user_id <= MAX_ID else None
        if user is None:
            raise UnknownPersonError(f"User {user_id} does not exist.", field=field)
        return user
    text = ref.strip()
    lowered = text.casefold()
    if lowered == NOBODY:
        return None
    if lowered == ME:
        if actor_id is None:
            raise ValidationError("'me' needs a signed-in user.", field=field)
        return session.get(User, actor_id)
    if not text:
        raise UnknownPersonError("Name a person: an email, a name or 'me'.", field=field)
    if "@" in text:
        by_email = repository.find_by_email(session, text)
        if by_email is not None:
            return by_email
    everyone = repository.list_all(session)
    found = match_person([u for u in everyone if u.is_active] if assignable else everyone, text)
    if assignable and found.user is None and not found.matches:
        found = match_person(everyone, text)  # so a deactivated person gets the clear error
    if found.user is not None:
        return found.user
    if found.matches:
        listed = found.matches[:MAX_LISTED]
        names = ", ".join(f"{u.display_name} <{u.email}>" for u in listed)
        raise AmbiguousPersonError(
            f"{text!r} could be {len(found.matches)} people: {names}; use an email.",
            field=field,
            matches=[person_json(u) for u in listed],
        )
    raise UnknownPersonError(
        f"Nobody is called {text!r}; use an email, a name, an alias or 'me'.", field=field
    )


def _names(user: User) -> list[str]:
    email = user.email.casefold()
    return [
        user.display_name.casefold(),
        email,
        email.split("@", 1)[0],
        *(alias.casefold() for alias in user.aliases or ()),
    ]


def resolve_people(
    session: Session, refs: Iterable[str], *, actor_id: int | None, field: str = "assignee"
) -> tuple[list[int], bool]:
    """An owner filter: ``(user ids, whether 'none' was asked for)``. Each ref may hold a
    comma-separated list, as query strings repeat or join them."""
    ids: list[int] = []
    unassigned = False
    for part in (p.strip() for ref in refs for p in ref.split(",") if p.strip()):
        user = resolve_person(session, part, actor_id=actor_id, field=field)
        if user is None:
            unassigned = True
        elif user.id not in ids:
            ids.append(user.id)
    return ids, unassigned
