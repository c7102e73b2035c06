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
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length" and value.isdigit() and int(value) > self.max_bytes:
                response = problem(413, BodyTooLarge(self.max_bytes).detail)
                await response(scope, receive, send)
                return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        await self.app(scope, limited_receive, send)
