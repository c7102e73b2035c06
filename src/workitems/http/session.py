"""The request's database session: one per request, committed at the edge, in one hop.

Connection discipline (the FastAPI pool deadlock): a request must never keep a pooled
connection while it waits for a threadpool slot, or under load every thread ends up waiting
for a connection held by a request that waits for a thread. So every route is a
``SessionRoute``: a sync endpoint runs in a single threadpool hop that opens, uses and
commits (or rolls back) its session, and the connection is back in the pool before the
thread is released. Nothing is left for the event loop to commit.

SQLite has one writer at a time. Its write requests (any method but GET, HEAD and OPTIONS)
queue for one slot of their own (``app.state.write_limiter``) before they take a thread, so
writers wait in line on the event loop, hold no thread while they wait, and each commits in
the same thread right after its flush; never in SQLite's sleeping busy-wait, and never
with the write lock held across a hop. PostgreSQL has no such limiter: its pool and row
locks serve concurrent writers.
"""

import functools
import inspect
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Annotated, Any

from anyio import CapacityLimiter, to_thread
from fastapi import Depends, Request
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session

_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: ``Session.info`` key: the limiter a write request's hop queues on (SQLite only).
WRITE_LIMITER = "workitems.write_limiter"


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One session per request. A ``SessionRoute`` commits it inside the endpoint's hop;
    the commit here only finishes what an async endpoint left open on the loop."""
    state = request.app.state
    write = request.method not in _READ_METHODS
    session = Session(bind=state.write_engine if write else state.engine, expire_on_commit=False)
    if write:
        session.info[WRITE_LIMITER] = getattr(state, "write_limiter", None)
    try:
        yield session
        if session.in_transaction():
            session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def new_write_limiter(dialect: str) -> CapacityLimiter | None:
    """One writer slot on SQLite; ``None`` (no queue of our own) elsewhere. Created inside
    the running event loop (the app's lifespan)."""
    return CapacityLimiter(1) if dialect == "sqlite" else None


def _unit_of_work(
    endpoint: Callable[..., Any], sessions: Sequence[Session], kwargs: dict[str, Any]
) -> Any:
    try:
        result = endpoint(**kwargs)
    except BaseException:
        for session in sessions:
            session.rollback()
        raise
    for session in sessions:
        session.commit()
    return result


def in_one_hop(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """``endpoint`` (sync) run with its session's commit or rollback in one threadpool
    hop, queued on the session's write limiter when it has one. FastAPI reads the
    parameters through ``__wrapped__``, so dependencies and OpenAPI are unchanged."""

    @functools.wraps(endpoint)
    async def run(**kwargs: Any) -> Any:
        sessions = [value for value in kwargs.values() if isinstance(value, Session)]
        limiter = next(
            (s.info[WRITE_LIMITER] for s in sessions if s.info.get(WRITE_LIMITER) is not None),
            None,
        )
        work = functools.partial(_unit_of_work, endpoint, sessions, kwargs)
        return await to_thread.run_sync(work, limiter=limiter)

    return run


class SessionRoute(APIRoute):
    """The route class of every API and page router: sync endpoints run ``in_one_hop``."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if not inspect.iscoroutinefunction(endpoint):
            endpoint = in_one_hop(endpoint)
        super().__init__(path, endpoint, **kwargs)
