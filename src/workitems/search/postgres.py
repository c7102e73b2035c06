"""PostgreSQL: ``tasks.search_vector`` (tsvector, GIN-indexed), ranked with ts_rank_cd.

Each term becomes its own tsquery (``plainto_tsquery`` for a word, ``phraseto_tsquery`` for
a phrase, ``to_tsquery('w:*')`` for a prefix) joined with ``tsquery_and``/``tsquery_not``,
so user text is always a bound value and never parsed as tsquery syntax.
"""

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import ColumnElement, Float, Select, bindparam, func, literal_column, not_, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from workitems.errors import QueryTooExpensiveError
from workitems.search.interface import Recent
from workitems.search.query import TextTerm
from workitems.task import repository
from workitems.task.models import Task
from workitems.task.repository import Plan

#: The text-search configuration; the migration's triggers use the same one.
CONFIG: ColumnElement[Any] = literal_column("'english'::regconfig")
VECTOR: ColumnElement[Any] = literal_column("tasks.search_vector")

QUERY_CANCELED = "57014"
#: The budget of the optimistic newest-first count (see ``PostgresSearch.count``): long
#: enough for a common word to reach the cap, short enough that a rare one loses little.
WALK_COUNT_MS = 30


def _tsquery(term: TextTerm) -> Any:
    if term.prefix:
        word = re.sub(r"\W", "", term.text)
        return func.to_tsquery(CONFIG, bindparam("ts", f"{word}:*", unique=True))
    build = func.phraseto_tsquery if term.phrase else func.plainto_tsquery
    return build(CONFIG, bindparam("ts", term.text, unique=True))


def _all_of(terms: Sequence[TextTerm]) -> Any:
    query = _tsquery(terms[0])
    for term in terms[1:]:
        query = func.tsquery_and(query, _tsquery(term))
    return query


def _any_of(terms: Sequence[TextTerm]) -> Any:
    query = _tsquery(terms[0])
    for term in terms[1:]:
        query = func.tsquery_or(query, _tsquery(term))
    return query


def tsquery(positive: Sequence[TextTerm], negative: Sequence[TextTerm]) -> Any:
    query = _all_of(positive)
    if negative:
        query = func.tsquery_and(query, func.tsquery_not(_any_of(negative)))
    return query


class PostgresSearch:
    def count(self, session: Session, conditions: Sequence[ColumnElement[bool]], cap: int) -> int:
        """Newest first if that finishes within ``WALK_COUNT_MS``, else unordered.

        Walking the active index newest first stops at the cap quickly when many rows
        match, and never ends when few do; reading the match set from the GIN index is the
        reverse. The planner cannot tell the cases apart (it misjudges phrases and
        correlated words by a factor of a hundred), so the walk gets a short budget and
        the match set answers when it runs out."""
        savepoint = session.begin_nested()
        previous = session.scalar(
            select(
                func.current_setting("statement_timeout"),
                func.set_config("statement_timeout", f"{WALK_COUNT_MS}ms", True),
            )
        )
        try:
            found = repository.count_capped(session, conditions, cap, newest_first=True)
        except OperationalError as exc:
            savepoint.rollback()
            if getattr(exc.orig, "sqlstate", None) != QUERY_CANCELED:
                raise
            return repository.count_capped(session, conditions, cap, newest_first=False)
        session.execute(select(func.set_config("statement_timeout", previous, True)))
        savepoint.commit()
        return found

    def plan(self, *, many: bool) -> Plan | None:
        """Many matches: walk the active index newest first, checking each row's tsvector.
        A few: read them from the GIN index and sort. Left alone, the planner mistakes one
        case for the other (phrases, correlated words) by a factor of a hundred."""
        return None if many else Plan.filter_then_sort

    def matches(
        self, positive: Sequence[TextTerm], negative: Sequence[TextTerm]
    ) -> ColumnElement[bool]:
        if positive:
            matched: ColumnElement[bool] = VECTOR.op("@@")(tsquery(positive, negative))
            return matched
        unmatched: ColumnElement[bool] = not_(VECTOR.op("@@")(_any_of(negative)))
        return unmatched

    def recent(
        self,
        positive: Sequence[TextTerm],
        negative: Sequence[TextTerm],
        conditions: Sequence[ColumnElement[bool]],
    ) -> "Recent | None":
        """The planner already walks ``(updated_at, id)`` checking the tsvector per row
        when a word is common, and reads the GIN index when it is rare."""
        return None

    def ranked_pool(
        self,
        positive: Sequence[TextTerm],
        negative: Sequence[TextTerm],
        conditions: Sequence[ColumnElement[bool]],
        size: int,
        plan: Plan | None,
    ) -> Select[int, float]:
        query = tsquery(positive, negative)
        score: ColumnElement[float] = func.ts_rank_cd(VECTOR, query, type_=Float)
        pool = select(Task.id.label("id"), score.label("score")).where(VECTOR.op("@@")(query))
        pool = pool.where(*conditions)
        if plan is Plan.filter_then_sort:
            # Every match fits in the pool: no order is needed to choose which ones.
            return pool.limit(size)
        return pool.order_by(Task.updated_at.desc(), Task.id.desc()).limit(size)

    @contextmanager
    def guard(self, session: Session, timeout_ms: int) -> Iterator[None]:
        # A canceled statement aborts its transaction; the SAVEPOINT confines that to the
        # search, so the request's session stays usable for the error response.
        savepoint = session.begin_nested()
        previous = session.scalar(
            select(
                func.current_setting("statement_timeout"),
                func.set_config("statement_timeout", f"{timeout_ms}ms", True),
            )
        )
        try:
            yield
        except OperationalError as exc:
            savepoint.rollback()
            if getattr(exc.orig, "sqlstate", None) == QUERY_CANCELED:
                raise QueryTooExpensiveError(timeout_ms) from None
            raise
        except BaseException:
            savepoint.rollback()  # a bad cursor, say: leave no budget behind
            raise
        else:
            session.execute(select(func.set_config("statement_timeout", previous, True)))
            savepoint.commit()
