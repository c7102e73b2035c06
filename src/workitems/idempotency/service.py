"""Claiming, completing and releasing idempotency keys.

The claim is committed on its own before the work starts (the transport does that commit),
so a concurrent duplicate sees "in progress" and gets a conflict instead of waiting and
acting twice. The stored response is written in the same transaction as the work, so a
replay never describes work that was rolled back. Keys are kept ``RETENTION``.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workitems.clock import utc_now
from workitems.errors import ConflictError, ValidationError
from workitems.idempotency.models import IdempotencyKey

RETENTION = timedelta(hours=48)
MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class Replay:
    status_code: int
    body: str


def request_hash(payload: Any) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def claim_key(
    session: Session, *, user_id: int, route: str, key: str, fingerprint: str
) -> IdempotencyKey | Replay:
    """Claim ``key`` for this request, or return the first response to replay.

    Raises ``ConflictError`` while the first request is still running and
    ``ValidationError`` when the key was used with a different request.
    """
    if not key or len(key) > MAX_KEY_LENGTH:
        raise ValidationError(
            f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters.", field="Idempotency-Key"
        )
    purge_expired(session)
    existing = _find(session, user_id, route, key)
    if existing is None:
        row = IdempotencyKey(
            user_id=user_id, route=route, key=key, request_hash=fingerprint, created_at=utc_now()
        )
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            existing = _find(session, user_id, route, key)
        else:
            return row
    if existing is None:  # the conflicting claim was released meanwhile
        raise ConflictError("This Idempotency-Key is being reused concurrently; retry.")
    if existing.request_hash != fingerprint:
        raise ValidationError(
            "This Idempotency-Key was already used with a different request body; "
            "use a new key for a new request.",
            field="Idempotency-Key",
        )
    if existing.status_code is None or existing.response_body is None:
        raise ConflictError(
            "A request with this Idempotency-Key is still being processed; retry shortly."
        )
    return Replay(status_code=existing.status_code, body=existing.response_body)


def complete_key(session: Session, claim: IdempotencyKey, *, status_code: int, body: str) -> None:
    claim.status_code = status_code
    claim.response_body = body
    session.flush()


def release_key(session: Session, claim_id: int) -> None:
    """Forget a claim whose request failed, so the client can retry with the same key."""
    session.execute(delete(IdempotencyKey).where(IdempotencyKey.id == claim_id))


def purge_expired(session: Session) -> int:
    result = session.execute(
        delete(IdempotencyKey).where(IdempotencyKey.created_at < utc_now() - RETENTION)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def _find(session: Session, user_id: int, route: str, key: str) -> IdempotencyKey | None:
    return session.scalar(
        select(IdempotencyKey).where(
            IdempotencyKey.user_id == user_id,
            IdempotencyKey.route == route,
            IdempotencyKey.key == key,
        )
    )
