"""Stage 5: an item's title (extract/title.py): which clause, its span, its references."""

import pytest

from tests.transcript.extract.dialogues import as_asr, extract, only
from workitems.transcript.extract import ParticipantInfo


def title_of(*lines: str) -> str:
    return only(extract(*lines)).title


@pytest.mark.parametrize(
    ("lines", "title"),
    [
        (("Bob: I'll send the Q3 deck to finance by Friday.",), "Send the Q3 deck to finance"),
        (("Alice: Who can own the vendor call?", "Sam: I'll do it."), "Own the vendor call"),
        (
            (
                "Alice: Could you review the pricing page?",
                "Bob: Sure, I'll take a look at it today.",
            ),
            "Review the pricing page",
        ),
        (
            ("Bob: I'll sign and return the lease renewal form.",),
            "Sign and return the lease renewal form",
        ),
    ],
)
def test_the_clause_that_names_the_work(lines: tuple[str, ...], title: str) -> None:
    assert title_of(*lines) == title


@pytest.mark.parametrize(
    ("lines", "title"),
    [
        # The request names the work; the reply only takes it on.
        (
            (
                "Alice: Can you migrate the billing cron jobs to the new scheduler?",
                "Bob: Sure, I'll take care of it.",
            ),
            "Migrate the billing cron jobs to the new scheduler",
        ),
        (
            ("Alice: Someone needs to renew the SSL certificate.", "Sam: I'll get that done."),
            "Renew the SSL certificate",
        ),
        (
            ("Alice: Who can update the pricing page?", "Bob: I'll handle that."),
            "Update the pricing page",
        ),
        # Without a better clause, the light verb keeps its particle and gets the object.
        (
            (
                "Alice: The quarterly tax filing is due soon.",
                "Alice: Sam, can you knock it out before the weekend?",
                "Sam: Will do.",
            ),
            "Knock out the quarterly tax filing",
        ),
    ],
)
def test_a_light_verb_takes_its_object_from_context(lines: tuple[str, ...], title: str) -> None:
    assert title_of(*lines) == title


@pytest.mark.parametrize(
    ("lines", "title"),
    [
        (
            (
                "Alice: The security questionnaire from Acme arrived.",
                "Sam: I'll fill it out tomorrow.",
            ),
            "Fill out the security questionnaire from Acme",
        ),
        (
            (
                "Alice: The staging database keeps running out of disk.",
                "Sam: I'll look into it this afternoon.",
            ),
            "Look into the staging database",
        ),
        # "them all": the things, counted.
        (
            (
                "Alice: There are five stale pull requests on the docs repo.",
                "Bob: I'll close them all today.",
            ),
            "Close five stale pull requests on the docs repo",
        ),
        # A person for "him", "her" and "them" after "to".
        (
            (
                "Alice: The landlord hasn't answered about the broken heating.",
                "Bob: I'll call him tomorrow.",
            ),
            "Call the landlord",
        ),
        (
            (
                "Alice: Our accountant still needs the receipts from March.",
                "Bob: I'll send them to her today.",
            ),
            "Send the receipts from March to our accountant",
        ),
        (
            (
                "Alice: The board wants the revised budget for the spring gala.",
                "Bob: I'll send the budget to them on Friday.",
            ),
            "Send the revised budget for the spring gala to the board",
        ),
        # "the hosted one" is the hosted service, not the other option.
        (
            (
                "Alice: We could use the hosted search service or build our own index.",
                "Bob: Let's go with the hosted one.",
                "Alice: Priya, please price it out by Thursday.",
            ),
            "Price out the hosted search service",
        ),
    ],
)
def test_a_pronoun_becomes_what_it_refers_to(lines: tuple[str, ...], title: str) -> None:
    assert title_of(*lines) == title


@pytest.mark.parametrize(
    ("lines", "title"),
    [
        # "It arrived" keeps the agreement salient over the clause said after it.
        (
            (
                "Alice: Did the tenancy agreement come back from the agent?",
                "Bob: It arrived this morning. The boiler clause has a typo.",
                "Bob: I'll send it over tonight.",
            ),
            "Send over the tenancy agreement",
        ),
        # A subject is more salient than an object in the same sentence.
        (
            (
                "Alice: The migration script is ready. It drops the old audit table.",
                "Bob: I'll review it today.",
            ),
            "Review the migration script",
        ),
    ],
)
def test_a_pronoun_said_on_the_way_keeps_its_referent_salient(
    lines: tuple[str, ...], title: str
) -> None:
    assert title_of(*lines) == title


