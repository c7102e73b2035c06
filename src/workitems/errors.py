"""Domain errors: what went wrong, in the domain's words.

Nothing here knows about HTTP; ``http/statuses.py`` is the only place that maps these to
status codes, and the CLI prints their ``detail``.
"""

from collections.abc import Sequence
from typing import Any


class WorkitemsError(Exception):
    """Base of every expected failure; ``detail`` is written for the person who caused it."""

    title = "Request failed"

    def __init__(self, detail: str, **extensions: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extensions = extensions


class NotFoundError(WorkitemsError):
    title = "Not found"


class ValidationError(WorkitemsError):
    """Well-formed input that breaks a business rule (a missing closure note, say)."""

    title = "Invalid input"

    def __init__(self, detail: str, *, field: str | None = None, **extensions: Any) -> None:
        super().__init__(detail, **extensions)
        self.field = field


class ConflictError(WorkitemsError):
    """The request is valid but collides with the current state (a duplicate, say)."""

    title = "Conflict"


class InvalidTransitionError(ConflictError):
    title = "Invalid status transition"

    def __init__(self, detail: str, *, current: str, allowed: Sequence[str]) -> None:
        super().__init__(detail, current=current, allowed=list(allowed))
        self.current = current
        self.allowed = list(allowed)


class TaskClosedError(ConflictError):
    title = "Task is closed"


class StaleVersionError(WorkitemsError):
    """The caller edited an older version than the one stored (optimistic concurrency)."""

    title = "Precondition failed"

    def __init__(self, detail: str, *, current_version: int) -> None:
        super().__init__(detail, current_version=current_version)
        self.current_version = current_version


class AuthenticationError(WorkitemsError):
    title = "Unauthorized"


class LockedOutError(AuthenticationError):
    """Too many failed sign-ins in a row: the account refuses passwords for a while."""

    title = "Too many attempts"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail, retry_after=retry_after)
        self.retry_after = retry_after


class PermissionDeniedError(WorkitemsError):
    title = "Forbidden"


class PreconditionRequiredError(WorkitemsError):
    """An edit came without the version it was based on (no ``If-Match``)."""

    title = "Precondition required"


class UnavailableError(WorkitemsError):
    title = "Service unavailable"


class OverloadedError(UnavailableError):
    """More work queued than the server can finish in time: refused at once, unchanged,
    so a retry is safe (the same answer as the in-flight bound's)."""

    title = "Service unavailable"


class QueryTooExpensiveError(WorkitemsError):
    """A search ran past its time budget and was stopped, so it cannot hold a worker.

    Every engine raises it with the same advice, so the message lives here."""

    title = "Query too expensive"

    def __init__(self, timeout_ms: int) -> None:
        super().__init__(
            f"The search ran past its {timeout_ms} ms budget and was stopped; narrow it with "
            "filters (status:, assignee:, label:, updated:<30d) or more specific words.",
            timeout_ms=timeout_ms,
        )
