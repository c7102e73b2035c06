"""A bound on the requests one process works on at once; the rest get 503 at once.

Without it, a burst queues every request for the threadpool, and the queue keeps running
after the clients have given up, so the process stays busy long after the burst and its
probes wait behind that work. With it, a request over ``limit`` is answered at once with
503 and ``Retry-After`` (it changed nothing, so retrying is safe), and the probes
(``/livez``, ``/readyz``) are never counted or refused.
"""

from starlette.types import ASGIApp, Receive, Scope, Send

from workitems.api.problems import problem

PROBES = frozenset({"/livez", "/readyz"})


class InFlightLimitMiddleware:
    def __init__(self, app: ASGIApp, limit: int, *, retry_after: int = 1) -> None:
        self.app = app
        self.limit = limit
        self.retry_after = retry_after
        self.in_flight = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in PROBES:
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.limit:
            response = problem(
                503,
                "The server is at capacity; nothing was changed. Retry in a moment.",
                slug="overloaded",
                headers={"Retry-After": str(self.retry_after)},
            )
            await response(scope, receive, send)
            return
        # The event loop is single-threaded: no lock is needed around the counter.
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1
