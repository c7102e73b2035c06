"""The factory: which full-text engine serves a session's database.

Apart from ``interface.py`` so the engines can import the interface without importing the
factory that imports them.
"""

from sqlalchemy.orm import Session

from workitems.search.interface import TextSearch
from workitems.search.postgres import PostgresSearch
from workitems.search.sqlite import SqliteSearch


def engine_for(session: Session) -> TextSearch:
    if session.get_bind().dialect.name == "sqlite":
        return SqliteSearch()
    return PostgresSearch()
