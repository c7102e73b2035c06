"""Named queries over tasks, their history and comments.

Listing uses keyset pagination: the cursor carries the last row's sort value and id, so
pages stay stable while tasks change and deep pages cost the same as the first.

Reads that only answer a request (a task by id, a page of tasks) come back as ``TaskRow``:
the response's columns, the related users' id, email and name, and the labels aggregated
in SQL, built from plain rows. Loading ORM objects for them cost ~20x the SQL (identity
map, two full ``User`` rows with password hash and aliases, a second query for labels);
writes and pages that change tasks still load ``Task``.
"""

import functools
import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    TextClause,
    and_,
    bindparam,
    case,
    exists,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import Session, aliased

from workitems.bounds import parse_id
from workitems.db import sqlite_committed_mark
from workitems.errors import ValidationError
from workitems.paging import CursorValue, Page, Part, decode_cursor, encode_cursor
from workitems.task.enums import PRIORITY_ORDER, EventKind, Priority, TaskSource, TaskStatus
from workitems.task.models import KEY_PREFIX, Comment, Task, TaskEvent, TaskLabel, task_key
from workitems.task.status import ACTIVE_STATUSES, is_overdue
from workitems.user.models import User

FAR_FUTURE = date(9999, 12, 31)


class Plan(StrEnum):
    """How to read a page when the caller knows how many rows match.

    Planners estimate a search term's or a filter combination's selectivity badly (words
    come in phrases; most old work is closed), and the two good plans differ by orders of
    magnitude: a few matches are best read and then sorted, many are best found by walking
    the newest-first index until a page is full (what planners do by default)."""

    filter_then_sort = "filter_then_sort"


class SortField(StrEnum):
    updated = "updated"
    created = "created"
    due = "due"
    priority = "priority"
    key = "key"


@dataclass(frozen=True)
class Sort:
    field: SortField = SortField.updated
    descending: bool = True

    @classmethod
    def parse(cls, text: str) -> "Sort":
        descending = text.startswith("-")
        name = text.removeprefix("-")
        try:
            return cls(SortField(name), descending)
        except ValueError:
            options = ", ".join(f"{f}, -{f}" for f in SortField)
            raise ValidationError(
                f"Unknown sort {text!r}; use one of: {options}.", field="sort"
            ) from None

    def __str__(self) -> str:
        return f"-{self.field}" if self.descending else str(self.field)


@dataclass
class TaskFilters:
    """``statuses=None`` means the active statuses: closed work leaves the queues."""

    statuses: Sequence[TaskStatus] | None = None
    priorities: Sequence[Priority] = ()
    assignee_ids: Sequence[int] = ()
    unassigned: bool = False
    labels: Sequence[str] = ()
    due_before: date | None = None
    due_after: date | None = None
    overdue_on: date | None = None
    updated_since: datetime | None = None


@dataclass(frozen=True, slots=True)
class PersonRef:
    """A related user as responses show them."""

    id: int
    email: str
    name: str

    @property
    def display_name(self) -> str:
        """As ``User`` calls it, so pages render rows and ORM tasks alike."""
        return self.name


@dataclass(frozen=True, slots=True)
class TaskRow:
    """A task as a response shows it, read from plain rows (see the module docstring)."""

    id: int
    title: str
    description: str
    status: TaskStatus
    priority: Priority
    due_date: date | None
    source: TaskSource
    closure_note: str | None
    closed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    status_changed_at: datetime
    version: int
    provenance: dict[str, Any] | None
    snoozed_until: date | None
    assignee: PersonRef | None
    created_by: PersonRef | None
    labels: list[str]

    @property
    def key(self) -> str:
        return task_key(self.id)

    def is_overdue(self, today: date) -> bool:
        return is_overdue(self.due_date, self.status, today)


