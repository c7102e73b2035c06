"""The task queues: My work (the home page), All work with search and saved views, bulk
changes, and the lookups behind the owner and task pickers."""

from collections.abc import Sequence
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from workitems.clock import utc_today
from workitems.errors import ValidationError, WorkitemsError
from workitems.http.params import PathId
from workitems.http.session import SessionDep
from workitems.search import service as search
from workitems.task import bulk, service
from workitems.task.enums import BulkAction, Priority, TaskStatus
from workitems.task.repository import Sort, TaskFilters, TaskRow
from workitems.task.schemas import TaskUpdate
from workitems.task.status import allowed_targets
from workitems.user import service as users
from workitems.user.resolve import resolve_people
from workitems.view import service as views
from workitems.view.schemas import ViewCreate
from workitems.web.deps import PostedBy, SignedIn, Viewer
from workitems.web.forms import blank_to_none, validated
from workitems.web.render import redirect, render, safe_path
from workitems.web.routing import WebRoute

router = APIRouter(route_class=WebRoute, include_in_schema=False)

#: The order My work shows its groups in: what is moving, then what is next.
GROUP_ORDER = (
    TaskStatus.in_progress,
    TaskStatus.pending,
    TaskStatus.on_hold,
    TaskStatus.unaddressed,
)
PAGE = 50


def _groups(tasks: Sequence[TaskRow]) -> list[tuple[str, list[TaskRow]]]:
    """Overdue work first, whatever its status; then the rest by status."""
    today = utc_today()
    overdue = [t for t in tasks if t.is_overdue(today)]
    groups = [("Overdue", overdue)] if overdue else []
    for status in GROUP_ORDER:
        rows = [t for t in tasks if t.status == status and not t.is_overdue(today)]
        if rows:
            groups.append((status.value, rows))
    return groups


@router.get("/")
def my_work(request: Request, session: SessionDep, viewer: SignedIn) -> Response:
    page = service.list_task_rows(
        session,
        TaskFilters(assignee_ids=[viewer.user_id]),
        sort=Sort.parse("due"),
        limit=service.MAX_PAGE,
    )
    tasks = page.items
    return render(
        request,
        "my_work.html",
        viewer=viewer,
        groups=_groups(tasks),
        count=len(tasks),
        truncated=page.next_cursor is not None,
        targets={t.id: allowed_targets(t.status) for t in tasks},
        nudges=service.list_open_nudges(session, {t.id: t.updated_at for t in tasks}),
        people=users.lookup_assignable(session, ""),
    )


@router.post("/tasks/{ref}/nudges/dismiss")
def dismiss_nudge(ref: str, session: SessionDep, viewer: PostedBy) -> Response:
    task = service.dismiss_nudge(session, ref, actor_id=viewer.user_id)
    return redirect("/", notice=f"Dismissed the nudge on {task.key}.")


def _filters(
    session: Session,
    viewer: Viewer,
    status: Sequence[str],
    priority: Sequence[str],
    owner: str,
    label: str,
) -> TaskFilters:
    statuses = None
    if "all" in status:
        statuses = list(TaskStatus)
    elif status:
        statuses = [TaskStatus(s) for s in status]
    ids, unassigned = resolve_people(session, [owner], actor_id=viewer.user_id)
    return TaskFilters(
        statuses=statuses,
        priorities=[Priority(p) for p in priority],
        assignee_ids=ids,
        unassigned=unassigned,
        labels=[label.strip()] if label.strip() else [],
    )


@router.get("/work")
def all_work(
    request: Request,
    session: SessionDep,
    viewer: SignedIn,
    status: Annotated[list[str], Query()] = [],  # noqa: B006 (FastAPI copies defaults)
    priority: Annotated[list[str], Query()] = [],  # noqa: B006
    owner: str = "",
    label: str = "",
    q: Annotated[str, Query(max_length=1000)] = "",
    view: int | None = None,
    sort: str = "-updated",
    cursor: str | None = None,
) -> Response:
    """The filter bar and the search query combine (AND). Opening All work with no
    parameters at all opens the person's default saved view, if they have one."""
    status = [s for s in status if s]
    priority = [p for p in priority if p]
    chosen_view = None
    if view is not None:
        chosen_view = views.get_view(session, view, viewer_id=viewer.user_id)
    elif not request.url.query:
        chosen_view = views.default_view(session, viewer_id=viewer.user_id)
    if chosen_view is not None:
        q = chosen_view.query
    error = None
    tasks: Sequence[TaskRow] = []
    next_cursor = None
    try:
        filters = _filters(session, viewer, status, priority, owner, label)
        page = search.find_tasks(
            session,
            q,
            filters,
            viewer_id=viewer.user_id,
            sort=Sort.parse(sort),
            cursor=cursor,
            limit=PAGE,
            timeout_ms=request.app.state.settings.search_timeout_ms,
        )
        tasks, next_cursor = page.items, page.next_cursor
    except (WorkitemsError, ValueError) as exc:
        error = exc.detail if isinstance(exc, WorkitemsError) else f"Unknown filter: {exc}"
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("cursor", "view")]
    if chosen_view is not None:
        params.append(("q", q))
    more_url = None
    if next_cursor:
        more_url = "/work?" + urlencode([*params, ("cursor", next_cursor)])
    return render(
        request,
        "all_work.html",
        viewer=viewer,
        tasks=tasks,
        error=error,
        chosen={"status": status, "priority": priority, "owner": owner, "label": label, "q": q},
        as_query=compose_query(status, priority, owner, label, q),
        sort=sort,
        more_url=more_url,
        views=views.list_views(session, viewer_id=viewer.user_id),
        current_view=chosen_view,
        people=users.lookup_assignable(session, ""),
    )


