"""The route class every page uses: errors become pages, never problem+json.

Expected failures reach a person as a readable page with the status ``api/problems.py``
assigns to the same error; a missing session becomes a redirect to the sign-in page that
comes back afterwards.
"""

from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import quote

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

from workitems.api.problems import status_for
from workitems.errors import WorkitemsError
from workitems.web.deps import CsrfRejected, SignInRequired
from workitems.web.render import redirect, render


class WebRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInRequired as exc:
                return redirect(f"/sign-in?next={quote(exc.next_url, safe='')}")
            except CsrfRejected:
                return render(
                    request,
                    "error.html",
                    status_code=403,
                    title="Form rejected",
                    detail="This form did not come from this page of Workitems, or it has "
                    "expired. Nothing was changed. Reload the page and try again.",
                )
            except RequestValidationError as exc:
                fields = ", ".join(
                    str(error["loc"][-1]) for error in exc.errors() if error.get("loc")
                )
                return render(
                    request,
                    "error.html",
                    status_code=422,
                    title="Form incomplete",
                    detail=f"Some fields are missing or malformed ({fields}). Go back and "
                    "check them.",
                )
            except HTTPException as exc:  # a body over the size limit, say
                return render(
                    request,
                    "error.html",
                    status_code=exc.status_code,
                    title="Request refused",
                    detail=str(exc.detail),
                )
            except WorkitemsError as exc:
                return render(
                    request,
                    "error.html",
                    status_code=status_for(exc),
                    title=exc.title,
                    detail=exc.detail,
                )

        return route
