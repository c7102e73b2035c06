"""Alembic environment: one engine from ``make_engine`` so migrations see the same pragmas."""

from alembic import context

from workitems import models
from workitems.config import Settings
from workitems.db import is_sqlite, make_engine

#: Made by raw SQL in migrations (the search index and its triggers, one database's own
#: indexes, PostgreSQL's trigger-set task change marks), not by the models: autogenerate
#: leaves them be.
SEARCH_INDEX_OBJECTS = (
    "change_xid",
    "ix_tasks_change_xid",
    "tasks_fts",
    "search_",
    "ix_tasks_search_",
    "ix_tasks_active_updated_at",
    "ix_tasks_active_search_vector",
)


def include_object(obj: object, name: str | None, *_args: object) -> bool:
    return not (name or "").startswith(SEARCH_INDEX_OBJECTS)


config = context.config
url = config.attributes.get("database_url") or Settings().database_url

engine = make_engine(url, pool_size=1, max_overflow=0)
try:
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=models.Base.metadata,
            render_as_batch=is_sqlite(url),
            compare_type=True,
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()
finally:
    engine.dispose()
