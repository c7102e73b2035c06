"""The claim lease: a crash must not orphan a key, and a slow request must not act twice."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from workitems.clock import utc_now
from workitems.errors import ConflictError, ValidationError
from workitems.idempotency.models import IdempotencyKey
from workitems.idempotency.service import Claim, Replay, claim_key, complete_key
from workitems.user.models import User

LEASE = timedelta(seconds=60)


def _claim(session: Session, user: User, fingerprint: str = "a") -> Claim | Replay:
    return claim_key(
        session, user_id=user.id, route="/r", key="k", fingerprint=fingerprint, lease=LEASE
    )


def _abandon(session: Session, claim: Claim) -> None:
    """What a process killed mid-request leaves behind: a claim older than its lease."""
    session.execute(
        update(IdempotencyKey)
        .where(IdempotencyKey.id == claim.id)
        .values(claimed_at=utc_now() - LEASE - timedelta(seconds=1))
    )


class TestClaimLease:
    def test_a_running_claim_is_a_conflict(self, session: Session, admin: User) -> None:
        assert isinstance(_claim(session, admin), Claim)
        with pytest.raises(ConflictError, match="still being processed"):
            _claim(session, admin)

    def test_an_abandoned_claim_is_taken_over(self, session: Session, admin: User) -> None:
        first = _claim(session, admin)
        assert isinstance(first, Claim)
        _abandon(session, first)
        second = _claim(session, admin)
        assert isinstance(second, Claim)
        assert second.id == first.id
        assert second.claimed_at > first.claimed_at

    def test_an_abandoned_claim_still_checks_the_body(self, session: Session, admin: User) -> None:
        first = _claim(session, admin)
        assert isinstance(first, Claim)
        _abandon(session, first)
        with pytest.raises(ValidationError, match="different request body"):
            _claim(session, admin, fingerprint="b")

    def test_a_claim_taken_over_cannot_be_completed(self, session: Session, admin: User) -> None:
        first = _claim(session, admin)
        assert isinstance(first, Claim)
        _abandon(session, first)
        second = _claim(session, admin)
        assert isinstance(second, Claim)
        with pytest.raises(ConflictError, match="lease"):
            complete_key(session, first, status_code=200, body="{}")
        complete_key(session, second, status_code=200, body='{"n": 1}')
        replay = _claim(session, admin)
        assert replay == Replay(status_code=200, body='{"n": 1}')

    def test_one_row_per_key(self, session: Session, admin: User) -> None:
        first = _claim(session, admin)
        assert isinstance(first, Claim)
        _abandon(session, first)
        _claim(session, admin)
        assert len(list(session.scalars(select(IdempotencyKey)))) == 1
