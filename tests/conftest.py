"""Fixtures: every database test runs on SQLite and on PostgreSQL.

Each pytest worker gets a fresh database per backend, migrated with Alembic (so the
migrations are tested too). Each test runs inside an outer transaction that is rolled back
(SQLAlchemy's "joining a Session into an external transaction" recipe). Tests that need
real commits and several connections (concurrency, CLI) use ``committed_url`` instead,
which empties the tables afterwards.

PostgreSQL comes from ``WORKITEMS_TEST_DATABASE_URL``; when it is unset or unreachable its
tests skip, except under ``CI=true``, where that is a failure.
"""

import os
import uuid
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from tests.factories import make_token, make_user
from workitems import migrate
from workitems.app import create_app
from workitems.auth.scopes import ALL_SCOPES
from workitems.config import Settings
from workitems.db import make_engine
from workitems.http.session import get_session
from workitems.models import Base
from workitems.staging.attention import reset_duplicate_indexes
from workitems.user.models import User, UserRole

IN_CI = os.environ.get("CI", "").lower() == "true"
PG_ADMIN_URL = os.environ.get("WORKITEMS_TEST_DATABASE_URL", "")


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"PostgreSQL tests must run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'workitems.db'}"
        migrate.upgrade(url)
        yield url
        return

    if not PG_ADMIN_URL:
        _unavailable("WORKITEMS_TEST_DATABASE_URL is not set")
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect():
            pass
    except OperationalError as exc:
        admin.dispose()
        _unavailable(f"PostgreSQL at {make_url(PG_ADMIN_URL).host} is unreachable: {exc}")
    name = f"workitems_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        migrate.upgrade(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture(autouse=True)
def _fresh_duplicate_index() -> None:
    """Each test rolls its rows back, which an incremental index cannot see."""
    reset_duplicate_indexes()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose every commit is a SAVEPOINT inside a transaction rolled back at the end."""
    with engine.connect() as connection:
        outer = connection.begin()
        session = Session(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        try:
            yield session
        finally:
            session.close()
            outer.rollback()


@pytest.fixture(scope="session")
def app(db_url: str) -> FastAPI:
    return create_app(Settings(database_url=db_url))


@pytest.fixture(autouse=True)
def _fresh_throttle(request: pytest.FixtureRequest) -> None:
    """The app lives for the whole run; failed sign-ins of one test must not lock out the
    next (every TestClient comes from the same address)."""
    if "app" in request.fixturenames:
        request.getfixturevalue("app").state.throttle.reset()


@pytest.fixture
def admin(session: Session) -> User:
    return make_user(session, email="admin@example.com", name="Ada Admin", role=UserRole.admin)


@pytest.fixture
def admin_token(session: Session, admin: User) -> str:
    return make_token(session, admin, ALL_SCOPES)


@pytest.fixture
def client(app: FastAPI, session: Session, admin_token: str) -> Iterator[TestClient]:
    """The real app, its session dependency joined to the test's transaction."""

    def _session() -> Iterator[Session]:
        yield session

    app.dependency_overrides[get_session] = _session
    try:
        yield TestClient(app, headers={"Authorization": f"Bearer {admin_token}"})
    finally:
        app.dependency_overrides.clear()


@pytest.fixture
def committed_url(db_url: str, engine: Engine) -> Iterator[str]:
    """The test database with real commits; every table is emptied afterwards."""
    yield db_url
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
