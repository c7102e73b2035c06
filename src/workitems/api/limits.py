"""Request body size limit, enforced before the body is parsed (413, never a 500)."""

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from workitems.api.problems import problem


class BodyTooLarge(HTTPException):
    """An HTTPException, so FastAPI's body parsing re-raises it instead of turning it into
    a 400, and ``api/problems.py`` renders it like every other error."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is larger than the {limit:,}-byte limit.")


class BodySizeLimitMiddleware:
    def __init__(
        self, app: ASGIApp, max_bytes: int, per_path: dict[str, int] | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.per_path = per_path or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.per_path.get(scope["path"], self.max_bytes)
        for name, value in scope.get("headers", ()):
            if (
                name == b"content-length"
                and value.isascii()
                and value.isdigit()
                and int(value) > limit
            ):
                response = problem(413, BodyTooLarge(limit).detail)
                await response(scope, receive, send)
                return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, limited_receive, send)
