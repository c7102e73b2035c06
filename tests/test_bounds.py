"""Request bounds hold for what the client sent, as the OpenAPI schema promises."""

import pytest
from pydantic import ValidationError

from workitems.staging.schemas import Evidence
from workitems.task.schemas import TaskCreate
from workitems.view.schemas import ViewCreate


def test_an_utterance_index_is_a_json_integer_not_false() -> None:
    with pytest.raises(ValidationError):
        Evidence.model_validate({"utterance_index": False})
    assert Evidence.model_validate({"utterance_index": 3}).utterance_index == 3


def test_max_length_counts_the_value_sent_before_it_is_trimmed() -> None:
    padded = "\t" + "x" * 100
    with pytest.raises(ValidationError):
        ViewCreate.model_validate({"name": padded, "query": ""})
    assert ViewCreate.model_validate({"name": "  Mine  ", "query": " a "}).name == "Mine"


def test_a_blank_title_is_too_short_after_trimming() -> None:
    with pytest.raises(ValidationError) as caught:
        TaskCreate.model_validate({"title": "   "})
    assert caught.value.errors()[0]["type"] == "string_too_short"
    assert TaskCreate.model_validate({"title": "  Ship it "}).title == "Ship it"
