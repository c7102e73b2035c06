"""Fresh databases: a file in the work directory, or a new database on a PostgreSQL server."""

import contextlib
import secrets
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.engine import make_url

from workitems.db import is_sqlite


@contextlib.contextmanager
def fresh_database(
    server_url: str | None, workdir: Path, name: str, *, keep: bool = False
) -> Iterator[str]:
    """Yield the URL of a fresh, empty database named after ``name``.

    ``server_url=None`` is SQLite (``workdir/name.db``, removed with its WAL files unless
    ``keep``); a PostgreSQL URL gets a new ``workitems_bench_<name>_<random>`` database on
    that server, dropped afterwards unless ``keep``. The random part lets two runs share a
    server."""
    if server_url is None:
        path = workdir / f"{name}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        try:
            yield f"sqlite:///{path}"
        finally:
            if not keep:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg
    from psycopg import sql

    server = make_url(server_url)
    admin_dsn = server.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False
    )
    database = f"workitems_bench_{name}_{secrets.token_hex(4)}"
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    try:
        yield server.set(database=database).render_as_string(hide_password=False)
    finally:
        if keep:
            print(f"kept PostgreSQL database {database}")
        else:
            drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            with psycopg.connect(admin_dsn, autocommit=True) as conn:
                conn.execute(drop.format(sql.Identifier(database)))


def backend_name(url: str) -> str:
    return "SQLite" if is_sqlite(url) else "PostgreSQL"


def shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)
