"""The dashboard page: ``workitems.reporting.dashboard.build_dashboard`` drawn as SVG bar charts."""

from datetime import date

from fastapi import APIRouter, Request, Response

from workitems.clock import utc_now
from workitems.http.session import SessionDep
from workitems.reporting.dashboard import build_dashboard
from workitems.staging.service import count_waiting
from workitems.task.enums import Priority, TaskStatus
from workitems.web import charts
from workitems.web.deps import SignedIn
from workitems.web.render import PRIORITY_LABELS, STATUS_LABELS, render
from workitems.web.routing import WebRoute

router = APIRouter(route_class=WebRoute, include_in_schema=False)


@router.get("/dashboard")
def dashboard(request: Request, session: SessionDep, viewer: SignedIn) -> Response:
    numbers = build_dashboard(session, now=utc_now())
    status_rows = [(STATUS_LABELS[TaskStatus(s)], n) for s, n in numbers.by_status.items()]
    priority_rows = [
        (PRIORITY_LABELS[p], numbers.by_priority.get(p.value, 0)) for p in reversed(Priority)
    ]
    owners = numbers.by_owner[:10]
    weeks = [
        (date.fromisoformat(w["week"]).strftime("%d %b"), w["completed"])
        for w in numbers.throughput
    ]
    return render(
        request,
        "dashboard.html",
        viewer=viewer,
        d=numbers,
        by_status=charts.horizontal(status_rows),
        by_priority=charts.horizontal(priority_rows),
        by_owner=charts.horizontal(
            [(o["name"], o["active"]) for o in owners], alerts=[o["overdue"] for o in owners]
        ),
        throughput=charts.vertical(weeks),
        backlog=charts.horizontal(
            [(source.value.capitalize(), n) for source, n in count_waiting(session).items()]
        ),
        aging=charts.horizontal(
            [
                ("Median", numbers.aging_median_days or 0),
                ("90th percentile", numbers.aging_p90_days or 0),
            ]
        ),
    )
