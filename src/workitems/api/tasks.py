"""``/api/tasks``: list, create, read, edit, transition, assign, comment, history."""

from collections.abc import Sequence
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, TypeVar

from fastapi import Query, Request, Response, status

from workitems.api.deps import IfMatch, OptionalIfMatch, TasksRead, TasksWrite
from workitems.api.etags import format_etag
from workitems.api.problems import item_error
from workitems.api.responses import json_response
from workitems.bounds import Day, Instant
from workitems.clock import utc_today
from workitems.errors import ValidationError, WorkitemsError
from workitems.http.routers import PrefixedRouter
from workitems.http.session import SessionDep, SessionRoute
from workitems.search import service as search
from workitems.task import bulk, service
from workitems.task.enums import BulkItemStatus, Priority, TaskStatus
from workitems.task.models import Task
from workitems.task.repository import Sort, TaskFilters, TaskRow
from workitems.task.schemas import (
    AssignIn,
    CommentIn,
    CommentList,
    CommentOut,
    EventList,
    EventOut,
    TaskBulkIn,
    TaskBulkItem,
    TaskBulkResult,
    TaskCreate,
    TaskOut,
    TaskPage,
    TaskUpdate,
    TransitionIn,
)
from workitems.user.resolve import resolve_people

router = PrefixedRouter(route_class=SessionRoute, prefix="/api/tasks", tags=["tasks"])

E = TypeVar("E", bound=StrEnum)

TaskRef = Annotated[str, "A task id (42) or key (WI-42)."]


def _task_response(task: Task, *, status_code: int = 200) -> Response:
    headers = {"ETag": format_etag(task.version)}
    if status_code == status.HTTP_201_CREATED:
        headers["Location"] = f"/api/tasks/{task.key}"
    return json_response(TaskOut.of(task), status_code=status_code, headers=headers)


def _row_response(row: TaskRow, *, status_code: int = 200) -> Response:
    out = TaskOut.of_row(row, today=utc_today())
    headers = {"ETag": format_etag(row.version)}
    if status_code == status.HTTP_201_CREATED:
        headers["Location"] = f"/api/tasks/{row.key}"
    return json_response(out, status_code=status_code, headers=headers)


@router.get(
    "",
    response_model=TaskPage,
    summary="List tasks (active ones unless a status filter says otherwise)",
)
def list_tasks(
    request: Request,
    session: SessionDep,
    principal: TasksRead,
    q: Annotated[
        str | None,
        Query(max_length=1000, description="A search query, as on `/api/tasks/search`."),
    ] = None,
    status_: Annotated[
        list[str] | None,
        Query(alias="status", description="Repeat or comma-separate; `all` for every status."),
    ] = None,
    priority: Annotated[list[str] | None, Query(description="Repeat or comma-separate.")] = None,
    assignee: Annotated[
        list[str] | None,
        Query(
            description="User id, email, name, alias, unique name prefix, `me` or `none`; "
            "repeatable."
        ),
    ] = None,
    # A plain array, not "array or null": any text is a label, and a null branch makes the
    # fuzzer read ?label=false as a boolean the API should have refused.
    label: Annotated[tuple[str, ...], Query(description="Every label given must match.")] = (),
    due_before: Day | None = None,
    due_after: Day | None = None,
    overdue: bool = False,
    updated_since: Instant | None = None,
    sort: Annotated[
        str, Query(description="updated, created, due, priority or key; `-` for descending.")
    ] = "-updated",
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=service.MAX_PAGE)] = 50,
) -> Response:
    statuses = _enum_list(status_, TaskStatus, "status", allow_all=True)
    assignee_ids, unassigned = resolve_people(session, assignee or (), actor_id=principal.user_id)
    today = utc_today()
    filters = TaskFilters(
        statuses=statuses,
        priorities=_enum_list(priority, Priority, "priority") or (),
        assignee_ids=assignee_ids,
        unassigned=unassigned,
        labels=label,
        due_before=due_before,
        due_after=due_after,
        overdue_on=today if overdue else None,
        updated_since=_aware(updated_since),
    )
    page = search.find_tasks(
        session,
        q,
        filters,
        viewer_id=principal.user_id,
        sort=Sort.parse(sort),
        cursor=cursor,
        limit=limit,
        timeout_ms=request.app.state.settings.search_timeout_ms,
    )
    items = [TaskOut.of_row(t, today=today) for t in page.items]
    return json_response(TaskPage.model_construct(items=items, next_cursor=page.next_cursor))


