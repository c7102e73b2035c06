"""Search: parse the query, compile its filters, match its text, page the result.

Every statement runs under the cost guard, so a runaway query becomes an error response
instead of a worker stuck for minutes. Default order is most recently updated first, paged
by keyset; ``relevance`` ranks a bounded pool of the most recently updated matches, which
keeps its cost flat however many tasks mention a common word.
"""

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from workitems.clock import utc_now
from workitems.errors import ValidationError
from workitems.paging import Page, Part, decode_cursor, encode_cursor
from workitems.search import filters
from workitems.search.engines import engine_for
from workitems.search.interface import Recent
from workitems.search.query import ParsedQuery, parse
from workitems.task import repository
from workitems.task import service as task_service
from workitems.task.models import Task
from workitems.task.repository import Sort, TaskFilters, TaskRow

#: Counts stop here; the API shows "1000+".
COUNT_CAP = 1000
#: Relevance ranks at most this many matches (the most recently updated ones).
RELEVANCE_POOL = 1000
DEFAULT_TIMEOUT_MS = 2000
MAX_PAGE = 200
#: What a cursor of the newest-first walk over an engine's own index pages on.
_RECENT = "recent"


class SearchSort(StrEnum):
    updated = "updated"
    relevance = "relevance"


@dataclass(frozen=True)
class SearchPage(Page[TaskRow]):
    """A page of matches, with how many there are (counted up to ``COUNT_CAP``)."""

    count: int = 0
    count_capped: bool = False
    sort: SearchSort = SearchSort.updated


def search_tasks(
    session: Session,
    q: str,
    *,
    viewer_id: int | None,
    sort: SearchSort = SearchSort.updated,
    cursor: str | None = None,
    limit: int = 50,
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
    now: datetime | None = None,
) -> SearchPage:
    if not 1 <= limit <= MAX_PAGE:
        raise ValidationError(f"limit must be between 1 and {MAX_PAGE}.", field="limit")
    parsed = parse(q)
    where = _where(session, parsed, viewer_id, now)
    engine = engine_for(session)
    positive, negative = parsed.positive_text, parsed.negative_text
    if not positive:
        sort = SearchSort.updated
    with engine.guard(session, timeout_ms):
        # Count first: how many match is what tells the two good plans apart.
        recent = engine.recent(positive, negative, where) if positive else None
        matching = list(where)
        if recent is not None:
            count = _count_recent(session, recent)
        else:
            if parsed.text:
                matching.append(engine.matches(positive, negative))
            count = engine.count(session, matching, COUNT_CAP)
        plan = engine.plan(many=count > COUNT_CAP)
        if sort is SearchSort.relevance:
            pool = engine.ranked_pool(positive, negative, where, RELEVANCE_POOL, plan)
            page = _relevance_page(session, pool, cursor, limit)
        elif recent is not None:
            page = _recent_page(session, recent, cursor, limit)
        else:
            page = repository.list_rows(
                session,
                _ANY_STATUS,
                sort=Sort(),
                cursor=cursor,
                limit=limit,
                extra=matching,
                plan=plan,
            )
    return SearchPage(page.items, page.next_cursor, min(count, COUNT_CAP), count > COUNT_CAP, sort)


def find_tasks(
    session: Session,
    q: str | None,
    task_filters: TaskFilters,
    *,
    viewer_id: int | None,
    sort: Sort,
    cursor: str | None,
    limit: int,
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
) -> Page[TaskRow]:
    """The task list, narrowed by a search query when there is one: what the API's
    ``GET /api/tasks`` and the web's All work page both show."""
    if q and q.strip():
        return list_matching(
            session,
            q,
            task_filters,
            viewer_id=viewer_id,
            sort=sort,
            cursor=cursor,
            limit=limit,
            timeout_ms=timeout_ms,
        )
    return task_service.list_task_rows(session, task_filters, sort=sort, cursor=cursor, limit=limit)


def list_matching(
    session: Session,
    q: str,
    task_filters: TaskFilters,
    *,
    viewer_id: int | None,
    sort: Sort,
    cursor: str | None,
    limit: int,
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
) -> Page[TaskRow]:
    """The task list narrowed by a search query: ``GET /api/tasks?q=`` with any sort."""
    parsed = parse(q)
    where = _where(session, parsed, viewer_id, None)
    engine = engine_for(session)
    if parsed.text:
        where.append(engine.matches(parsed.positive_text, parsed.negative_text))
    if task_filters.statuses is None:
        # The query decides the status scope (active unless it names one).
        task_filters = dataclasses.replace(task_filters, statuses=_ANY_STATUS.statuses)
    with engine.guard(session, timeout_ms):
        return repository.list_rows(
            session, task_filters, sort=sort, cursor=cursor, limit=limit, extra=where
        )


_ANY_STATUS = TaskFilters(statuses=tuple(filters.ALL_STATUSES))


def _where(
    session: Session, parsed: ParsedQuery, viewer_id: int | None, now: datetime | None
) -> list[ColumnElement[bool]]:
    context = filters.Context(
        viewer_id=viewer_id,
        now=now or utc_now(),
        sqlite=session.get_bind().dialect.name == "sqlite",
    )
    return filters.conditions(session, parsed, context)


def _relevance_page(
    session: Session, pool_query: Select[int, float], cursor: str | None, limit: int
) -> Page[TaskRow]:
    pool = pool_query.subquery()
    query = select(Task.id, pool.c.score).join(pool, pool.c.id == Task.id)
    if cursor:
        score, last_id = decode_cursor(cursor, SearchSort.relevance.value, Part.score, Part.id)
        query = query.where(
            or_(pool.c.score < score, and_(pool.c.score == score, Task.id < last_id))
        )
    rows = session.execute(
        query.order_by(pool.c.score.desc(), Task.id.desc()).limit(limit + 1)
    ).all()
    items = repository.rows_by_id(session, [row[0] for row in rows[:limit]])
    if len(rows) <= limit:
        return Page(items)
    last_score, last_id = rows[limit - 1][1], rows[limit - 1][0]
    return Page(items, encode_cursor(SearchSort.relevance.value, float(last_score), last_id))


def _recent_page(session: Session, recent: Recent, cursor: str | None, limit: int) -> Page[TaskRow]:
    query = recent.query.with_only_columns(Task.id, recent.position)
    if cursor:
        [position] = decode_cursor(cursor, _RECENT, Part.sequence)
        query = query.where(recent.position < position)
    rows = session.execute(query.limit(limit + 1)).all()
    items = repository.rows_by_id(session, [row[0] for row in rows[:limit]])
    if len(rows) <= limit:
        return Page(items)
    return Page(items, encode_cursor(_RECENT, rows[limit - 1][1]))


def _count_recent(session: Session, recent: Recent) -> int:
    # Counted newest first, like the page: recent matches are the likeliest to pass the
    # filters (most old work is closed), so the cap is reached after the fewest rows.
    matching = recent.query.with_only_columns(recent.position).limit(COUNT_CAP + 1)
    return session.scalar(select(func.count()).select_from(matching.subquery())) or 0
