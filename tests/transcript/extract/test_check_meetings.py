"""``training/extractor/check_meetings.py`` rejects title terms the scorer can never match."""

import importlib.util
import sys
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[3]


def checker() -> ModuleType:
    name = "check_meetings"
    spec = importlib.util.spec_from_file_location(
        name, ROOT / "training" / "extractor" / "check_meetings.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


CHECK = checker()


def errors(terms: list[str], text: str) -> list[str]:
    item = {
        "evidence_utterance_indices": [0],
        "owner_user": None,
        "due": [None],
        "title_terms": terms,
        "text": text,
    }
    report = CHECK.Report()
    CHECK._check_item("m item 0", item, 3, date(2026, 1, 5), set(), report)
    return report.errors


@pytest.mark.parametrize(
    ("terms", "text"),
    [
        (["on-call", "rotation"], "Write up the new on-call rotation"),  # [a-z0-9]+ words only
        (["3.1.9"], "Release 3.1.9 with the fix"),
        (["kit"], "Order the new kits for the under-nines"),  # a short term is a whole word
        (["log"], "Pull the cooler temperature logs"),
        (["invoice"], "Chase the tarp vendor"),  # not in the reference title at all
    ],
)
def test_terms_the_scorer_cannot_match_are_errors(terms: list[str], text: str) -> None:
    assert any("title term" in e for e in errors(terms, text))


@pytest.mark.parametrize(
    ("terms", "text"),
    [
        (["call", "rotation"], "Write up the new on-call rotation"),
        (["kits"], "Order the new kits for the under-nines"),
        (["inspection", "roof"], "Do the roof inspections for the twelve claims"),  # 5 letters
        (["reply", "reviews"], "Reply to the online reviews"),
    ],
)
def test_terms_the_scorer_matches_pass(terms: list[str], text: str) -> None:
    assert errors(terms, text) == []


def test_the_shipped_meetings_pass() -> None:
    assert CHECK.main(["--no-parse"]) == 0