_ROW_COLUMNS = (
    Task.id,
    Task.title,
    Task.description,
    Task.status,
    Task.priority,
    Task.due_date,
    Task.source,
    Task.closure_note,
    Task.closed_at,
    Task.created_at,
    Task.updated_at,
    Task.status_changed_at,
    Task.version,
    Task.provenance,
    Task.snoozed_until,
)


@functools.cache
def _row_select(dialect: str) -> Select[Any]:
    """Every ``TaskRow`` column in one statement: the two users joined in (three columns
    each) and the labels in a correlated subquery, a JSON array on SQLite and an array
    in label order on PostgreSQL."""
    assignee = aliased(User, name="assignee")
    creator = aliased(User, name="creator")
    if dialect == "postgresql":
        labels: Any = (
            select(func.array_agg(aggregate_order_by(TaskLabel.label, TaskLabel.label)))
            .where(TaskLabel.task_id == Task.id)
            .scalar_subquery()
        )
    else:
        # SQLite before 3.44 cannot order inside an aggregate: ``_task_row`` sorts.
        labels = (
            select(func.json_group_array(TaskLabel.label))
            .where(TaskLabel.task_id == Task.id)
            .scalar_subquery()
        )
    return (
        select(
            *_ROW_COLUMNS,
            assignee.id,
            assignee.email,
            assignee.display_name,
            creator.id,
            creator.email,
            creator.display_name,
            labels,
        )
        .outerjoin(assignee, assignee.id == Task.assignee_id)
        .outerjoin(creator, creator.id == Task.created_by_id)
    )


def _task_row(row: Any) -> TaskRow:
    (
        task_id, title, description, status, priority, due_date, source, closure_note,
        closed_at, created_at, updated_at, status_changed_at, version, provenance,
        snoozed_until, a_id, a_email, a_name, c_id, c_email, c_name, labels,
    ) = row  # fmt: skip
    if isinstance(labels, str):
        labels = sorted(json.loads(labels))
    return TaskRow(
        task_id, title, description, status, priority, due_date, source, closure_note,
        closed_at, created_at, updated_at, status_changed_at, version, provenance,
        snoozed_until,
        PersonRef(a_id, a_email, a_name) if a_id is not None else None,
        PersonRef(c_id, c_email, c_name) if c_id is not None else None,
        labels or [],
    )  # fmt: skip


@functools.cache
def _row_by_id(dialect: str) -> Select[Any]:
    """Built once: its compiled-cache key is then computed once too, not per request."""
    return _row_select(dialect).where(Task.id == bindparam("task_id"))


def find_row(session: Session, task_id: int) -> TaskRow | None:
    # Plain columns: run as Core on the session's connection (same transaction), without
    # the ORM's statement and row machinery, about a third of a GET's time in the hop.
    connection = session.connection()
    query = _row_by_id(connection.dialect.name)
    row = connection.execute(query, {"task_id": task_id}).first()
    return None if row is None else _task_row(row)


def rows_by_id(session: Session, ids: Sequence[int]) -> list[TaskRow]:
    """The rows of ``ids``, in that order (missing ids are left out)."""
    if not ids:
        return []
    query = _row_select(session.get_bind().dialect.name).where(Task.id.in_(list(ids)))
    found = {row.id: row for row in map(_task_row, session.execute(query))}
    return [found[task_id] for task_id in ids if task_id in found]


_PERSON_REF = select(User.id, User.email, User.display_name).where(User.id == bindparam("user_id"))


def person_ref(session: Session, user_id: int) -> PersonRef | None:
    """A user as responses show them: three columns, not the ORM's whole ``User``; a
    statement built once, run as Core on the session's connection."""
    row = session.connection().execute(_PERSON_REF, {"user_id": user_id}).first()
    return None if row is None else PersonRef(*row)


#: The task writes, built once: a statement built per call costs more to build and to
#: find in the compiled cache (its values are part of the cache key) than to run.
_INSERT_TASK = insert(Task).returning(Task.id)
_INSERT_TASKS = insert(Task).returning(Task.id, sort_by_parameter_order=True)
_INSERT_LABELS = insert(TaskLabel)
_INSERT_EVENTS = insert(TaskEvent)


