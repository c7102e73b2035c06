"""Command-line flags that every benchmark script takes, spelled the same everywhere."""

import argparse
from pathlib import Path

from sqlalchemy.engine import make_url

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def parser_for(doc: str | None) -> argparse.ArgumentParser:
    """A parser whose description is the first paragraph of the script's docstring."""
    return argparse.ArgumentParser(description=doc.split("\n\n", 1)[0] if doc else None)


def add_database(parser: argparse.ArgumentParser, *, both: bool = False) -> None:
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server (postgresql+psycopg://user@host:port/db) to run against "
        "instead of SQLite; a fresh database is created there and dropped afterwards",
    )
    if both:
        parser.add_argument(
            "--both",
            action="store_true",
            help=f"run on SQLite, then on PostgreSQL (--database-url, default {DEFAULT_PG_URL})",
        )


def add_common(parser: argparse.ArgumentParser, *, server: bool = True) -> None:
    """``--quick``, ``--keep``, ``--json``, ``--check`` and, for scripts that start the
    service, ``--log-level``."""
    if server:
        parser.add_argument(
            "--log-level",
            default="warning",
            help="server log level (warning; 'info' adds uvicorn's access log to every request)",
        )
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary directory and the databases"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit 2 when a goal is missed (errors always exit 1)",
    )


def database_urls(
    parser: argparse.ArgumentParser, args: argparse.Namespace
) -> tuple[str | None, ...]:
    """The servers to run on, ``None`` meaning SQLite; refuses a non-PostgreSQL URL."""
    url: str | None = args.database_url
    if url is not None and make_url(url).get_backend_name() != "postgresql":
        parser.error("--database-url takes a PostgreSQL URL; SQLite is the default")
    if getattr(args, "both", False):
        return (None, url or DEFAULT_PG_URL)
    return (url,)
