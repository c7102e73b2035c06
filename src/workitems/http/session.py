"""The request's database session: one per request, committed at the edge.

Connection discipline (the FastAPI pool deadlock): a request must never keep a pooled
connection while it waits for a threadpool slot, or under load every thread ends up waiting
for a connection held by a request that waits for a thread. So the session is committed on
the event loop right after the endpoint returns (``scope="function"``).
"""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One session per request; commit/rollback run on the event loop (a short blocking
    call) so the connection is never held while waiting for a threadpool slot."""
    state = request.app.state
    bind = state.engine if request.method in _READ_METHODS else state.write_engine
    session = Session(bind=bind, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
