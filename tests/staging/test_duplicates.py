"""The fuzzy duplicate index (pure)."""

import pytest
from sqlalchemy.orm import Session

from workitems.staging.duplicates import TitleIndex, normalize, similarity
from workitems.user.models import User


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


class TestGhostRows:
    def test_rolled_back_rows_do_not_hide_real_matches(self, session: Session, admin: User) -> None:
        """Rows inserted by transactions that rolled back stay in the incremental index;
        they must neither be reported nor crowd out the real task."""
        from tests.factories import make_task
        from workitems.staging.schemas import CandidateIn
        from workitems.staging.service import _task_index, stage_candidate, warnings_for

        cache = _task_index(session)
        for ghost in range(10_000_000, 10_000_200):
            cache.index.add(ghost, "Send the Q3 deck to finance")
        real = make_task(session, actor=admin, title="Send the Q3 deck to finance")
        candidate = stage_candidate(
            session, CandidateIn(title="Send Q3 deck to the finance team"), actor_id=admin.id
        )
        [warning] = [
            w
            for w in warnings_for(session, [candidate])[candidate.id]
            if w.code == "likely_duplicate"
        ]
        assert [m["id"] for m in warning.matches or []] == [real.id]
