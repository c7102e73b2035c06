"""``/api/tasks/views``: saved views (named queries), yours and your team's."""

from typing import Annotated

from fastapi import Query, Request, Response, status

from workitems.api.deps import TasksRead, TasksWrite
from workitems.api.responses import json_response
from workitems.http.params import PathId
from workitems.http.routers import PrefixedRouter
from workitems.http.session import SessionDep, SessionRoute
from workitems.search import service as search
from workitems.search.schemas import SearchResults
from workitems.view import service
from workitems.view.schemas import ViewCreate, ViewList, ViewOut, ViewUpdate

router = PrefixedRouter(route_class=SessionRoute, prefix="/api/tasks/views", tags=["views"])


@router.get("", response_model=ViewList, summary="Your saved views, then those shared with you")
def list_views(session: SessionDep, principal: TasksRead) -> Response:
    views = service.list_views(session, viewer_id=principal.user_id)
    return json_response(
        ViewList(items=[ViewOut.of(v, viewer_id=principal.user_id) for v in views])
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ViewOut,
    summary="Save a view; a malformed query is refused (422), a name you already use is 409",
)
def create_view(data: ViewCreate, session: SessionDep, principal: TasksWrite) -> Response:
    view = service.create_view(session, data, owner_id=principal.user_id)
    return json_response(
        ViewOut.of(view, viewer_id=principal.user_id),
        status_code=status.HTTP_201_CREATED,
        headers={"Location": f"/api/tasks/views/{view.id}"},
    )


@router.get("/{view_id}", response_model=ViewOut, summary="One view (yours or shared)")
def get_view(view_id: PathId, session: SessionDep, principal: TasksRead) -> Response:
    view = service.get_view(session, view_id, viewer_id=principal.user_id)
    return json_response(ViewOut.of(view, viewer_id=principal.user_id))


@router.get(
    "/{view_id}/tasks", response_model=SearchResults, summary="Run a view: its current tasks"
)
def run_view(
    view_id: PathId,
    request: Request,
    session: SessionDep,
    principal: TasksRead,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=search.MAX_PAGE)] = 50,
) -> Response:
    view = service.get_view(session, view_id, viewer_id=principal.user_id)
    page = search.search_tasks(
        session,
        view.query,
        viewer_id=principal.user_id,
        sort=search.SearchSort(view.sort),
        cursor=cursor,
        limit=limit,
        timeout_ms=request.app.state.settings.search_timeout_ms,
    )
    return json_response(SearchResults.of(page))


@router.patch("/{view_id}", response_model=ViewOut, summary="Change one of your views")
def update_view(
    view_id: PathId, data: ViewUpdate, session: SessionDep, principal: TasksWrite
) -> Response:
    view = service.update_view(session, view_id, data, viewer_id=principal.user_id)
    return json_response(ViewOut.of(view, viewer_id=principal.user_id))


@router.delete(
    "/{view_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete one of your views"
)
def delete_view(view_id: PathId, session: SessionDep, principal: TasksWrite) -> Response:
    service.delete_view(session, view_id, viewer_id=principal.user_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
