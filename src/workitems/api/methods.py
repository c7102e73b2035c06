"""405 for a method that a fixed, documented path does not serve.

Routing alone would hand ``PATCH /api/tasks/staged/bulk`` to ``PATCH
/api/tasks/staged/{candidate_id}`` (candidate "bulk") and answer 428 or 422, although the
document says ``/bulk`` takes only POST. A fixed path named in ``/openapi.json`` shadows
the templated ones: any other method there is 405 with ``Allow`` listing its own.
"""

from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from workitems.api.problems import problem

_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"})


class FixedPathMethodMiddleware:
    def __init__(self, app: ASGIApp, openapi: Callable[[], dict[str, Any]]) -> None:
        self.app = app
        self.openapi = openapi
        self._fixed: dict[str, list[str]] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            allowed = self.fixed_paths().get(scope["path"])
            if allowed is not None and scope["method"] not in allowed:
                response = problem(405, "Method Not Allowed", headers={"Allow": ", ".join(allowed)})
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def fixed_paths(self) -> dict[str, list[str]]:
        if self._fixed is None:
            self._fixed = {
                path: sorted(m.upper() for m in item if m.upper() in _METHODS)
                for path, item in self.openapi().get("paths", {}).items()
                if "{" not in path
            }
        return self._fixed