@pytest.mark.parametrize(
    ("lines", "title"),
    [
        # An attribute noun said alone is of the thing just talked about.
        (
            (
                "Alice: The warehouse lease is up for renewal in June.",
                "Bob: I'll get the cost estimate to you by Friday.",
            ),
            "Get the cost estimate for the warehouse lease to Alice",
        ),
        (
            (
                "Alice: The data engineer job ad goes live on Monday.",
                "Bob: I'll rewrite the description this week.",
            ),
            "Rewrite the description of the data engineer job ad",
        ),
        # A compound that already says what it is of stays as it is.
        (
            (
                "Alice: The data engineer job ad goes live on Monday.",
                "Bob: I'll rewrite the salary description this week.",
            ),
            "Rewrite the salary description",
        ),
        # The noun names the act said before as a verb: its object comes along.
        (
            (
                "Alice: Nobody has stress tested the payment gateway yet.",
                "Bob: I'll run the stress test tomorrow.",
            ),
            "Run the stress test of the payment gateway",
        ),
    ],
)
def test_a_noun_said_alone_bridges_to_what_it_is_of(lines: tuple[str, ...], title: str) -> None:
    assert title_of(*lines) == title


def test_make_sure_is_the_work() -> None:
    title = title_of(
        "Alice: Bob, can you make sure the export job skips archived projects?",
        "Bob: I can take that.",
    )
    assert title == "Make sure the export job skips archived projects"


@pytest.mark.parametrize(
    ("lines", "title"),
    [
        # "her back": "her" is the object of a phrasal verb, not a possessive.
        (
            (
                "Alice: The tenant in flat two rang about the leak.",
                "Bob: I'll call her back this afternoon.",
            ),
            "Call back the tenant",
        ),
        # "him" is one person, not a body such as the board.
        (("Alice: The board asked about the budget.", "Bob: I'll call him today."), "Call him"),
        # "The venue contract, yes.": the phrase ends before the interjection.
        (
            (
                "Alice: The venue contract, yes. It covers the catering too.",
                "Bob: I'll sign it tomorrow.",
            ),
            "Sign the venue contract",
        ),
    ],
)
def test_people_and_things_agree(lines: tuple[str, ...], title: str) -> None:
    assert title_of(*lines) == title


def test_a_verb_said_without_its_object_takes_the_thing_talked_about() -> None:
    title = title_of(
        "Alice: The unsigned supplier invoices are piling up again.",
        "Bob: I'll escalate to their director today.",
    )
    assert title == "Escalate the unsigned supplier invoices to their director"


def test_an_unknown_person_is_not_replaced_by_a_thing() -> None:
    item = only(
        extract(
            "Alice: The projector in room four is broken.",
            "Bob: I'll ring them straight after this.",
        )
    )
    assert item.title == "Ring them"
    assert "title_vague" in item.warnings


def test_a_short_definite_description_gets_its_fuller_mention() -> None:
    title = title_of(
        "Alice: We still owe legal the signed data processing agreement.",
        "Bob: I'll send the agreement over on Monday.",
    )
    assert title == "Send the signed data processing agreement"


@pytest.mark.parametrize(
    ("line", "title"),
    [
        # A time said on the way goes, what follows it stays.
        (
            "Bob: I'll call the insurer on Monday about the water damage claim.",
            "Call the insurer about the water damage claim",
        ),
        # "check whether ..." keeps its clause.
        (
            "Alice: Bob, can you check whether the printer driver works on the new laptops?",
            "Check whether the printer driver works on the new laptops",
        ),
        # ASR text: a new sentence starts at "it's", without punctuation.
        (
            "Bob: yeah i'll put the rota on the wiki it's just a table anyway",
            "Put the rota on the wiki",
        ),
        ("Bob: I'll fix the login page it's broken on mobile", "Fix the login page"),
        # An aside ("maybe ...") and a new imperative in ASR text end the title.
        (
            "Bob: I'll write a short welcome guide with a first checklist maybe the laptop one",
            "Write a short welcome guide with a first checklist",
        ),
        (
            "Bob: yeah i'll call the print shop about the banner order tell them it's urgent",
            "Call the print shop about the banner order",
        ),
        # "for the next two weeks" is a time; an over-long title ends at a phrase boundary.
        (
            "Bob: I'll ask Dana whether she can cover the help desk for the next two weeks.",
            "Ask Dana whether she can cover the help desk",
        ),
        (
            "Bob: I'll book the venue for the spring offsite and the team dinner and the "
            "speaker travel and the hotel block",
            "Book the venue for the spring offsite and the team dinner",
        ),
        # "it" followed by its verb starts a new clause, adverbs between or not.
        (
            "Bob: I'll renew the domain it really can't lapse again",
            "Renew the domain",
        ),
    ],
)
def test_the_span_ends_with_the_object(line: str, title: str) -> None:
    assert title_of(line) == title