def insert_tasks(session: Session, values: Sequence[Mapping[str, Any]]) -> list[int]:
    """Insert task rows (each with the same keys) in the session's transaction, with Core
    rather than the ORM's unit of work; their ids, in the order given."""
    connection = session.connection()
    if len(values) == 1:
        return [connection.execute(_INSERT_TASK, values[0]).scalar_one()]
    return list(connection.execute(_INSERT_TASKS, list(values)).scalars())


def insert_labels(session: Session, pairs: Sequence[tuple[int, str]]) -> None:
    if pairs:
        rows = [{"task_id": task_id, "label": label} for task_id, label in pairs]
        session.connection().execute(_INSERT_LABELS, rows)


def insert_events(session: Session, values: Sequence[Mapping[str, Any]]) -> None:
    """History rows (each with the same keys), written as given."""
    if values:
        session.connection().execute(_INSERT_EVENTS, list(values))


def parse_ref(ref: str | int) -> int | None:
    """``42``, ``"42"`` and ``"WI-42"`` all name task 42."""
    if isinstance(ref, int):
        return ref
    return parse_id(ref.strip().upper().removeprefix(KEY_PREFIX))


def existing_ids(session: Session, ids: Sequence[int]) -> set[int]:
    """Which of ``ids`` name a task: one query, so a batch does not probe row by row."""
    return set(session.scalars(select(Task.id).where(Task.id.in_(sorted(set(ids))))))


def find(session: Session, task_id: int, *, lock: bool = False) -> Task | None:
    query = select(Task).where(Task.id == task_id)
    if lock:
        query = query.with_for_update(of=Task)
    return session.scalar(query)


def list_page(
    session: Session,
    filters: TaskFilters,
    *,
    sort: Sort,
    cursor: str | None,
    limit: int,
    extra: Sequence[ColumnElement[bool]] = (),
    plan: Plan | None = None,
) -> Page[Task]:
    """One page in ``sort`` order; ``extra`` conditions (search terms) narrow ``filters``.

    ``plan`` passes on what the caller knows and the planner cannot (how many rows match;
    see ``Plan``)."""
    query = _page_query(select(Task), filters, sort, cursor, extra, plan)
    rows = session.scalars(query.limit(limit + 1)).unique().all()
    if len(rows) <= limit:
        return Page(rows)
    page = rows[:limit]
    return Page(page, _encode_cursor(sort, page[-1]))


def list_rows(
    session: Session,
    filters: TaskFilters,
    *,
    sort: Sort,
    cursor: str | None,
    limit: int,
    extra: Sequence[ColumnElement[bool]] = (),
    plan: Plan | None = None,
) -> Page[TaskRow]:
    """``list_page`` as ``TaskRow``s: the page's ids first (the same plan, reading no
    more than the index and the page's rows), then their rows by primary key."""
    query = _page_query(select(Task.id), filters, sort, cursor, extra, plan)
    ids = list(session.scalars(query.limit(limit + 1)))
    page = rows_by_id(session, ids[:limit])
    if len(ids) <= limit or not page:
        return Page(page)
    return Page(page, _encode_cursor(sort, page[-1]))


def _page_query(
    query: Select[Any],
    filters: TaskFilters,
    sort: Sort,
    cursor: str | None,
    extra: Sequence[ColumnElement[bool]],
    plan: Plan | None,
) -> Select[Any]:
    sort_expr = _sort_expression(sort.field)
    query = _filtered(query, filters).where(*extra)
    order_expr = sort_expr
    if plan is Plan.filter_then_sort:
        # The same value, but no index can produce it in order: read the matches, sort.
        order_expr = func.coalesce(sort_expr, sort_expr)
    if cursor:
        value, last_id = _decode_cursor(cursor, sort)
        if sort.descending:
            query = query.where(or_(sort_expr < value, and_(sort_expr == value, Task.id < last_id)))
        else:
            query = query.where(or_(sort_expr > value, and_(sort_expr == value, Task.id > last_id)))
    if sort.descending:
        return query.order_by(order_expr.desc(), Task.id.desc())
    return query.order_by(order_expr.asc(), Task.id.asc())


