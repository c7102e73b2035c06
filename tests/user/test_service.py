import pytest
from sqlalchemy.orm import Session

from tests.factories import make_user
from workitems.errors import ConflictError, ValidationError
from workitems.user.passwords import verify_password
from workitems.user.service import add_user, bootstrap_admin


class TestAddUser:
    def test_email_is_normalized_and_unique(self, session: Session) -> None:
        make_user(session, email="Sam@Example.com")
        with pytest.raises(ConflictError):
            make_user(session, email="sam@example.com ")

    @pytest.mark.parametrize("email", ["", "sam", "@example.com", "sam@"])
    def test_rejects_non_emails(self, session: Session, email: str) -> None:
        with pytest.raises(ValidationError):
            add_user(session, email=email, name="Sam")

    def test_aliases_deduplicated(self, session: Session) -> None:
        user = make_user(session, aliases=["Sam", "sam", " Sammy ", ""])
        assert user.aliases == ["Sam", "Sammy"]


class TestBootstrapAdmin:
    def test_only_on_an_empty_database(self, session: Session) -> None:
        created = bootstrap_admin(session, email="root@example.com")
        assert created is not None
        assert created.user.role == "admin"
        assert created.user.password_hash is not None
        assert verify_password(created.user.password_hash, created.password)
        assert len(created.password) >= 20
        assert bootstrap_admin(session, email="root@example.com") is None

    def test_passwords_are_never_reused(self, session: Session) -> None:
        first = bootstrap_admin(session, email="a@example.com")
        assert first is not None
        assert first.password not in (first.user.password_hash or "")
