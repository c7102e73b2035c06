"""What every process compares to notice a revocation made elsewhere, within a second.

Each process caches verified tokens (``auth/cache.py``) so most requests cost no database
round trip. A revoked token or a deactivated user must still stop working everywhere at
once, so each process reads this small fingerprint at most once a second and drops its
cache when it changed: the revoked tokens (how many, the latest revocation) and the
deactivated users (how many, and the sum of their ids, which changes with any single
deactivation or reactivation). It needs no column or table of its own: a revocation is
a write to exactly these rows.
"""

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workitems.auth.models import ApiToken
from workitems.user.models import User

Fingerprint = tuple[Any, ...]


def revocation_fingerprint(session: Session) -> Fingerprint:
    tokens = session.execute(
        select(func.count(), func.max(ApiToken.revoked_at)).where(ApiToken.revoked_at.is_not(None))
    ).one()
    users = session.execute(
        select(func.count(), func.coalesce(func.sum(User.id), 0)).where(User.is_active.is_(False))
    ).one()
    return (tokens[0], tokens[1], users[0], users[1])