def count_capped(
    session: Session, conditions: Sequence[ColumnElement[bool]], cap: int, *, newest_first: bool
) -> int:
    """How many tasks match, counting no further than ``cap + 1``: an exact total of a
    broad query would cost a full scan, and "1000+" tells a reader just as much.

    ``newest_first`` counts along the list's own order (SQLite): recent work is the
    likeliest to pass an active-status filter, so a broad query reaches the cap soonest,
    where unordered SQLite may walk an index of mostly closed rows. PostgreSQL counts
    best unordered, from the match set its planner picks."""
    query = select(Task.id).where(*conditions)
    if newest_first:
        query = query.order_by(Task.updated_at.desc(), Task.id.desc())
    matching = query.limit(cap + 1).subquery()
    return session.scalar(select(func.count()).select_from(matching)) or 0


def last_events(session: Session, task_ids: Sequence[int], kind: EventKind) -> dict[int, datetime]:
    """When each task last had an event of ``kind``."""
    rows = session.execute(
        select(TaskEvent.task_id, func.max(TaskEvent.at))
        .where(TaskEvent.task_id.in_(list(task_ids)), TaskEvent.kind == kind)
        .group_by(TaskEvent.task_id)
    )
    return {row[0]: row[1] for row in rows}


def open_nudges(session: Session, changed: Mapping[int, datetime]) -> dict[int, TaskEvent]:
    """Each task's latest nudge that its owner has neither acted on (the task changed
    after it: ``changed`` maps task id to ``updated_at``) nor dismissed; one query for a
    page of tasks."""
    if not changed:
        return {}
    rows = session.scalars(
        select(TaskEvent)
        .where(
            TaskEvent.task_id.in_(list(changed)),
            TaskEvent.kind == EventKind.nudged,
            TaskEvent.dismissed_at.is_(None),
        )
        .order_by(TaskEvent.task_id, TaskEvent.id)
    )
    latest = {event.task_id: event for event in rows}
    return {i: event for i, event in latest.items() if event.at >= changed[i]}


def events_for(session: Session, task_id: int) -> Sequence[TaskEvent]:
    return session.scalars(
        select(TaskEvent).where(TaskEvent.task_id == task_id).order_by(TaskEvent.id)
    ).all()


def comments_for(session: Session, task_id: int) -> Sequence[Comment]:
    return session.scalars(
        select(Comment).where(Comment.task_id == task_id).order_by(Comment.id)
    ).all()


def _filtered(query: Select[Any], filters: TaskFilters) -> Select[Any]:
    statuses = ACTIVE_STATUSES if filters.statuses is None else frozenset(filters.statuses)
    query = query.where(status_in(statuses))
    if filters.priorities:
        query = query.where(Task.priority.in_(list(filters.priorities)))
    owner_conditions: list[ColumnElement[bool]] = []
    if filters.assignee_ids:
        owner_conditions.append(Task.assignee_id.in_(list(filters.assignee_ids)))
    if filters.unassigned:
        owner_conditions.append(Task.assignee_id.is_(None))
    if owner_conditions:
        query = query.where(or_(*owner_conditions))
    for label in filters.labels:
        query = query.where(
            exists().where(TaskLabel.task_id == Task.id).where(TaskLabel.label == label)
        )
    if filters.due_before is not None:
        query = query.where(Task.due_date < filters.due_before)
    if filters.due_after is not None:
        query = query.where(Task.due_date > filters.due_after)
    if filters.overdue_on is not None:
        query = query.where(overdue(filters.overdue_on))
    if filters.updated_since is not None:
        query = query.where(Task.updated_at >= filters.updated_since)
    return query


