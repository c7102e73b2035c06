"""Refuse NUL characters in any request text, with a 422 naming where they were.

PostgreSQL text cannot hold NUL (an insert fails deep in the driver) while SQLite stores it,
so the same request would be a 500 on one database and silently kept on the other. No text
this service takes (titles, notes, transcripts, queries) has a use for NUL, so it is refused
at the door, the same way on both: in the path, the query string, and JSON, form or plain
text bodies. Only bodies that contain the escape or byte at all are parsed here, so clean
requests pay one substring search.
"""

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from workitems.api.problems import problem

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class NulGuardMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        where = _in_url(scope)
        if where is None and scope["method"] in _BODY_METHODS:
            try:
                body, more = await _read(receive)
            except HTTPException as exc:  # the size limit, raised from its receive
                await problem(exc.status_code, str(exc.detail))(scope, receive, send)
                return
            where = _in_body(body, _content_type(scope))
            receive = _replay(body, more, receive)
        if where is not None:
            response = problem(
                422,
                f"{where}: text may not contain NUL (\\u0000) characters.",
                slug="validation",
                errors=[{"field": where, "message": "contains a NUL character", "type": "nul"}],
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _in_url(scope: Scope) -> str | None:
    if "\x00" in scope["path"]:
        return "path"
    query: bytes = scope.get("query_string", b"")
    if b"%00" in query or b"\x00" in query:
        for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
            if "\x00" in name or "\x00" in value:
                return f"query.{name.replace(chr(0), '')}"
    return None


def _in_body(body: bytes, content_type: str) -> str | None:
    if content_type.endswith("json"):
        if b"\\u0000" not in body and b"\x00" not in body:
            return None
        try:
            document = json.loads(body)
        except ValueError:
            return None  # malformed JSON is the validator's to report
        return next((f"body{path}" for path in _nul_paths(document, "")), None)
    if content_type == "application/x-www-form-urlencoded":
        if b"%00" not in body and b"\x00" not in body:
            return None
        for name, value in parse_qsl(body.decode("latin-1"), keep_blank_values=True):
            if "\x00" in name or "\x00" in value:
                return f"body.{name.replace(chr(0), '')}"
        return None
    return "body" if b"\x00" in body else None


def _nul_paths(value: Any, path: str) -> Iterator[str]:
    if isinstance(value, str):
        if "\x00" in value:
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            name = str(key).replace("\x00", "")
            yield from (f"{path}.{name}",) if "\x00" in str(key) else ()
            yield from _nul_paths(item, f"{path}.{name}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nul_paths(item, f"{path}.{index}")


def _content_type(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            return str(value.decode("latin-1").split(";", 1)[0].strip().lower())
    return ""


async def _read(receive: Receive) -> tuple[bytes, bool]:
    """The whole body (already bounded by the size limit outside), and whether the client
    disconnected meanwhile."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(chunks), True
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks), False


def _replay(body: bytes, disconnected: bool, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            if disconnected:
                return {"type": "http.disconnect"}
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
