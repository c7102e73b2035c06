"""What every full-text engine provides (``engines.py`` picks the session's).

The index itself is kept by database triggers (see the ``search_index`` migration), so it is
updated in the same transaction as every write, whichever code path writes: the API, the
CLI, a bulk import or a migration.
"""

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import ColumnElement, Select
from sqlalchemy.orm import Session

from workitems.search.query import TextTerm
from workitems.task.models import Task
from workitems.task.repository import Plan


@dataclass(frozen=True)
class Recent:
    """``(task, position)`` rows, newest first, and the position column to page on."""

    query: Select[Task, int]
    position: ColumnElement[int]


class TextSearch(Protocol):
    def count(self, session: Session, conditions: Sequence[ColumnElement[bool]], cap: int) -> int:
        """How many tasks meet ``conditions``, counted no further than ``cap + 1``."""

    def plan(self, *, many: bool) -> Plan | None:
        """How to read a page once the capped count says whether ``many`` rows match."""

    def matches(
        self, positive: Sequence[TextTerm], negative: Sequence[TextTerm]
    ) -> ColumnElement[bool]:
        """Tasks containing every positive term and none of the negative ones."""

    def recent(
        self,
        positive: Sequence[TextTerm],
        negative: Sequence[TextTerm],
        conditions: Sequence[ColumnElement[bool]],
    ) -> "Recent | None":
        """``(task, position)`` of the matches, most recently updated first, where the
        engine can stream them in that order from its index (``WHERE position < cursor``
        pages on); ``None`` where the general task listing serves better."""

    def ranked_pool(
        self,
        positive: Sequence[TextTerm],
        negative: Sequence[TextTerm],
        conditions: Sequence[ColumnElement[bool]],
        size: int,
        plan: Plan | None,
    ) -> Select[int, float]:
        """``(id, score)`` of the ``size`` most recently updated matches, higher score
        better: relevance ranks within this bounded pool, never over every match."""

    def guard(self, session: Session, timeout_ms: int) -> AbstractContextManager[None]:
        """Stop any statement run inside that takes longer than ``timeout_ms``, raising
        ``QueryTooExpensiveError``."""