def overdue(today: date) -> ColumnElement[bool]:
    """``Task.is_overdue(today)`` in SQL: past its due date and still active."""
    return and_(Task.due_date < today, status_in(ACTIVE_STATUSES))


def status_in(statuses: frozenset[TaskStatus]) -> ColumnElement[bool]:
    """``status IN (...)``, written so the planner keeps the sort index usable.

    With several values in an ``IN`` list SQLite walks the (status, updated_at) index once
    per value and then sorts every match (75 ms at 100k tasks); the equivalent ``NOT IN``
    of the complement lets it walk the (updated_at, id) index in order and stop after one
    page (0.1 ms). ``status`` is never null, so both forms select the same rows.

    The values are written into the SQL text, not bound: a fixed set of enum values, and
    the only way PostgreSQL (under a generic prepared plan) and SQLite can prove that a
    query implies a partial index's ``WHERE status NOT IN (...)``.
    """
    if len(statuses) == 1:
        return Task.status == literal(next(iter(statuses)), Task.status.type, literal_execute=True)
    excluded = sorted(set(TaskStatus) - statuses)
    if not excluded:
        return true()
    return Task.status.not_in(
        bindparam("excluded", excluded, expanding=True, literal_execute=True, unique=True)
    )


def _sort_expression(sort_field: SortField) -> Any:
    if sort_field is SortField.updated:
        return Task.updated_at
    if sort_field is SortField.created:
        return Task.created_at
    if sort_field is SortField.due:
        return func.coalesce(Task.due_date, literal(FAR_FUTURE, Task.due_date.type))
    if sort_field is SortField.priority:
        return case({p.value: p.rank for p in PRIORITY_ORDER}, value=Task.priority, else_=0)
    return Task.id


def _sort_value(sort_field: SortField, task: Task | TaskRow) -> CursorValue:
    if sort_field is SortField.updated:
        return task.updated_at
    if sort_field is SortField.created:
        return task.created_at
    if sort_field is SortField.due:
        return task.due_date or FAR_FUTURE
    if sort_field is SortField.priority:
        return task.priority.rank
    return task.id


_CURSOR_PART = {
    SortField.updated: Part.time,
    SortField.created: Part.time,
    SortField.due: Part.day,
    SortField.priority: Part.rank,
    SortField.key: Part.id,
}


def _encode_cursor(sort: Sort, task: Task | TaskRow) -> str:
    return encode_cursor(str(sort), _sort_value(sort.field, task), task.id)


def _decode_cursor(cursor: str, sort: Sort) -> tuple[Any, int]:
    value, last_id = decode_cursor(cursor, str(sort), _CURSOR_PART[sort.field], Part.id)
    return value, last_id


#: A task's change mark: on SQLite ``search_seq`` (renewed from ``search_sequence`` by the
#: search triggers), on PostgreSQL ``change_xid``, the id of the transaction that last
#: inserted the task or changed its title or status (the ``task_change_marks`` migration).
_SQLITE_MARK: ColumnElement[int] = literal_column("tasks.search_seq", BigInteger)
_POSTGRES_MARK: ColumnElement[int] = literal_column(
    "CAST(CAST(tasks.change_xid AS text) AS bigint)", BigInteger
)
#: The lowest transaction id that may still be running or still be this transaction's own:
#: its changes may commit (or roll back) after this snapshot.
_POSTGRES_BOUNDARY = text(
    "SELECT CAST(CAST(least(pg_snapshot_xmin(pg_current_snapshot()), "
    "pg_current_xact_id_if_assigned()) AS text) AS bigint)"
)
#: Rechecked ids are read in chunks this size (far below either database's bound limit).
_RECHECK_CHUNK = 500


