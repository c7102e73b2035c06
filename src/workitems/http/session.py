"""The request's database session: one per request, committed at the edge, in one hop.

Connection discipline (the FastAPI pool deadlock): a request must never keep a pooled
connection while it waits for a threadpool slot, or under load every thread ends up waiting
for a connection held by a request that waits for a thread. So every route is a
``SessionRoute``: a sync endpoint runs in a single threadpool hop that opens, uses and
commits (or rolls back) its session, and the connection is back in the pool before the
thread is released. Nothing is left for the event loop to commit.

SQLite has one writer at a time. Its write requests (any method but GET, HEAD and OPTIONS)
run their hop in the ``WriteQueue`` (``app.state.write_limiter``, ``http/writers.py``): one
thread of their own that takes them in order, so each write commits in the same thread right
after its flush, the next starts the moment it has committed (no event-loop turn between
two writes), and writers never meet in SQLite's sleeping busy-wait nor hold the write lock
across a hop. A write that would queue longer than its bound is refused at once with 503.
PostgreSQL has no such queue: its pool and row locks serve concurrent writers.

A dependency that needs the database only sometimes (the token check, on a cache miss) is a
``HopDependency``: on a route that passes its value straight to a sync endpoint, it may
return a ``Pending`` instead, which the endpoint's hop resolves in its thread, with the
request's session, before the endpoint runs. The request then still takes one hop. An
error answered before the hop (a 422 for the body, say) first resolves what is pending, so
a bad token is still a 401 before anything else (``resolve_pending``).
"""

import functools
import inspect
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from typing import Annotated, Any

from anyio import to_thread
from fastapi import Depends, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session

from workitems.http.writers import WriteQueue

_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: ``Session.info`` key: the ``WriteQueue`` a write request's hop runs in (SQLite only).
WRITE_LIMITER = "workitems.write_limiter"
#: ``request.state`` attribute: the request's ``Pending`` values.
_PENDING = "workitems_pending"


class HopDependency:
    """Marks a dependency (a callable instance) whose value a ``SessionRoute`` can finish
    inside the endpoint's hop; see ``finished_in_hop``."""


class Pending(ABC):
    """What a ``HopDependency`` returns in place of its value when the route finishes it in
    the hop. ``_resolve`` runs in a worker thread, once: ``value`` keeps its answer, or the
    error it raised, for any later call."""

    _resolved = False
    _value: Any = None
    _error: BaseException | None = None

    @abstractmethod
    def _resolve(self) -> Any: ...

    def value(self) -> Any:
        if not self._resolved:
            self._resolved = True
            try:
                self._value = self._resolve()
            except BaseException as error:
                self._error = error
                raise
        if self._error is not None:
            raise self._error
        return self._value

    @property
    def resolved(self) -> bool:
        return self._resolved


def finished_in_hop(request: Request, dependency: HopDependency, pending: Pending) -> bool:
    """Whether this request's route resolves ``dependency``'s value in its hop; if so,
    ``pending`` is registered with the request (see ``resolve_pending``)."""
    route = request.scope.get("route")
    if dependency not in getattr(route, "hop_dependencies", ()):
        return False
    registered: list[Pending] = getattr(request.state, _PENDING, [])
    registered.append(pending)
    setattr(request.state, _PENDING, registered)
    return True


async def resolve_pending(request: Request) -> None:
    """Resolve, in one threadpool hop, what this request left pending (an error path: the
    endpoint's hop never ran). Raises what resolving raises, such as a 401."""
    waiting = [p for p in getattr(request.state, _PENDING, ()) if not p.resolved]
    if waiting:
        await to_thread.run_sync(lambda: [p.value() for p in waiting])


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


def new_write_limiter(dialect: str, *, max_wait_seconds: float = 1.0) -> WriteQueue | None:
    """SQLite's one writer: a ``WriteQueue`` that refuses a write which would wait longer
    than ``max_wait_seconds``; ``None`` (no queue of our own) elsewhere."""
    return WriteQueue(max_wait_seconds=max_wait_seconds) if dialect == "sqlite" else None


def _unit_of_work(
    endpoint: Callable[..., Any], sessions: Sequence[Session], kwargs: dict[str, Any]
) -> Any:
    try:
        values = {
            name: value.value() if isinstance(value, Pending) else value
            for name, value in kwargs.items()
        }
        result = endpoint(**values)
    except BaseException:
        for session in sessions:
            session.rollback()
        raise
    for session in sessions:
        session.commit()
    return result


def in_one_hop(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """``endpoint`` (sync) run with its session's commit or rollback in one hop: to the
    session's ``WriteQueue`` when it has one, to the threadpool otherwise. FastAPI reads
    the parameters through ``__wrapped__``, so dependencies and OpenAPI are unchanged."""

    @functools.wraps(endpoint)
    async def run(**kwargs: Any) -> Any:
        sessions = [value for value in kwargs.values() if isinstance(value, Session)]
        queue = next(
            (s.info[WRITE_LIMITER] for s in sessions if s.info.get(WRITE_LIMITER) is not None),
            None,
        )
        work = functools.partial(_unit_of_work, endpoint, sessions, kwargs)
        if queue is not None:
            return await queue.run(work)
        return await to_thread.run_sync(work)

    return run


class SessionRoute(APIRoute):
    """The route class of every API and page router: sync endpoints run ``in_one_hop``."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        one_hop = not inspect.iscoroutinefunction(endpoint)
        if one_hop:
            endpoint = in_one_hop(endpoint)
        super().__init__(path, endpoint, **kwargs)
        #: The ``HopDependency`` instances this route finishes in its hop.
        self.hop_dependencies = _hop_dependencies(self.dependant) if one_hop else frozenset()


def _hop_dependencies(dependant: Dependant) -> frozenset[object]:
    """The endpoint's own parameters that are ``HopDependency`` values and used nowhere
    else: a dependency whose value another dependency reads on the event loop (or one in
    ``dependencies=[...]``, whose value no parameter receives) must be complete there."""
    direct = {
        sub.call
        for sub in dependant.dependencies
        if sub.name is not None and isinstance(sub.call, HopDependency)
    }
    elsewhere: set[object] = {sub.call for sub in dependant.dependencies if sub.name is None}
    elsewhere.update(call for sub in dependant.dependencies for call in _calls(sub.dependencies))
    return frozenset(direct - elsewhere)


def _calls(dependencies: Sequence[Dependant]) -> Iterator[object]:
    for sub in dependencies:
        yield sub.call
        yield from _calls(sub.dependencies)
