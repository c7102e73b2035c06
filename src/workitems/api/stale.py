"""``/api/tasks/stale``: the weekly cleanup report (it lists; it never closes anything)."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from workitems.api.deps import SessionDep, TasksRead
from workitems.api.responses import json_response
from workitems.task import service
from workitems.task.schemas import TaskOut, TaskPage

router = APIRouter(prefix="/api/tasks/stale", tags=["cleanup"])


@router.get(
    "",
    response_model=TaskPage,
    summary="Active tasks with no update in `days`, and on-hold tasks held longer than "
    "`hold_days`, longest-idle first, with owner and last activity (`updated_at`)",
)
def list_stale(
    session: SessionDep,
    _: TasksRead,
    days: Annotated[int, Query(ge=1, le=3650)] = 14,
    hold_days: Annotated[int, Query(ge=1, le=3650)] = 30,
    limit: Annotated[int, Query(ge=1, le=service.MAX_PAGE)] = service.MAX_PAGE,
) -> Response:
    tasks = service.list_stale(session, days=days, hold_days=hold_days, limit=limit)
    return json_response(TaskPage(items=[TaskOut.of(t) for t in tasks], next_cursor=None))
