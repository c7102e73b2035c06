"""``/api/tasks/dashboard``: the team's numbers at a glance."""

from typing import Any

from fastapi import Response
from pydantic import BaseModel

from workitems.api.deps import TasksRead
from workitems.api.responses import json_response
from workitems.clock import utc_now
from workitems.http.routers import PrefixedRouter
from workitems.http.session import SessionDep, SessionRoute
from workitems.reporting.dashboard import build_dashboard

router = PrefixedRouter(route_class=SessionRoute, prefix="/api/tasks/dashboard", tags=["dashboard"])


class DashboardOut(BaseModel):
    by_status: dict[str, int]
    by_priority: dict[str, int]
    by_owner: list[dict[str, Any]]
    unassigned: int
    overdue: int
    due_this_week: int
    aging_median_days: float | None
    aging_p90_days: float | None
    throughput: list[dict[str, Any]]
    staged_waiting: int
    oldest_staged_days: float | None


@router.get(
    "",
    response_model=DashboardOut,
    summary="Active counts by status, priority and owner; unassigned, overdue, due this "
    "week; aging; weekly throughput; the staging backlog",
)
def dashboard(session: SessionDep, _: TasksRead) -> Response:
    figures = build_dashboard(session, now=utc_now())
    return json_response(DashboardOut.model_validate(figures, from_attributes=True))
