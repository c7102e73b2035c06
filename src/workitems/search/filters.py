"""Turn a parsed query's filters into SQL conditions over ``tasks``.

Negation keeps the reading people expect when a column is empty: ``-assignee:me`` includes
unassigned tasks and ``-due:<2026-12-01`` includes tasks with no due date, where plain SQL
``NOT`` would drop every NULL.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, exists, false, func, not_, or_, true
from sqlalchemy.orm import InstrumentedAttribute, Session

from workitems.errors import ValidationError
from workitems.search.query import Field, Filter, Op, ParsedQuery, QuerySyntaxError, parse_when
from workitems.task.enums import Priority, TaskSource, TaskStatus
from workitems.task.models import Task, TaskLabel
from workitems.task.repository import overdue, status_in
from workitems.task.status import ACTIVE_STATUSES, FINAL_STATUSES
from workitems.user.resolve import resolve_person

ALL_STATUSES = frozenset(TaskStatus)
#: Stands for "no due date" in ``due:none`` (no task is due on the last day of year 9999).
NO_DATE = date(9999, 12, 31)
_GROUPS = {"open": ACTIVE_STATUSES, "closed": FINAL_STATUSES, "all": ALL_STATUSES}


@dataclass(frozen=True)
class Context:
    viewer_id: int | None
    now: datetime
    #: SQLite plans some conditions better written another way (see ``_due``).
    sqlite: bool = False

    @property
    def today(self) -> date:
        return self.now.date()


def conditions(session: Session, parsed: ParsedQuery, ctx: Context) -> list[ColumnElement[bool]]:
    """Every filter as a condition; the active-status scope unless the query names one."""
    found: list[ColumnElement[bool]] = []
    if not parsed.names_closed_work():
        found.append(status_in(ACTIVE_STATUSES))
    for f in parsed.filters:
        found.append(_compile(session, f, ctx))
    return found


def _compile(session: Session, f: Filter, ctx: Context) -> ColumnElement[bool]:
    compilers: dict[Field, Callable[[Session, Filter, Context], ColumnElement[bool]]] = {
        Field.status: _status,
        Field.is_: _is,
        Field.priority: _priority,
        Field.assignee: _assignee,
        Field.label: _label,
        Field.due: _due,
        Field.overdue: _overdue,
        Field.updated: _timestamp(Task.updated_at),
        Field.created: _timestamp(Task.created_at),
        Field.source: _source,
    }
    return compilers[f.field](session, f, ctx)


def _negatable(f: Filter, condition: ColumnElement[bool]) -> ColumnElement[bool]:
    return not_(condition) if f.negated else condition


def _status(_s: Session, f: Filter, _c: Context) -> ColumnElement[bool]:
    wanted: set[TaskStatus] = set()
    for value in f.values:
        wanted |= _GROUPS[value] if value in _GROUPS else {TaskStatus(value)}
    if f.negated:
        wanted = set(ALL_STATUSES) - wanted
    return status_in(frozenset(wanted)) if wanted else false()


def _is(_s: Session, f: Filter, ctx: Context) -> ColumnElement[bool]:
    parts: list[ColumnElement[bool]] = []
    for value in f.values:
        if value in _GROUPS:
            parts.append(status_in(_GROUPS[value]))
        elif value == "overdue":
            parts.append(_overdue_condition(ctx))
        else:  # "unassigned"
            parts.append(Task.assignee_id.is_(None))
    return _negatable(f, or_(*parts))


def _priority(_s: Session, f: Filter, _c: Context) -> ColumnElement[bool]:
    if f.op is Op.eq:
        wanted = {Priority(v) for v in f.values}
    else:
        pivot = Priority(f.values[0]).rank
        compare: dict[Op, Callable[[int], bool]] = {
            Op.lt: lambda rank: rank < pivot,
            Op.le: lambda rank: rank <= pivot,
            Op.gt: lambda rank: rank > pivot,
            Op.ge: lambda rank: rank >= pivot,
        }
        wanted = {p for p in Priority if compare[f.op](p.rank)}
    if f.negated:
        wanted = set(Priority) - wanted
    return Task.priority.in_(sorted(wanted)) if wanted else false()


def _assignee(session: Session, f: Filter, ctx: Context) -> ColumnElement[bool]:
    ids: list[int] = []
    unassigned = False
    for value in f.values:
        user_id = _user_id(session, value, f, ctx)
        if user_id is None:
            unassigned = True
        else:
            ids.append(user_id)
    if f.negated:
        kept: ColumnElement[bool] = Task.assignee_id.is_not(None) if unassigned else true()
        if ids:
            others = or_(Task.assignee_id.is_(None), Task.assignee_id.not_in(ids))
            kept = and_(kept, others)
        return kept
    parts: list[ColumnElement[bool]] = []
    if ids:
        parts.append(Task.assignee_id.in_(ids))
    if unassigned:
        parts.append(Task.assignee_id.is_(None))
    return or_(*parts)


def _user_id(session: Session, value: str, f: Filter, ctx: Context) -> int | None:
    """The person resolver's reading, with the error placed in the query."""
    try:
        user = resolve_person(session, value, actor_id=ctx.viewer_id)
    except ValidationError as exc:
        error = QuerySyntaxError(exc.detail, term=f.raw, position=f.position)
        if "matches" in exc.extensions:
            error.extensions["matches"] = exc.extensions["matches"]
        raise error from None
    return user.id if user is not None else None


