"""Applying Alembic migrations from the installed package (``workitems migrate``, tests)."""

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from workitems.db import make_engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


@dataclass(frozen=True)
class Migrated:
    """What ``migrate`` did: the revision before (``None``: an empty database) and after,
    how many migrations ran, and the tables the database now holds."""

    before: str | None
    after: str | None
    applied: int
    tables: int


def upgrade_and_report(database_url: str) -> Migrated:
    engine = make_engine(database_url)
    try:
        before = _current(engine)
        upgrade(database_url)
        after = _current(engine)
        script = ScriptDirectory.from_config(alembic_config(database_url))
        applied = (
            sum(1 for _ in script.iterate_revisions(after, before or "base"))
            if after != before
            else 0
        )
        tables = len([t for t in inspect(engine).get_table_names() if t != "alembic_version"])
    finally:
        engine.dispose()
    return Migrated(before=before, after=after, applied=applied, tables=tables)


def _current(engine: Engine) -> str | None:
    with engine.connect() as connection:
        heads = MigrationContext.configure(connection).get_current_heads()
    return heads[0] if heads else None


def pending_revisions(engine: Engine) -> bool:
    """True when the database is behind the code (or has never been migrated)."""
    script = ScriptDirectory.from_config(alembic_config(str(engine.url)))
    with engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    return current != set(script.get_heads())


def database_is_current(database_url: str) -> bool:
    engine = make_engine(database_url)
    try:
        return not pending_revisions(engine)
    finally:
        engine.dispose()
