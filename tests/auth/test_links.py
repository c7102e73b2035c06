"""Invitation and reset links: one use, seven days, the newest only."""

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from tests.factories import make_user
from workitems.auth.links import find_link, invite_user, issue_link, use_link
from workitems.auth.models import LinkPurpose
from workitems.clock import utc_now
from workitems.errors import NotFoundError, ValidationError
from workitems.user.passwords import verify_password

NEW = "a brand new password"


class TestInviteUser:
    def test_the_link_sets_the_first_password_once(self, session: Session) -> None:
        issued = invite_user(session, email="nia@example.com", name="Nia Obi", invited_by=None)
        assert issued.user.password_hash is None
        assert issued.url("https://work.example.com").startswith(
            "https://work.example.com/welcome/"
        )
        assert issued.secret not in issued.link.token_hash
        user = use_link(session, issued.secret, password=NEW, confirm=NEW)
        assert user.password_hash is not None
        assert verify_password(user.password_hash, NEW)
        with pytest.raises(NotFoundError, match="used, expired or unknown"):
            use_link(session, issued.secret, password=NEW, confirm=NEW)

    def test_expires_after_seven_days(self, session: Session) -> None:
        issued = invite_user(session, email="nia@example.com", name="Nia Obi", invited_by=None)
        assert issued.link.expires_at - utc_now() > timedelta(days=6, hours=23)
        issued.link.expires_at = utc_now() - timedelta(seconds=1)
        with pytest.raises(NotFoundError):
            find_link(session, issued.secret)

    def test_mismatched_confirmation_keeps_the_link(self, session: Session) -> None:
        issued = invite_user(session, email="nia@example.com", name="Nia Obi", invited_by=None)
        with pytest.raises(ValidationError, match="differ"):
            use_link(session, issued.secret, password=NEW, confirm=NEW + "!")
        assert find_link(session, issued.secret) is issued.link


class TestIssueLink:
    def test_a_newer_link_spends_the_older(self, session: Session) -> None:
        user = make_user(session)
        first = issue_link(session, user, purpose=LinkPurpose.reset, created_by=None)
        second = issue_link(session, user, purpose=LinkPurpose.reset, created_by=None)
        with pytest.raises(NotFoundError):
            find_link(session, first.secret)
        assert find_link(session, second.secret) is second.link

    def test_not_for_the_deactivated(self, session: Session) -> None:
        user = make_user(session)
        user.is_active = False
        with pytest.raises(ValidationError, match="deactivated"):
            issue_link(session, user, purpose=LinkPurpose.reset, created_by=None)
