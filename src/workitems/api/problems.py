"""The only place errors become HTTP: RFC 9457 ``application/problem+json`` responses.

Each domain error class maps to one status (the table in ``http/statuses.py``, shared
with the web pages); an expected failure is never a 500.
"""

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from workitems import errors
from workitems.api.etags import format_etag
from workitems.http.session import resolve_pending
from workitems.http.statuses import status_for

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
#: What a 503 asks clients to wait before retrying.
RETRY_AFTER_SECONDS = 1
_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
IF_MATCH_REQUIRED = (
    "Editing needs an If-Match header with the ETag from your last GET, so concurrent "
    "edits are not lost."
)

_TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    412: "Precondition failed",
    413: "Payload too large",
    415: "Unsupported media type",
    422: "Invalid input",
    428: "Precondition required",
    500: "Internal server error",
    503: "Service unavailable",
}


def problem(
    status: int,
    detail: str,
    *,
    title: str | None = None,
    slug: str | None = None,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    title = title or _TITLES.get(status, "Error")
    body: dict[str, Any] = {
        "type": f"urn:workitems:problem:{slug}" if slug else "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        **extensions,
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def item_error(error: errors.WorkitemsError) -> dict[str, Any]:
    """One failed item of a batch (review, sweep, bulk edit), with the fields its problem
    document would have had: the batch itself answers 200 with a result per item."""
    return {
        "status": status_for(error),
        "title": error.title,
        "detail": error.detail,
        **error.extensions,
    }


def _slug(error: errors.WorkitemsError) -> str:
    name = type(error).__name__.removesuffix("Error")
    return "".join(f"-{c.lower()}" if c.isupper() else c for c in name).lstrip("-")


async def _pending_refusal(request: Request) -> JSONResponse | None:
    """A request refused before its hop may hold a token check still pending (see
    ``http/session.py``): a bad token is answered first, as when the check ran earlier."""
    try:
        await resolve_pending(request)
    except errors.WorkitemsError as refusal:
        return await _answer(refusal)
    return None


async def _domain_error(request: Request, exc: errors.WorkitemsError) -> JSONResponse:
    if (refused := await _pending_refusal(request)) is not None:
        return refused
    return await _answer(exc)


async def _answer(exc: errors.WorkitemsError) -> JSONResponse:
    status = status_for(exc)
    headers: dict[str, str] = {}
    extensions = dict(exc.extensions)
    if isinstance(exc, errors.AuthenticationError):
        headers["WWW-Authenticate"] = 'Bearer realm="workitems"'
    if isinstance(exc, errors.LockedOutError):
        headers["Retry-After"] = str(exc.retry_after)
    if isinstance(exc, errors.UnavailableError):
        headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    if isinstance(exc, errors.StaleVersionError) and exc.current_version >= 0:
        headers["ETag"] = format_etag(exc.current_version)
    if isinstance(exc, errors.ValidationError) and exc.field:
        extensions["errors"] = [{"field": exc.field, "message": exc.detail}]
    return problem(
        status, exc.detail, title=exc.title, slug=_slug(exc), headers=headers, **extensions
    )


async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
    if (refused := await _pending_refusal(_request)) is not None:
        return refused
    if any(_is_missing_if_match(error) for error in exc.errors()):
        # Declared required in OpenAPI, answered as RFC 6585 says: 428, not 422.
        return await _domain_error(_request, errors.PreconditionRequiredError(IF_MATCH_REQUIRED))
    items = []
    for error in exc.errors():
        location = [str(part) for part in error.get("loc", ())]
        items.append(
            {
                "field": ".".join(location),
                "message": error.get("msg", "invalid"),
                "type": error.get("type", "value_error"),
            }
        )
    summary = "; ".join(f"{item['field']}: {item['message']}" for item in items[:5])
    return problem(422, f"The request is invalid: {summary}.", slug="validation", errors=items)


def _is_missing_if_match(error: Any) -> bool:
    return tuple(error.get("loc", ())) == ("header", "if-match") and error.get("type") == "missing"


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(allowed_methods(request))
    return problem(exc.status_code, detail, headers=headers)


def allowed_methods(request: Request) -> list[str]:
    """The methods of the resource this path names, as the OpenAPI document lists them.

    Starlette's own 405 names only the first route that matched (``GET`` where ``POST``
    exists too); probing the router instead would also count catch-all routes such as
    ``/api/tasks/{ref}`` for ``/api/tasks/dashboard``. Paths the document does not
    describe (web pages) fall back to probing the router.
    """
    path = request.scope["path"]
    for template, item in request.app.openapi().get("paths", {}).items():
        pattern = "^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path):
            return sorted(method.upper() for method in item if method.upper() in _METHODS)
    allowed = []
    for method in _METHODS:
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] == Match.FULL for route in request.app.router.routes):
            allowed.append(method)
    return allowed


async def _database_busy(_request: Request, exc: Exception) -> JSONResponse:
    """Lock or pool waits that ran out, a database that is down or does not answer, a
    connection lost mid-request: the database's operation failed, not this code. 503 and
    a hint to retry; nothing was committed, so a retry is safe."""
    if isinstance(exc, DBAPIError) and not (
        isinstance(exc, OperationalError) or exc.connection_invalidated
    ):
        return await _unexpected(_request, exc)
    log.warning("database unavailable: %s", exc)
    return problem(
        503,
        "The database is busy or unavailable; nothing was changed. Retry in a moment.",
        slug="database-unavailable",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


async def _out_of_range(_request: Request, exc: Exception) -> JSONResponse:
    """A number or value the database cannot hold (an id past its integer, a date past
    its range): bad input that got past the schema, so 422 rather than a 500."""
    log.warning("value out of range for the database: %s", exc)
    return problem(
        422,
        "A value in the request is out of range or malformed for storage.",
        slug="validation",
    )


async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", exc_info=exc)
    return problem(500, "An unexpected error occurred; it has been logged.")


def install(app: FastAPI) -> None:
    app.exception_handler(errors.WorkitemsError)(_domain_error)
    app.exception_handler(RequestValidationError)(_validation_error)
    app.exception_handler(StarletteHTTPException)(_http_error)
    app.exception_handler(DataError)(_out_of_range)
    app.exception_handler(OverflowError)(_out_of_range)
    app.exception_handler(DBAPIError)(_database_busy)
    app.exception_handler(PoolTimeoutError)(_database_busy)
    app.exception_handler(Exception)(_unexpected)