@pytest.mark.parametrize(
    "lines",
    [
        (
            "Alice: Can you migrate the billing cron jobs to the new scheduler?",
            "Bob: Sure, I'll take care of it.",
        ),
        (
            "Alice: The landlord hasn't answered about the broken heating.",
            "Bob: I'll call him tomorrow.",
        ),
        ("Bob: I'll call the insurer on Monday about the water damage claim.",),
        (
            "Alice: Did the tenancy agreement come back from the agent?",
            "Bob: It arrived this morning. The boiler clause has a typo.",
            "Bob: I'll send it over tonight.",
        ),
        (
            "Alice: Nobody has stress tested the payment gateway yet.",
            "Bob: I'll run the stress test tomorrow.",
        ),
    ],
)
def test_asr_text_gives_the_same_title(lines: tuple[str, ...]) -> None:
    assert title_of(*map(as_asr, lines)).lower() == title_of(*lines).lower()


def test_a_title_without_any_object_is_flagged_vague() -> None:
    item = only(extract("Sam: I'll get that done by Friday."))
    assert "title_vague" in item.warnings


def test_a_title_is_never_a_bare_verb() -> None:
    item = only(extract("Bob: I'll chase."))
    assert len(item.title.split()) > 1
    assert "title_vague" in item.warnings


@pytest.mark.parametrize(
    ("lines", "title"),
    [
        # A time said after a noun is not part of its phrase ("the letter last week").
        (
            (
                "Chris: They sent the engagement letter last week. I haven't signed it. "
                "I'll sign it ASAP.",
            ),
            "Sign the engagement letter",
        ),
        # A topic raised on its own and pointed back at ("the e2e tests ... own them").
        (
            (
                "Dana: ok um so the e2e tests for checkout somebody has to own them they've "
                "been flaky for like a month who can take that",
                "Tomas: i'll do it um i'll go through them tomorrow and quarantine the flaky ones",
            ),
            "Go through the e2e tests for checkout and quarantine the flaky ones",
        ),
        (
            (
                "Olivia: Perfect. Jamal, the welcome pack.",
                "Jamal: It's mostly fine. The org chart is out of date.",
                "Olivia: Who's going to refresh it?",
                "Jamal: I'll update it next Monday.",
            ),
            "Refresh the welcome pack",
        ),
        # In ASR run-ons a phrase before a finite verb is a subject, said after a filler.
        (
            (
                "Teresa: ok um the backlog spreadsheet is a mess by the way there's duplicates",
                "Hui: i know some of those closed in march but nobody updated the status",
                "Teresa: can somebody clean that up i need real numbers for the council",
                "Hui: yeah i'll clean it up today",
            ),
            "Clean up the backlog spreadsheet",
        ),
        # "them" wants a plural, and "I really need them" keeps the letters salient.
        (
            (
                "Daniel: She has the tenancy agreement and the benefit letters at home.",
                "Amira: I really need them for the defence.",
                "Daniel: I'm seeing her tomorrow at the community centre anyway. "
                "I'll collect them then.",
            ),
            "Collect the benefit letters",
        ),
    ],
)
def test_pronouns_in_asr_and_topic_talk(lines: tuple[str, ...], title: str) -> None:
    assert title_of(*lines) == title


