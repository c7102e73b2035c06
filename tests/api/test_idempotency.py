"""``run_idempotent``: the claim/complete/release cycle, on both databases."""

import pytest
from fastapi import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from workitems.api.idempotency import run_idempotent
from workitems.errors import ConflictError
from workitems.idempotency.models import IdempotencyKey
from workitems.user.models import User


def _keys(session: Session) -> list[IdempotencyKey]:
    return list(session.scalars(select(IdempotencyKey)))


class TestRunIdempotent:
    def test_failure_releases_the_key(self, session: Session, admin: User) -> None:
        def boom() -> Response:
            raise ConflictError("the work failed")

        with pytest.raises(ConflictError):
            run_idempotent(session, key="k", user_id=admin.id, route="/r", payload={}, work=boom)
        assert _keys(session) == []
        response = run_idempotent(
            session,
            key="k",
            user_id=admin.id,
            route="/r",
            payload={},
            work=lambda: Response("ok", status_code=201),
        )
        assert response.status_code == 201

    def test_success_stores_the_response(self, session: Session, admin: User) -> None:
        run_idempotent(
            session,
            key="k",
            user_id=admin.id,
            route="/r",
            payload={"a": 1},
            work=lambda: Response('{"n": 1}', status_code=200),
        )
        [stored] = _keys(session)
        assert (stored.status_code, stored.response_body) == (200, '{"n": 1}')

    def test_without_a_key_just_runs(self, session: Session, admin: User) -> None:
        calls: list[int] = []

        def work() -> Response:
            calls.append(1)
            return Response("ok")

        for _ in range(2):
            run_idempotent(session, key=None, user_id=admin.id, route="/r", payload={}, work=work)
        assert calls == [1, 1]
        assert _keys(session) == []
