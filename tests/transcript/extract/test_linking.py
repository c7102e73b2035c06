"""Stage 4: seeds linked into items; the evidence of each item is every linked turn."""

import pytest

from tests.transcript.extract.dialogues import evidence, extract


@pytest.mark.parametrize(
    ("lines", "groups"),
    [
        # request -> acceptance
        (("Alice: Bob, can you update the roadmap?", "Bob: Sure."), [[0, 1]]),
        (
            ("Alice: Could you draft the launch email?", "Priya: Yes, I'll draft it tonight."),
            [[0, 1]],
        ),
        # who-question -> answer, and a deictic commitment with its elaboration
        (("Alice: Who can own the vendor call?", "Sam: Me, I'll call them tomorrow."), [[0, 1]]),
        # two items in one turn stay two
        (("Priya: I'll update the deck and send the invite.",), [[0], [0]]),
        # a recap restating an earlier item joins it
        (
            (
                "Bob: I'll send the pricing sheet to Dana by Friday.",
                "Alice: Great, thanks.",
                "Priya: The weather is awful today.",
                "Alice: To recap, Bob will send the pricing sheet to Dana by Friday.",
            ),
            [[0, 3]],
        ),
        # a refusal cancels the request
        (("Alice: Can you update the roadmap?", "Bob: Sorry, I can't this week."), []),
    ],
)
def test_groups(lines: tuple[str, ...], groups: list[list[int]]) -> None:
    assert [evidence(item) for item in extract(*lines)] == groups


def test_a_wrap_up_line_that_names_the_owner_joins_their_item_on_one_shared_word() -> None:
    lines = (
        "Bob: I'll send round last month's breach numbers.",
        "Alice: Thanks.",
        "Priya: The weather is awful today.",
        "Alice: Okay, to wrap up.",
        "Alice: Bob, the breach and handover data by Friday.",
    )
    assert [evidence(item) for item in extract(*lines)] == [[0, 4]]
