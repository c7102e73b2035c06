"""The engine is configured as the README promises."""

from sqlalchemy import Engine, text

from workitems.db import is_sqlite


class TestEngine:
    def test_sqlite_pragmas(self, engine: Engine) -> None:
        if not is_sqlite(str(engine.url)):
            return
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000

    def test_migrations_are_current(self, engine: Engine) -> None:
        from workitems.migrate import pending_revisions

        assert not pending_revisions(engine)
