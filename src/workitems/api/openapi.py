"""The OpenAPI document, completed so it says what the API actually answers.

FastAPI documents the success response and a 422 in its own shape; this API answers every
error as RFC 9457 ``application/problem+json`` and can answer 401, 403, 404, 409, 412, 413,
422, 428, 429 and 503 as well. Each operation gets the problem responses that apply to it
(by its security, method, body and ``If-Match``), all pointing at one ``Problem`` schema,
so clients and contract tests (``make fuzz``) see the real behaviour. Inline JSON schemas
that carry their own ``$defs`` are hoisted into ``components`` so every ``$ref`` resolves.
"""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from workitems.api.problems import PROBLEM_JSON

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details; extensions (such as `errors`) vary by problem.",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}

_DESCRIPTIONS = {
    400: "The body could not be read at all (not UTF-8, not JSON).",
    401: "No token, or an unknown, revoked or expired one.",
    403: "The token lacks the scope this route needs.",
    404: "Nothing with that id (or key) exists, or it is not yours to see.",
    409: "A conflict with the current state (the problem names it).",
    412: "If-Match is not the current ETag: someone changed it since your GET.",
    413: "The request body is over the size limit.",
    422: "The request is invalid; `errors` names each field.",
    428: "If-Match is missing: send the ETag from your last GET.",
    429: "Too many failed authentication attempts from your address; see Retry-After.",
    503: "The database is unavailable or the server is at capacity; see Retry-After.",
}
_RETRY_AFTER = {
    "Retry-After": {"description": "Seconds to wait before retrying.", "schema": {"type": "string"}}
}
_WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})


def install(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            complete(schema)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def complete(schema: dict[str, Any]) -> None:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = PROBLEM_SCHEMA
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    _hoist_defs(schema, components)
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            _document_problems(path, method, operation)


def problem_statuses(path: str, method: str, operation: dict[str, Any]) -> set[int]:
    """The error statuses an operation can answer."""
    statuses: set[int] = set()
    if operation.get("security"):
        statuses |= {401, 403, 429}
    if path.startswith("/api/") or path == "/readyz":
        statuses.add(503)
    if path.startswith("/api/"):
        statuses |= {404, 422}
    if method in _WRITE_METHODS:
        statuses.add(409)
    if "requestBody" in operation:
        statuses |= {400, 413, 422}  # 400: a body that is not even UTF-8 or JSON
    headers = {
        parameter.get("name", "").lower()
        for parameter in operation.get("parameters", ())
        if parameter.get("in") == "header"
    }
    if "if-match" in headers:
        statuses |= {412, 428}
    if operation.get("parameters"):
        statuses.add(422)
    return statuses


def _document_problems(path: str, method: str, operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    for status in sorted(problem_statuses(path, method, operation)):
        response = responses.setdefault(str(status), {"description": _DESCRIPTIONS[status]})
        response["content"] = {PROBLEM_JSON: {"schema": PROBLEM_REF}}
        if status in (429, 503):
            response.setdefault("headers", {}).update(_RETRY_AFTER)


def _hoist_defs(node: Any, components: dict[str, Any]) -> None:
    """Move every nested ``$defs`` into ``components`` and point its refs there."""
    if isinstance(node, dict):
        for name, definition in node.pop("$defs", {}).items():
            components.setdefault(name, definition)
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            node["$ref"] = "#/components/schemas/" + ref.removeprefix("#/$defs/")
        for value in node.values():
            _hoist_defs(value, components)
    elif isinstance(node, list):
        for value in node:
            _hoist_defs(value, components)
