"""Security headers on every response, set in one place.

``X-Content-Type-Options: nosniff`` everywhere, so a browser never reads JSON or an upload
echo as HTML. ``Cache-Control: no-store`` on JSON answered to a request that carried
credentials, so no shared cache or back button keeps someone's tasks. The interactive
docs get a content security policy that forbids framing (clickjacking); their inline
start-up script needs ``'unsafe-inline'``, everything else comes from this server. The web
pages set their own, stricter, headers (``web/render.py``); a header a route already set
is kept. (The ``server: uvicorn`` banner is turned off where uvicorn starts: ``serve``.)
"""

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DOCS_PATHS = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc"})
DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'"
)


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        credentialed = any(
            name in (b"authorization", b"cookie") for name, _ in scope.get("headers", ())
        )
        docs = scope["path"] in DOCS_PATHS

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                if credentialed and "json" in headers.get("content-type", ""):
                    headers.setdefault("Cache-Control", "no-store")
                if docs:
                    headers.setdefault("Content-Security-Policy", DOCS_POLICY)
                    headers.setdefault("X-Frame-Options", "DENY")
            await send(message)

        await self.app(scope, receive, send_with_headers)