@router.post(
    "", status_code=status.HTTP_201_CREATED, response_model=TaskOut, summary="Create a task"
)
def create_task(data: TaskCreate, session: SessionDep, principal: TasksWrite) -> Response:
    row = service.create_task_row(session, data, actor_id=principal.user_id)
    return _row_response(row, status_code=status.HTTP_201_CREATED)


@router.post(
    "/bulk",
    response_model=TaskBulkResult,
    summary="Assign, reprioritise or move many tasks at once, with a result per task; each "
    "applies to the current version and one refusal leaves the others applied",
)
def bulk_update(data: TaskBulkIn, session: SessionDep, principal: TasksWrite) -> Response:
    outcomes = bulk.bulk_update_tasks(
        session,
        data.ids,
        action=data.action,
        actor_id=principal.user_id,
        assignee=data.assignee,
        priority=data.priority,
        status=data.status,
        note=data.note,
    )
    items = [
        TaskBulkItem(id=ref, status=BulkItemStatus.error, error=item_error(outcome))
        if isinstance(outcome, WorkitemsError)
        else TaskBulkItem(
            id=ref, status=BulkItemStatus.updated, key=outcome.key, version=outcome.version
        )
        for ref, outcome in zip(data.ids, outcomes, strict=True)
    ]
    failed = sum(1 for item in items if item.status is BulkItemStatus.error)
    return json_response(TaskBulkResult(updated=len(items) - failed, failed=failed, results=items))


@router.get(
    "/{ref}", response_model=TaskOut, summary="Read a task by id or key; the ETag is for If-Match"
)
def get_task(ref: TaskRef, session: SessionDep, _: TasksRead) -> Response:
    return _row_response(service.get_task_row(session, ref))


@router.patch("/{ref}", response_model=TaskOut, summary="Edit a task (If-Match required)")
def update_task(
    ref: TaskRef,
    data: TaskUpdate,
    session: SessionDep,
    principal: TasksWrite,
    version: IfMatch,
) -> Response:
    task = service.update_task(
        session, ref, data, actor_id=principal.user_id, expected_version=version
    )
    return _task_response(task)


@router.post("/{ref}/transition", response_model=TaskOut, summary="Move a task to another status")
def transition_task(
    ref: TaskRef,
    data: TransitionIn,
    session: SessionDep,
    principal: TasksWrite,
    version: OptionalIfMatch,
) -> Response:
    task = service.transition_task(
        session,
        ref,
        to=data.status,
        note=data.note,
        actor_id=principal.user_id,
        expected_version=version,
    )
    return _task_response(task)


@router.post("/{ref}/assign", response_model=TaskOut, summary="Assign, reassign or unassign a task")
def assign_task(
    ref: TaskRef,
    data: AssignIn,
    session: SessionDep,
    principal: TasksWrite,
    version: OptionalIfMatch,
) -> Response:
    task = service.assign_task(
        session,
        ref,
        assignee=data.assignee,
        actor_id=principal.user_id,
        reason=data.reason,
        expected_version=version,
    )
    return _task_response(task)


@router.get(
    "/{ref}/comments", response_model=CommentList, summary="Comments on a task, oldest first"
)
def list_comments(ref: TaskRef, session: SessionDep, _: TasksRead) -> Response:
    comments = service.list_comments(session, ref)
    return json_response(CommentList(items=[CommentOut.of(c) for c in comments]))


@router.post(
    "/{ref}/comments",
    status_code=status.HTTP_201_CREATED,
    response_model=CommentOut,
    summary="Comment on a task",
)
def add_comment(
    ref: TaskRef, data: CommentIn, session: SessionDep, principal: TasksWrite
) -> Response:
    comment = service.add_comment(session, ref, body=data.body, author_id=principal.user_id)
    return json_response(CommentOut.of(comment), status_code=status.HTTP_201_CREATED)


@router.get(
    "/{ref}/history", response_model=EventList, summary="Every change to a task, oldest first"
)
def get_history(ref: TaskRef, session: SessionDep, _: TasksRead) -> Response:
    return json_response(
        EventList(items=[EventOut.of(e) for e in service.list_history(session, ref)])
    )


def _enum_list(
    values: Sequence[str] | None, enum: type[E], field: str, *, allow_all: bool = False
) -> list[E] | None:
    """Accept repeated and comma-separated values; name the bad one when there is one."""
    if not values:
        return None
    parts = [part.strip() for value in values for part in value.split(",") if part.strip()]
    if allow_all and "all" in parts:
        return list(enum)
    parsed: list[E] = []
    for part in parts:
        try:
            parsed.append(enum(part))
        except ValueError:
            options = ", ".join(member.value for member in enum)
            raise ValidationError(
                f"Unknown {field} {part!r}; use one of: {options}.", field=field
            ) from None
    return parsed


def _aware(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)