def _label(_s: Session, f: Filter, _c: Context) -> ColumnElement[bool]:
    labelled = exists().where(TaskLabel.task_id == Task.id).where(TaskLabel.label.in_(f.values))
    return _negatable(f, labelled)


def _due(_s: Session, f: Filter, ctx: Context) -> ColumnElement[bool]:
    if f.values[0] == "none":
        undated: ColumnElement[bool] = Task.due_date.is_(None)
        if ctx.sqlite:
            # Most tasks have no due date, which SQLite cannot know: it read them from the
            # due-date index and sorted half the table (500 ms at a million tasks) instead
            # of walking newest first (4 ms). Hidden from the index, it walks.
            # PostgreSQL's statistics know; it plans better with the plain test.
            undated = func.coalesce(Task.due_date, NO_DATE) == NO_DATE
        return _negatable(f, undated)
    when = parse_when(f.values[0])
    # A relative due date counts forward: due:<7d is "due within the next week".
    day = when if isinstance(when, date) else ctx.today + timedelta(days=when or 0)
    comparisons = {
        Op.eq: Task.due_date == day,
        Op.lt: Task.due_date < day,
        Op.le: Task.due_date <= day,
        Op.gt: Task.due_date > day,
        Op.ge: Task.due_date >= day,
    }
    condition = comparisons[f.op]
    if f.negated:
        return or_(Task.due_date.is_(None), not_(condition))
    return condition


def _overdue_condition(ctx: Context) -> ColumnElement[bool]:
    return overdue(ctx.today)


def _overdue(_s: Session, f: Filter, ctx: Context) -> ColumnElement[bool]:
    wanted = (f.values[0] == "true") != f.negated
    condition = _overdue_condition(ctx)
    return condition if wanted else or_(Task.due_date.is_(None), not_(condition))


def _timestamp(
    column: InstrumentedAttribute[datetime],
) -> Callable[[Session, Filter, Context], ColumnElement[bool]]:
    """``updated:<30d`` reads as an age (changed less than 30 days ago); a date reads as
    a calendar day (``updated:<2026-01-01`` is before that day began)."""

    def compile_(_s: Session, f: Filter, ctx: Context) -> ColumnElement[bool]:
        when = parse_when(f.values[0])
        if isinstance(when, date):
            start = datetime.combine(when, time.min, tzinfo=UTC)
            end = start + timedelta(days=1)
            condition = {
                Op.eq: and_(column >= start, column < end),
                Op.lt: column < start,
                Op.le: column < end,
                Op.gt: column >= end,
                Op.ge: column >= start,
            }[f.op]
        else:
            cutoff = ctx.now - timedelta(days=when or 0)
            if when == 0:  # "today": since midnight
                cutoff = datetime.combine(ctx.today, time.min, tzinfo=UTC)
            younger = f.op in (Op.eq, Op.lt, Op.le)
            condition = column >= cutoff if younger else column < cutoff
        return _negatable(f, condition)

    return compile_


def _source(_s: Session, f: Filter, _c: Context) -> ColumnElement[bool]:
    return _negatable(f, Task.source.in_([TaskSource(v) for v in f.values]))
