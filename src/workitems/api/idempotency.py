"""Running a route body under an ``Idempotency-Key``.

The claim is committed before the work so a concurrent duplicate gets 409 at once; the
response is stored in the work's own transaction (committed at the edge as usual); a
failure releases the claim so the client may retry with the same key. A claim left behind
by a crash blocks retries only for its lease (see ``idempotency/service.py``).
"""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from fastapi import Response
from sqlalchemy.orm import Session

from workitems.api.problems import PROBLEM_JSON
from workitems.idempotency.service import (
    DEFAULT_LEASE,
    Replay,
    claim_key,
    complete_key,
    release_key,
    request_hash,
)


def run_idempotent(
    session: Session,
    *,
    key: str | None,
    user_id: int,
    route: str,
    payload: Any,
    work: Callable[[], Response],
    lease: timedelta = DEFAULT_LEASE,
) -> Response:
    if key is None:
        return work()
    claim = claim_key(
        session,
        user_id=user_id,
        route=route,
        key=key,
        fingerprint=request_hash(payload),
        lease=lease,
    )
    if isinstance(claim, Replay):
        media_type = PROBLEM_JSON if claim.status_code >= 400 else "application/json"
        return Response(
            claim.body,
            status_code=claim.status_code,
            media_type=media_type,
            headers={"Idempotent-Replayed": "true"},
        )
    session.commit()
    try:
        response = work()
    except BaseException:
        session.rollback()
        release_key(session, claim)
        session.commit()
        raise
    complete_key(
        session, claim, status_code=response.status_code, body=bytes(response.body).decode()
    )
    return response
