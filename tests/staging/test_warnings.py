"""Table-driven tests of the pure review warnings."""

from datetime import date

import pytest

from workitems.staging.warnings import (
    OwnerResolution,
    compute_warnings,
    due_warning,
    owner_warning,
    title_warning,
)

TODAY = date(2026, 11, 24)


class TestTitleWarning:
    @pytest.mark.parametrize(
        "title",
        [
            "Send the Q3 deck to finance",
            "Follow up with legal on the NDA",
            "Finalize the vendor shortlist",
            "Prioritise the onboarding bugs",
            "Ana to email the agenda",
        ],
    )
    def test_outcome_titles_pass(self, title: str) -> None:
        assert title_warning(title) is None

    @pytest.mark.parametrize(
        ("title", "code"),
        [
            ("Budget", "title_too_short"),
            ("The roadmap", "title_too_short"),
            ("Marketing budget discussion", "title_not_outcome"),
            ("The new onboarding documentation", "title_not_outcome"),
            ("Q3 vendor contract negotiation", "title_not_outcome"),
            # The vague titles: a verb whose only object is a pronoun.
            ("Do it", "title_vague"),
            ("Get that done", "title_vague"),
            ("Take care of that", "title_vague"),
            ("Send them over", "title_vague"),
        ],
    )
    def test_weak_titles_flagged(self, title: str, code: str) -> None:
        warning = title_warning(title)
        assert warning is not None
        assert warning.code == code


class TestOwnerWarning:
    @pytest.mark.parametrize(
        ("owner", "code"),
        [
            (OwnerResolution(), "no_owner"),
            (OwnerResolution(raw="Zed"), "owner_unknown"),
            (OwnerResolution(raw="Sam", matches=[{"id": 1}, {"id": 2}]), "owner_ambiguous"),
            (OwnerResolution(raw="Sam", resolved=True, inactive=True), "owner_inactive"),
            (OwnerResolution(raw="Sam", resolved=True), None),
        ],
    )
    def test_table(self, owner: OwnerResolution, code: str | None) -> None:
        warning = owner_warning(owner)
        assert (warning.code if warning else None) == code

    def test_ambiguous_lists_matches(self) -> None:
        warning = owner_warning(OwnerResolution(raw="Sam", matches=[{"id": 1}, {"id": 2}]))
        assert warning is not None
        assert warning.matches == [{"id": 1}, {"id": 2}]


class TestDueWarning:
    @pytest.mark.parametrize(
        ("due", "code"),
        [
            (None, "no_due_date"),
            (date(2026, 11, 23), "due_in_past"),
            (TODAY, None),
            (date(2026, 12, 1), None),
        ],
    )
    def test_table(self, due: date | None, code: str | None) -> None:
        warning = due_warning(due, today=TODAY)
        assert (warning.code if warning else None) == code


class TestComputeWarnings:
    def test_clean_candidate_has_none(self) -> None:
        assert (
            compute_warnings(
                title="Send the deck to finance",
                owner=OwnerResolution(raw="Ana", resolved=True),
                due=date(2026, 12, 1),
                today=TODAY,
            )
            == []
        )