def compose_query(
    status: Sequence[str], priority: Sequence[str], owner: str, label: str, q: str
) -> str:
    """The filter bar written in the search language, so a saved view is one query."""
    terms = []
    if status:
        terms.append("status:" + ",".join(status))
    if priority:
        terms.append("priority:" + ",".join(priority))
    if owner.strip():
        terms.append("assignee:" + owner.strip())
    if label.strip():
        value = label.strip()
        terms.append(f'label:"{value}"' if " " in value else f"label:{value}")
    if q.strip():
        terms.append(q.strip())
    return " ".join(terms)


@router.post("/work/views")
def save_view(
    session: SessionDep,
    viewer: PostedBy,
    name: Annotated[str, Form()],
    query: Annotated[str, Form()] = "",
    shared: Annotated[bool, Form()] = False,
    is_default: Annotated[bool, Form()] = False,
) -> Response:
    """Save the current search as a named view (the filter bar's fields are written into
    the query, so the view is one portable query)."""
    try:
        with session.begin_nested():
            saved = views.create_view(
                session,
                validated(
                    ViewCreate,
                    {"name": name, "query": query, "shared": shared, "is_default": is_default},
                ),
                owner_id=viewer.user_id,
            )
    except WorkitemsError as exc:
        return redirect("/work?" + urlencode({"q": query}), error=exc.detail)
    return redirect(f"/work?view={saved.id}", notice=f"Saved the view “{saved.name}”.")


@router.post("/work/views/{view_id}/delete")
def delete_view(view_id: PathId, session: SessionDep, viewer: PostedBy) -> Response:
    views.delete_view(session, view_id, viewer_id=viewer.user_id)
    return redirect("/work?q=", notice="Deleted the view.")


@router.post("/work/bulk")
def bulk_update(
    request: Request,
    session: SessionDep,
    viewer: PostedBy,
    action: Annotated[str, Form()],
    ids: Annotated[list[str], Form()] = [],  # noqa: B006
    owner: Annotated[str, Form()] = "",
    priority: Annotated[str, Form()] = "",
    status: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "/work",
) -> Response:
    """Apply one change to each selected task, each in its own savepoint: one refusal
    (a closed task, a missing note) is reported and the others still apply."""
    target = safe_path(back, "/work")
    if not ids:
        return redirect(target, error="Select at least one task first.")
    try:
        chosen = _bulk_action(action)
        outcomes = bulk.bulk_update_tasks(
            session,
            ids,
            action=chosen,
            actor_id=viewer.user_id,
            assignee=blank_to_none(owner),
            priority=(
                validated(TaskUpdate, {"priority": priority}).priority
                if chosen is BulkAction.priority
                else None
            ),
            status=validated_status(status) if chosen is BulkAction.status else None,
            note=blank_to_none(note),
        )
    except WorkitemsError as exc:
        return redirect(target, error=exc.detail)
    failed = [
        f"{ref}: {outcome.detail}"
        for ref, outcome in zip(ids, outcomes, strict=True)
        if isinstance(outcome, WorkitemsError)
    ]
    if failed:
        done = len(ids) - len(failed)
        return redirect(target, error=f"Updated {done} of {len(ids)}. " + " ".join(failed))
    return redirect(target, notice=f"Updated {len(ids)} tasks.")


def _bulk_action(value: str) -> BulkAction:
    try:
        return BulkAction(value)
    except ValueError:
        raise ValidationError(f"Unknown bulk action {value!r}.", field="action") from None


def validated_status(value: str) -> TaskStatus:
    try:
        return TaskStatus(value)
    except ValueError:
        raise ValidationError("Choose a status.", field="status") from None


@router.get("/ui/tasks")
def task_lookup(request: Request, session: SessionDep, viewer: SignedIn, q: str = "") -> Response:
    """The duplicate picker's search: the same language and ranking as the API's search."""
    if not q.strip():
        return JSONResponse([])
    try:
        page = search.search_tasks(
            session,
            q[:1000],
            viewer_id=viewer.user_id,
            sort=search.SearchSort.relevance,
            limit=10,
            timeout_ms=request.app.state.settings.search_timeout_ms,
        )
    except WorkitemsError:
        return JSONResponse([])  # a half-typed query ("status:") is not an error yet
    return JSONResponse([{"key": t.key, "title": t.title} for t in page.items])


@router.get("/ui/users")
def user_lookup(session: SessionDep, _viewer: SignedIn, q: str = "") -> Response:
    """The owner pickers' autocomplete: the same ranking as ``GET /api/tasks/users``."""
    found = users.lookup_assignable(session, q[:200], limit=20)
    return JSONResponse([{"email": user.email, "name": user.display_name} for user in found])
