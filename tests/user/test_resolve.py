"""The one person resolver, on both databases: what each kind of reference means."""

import pytest
from sqlalchemy.orm import Session

from tests.factories import make_user
from workitems.errors import ValidationError
from workitems.user.models import User
from workitems.user.resolve import (
    AmbiguousPersonError,
    UnknownPersonError,
    match_person,
    resolve_people,
    resolve_person,
)
from workitems.user.service import deactivate_user


@pytest.fixture
def team(session: Session) -> dict[str, User]:
    return {
        "priya": make_user(session, email="priya@example.com", name="Priya Shah"),
        "sam": make_user(session, email="sam@example.com", name="Sam Lee", aliases=["the PM"]),
        "samantha": make_user(session, email="sj@example.com", name="Samantha Jones"),
        "marcus": make_user(session, email="mw@example.com", name="Marcus Webb"),
    }


class TestResolvePerson:
    @pytest.mark.parametrize(
        ("ref", "who"),
        [
            ("priya@example.com", "priya"),
            ("PRIYA@Example.com", "priya"),
            ("Priya Shah", "priya"),
            ("priya shah", "priya"),
            ("priya", "priya"),  # the email's local part, and a prefix
            ("Pri", "priya"),
            ("shah", "priya"),  # a prefix of a word of the name
            ("the pm", "sam"),  # an alias
            ("Sam", "sam"),  # exact beats Samantha's prefix
            ("marc", "marcus"),
            ("mw", "marcus"),
        ],
    )
    def test_reads_people_the_way_they_are_named(
        self, session: Session, team: dict[str, User], ref: str, who: str
    ) -> None:
        assert resolve_person(session, ref, actor_id=None) is team[who]

    def test_id_me_and_none(self, session: Session, team: dict[str, User]) -> None:
        marcus = team["marcus"]
        assert resolve_person(session, marcus.id, actor_id=None) is marcus
        assert resolve_person(session, str(marcus.id), actor_id=None) is marcus
        assert resolve_person(session, "Me", actor_id=marcus.id) is marcus
        assert resolve_person(session, "none", actor_id=marcus.id) is None

    def test_ambiguous_prefix_lists_the_matches(
        self, session: Session, team: dict[str, User]
    ) -> None:
        with pytest.raises(AmbiguousPersonError) as caught:
            resolve_person(session, "sa", actor_id=None)
        assert [m["email"] for m in caught.value.extensions["matches"]] == [
            "sam@example.com",
            "sj@example.com",
        ]
        assert "Samantha Jones <sj@example.com>" in caught.value.detail

    def test_unknown_says_so(self, session: Session, team: dict[str, User]) -> None:
        with pytest.raises(UnknownPersonError, match="Nobody is called 'Zed'"):
            resolve_person(session, "Zed", actor_id=None)
        with pytest.raises(UnknownPersonError, match="User 999999 does not exist"):
            resolve_person(session, 999999, actor_id=None)

    def test_me_needs_someone_signed_in(self, session: Session) -> None:
        with pytest.raises(ValidationError, match="'me' needs a signed-in user"):
            resolve_person(session, "me", actor_id=None)

    def test_assignable_refuses_the_deactivated_but_filters_find_them(
        self, session: Session, team: dict[str, User]
    ) -> None:
        deactivate_user(session, "mw@example.com")
        with pytest.raises(ValidationError, match="is deactivated"):
            resolve_person(session, "Marcus", actor_id=None, assignable=True)
        assert resolve_person(session, "Marcus", actor_id=None) is team["marcus"]

    def test_assignable_reads_names_among_active_people_first(
        self, session: Session, team: dict[str, User]
    ) -> None:
        deactivate_user(session, "sj@example.com")
        assert resolve_person(session, "sa", actor_id=None, assignable=True) is team["sam"]


class TestResolvePeople:
    def test_lists_and_none(self, session: Session, team: dict[str, User]) -> None:
        ids, unassigned = resolve_people(
            session, ["priya,none", "Marcus", "priya@example.com"], actor_id=None
        )
        assert ids == [team["priya"].id, team["marcus"].id]
        assert unassigned


class TestMatchPerson:
    def test_blank_matches_nobody(self, team: dict[str, User]) -> None:
        assert match_person(team.values(), "  ").user is None
