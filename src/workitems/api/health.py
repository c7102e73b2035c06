"""Liveness and readiness probes; unauthenticated on purpose, and they reveal nothing."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from workitems.errors import UnavailableError
from workitems.http.session import SessionDep, SessionRoute

router = APIRouter(route_class=SessionRoute, tags=["health"])


@router.get("/livez", summary="The process is up")
async def livez() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="The database answers")
def readyz(session: SessionDep) -> JSONResponse:
    try:
        session.execute(text("SELECT 1"))
    except Exception as exc:
        raise UnavailableError(f"The database is unreachable: {type(exc).__name__}.") from exc
    return JSONResponse({"status": "ok", "database": "ok"})
