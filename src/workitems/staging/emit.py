"""Candidate events for the outbox: the candidate as the API returns it, plus the actor.

Review warnings are left out: they are computed for a reviewer at read time, not facts
about the change.
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from workitems.notify import outbox
from workitems.notify.enums import EventType
from workitems.staging.models import Candidate
from workitems.staging.schemas import CandidateOut
from workitems.task.models import KEY_PREFIX


def candidate_data(
    session: Session, candidate: Candidate, *, actor_id: int | None, **extra: Any
) -> dict[str, Any]:
    data = CandidateOut.of(candidate, []).model_dump(mode="json", exclude={"warnings"})
    data["actor"] = outbox.actor_ref(session, actor_id)
    data.update(extra)
    return data


def emit_candidates(
    session: Session,
    event_type: EventType,
    candidates: Sequence[Candidate],
    *,
    actor_id: int | None,
) -> None:
    """One event per candidate, written into the caller's transaction."""
    items = []
    for candidate in candidates:
        extra: dict[str, Any] = {}
        if event_type is EventType.candidate_approved and candidate.task_id is not None:
            extra["task"] = {"id": candidate.task_id, "key": f"{KEY_PREFIX}{candidate.task_id}"}
        if event_type is EventType.candidate_merged and candidate.task_id is not None:
            extra["into"] = {
                "type": "task",
                "id": candidate.task_id,
                "key": f"{KEY_PREFIX}{candidate.task_id}",
            }
        items.append(
            (event_type, candidate_data(session, candidate, actor_id=actor_id, **extra), None)
        )
    outbox.emit_many(session, items)