@pytest.mark.parametrize(
    ("lines", "title"),
    [
        # An act or a role said without its complement bridges to what was just said.
        (
            (
                "Wes: and um the deck on elm court failed the railing was too low",
                "Teresa: again",
                "Wes: again yeah so um i'll do the reinspection on the 21st",
            ),
            "Do the reinspection of the deck on elm court",
        ),
        (
            (
                "Mei: the supermarket on elm road the manager say maybe they give extra",
                "Fatima: maybe or yes",
                "Mei: i will ask the manager tomorrow",
            ),
            "Ask the manager of the supermarket on elm road",
        ),
        # A particle left after the object goes back to its verb.
        (
            ("Alice: Sam, could you set the groups up by the 1st of December?", "Sam: Yes."),
            "Set up the groups",
        ),
        # ASR without punctuation: a negated verb starts a new sentence.
        (
            (
                "Keisha: i'll call the supplier first thing tomorrow their office doesn't open "
                "till seven",
            ),
            "Call the supplier",
        ),
        (("Josh: yeah i'll fold the cake boxes on friday don't worry",), "Fold the cake boxes"),
    ],
)
def test_spans_and_bridges(lines: tuple[str, ...], title: str) -> None:
    assert title_of(*lines) == title


@pytest.mark.parametrize(
    ("lines", "title"),
    [
        # A thing named in full once and a dozen turns on by its head alone.
        (
            (
                "Sam: the privilege log for that batch is honestly a mess",
                *(f"Host: point {n} is on the agenda" for n in range(8)),
                "Alice: um sam back to the log can you take it before we meet with them",
                "Sam: yep i'll clean up the log before the meet and confer",
            ),
            "Clean up the privilege log",
        ),
        # "have it written": the work is writing it.
        (
            (
                "Alice: Who wants to take the data management plan on?",
                "Kenji: I'll take it. I can have it written in two weeks.",
            ),
            "Write the data management plan",
        ),
        # "ask X if ...": the question is the work.
        (
            ("Giulia: I will ask the warehouse if they can confirm the sofa stock in writing.",),
            "Ask the warehouse if they can confirm the sofa stock in writing",
        ),
        # ASR run-on: "the sprint's already full" starts a sentence.
        (
            (
                "Kenji: that's mine i'll fix the export timeout in two weeks "
                "the sprint's already full",
            ),
            "Fix the export timeout",
        ),
        # What is done if the work fails is not the work.
        (
            (
                "Naomi: Three patients are overdue for the week-12 visit. Can you call them?",
                "Lucy: I'll call them this afternoon. If I can't reach them, I'll send a letter.",
            ),
            "Call them",
        ),
    ],
)
def test_more_spans_and_mentions(lines: tuple[str, ...], title: str) -> None:
    assert title_of(*lines) == title


@pytest.mark.parametrize(
    ("lines", "title"),
    [
        # A noun that is the verb just proposed names that act, with its object.
        (
            (
                "Bob: We could just backfill the missing invoices from March.",
                "Sam: Good idea. I'll script the backfill tomorrow.",
            ),
            "Script the backfill of the missing invoices from March",
        ),
        # Not a message named like its act: "send the invite" stays as said.
        (
            (
                "Bob: We should invite their CTO to the demo.",
                "Alice: Sam, please send the invite by Friday.",
            ),
            "Send the invite",
        ),
        # ASR: "half are duplicates" starts a new clause; "them" are the reports.
        (
            (
                "Olivia: the crash backlog has forty open reports half are duplicates",
                "Olivia: i'll triage them before thursday's standup",
            ),
            "Triage forty open reports",
        ),
    ],
)
def test_nominals_and_quantities(lines: tuple[str, ...], title: str) -> None:
    assert title_of(*lines) == title


DIARIZED = (
    ParticipantInfo("Noor Haddad", "Product Manager", "noor@example.com"),
    ParticipantInfo("Felipe Cruz", "Account Executive", "felipe@example.com"),
)


@pytest.mark.parametrize(
    ("lines", "title"),
    [
        # A diarization label is no name: "me" stays "me" ...
        (
            (
                "Speaker 1: felipe can you send me the list of customers by friday",
                "Speaker 2: yes i will do it",
            ),
            "Send me the list of customers",
        ),
        # ... until the voice is known ("thanks noor" answers Speaker 1).
        (
            (
                "Speaker 1: felipe can you send me the list of customers by friday",
                "Speaker 2: yes i will do it",
                "Speaker 1: great thanks felipe",
                "Speaker 2: thanks noor",
            ),
            "Send Noor the list of customers",
        ),
    ],
)
def test_me_said_by_an_anonymous_voice(lines: tuple[str, ...], title: str) -> None:
    assert only(extract(*lines, participants=DIARIZED)).title == title


def test_a_pronoun_subject_with_its_verb_starts_a_new_sentence() -> None:
    title = title_of("Marcus: i'll send out the comp plans tomorrow everyone gets their own")
    assert title == "Send out the comp plans"
