"""Adding, finding and deactivating users; the assignable-user lookup."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from workitems.errors import ConflictError, NotFoundError, ValidationError
from workitems.user import repository
from workitems.user.models import User, UserRole
from workitems.user.passwords import generate_password, hash_password


def add_user(
    session: Session,
    *,
    email: str,
    name: str,
    aliases: Iterable[str] = (),
    role: UserRole = UserRole.member,
    password: str | None = None,
) -> User:
    email = repository.normalize_email(email)
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        raise ValidationError(f"'{email}' is not an email address.", field="email")
    if not name.strip():
        raise ValidationError("A user needs a display name.", field="name")
    if repository.find_by_email(session, email) is not None:
        raise ConflictError(f"A user with email {email} already exists.")
    user = User(
        email=email,
        display_name=name.strip(),
        aliases=_clean_aliases(aliases),
        role=role,
        is_active=True,
        password_hash=hash_password(password) if password else None,
    )
    session.add(user)
    session.flush()
    return user


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError(f"User {user_id} does not exist.")
    return user


def get_user_by_email(session: Session, email: str) -> User:
    user = repository.find_by_email(session, email)
    if user is None:
        raise NotFoundError(f"No user has the email {repository.normalize_email(email)}.")
    return user


def list_users(session: Session, *, active_only: bool = False) -> Sequence[User]:
    return repository.list_all(session, active_only=active_only)


def deactivate_user(session: Session, email: str) -> User:
    """Deactivated users keep their history and tasks but can no longer be assigned."""
    user = get_user_by_email(session, email)
    user.is_active = False
    session.flush()
    return user


def reactivate_user(session: Session, email: str) -> User:
    user = get_user_by_email(session, email)
    user.is_active = True
    session.flush()
    return user


def set_aliases(session: Session, user_id: int, aliases: Iterable[str]) -> User:
    """Replace the names a user goes by; they decide whom a transcript's "Sam" means."""
    user = get_user(session, user_id)
    user.aliases = _clean_aliases(aliases)
    session.flush()
    return user


def lookup_assignable(session: Session, query: str, *, limit: int = 20) -> list[User]:
    """Active users matching ``query`` by name, email or alias, best match first.

    Exact matches rank above prefix matches, which rank above substring matches; an empty
    query lists everyone assignable. A team's user list is small, so ranking in Python keeps
    alias matching exact on both databases.
    """
    ranked = rank_matches(repository.list_all(session, active_only=True), query)
    return [user for _, user in ranked[:limit]]


def rank_matches(users: Iterable[User], query: str) -> list[tuple[int, User]]:
    """``(rank, user)`` for every user matching ``query``, best first.

    Rank 0 is an exact name, alias or email match, 1 a prefix of one of them or of one of
    their words, 2 a substring.
    """
    needle = query.strip().casefold()
    ranked: list[tuple[int, str, User]] = []
    for user in users:
        rank = _match_rank(user, needle)
        if rank is not None:
            ranked.append((rank, user.display_name.casefold(), user))
    ranked.sort(key=lambda item: (item[0], item[1], item[2].id))
    return [(rank, user) for rank, _, user in ranked]


@dataclass(frozen=True)
class BootstrapAdmin:
    user: User
    password: str


def bootstrap_admin(session: Session, *, email: str) -> BootstrapAdmin | None:
    """Create the first admin, with a generated password, when the database has no user.

    Returns ``None`` when users already exist, so calling it on every start is safe.
    """
    if repository.count(session) > 0:
        return None
    password = generate_password()
    user = add_user(
        session, email=email, name="Administrator", role=UserRole.admin, password=password
    )
    return BootstrapAdmin(user=user, password=password)


def _match_rank(user: User, needle: str) -> int | None:
    if not needle:
        return 3
    names = [user.display_name.casefold(), user.email, *(a.casefold() for a in user.aliases)]
    if any(name == needle for name in names) or user.email.split("@")[0] == needle:
        return 0
    if any(name.startswith(needle) for name in names) or any(
        word.startswith(needle) for name in names for word in name.split()
    ):
        return 1
    if any(needle in name for name in names):
        return 2
    return None


def _clean_aliases(aliases: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for alias in aliases:
        stripped = alias.strip()
        if stripped:
            seen.setdefault(stripped.casefold(), stripped)
    return list(seen.values())
