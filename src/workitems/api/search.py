"""``/api/tasks/search``: full text and filters in one query string."""

from typing import Annotated

from fastapi import Query, Request, Response

from workitems.api.deps import TasksRead
from workitems.api.responses import json_response
from workitems.http.routers import PrefixedRouter
from workitems.http.session import SessionDep, SessionRoute
from workitems.search import service
from workitems.search.schemas import SearchResults
from workitems.search.service import SearchSort

router = PrefixedRouter(route_class=SessionRoute, prefix="/api/tasks/search", tags=["search"])

QUERY_HELP = (
    'Words (all must match, stemmed), `"exact phrase"`, `-excluded`, `prefix*`, and filters: '
    "`status:pending,in_progress`, `priority:>=high`, `assignee:me|none|ana@example.com`, "
    "`label:billing`, `due:<2026-12-01` or `due:<7d`, `overdue:true`, `updated:<30d`, "
    "`created:>2026-01-01`, `source:transcript`, `is:open|closed|all|overdue|unassigned`. "
    "`-` before a filter negates it. Closed tasks are left out unless the query names a "
    "status or `is:closed`/`is:all`."
)


@router.get(
    "",
    response_model=SearchResults,
    summary="Search tasks: full text over title, description, comments and closure notes, "
    "with filters in the query",
)
def search_tasks(
    request: Request,
    session: SessionDep,
    principal: TasksRead,
    q: Annotated[str, Query(max_length=1000, description=QUERY_HELP)] = "",
    sort: SearchSort = SearchSort.updated,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=service.MAX_PAGE)] = 50,
) -> Response:
    page = service.search_tasks(
        session,
        q,
        viewer_id=principal.user_id,
        sort=sort,
        cursor=cursor,
        limit=limit,
        timeout_ms=request.app.state.settings.search_timeout_ms,
    )
    return json_response(SearchResults.of(page))
