"""Claiming, completing and releasing idempotency keys.

The claim is committed on its own before the work starts (the transport does that commit),
so a concurrent duplicate sees "in progress" and gets a conflict instead of waiting and
acting twice. The stored response is written in the same transaction as the work, so a
replay never describes work that was rolled back. Keys are kept ``RETENTION``.

A claim is a lease: if the process dies between the claim and the work's commit, nothing
would ever complete or release it. So an in-progress claim older than the lease (longer
than any request may run) counts as abandoned, and a retry with the same body takes it
over. Taking over re-stamps ``claimed_at``, and completing is guarded by that stamp: a
slow first request that outlives its lease cannot complete a claim someone else holds, so
its work rolls back and the work still happens exactly once.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workitems.clock import utc_now
from workitems.errors import ConflictError, ValidationError
from workitems.idempotency.models import IdempotencyKey

RETENTION = timedelta(hours=48)
#: How long an unfinished claim blocks retries before it counts as abandoned.
DEFAULT_LEASE = timedelta(seconds=60)
MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class Replay:
    status_code: int
    body: str


@dataclass(frozen=True)
class Claim:
    """A held claim: the row's id and the stamp that proves we still hold it."""

    id: int
    claimed_at: datetime


def request_hash(payload: Any) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def claim_key(
    session: Session,
    *,
    user_id: int,
    route: str,
    key: str,
    fingerprint: str,
    lease: timedelta = DEFAULT_LEASE,
) -> Claim | Replay:
    """Claim ``key`` for this request, or return the first response to replay.

    Raises ``ConflictError`` while the first request is still running (within its lease)
    and ``ValidationError`` when the key was used with a different request.
    """
    if not key or len(key) > MAX_KEY_LENGTH:
        raise ValidationError(
            f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters.", field="Idempotency-Key"
        )
    purge_expired(session)
    existing = _find(session, user_id, route, key)
    if existing is None:
        now = utc_now()
        row = IdempotencyKey(
            user_id=user_id, route=route, key=key, request_hash=fingerprint, claimed_at=now
        )
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            existing = _find(session, user_id, route, key)
        else:
            return Claim(id=row.id, claimed_at=now)
    if existing is None:  # the conflicting claim was released meanwhile
        raise ConflictError("This Idempotency-Key is being reused concurrently; retry.")
    if existing.request_hash != fingerprint:
        raise ValidationError(
            "This Idempotency-Key was already used with a different request body; "
            "use a new key for a new request.",
            field="Idempotency-Key",
        )
    if existing.status_code is not None and existing.response_body is not None:
        return Replay(status_code=existing.status_code, body=existing.response_body)
    taken = _take_over(session, existing.id, lease)
    if taken is None:
        raise ConflictError(
            "A request with this Idempotency-Key is still being processed; retry shortly."
        )
    return taken


def complete_key(session: Session, claim: Claim, *, status_code: int, body: str) -> None:
    """Store the response, in the work's transaction, if the claim is still ours.

    Raises ``ConflictError`` when the lease ran out and a retry took the claim over: the
    caller's transaction must then roll back, so the work is not done twice.
    """
    result = session.execute(
        update(IdempotencyKey)
        .where(IdempotencyKey.id == claim.id, IdempotencyKey.claimed_at == claim.claimed_at)
        .where(IdempotencyKey.status_code.is_(None))
        .values(status_code=status_code, response_body=body)
        .execution_options(synchronize_session=False)
    )
    if _rowcount(result) != 1:
        raise ConflictError(
            "This request outlived its Idempotency-Key lease and a retry took the key over; "
            "nothing was changed by this one."
        )


def release_key(session: Session, claim: Claim) -> None:
    """Forget a claim whose request failed, so the client can retry with the same key."""
    session.execute(
        delete(IdempotencyKey)
        .where(IdempotencyKey.id == claim.id, IdempotencyKey.claimed_at == claim.claimed_at)
        .where(IdempotencyKey.status_code.is_(None))
        .execution_options(synchronize_session=False)
    )


def purge_expired(session: Session) -> int:
    result = session.execute(
        delete(IdempotencyKey)
        .where(IdempotencyKey.claimed_at < utc_now() - RETENTION)
        .execution_options(synchronize_session=False)
    )
    return _rowcount(result)


def _take_over(session: Session, claim_id: int, lease: timedelta) -> Claim | None:
    """Re-stamp an abandoned claim; one guarded UPDATE, so two retries cannot both win."""
    now = utc_now()
    result = session.execute(
        update(IdempotencyKey)
        .where(IdempotencyKey.id == claim_id, IdempotencyKey.status_code.is_(None))
        .where(IdempotencyKey.claimed_at < now - lease)
        .values(claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    return Claim(id=claim_id, claimed_at=now) if _rowcount(result) == 1 else None


def _rowcount(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def _find(session: Session, user_id: int, route: str, key: str) -> IdempotencyKey | None:
    return session.scalar(
        select(IdempotencyKey)
        .where(
            IdempotencyKey.user_id == user_id,
            IdempotencyKey.route == route,
            IdempotencyKey.key == key,
        )
        .execution_options(populate_existing=True)
    )
