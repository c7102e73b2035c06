from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import make_user
from workitems.auth.models import ApiToken
from workitems.auth.service import authenticate, hash_token, issue_token
from workitems.errors import AuthenticationError, ValidationError


class TestIssueToken:
    def test_only_the_hash_is_stored(self, session: Session) -> None:
        user = make_user(session)
        token, raw = issue_token(session, user=user, scopes=["tasks:read"])
        assert raw.startswith("wi_")
        assert len(raw) > 40
        stored = session.scalar(select(ApiToken).where(ApiToken.id == token.id))
        assert stored is not None
        assert stored.token_hash == hash_token(raw)
        assert raw not in (stored.token_hash, stored.prefix, stored.name)

    def test_needs_a_scope(self, session: Session) -> None:
        with pytest.raises(ValidationError):
            issue_token(session, user=make_user(session), scopes=[])

    def test_expired_token_fails(self, session: Session) -> None:
        token, raw = issue_token(
            session, user=make_user(session), scopes=["tasks:read"], expires_in_days=1
        )
        token.expires_at = token.created_at - timedelta(seconds=1)
        session.flush()
        with pytest.raises(AuthenticationError):
            authenticate(session, raw)

    def test_foreign_token_format(self, session: Session) -> None:
        with pytest.raises(AuthenticationError, match="wi_"):
            authenticate(session, "ghp_something")