@dataclass(frozen=True)
class TitleChanges:
    """What the duplicate index reads to catch up (see ``title_changes``)."""

    #: ``(id, title, status, mark)``; the mark is None for rows last written before marks.
    rows: list[tuple[int, str, TaskStatus, int | None]]
    #: Every change with a lower mark was committed before ``rows`` were read, so it is among
    #: them; a row whose mark is this or higher may yet change under that mark (its writer is
    #: still running) or roll back. ``None`` when that cannot be known (on SQLite, see
    #: ``db.sqlite_committed_mark``): then no row read is known to be settled.
    settled_below: int | None
    #: Rechecked ids no task has any more (rolled-back inserts, deleted rows).
    gone: list[int]


def title_changes(
    session: Session, *, since: int | None, recheck: Collection[int] = ()
) -> TitleChanges:
    """Tasks for the duplicate index: every open task (and any task at or above the
    boundary) when ``since`` is None, else every task whose change mark is ``since`` or
    higher; ``recheck`` ids are read as they stand.

    Marks come from the database, never from a clock, so a writer's skewed clock cannot hide
    a change. They are not commit-ordered on PostgreSQL (a transaction id is taken at first
    write), hence ``settled_below`` from the snapshot's xmin: read before the rows, so every
    transaction below it had finished and its changes are visible to the read. Passing it
    back as ``since`` re-reads the rows at the boundary, which is harmless: a row read again
    replaces itself.
    """
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        settled_below: int | None = session.execute(_POSTGRES_BOUNDARY).scalar_one()
    else:
        committed = sqlite_committed_mark(session.connection())
        settled_below = None if committed is None else committed + 1
    mark = _POSTGRES_MARK if postgres else _SQLITE_MARK
    query = select(Task.id, Task.title, Task.status, mark)
    if since is not None:
        query = query.where(_marked_since(since, postgres=postgres))
    elif settled_below is None:
        query = query.where(status_in(ACTIVE_STATUSES))
    else:
        # Closed tasks at the boundary too: a closure that rolls back reopens them.
        query = query.where(
            or_(status_in(ACTIVE_STATUSES), _marked_since(settled_below, postgres=postgres))
        )
    rows: list[tuple[int, str, TaskStatus, int | None]] = [
        (row[0], row[1], row[2], row[3]) for row in session.execute(query)
    ]
    wanted = sorted(set(recheck) - {row[0] for row in rows})
    found: set[int] = set()
    for start in range(0, len(wanted), _RECHECK_CHUNK):
        chunk = wanted[start : start + _RECHECK_CHUNK]
        for row in session.execute(
            select(Task.id, Task.title, Task.status, mark).where(Task.id.in_(chunk))
        ):
            rows.append((row[0], row[1], row[2], row[3]))
            found.add(row[0])
    return TitleChanges(rows, settled_below, [i for i in wanted if i not in found])


def _marked_since(since: int, *, postgres: bool) -> ColumnElement[bool] | TextClause:
    if postgres:
        # Compared as xid8, so the index on change_xid serves the range.
        return text("tasks.change_xid >= CAST(CAST(:since AS text) AS xid8)").bindparams(
            since=since
        )
    mark = _SQLITE_MARK
    return mark >= since


def open_titles(session: Session, ids: Sequence[int]) -> dict[int, str]:
    rows = session.execute(
        select(Task.id, Task.title).where(Task.id.in_(list(ids))).where(status_in(ACTIVE_STATUSES))
    )
    return {row[0]: row[1] for row in rows}


def stale(
    session: Session, *, idle_before: datetime, held_before: datetime, today: date, limit: int
) -> Sequence[Task]:
    """Active tasks untouched since ``idle_before``, and on-hold tasks held since
    ``held_before``, unless snoozed past ``today``; the longest-idle first."""
    query = (
        select(Task)
        .where(status_in(ACTIVE_STATUSES))
        .where(or_(Task.snoozed_until.is_(None), Task.snoozed_until <= today))
        .where(
            or_(
                Task.updated_at < idle_before,
                and_(Task.status == TaskStatus.on_hold, Task.status_changed_at < held_before),
            )
        )
        .order_by(Task.updated_at, Task.id)
        .limit(limit)
    )
    return session.scalars(query).unique().all()
