"""Matching spoken mentions to meeting participants, and learning who is who."""

import pytest

from workitems.transcript.extract import ParticipantInfo
from workitems.transcript.owners import (
    Roster,
    build_roster,
    is_ambiguous,
    learn_names,
    learn_voices,
)

TEAM = (
    ParticipantInfo("Priya Raman", "Product Manager", "priya@example.com", ("PR",)),
    ParticipantInfo("Sam Ortiz", "Backend Engineer", "sam.ortiz@example.com"),
    ParticipantInfo("Lee Park", "Visual Designer", "lee@example.com"),
    ParticipantInfo("Noor Haddad", "Interaction Designer", "noor@example.com"),
)


def _names(roster: Roster, mention: str) -> list[str]:
    return [m.name for m in roster.resolve(mention)]


class TestResolve:
    @pytest.mark.parametrize(
        ("mention", "expected"),
        [
            ("Priya Raman", ["Priya Raman"]),
            ("priya", ["Priya Raman"]),
            ("Raman", ["Priya Raman"]),
            ("PR", ["Priya Raman"]),
            ("sam.ortiz@example.com", ["Sam Ortiz"]),
            ("sam.ortiz", ["Sam Ortiz"]),
            ("the product manager", ["Priya Raman"]),
            ("our backend engineer", ["Sam Ortiz"]),
            ("the engineer", ["Sam Ortiz"]),
            ("the visual design", ["Lee Park"]),
            ("Pria", ["Priya Raman"]),
        ],
    )
    def test_one_participant(self, mention: str, expected: list[str]) -> None:
        assert _names(Roster(TEAM), mention) == expected

    def test_a_shared_role_word_is_ambiguous(self) -> None:
        matches = Roster(TEAM).resolve("the designer")
        assert {m.name for m in matches} == {"Lee Park", "Noor Haddad"}
        assert is_ambiguous(matches)

    @pytest.mark.parametrize("mention", ["Dana", "the lawyer", "", "the"])
    def test_unknown_people_match_nobody(self, mention: str) -> None:
        assert Roster(TEAM).resolve(mention) == []

    def test_speaker_labels_join_their_participant(self) -> None:
        roster = Roster(TEAM, ["Sam", "Guest 1"])
        assert _names(roster, "Sam") == ["Sam Ortiz"]
        assert roster.label_of("Sam Ortiz") == "Sam"
        assert roster.email_of("Sam") == "sam.ortiz@example.com"
        assert _names(roster, "Guest 1") == ["Guest 1"]
        assert roster.email_of("Guest 1") is None

    @pytest.mark.parametrize(
        ("speakers", "people"),
        [
            ((), ["Priya Raman", "Sam Ortiz", "Lee Park", "Noor Haddad"]),
            (("Sam", "Guest 1"), ["Priya Raman", "Sam", "Lee Park", "Noor Haddad", "Guest 1"]),
        ],
    )
    def test_people_are_written_as_owners_are(
        self, speakers: tuple[str, ...], people: list[str]
    ) -> None:
        assert Roster(TEAM, speakers).people() == people


class TestMentions:
    def test_finds_names_and_roles_in_text(self) -> None:
        text = "So Priya and the backend engineer will sort out the release."
        found = [(m.text, m.matches[0].name) for m in Roster(TEAM).mentions(text)]
        assert found == [("Priya", "Priya Raman"), ("backend engineer", "Sam Ortiz")]

    def test_a_plural_role_is_a_group(self) -> None:
        (mention,) = Roster(TEAM).mentions("the two designers will pair on it")
        assert mention.plural
        assert {m.name for m in mention.matches} == {"Lee Park", "Noor Haddad"}

    def test_short_capital_labels_match_only_in_capitals(self) -> None:
        roster = Roster([ParticipantInfo("ME", "Marketing Expert")])
        assert [m.text for m in roster.mentions("ME will check it")] == ["ME"]
        assert roster.mentions("send it to me") == []

    def test_role_initials_name_the_role(self) -> None:
        roster = Roster([ParticipantInfo("B", "User Interface Designer")])
        assert [m.matches[0].name for m in roster.mentions("the UID will do it")] == ["B"]


class TestLearnNames:
    def test_self_introductions_and_vocatives(self) -> None:
        turns = [
            ("Speaker 1", "Hi all, I'm Dana, I run the data team."),
            ("Speaker 2", "Thanks. Could you share the numbers with Marco?"),
            ("Speaker 1", "Sure. Marco, can you send me the query?"),
            ("Speaker 3", "Yes, will do."),
        ]
        assert learn_names(turns) == {"Dana": "Speaker 1", "Marco": "Speaker 3"}

    def test_ordinary_words_are_not_names(self) -> None:
        turns = [
            ("A", "Great, that works."),
            ("B", "Okay, great question about the budget."),
            ("A", "Right, let's go."),
        ]
        assert learn_names(turns) == {}


class TestLearnVoices:
    def test_thanks_with_a_name_goes_back_to_who_just_spoke(self) -> None:
        # Raw ASR: the chair says everyone's name; "thanks tanya" thanks the chair, who
        # just took the call on, not the next speaker.
        turns = [
            ("Speaker 0", "omar can you take the twelve roofs in cedar park tomorrow"),
            ("Speaker 1", "yeah i'll do cedar park tomorrow"),
            ("Speaker 1", "oh and the lady on oak street she called me four times"),
            ("Speaker 0", "yeah um i'll call her back myself right after this"),
            ("Speaker 1", "thanks tanya"),
            ("Speaker 2", "she called me too twice"),
        ]
        people = [
            ParticipantInfo("Tanya Brooks", "Claims Manager", "tanya@example.com"),
            ParticipantInfo("Omar Haddad", "Adjuster", "omar@example.com"),
            ParticipantInfo("Jess Morgan", "Adjuster", "jess@example.com"),
        ]
        voices = learn_voices(turns, people)
        assert voices.get("Speaker 0") == "Tanya Brooks"
        assert voices.get("Speaker 2") != "Tanya Brooks"

    def test_bye_with_a_name_goes_back_to_who_just_spoke(self) -> None:
        turns = [
            ("Speaker 2", "priya can you reimage the laptop by monday"),
            ("Speaker 1", "yeah i can do that friday afternoon"),
            ("Speaker 2", "ok that's everything from me"),
            ("Speaker 1", "great thanks everyone"),
            ("Speaker 2", "bye jordan"),
        ]
        people = [
            ParticipantInfo("Jordan Whitfield", "IT Lead", "jordan@example.com"),
            ParticipantInfo("Priya Nair", "Technician", "priya@example.com"),
        ]
        assert learn_voices(turns, people).get("Speaker 1") == "Jordan Whitfield"


def test_a_guessed_name_never_overrides_a_participants_own_name() -> None:
    # "Peter, ..." answered by Tomas makes the vote guess that Tomas is Peter; the
    # participant list says who Peter is.
    people = [
        ParticipantInfo("Margaret Oyelaran", "Head of Infrastructure", "m@example.com"),
        ParticipantInfo("Tomas Reyes", "SRE", "t@example.com"),
        ParticipantInfo("Peter Lindqvist", "Support Lead", "p@example.com", ("Peter",)),
    ]
    turns = [
        ("Margaret Oyelaran", "Peter, how did support handle the outage?"),
        ("Tomas Reyes", "Badly, honestly. The status page went up late."),
    ]
    assert [m.name for m in build_roster(turns, people).resolve("Peter")] == ["Peter Lindqvist"]
