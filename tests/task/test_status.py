"""Table-driven tests of the pure lifecycle rules."""

import pytest

from workitems.errors import InvalidTransitionError, TaskClosedError, ValidationError
from workitems.task.enums import TaskStatus as S
from workitems.task.status import (
    ACTIVE_STATUSES,
    FINAL_STATUSES,
    TRANSITIONS,
    allowed_targets,
    check_assignee_removal,
    check_editable,
    check_transition,
)

ALLOWED = [
    # current, target, note, has_assignee
    (S.unaddressed, S.pending, None, False),
    (S.unaddressed, S.in_progress, None, True),
    (S.unaddressed, S.on_hold, "waiting on legal", False),
    (S.unaddressed, S.canceled, "not ours", False),
    (S.pending, S.unaddressed, None, False),
    (S.pending, S.in_progress, None, True),
    (S.pending, S.completed, "done in the meeting", False),
    (S.in_progress, S.on_hold, "blocked by vendor", True),
    (S.in_progress, S.pending, None, True),
    (S.in_progress, S.completed, "shipped", True),
    (S.on_hold, S.in_progress, None, True),
    (S.on_hold, S.pending, None, False),
    (S.on_hold, S.canceled, "no longer needed", False),
    (S.completed, S.pending, "regressed", False),
    (S.completed, S.unaddressed, "needs triage again", False),
    (S.canceled, S.pending, "back on the plan", True),
]

REFUSED = [
    # current, target, note, has_assignee, error, field
    (S.pending, S.pending, None, False, InvalidTransitionError, None),
    (S.in_progress, S.unaddressed, None, True, InvalidTransitionError, None),
    (S.completed, S.in_progress, "again", True, InvalidTransitionError, None),
    (S.completed, S.canceled, "oops", True, InvalidTransitionError, None),
    (S.canceled, S.on_hold, "hm", True, InvalidTransitionError, None),
    (S.pending, S.completed, None, False, ValidationError, "note"),
    (S.pending, S.completed, "   ", False, ValidationError, "note"),
    (S.in_progress, S.canceled, "", True, ValidationError, "note"),
    (S.completed, S.pending, None, False, ValidationError, "note"),
    (S.pending, S.on_hold, None, False, ValidationError, "note"),
    (S.pending, S.in_progress, None, False, ValidationError, "assignee"),
    (S.on_hold, S.in_progress, None, False, ValidationError, "assignee"),
]


class TestCheckTransition:
    @pytest.mark.parametrize(("current", "target", "note", "has_assignee"), ALLOWED)
    def test_allowed(self, current: S, target: S, note: str | None, has_assignee: bool) -> None:
        check_transition(current, target, note=note, has_assignee=has_assignee)

    @pytest.mark.parametrize(
        ("current", "target", "note", "has_assignee", "error", "field"), REFUSED
    )
    def test_refused(
        self,
        current: S,
        target: S,
        note: str | None,
        has_assignee: bool,
        error: type[Exception],
        field: str | None,
    ) -> None:
        with pytest.raises(error) as caught:
            check_transition(current, target, note=note, has_assignee=has_assignee)
        if field is not None:
            assert isinstance(caught.value, ValidationError)
            assert caught.value.field == field

    def test_invalid_move_lists_the_allowed_ones(self) -> None:
        with pytest.raises(InvalidTransitionError) as caught:
            check_transition(S.completed, S.in_progress, note="x", has_assignee=True)
        assert caught.value.allowed == ["unaddressed", "pending"]
        assert "unaddressed, pending" in caught.value.detail


class TestTransitionTable:
    def test_every_status_has_a_row(self) -> None:
        assert set(TRANSITIONS) == set(S)

    def test_final_statuses_only_reopen(self) -> None:
        for status in FINAL_STATUSES:
            assert set(allowed_targets(status)) == {S.pending, S.unaddressed}

    def test_every_active_status_can_close(self) -> None:
        for status in ACTIVE_STATUSES:
            assert TRANSITIONS[status] >= FINAL_STATUSES


class TestCheckEditable:
    @pytest.mark.parametrize("status", sorted(ACTIVE_STATUSES))
    def test_active_is_editable(self, status: S) -> None:
        check_editable(status)

    @pytest.mark.parametrize("status", sorted(FINAL_STATUSES))
    def test_final_is_frozen(self, status: S) -> None:
        with pytest.raises(TaskClosedError):
            check_editable(status)


class TestCheckAssigneeRemoval:
    def test_in_progress_keeps_its_owner(self) -> None:
        with pytest.raises(ValidationError):
            check_assignee_removal(S.in_progress)

    @pytest.mark.parametrize("status", [S.unaddressed, S.pending, S.on_hold])
    def test_others_may_be_unassigned(self, status: S) -> None:
        check_assignee_removal(status)
