"""The route class every page uses: errors become pages, never problem+json.

Expected failures reach a person as a readable page with the status the API gives
the same error (``http/statuses.py``); a missing session becomes a redirect to the sign-in page that
comes back afterwards.
"""

from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import quote

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException

from workitems.errors import WorkitemsError
from workitems.http.session import SessionRoute
from workitems.http.statuses import status_for
from workitems.web.deps import CsrfRejected, SignInRequired
from workitems.web.render import redirect, render

CSRF_DETAIL = (
    "This form did not come from this page of Workitems, or it has expired. Nothing was "
    "changed. Reload the page and try again."
)


def error_page(request: Request, status_code: int, title: str, detail: str) -> Response:
    # The viewer is known when the failure came after the session check.
    viewer = getattr(request.state, "viewer", None)
    return render(
        request, "error.html", status_code=status_code, viewer=viewer, title=title, detail=detail
    )


class WebRoute(SessionRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInRequired as exc:
                return redirect(f"/sign-in?next={quote(exc.next_url, safe='')}")
            except CsrfRejected:
                return error_page(request, 403, "Form rejected", CSRF_DETAIL)
            except RequestValidationError as exc:
                fields = ", ".join(
                    str(error["loc"][-1]) for error in exc.errors() if error.get("loc")
                )
                detail = f"Some fields are missing or malformed ({fields}). Go back and check them."
                return error_page(request, 422, "Form incomplete", detail)
            except HTTPException as exc:  # a body over the size limit, say
                return error_page(request, exc.status_code, "Request refused", str(exc.detail))
            except WorkitemsError as exc:
                return error_page(request, status_for(exc), exc.title, exc.detail)

        return route
