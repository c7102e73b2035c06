"""Which HTTP status each domain error means: one table for the API and the web pages.

The API renders it as problem+json (``api/problems.py``), the web app as a page
(``web/routing.py``); both read the status from here so the two never disagree.
"""

from workitems import errors

#: Most specific first: the first class the error is an instance of wins.
STATUS_BY_ERROR: list[tuple[type[errors.WorkitemsError], int]] = [
    (errors.LockedOutError, 429),
    (errors.AuthenticationError, 401),
    (errors.PermissionDeniedError, 403),
    (errors.NotFoundError, 404),
    (errors.InvalidTransitionError, 409),
    (errors.TaskClosedError, 409),
    (errors.ConflictError, 409),
    (errors.StaleVersionError, 412),
    (errors.ValidationError, 422),
    (errors.QueryTooExpensiveError, 422),
    (errors.PreconditionRequiredError, 428),
    (errors.UnavailableError, 503),
]


def status_for(error: errors.WorkitemsError) -> int:
    for cls, status in STATUS_BY_ERROR:
        if isinstance(error, cls):
            return status
    return 400
