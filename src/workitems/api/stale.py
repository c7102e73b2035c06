"""``/api/tasks/stale``: the weekly cleanup report, and the explicit actions on it."""

from typing import Annotated

from fastapi import Query, Response

from workitems.api.deps import TasksRead, TasksWrite
from workitems.api.problems import item_error
from workitems.api.responses import json_response
from workitems.http.routers import PrefixedRouter
from workitems.http.session import SessionDep, SessionRoute
from workitems.task import cleanup, service
from workitems.task.enums import SweepAction, SweepOutcome
from workitems.task.models import Task
from workitems.task.schemas import (
    StaleReport,
    StaleTaskOut,
    SweepIn,
    SweepItem,
    SweepResult,
    TaskOut,
)

router = PrefixedRouter(route_class=SessionRoute, prefix="/api/tasks/stale", tags=["cleanup"])

_DONE = {
    SweepAction.nudge: SweepOutcome.nudged,
    SweepAction.snooze: SweepOutcome.snoozed,
    SweepAction.cancel: SweepOutcome.canceled,
}


@router.get(
    "",
    response_model=StaleReport,
    summary="Active tasks with no update in `days`, and on-hold tasks held longer than "
    "`hold_days`, longest-idle first, with owner, last activity and last nudge; snoozed "
    "tasks are left out until their snooze ends",
)
def list_stale(
    session: SessionDep,
    _: TasksRead,
    days: Annotated[int, Query(ge=1, le=3650)] = 14,
    hold_days: Annotated[int, Query(ge=1, le=3650)] = 30,
    limit: Annotated[int, Query(ge=1, le=service.MAX_PAGE)] = service.MAX_PAGE,
) -> Response:
    items = cleanup.stale_report(session, days=days, hold_days=hold_days, limit=limit)
    return json_response(
        StaleReport(
            items=[
                StaleTaskOut(
                    **TaskOut.of(item.task).model_dump(),
                    stale_reason=item.reason,
                    idle_days=item.idle_days,
                    last_nudged_at=item.last_nudged_at,
                )
                for item in items
            ]
        )
    )


@router.post(
    "/sweep",
    response_model=SweepResult,
    summary="Nudge, snooze or cancel (with a closure note) the given tasks, with a result "
    "per task; nothing is ever canceled without this explicit call",
)
def sweep(data: SweepIn, session: SessionDep, principal: TasksWrite) -> Response:
    action = data.action
    outcomes = cleanup.sweep(
        session,
        action=action,
        ids=data.ids,
        actor_id=principal.user_id,
        note=data.note,
        until=data.until,
    )
    items: list[SweepItem] = []
    for ref, outcome in zip(data.ids, outcomes, strict=True):
        if isinstance(outcome, Task):
            items.append(SweepItem(id=ref, key=outcome.key, status=_DONE[action]))
        else:
            items.append(SweepItem(id=ref, status=SweepOutcome.error, error=item_error(outcome)))
    return json_response(SweepResult(results=items))
