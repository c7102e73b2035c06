"""Liveness and readiness probes; unauthenticated on purpose, and they reveal nothing.

``/readyz`` must answer quickly even when the database does not, and must never wait
behind request work: it checks on its own connection (no pool to queue for), in its own
thread (not the request threadpool), and gives up after ``READY_TIMEOUT`` seconds with 503.
"""

import anyio
from anyio import to_thread
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.pool import NullPool

from workitems.db import Timeouts, postgres_connect_args
from workitems.errors import UnavailableError

router = APIRouter(tags=["health"])

#: Half the 3 s within which an orchestrator expects a readiness answer: the other half is
#: for a loaded host (at load 20 on 2 cores, a 2.5 s limit was answered in 3.4 s).
READY_TIMEOUT = 1.5


class DatabaseProbe:
    """``SELECT 1`` on a fresh connection, with short timeouts of its own."""

    def __init__(self, database_url: str) -> None:
        quick = Timeouts(connect_seconds=2, statement_ms=2000)
        connect_args = {} if database_url.startswith("sqlite") else postgres_connect_args(quick)
        self.engine: Engine = create_engine(
            database_url, poolclass=NullPool, connect_args=connect_args
        )
        self.limiter = anyio.CapacityLimiter(2)

    def check(self) -> None:
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))


@router.get("/livez", summary="The process is up")
async def livez() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="The database answers",
    responses={503: {"description": "The database does not answer in time."}},
)
async def readyz(request: Request) -> JSONResponse:
    probe: DatabaseProbe = request.app.state.probe
    try:
        with anyio.fail_after(READY_TIMEOUT):
            await to_thread.run_sync(probe.check, limiter=probe.limiter, abandon_on_cancel=True)
    except TimeoutError:
        raise UnavailableError("The database did not answer in time.") from None
    except Exception as exc:
        raise UnavailableError(f"The database is unreachable: {type(exc).__name__}.") from exc
    return JSONResponse({"status": "ok", "database": "ok"})
