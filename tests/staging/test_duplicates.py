"""The fuzzy duplicate index (pure)."""

import pytest

from workitems.staging.duplicates import TaskTitleCache, TitleIndex, normalize, similarity


@pytest.fixture
def index() -> TitleIndex:
    index = TitleIndex()
    for item_id, title in enumerate(
        [
            "Send the Q3 deck to finance",
            "Book the offsite venue for March",
            "Fix the login timeout on mobile",
            "Draft the vendor contract renewal",
            "Update the onboarding checklist",
        ],
        start=1,
    ):
        index.add(item_id, title)
    return index


class TestMatches:
    @pytest.mark.parametrize(
        ("title", "expected"),
        [
            ("send Q3 deck to the finance team", 1),
            ("Send the Q3 decks to finance!", 1),
            ("Fix login timeouts on mobile", 3),
            ("Vendor contract renewal: draft it", 4),
        ],
    )
    def test_near_duplicates_found(self, index: TitleIndex, title: str, expected: int) -> None:
        matches = index.matches(title)
        assert matches
        assert matches[0][0] == expected

    @pytest.mark.parametrize(
        "title",
        ["Send the invoice to the client", "Book a dentist appointment", "Deck", "finance"],
    )
    def test_unrelated_not_matched(self, index: TitleIndex, title: str) -> None:
        assert index.matches(title) == []

    def test_exclude_self(self, index: TitleIndex) -> None:
        assert index.matches("Send the Q3 deck to finance", exclude=1) == []

    def test_remove(self, index: TitleIndex) -> None:
        index.remove(1)
        assert index.matches("Send the Q3 deck to finance") == []

    def test_readd_replaces_title(self, index: TitleIndex) -> None:
        index.add(1, "Plan the team retro")
        assert index.matches("Send the Q3 deck to finance") == []
        assert index.matches("Plan the team retro")[0][0] == 1


class TestNormalize:
    def test_stopwords_case_punctuation_plurals(self) -> None:
        assert normalize("Send the Decks, to Finance!") == "send deck finance"

    def test_similarity_is_order_insensitive(self) -> None:
        assert similarity("deck send finance", "send deck finance") == 100


class TestTaskTitleCache:
    def test_rows_at_or_above_the_boundary_stay_unsettled(self) -> None:
        cache = TaskTitleCache()
        rows = [(1, "Send the deck", True, 5), (2, "Book a room", True, 9), (3, "Old", True, None)]
        cache.apply(rows, settled_below=9)
        assert (cache.watermark, cache.unsettled) == (9, {2})
        cache.apply([(2, "Book a room", True, 9)], settled_below=12)
        assert (cache.watermark, cache.unsettled) == (12, set())

    def test_a_closed_or_gone_task_leaves_the_index(self) -> None:
        cache = TaskTitleCache()
        cache.apply([(1, "Send the deck", True, 5), (2, "Book a room", True, 6)], settled_below=6)
        cache.apply([(1, "Send the deck", False, 7)], settled_below=8, gone=[2])
        assert (cache.index.titles, cache.unsettled) == ({}, set())

    def test_an_unknown_boundary_settles_nothing(self) -> None:
        cache = TaskTitleCache()
        cache.apply([(1, "Send the deck", True, 5)], settled_below=7)
        cache.apply([(2, "Book a room", True, 3)], settled_below=None)
        assert (cache.watermark, cache.unsettled) == (7, {2})
