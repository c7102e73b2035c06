"""A revocation made elsewhere reaches every process within a second."""

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.factories import auth, make_token, make_user
from workitems.app import create_app
from workitems.auth.cache import REVOCATION_CHECK_SECONDS
from workitems.auth.scopes import ALL_SCOPES
from workitems.auth.service import list_tokens, revoke_token
from workitems.config import Settings
from workitems.db import session_scope
from workitems.user.service import deactivate_user


@pytest.fixture
def server_process(committed_url: str) -> Iterator[TestClient]:
    """A process with its own token cache; the revocation comes from elsewhere (the CLI's
    unit of work on the same database)."""
    app = create_app(Settings(database_url=committed_url))
    yield TestClient(app)
    app.state.engine.dispose()


def _refused_after_one_check(client: TestClient, token: str) -> bool:
    """The next request after one check interval must see the revocation (the old
    cache trusted a token for 5 s)."""
    time.sleep(REVOCATION_CHECK_SECONDS + 0.05)
    return client.get("/api/tasks", headers=auth(token)).status_code == 401


class TestRevocationAcrossProcesses:
    def test_a_revoked_token(self, engine: Engine, server_process: TestClient) -> None:
        with session_scope(engine) as session:
            token = make_token(session, make_user(session), ALL_SCOPES)
        first = server_process
        assert first.get("/api/tasks", headers=auth(token)).status_code == 200  # now cached
        with session_scope(engine) as session:
            [row] = list_tokens(session)
            revoke_token(session, row.id)
        assert _refused_after_one_check(first, token)

    def test_a_deactivated_user(self, engine: Engine, server_process: TestClient) -> None:
        with session_scope(engine) as session:
            user = make_user(session)
            token = make_token(session, user, ALL_SCOPES)
        first = server_process
        assert first.get("/api/tasks", headers=auth(token)).status_code == 200
        with session_scope(engine) as session:
            deactivate_user(session, user.email)
        assert _refused_after_one_check(first, token)
