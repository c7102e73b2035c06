"""Cleanup: the weekly stale list, and nudge, snooze or cancel-with-note on what is picked.

Nothing here acts on its own: each action applies to the tasks a person selected, through
the same sweep as ``POST /api/tasks/stale/sweep``, with a result per task.
"""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request, Response

from workitems.errors import ValidationError, WorkitemsError
from workitems.http.session import SessionDep
from workitems.task import cleanup
from workitems.task.enums import SweepAction
from workitems.task.models import Task
from workitems.web.deps import PostedBy, SignedIn
from workitems.web.forms import blank_to_none
from workitems.web.render import redirect, render, safe_path
from workitems.web.routing import WebRoute

router = APIRouter(route_class=WebRoute, include_in_schema=False)

_DONE = {
    SweepAction.nudge: "Nudged",
    SweepAction.snooze: "Snoozed",
    SweepAction.cancel: "Canceled",
}


@router.get("/cleanup")
def stale_list(
    request: Request,
    session: SessionDep,
    viewer: SignedIn,
    days: Annotated[int, Query(ge=1, le=3650)] = 14,
    hold_days: Annotated[int, Query(ge=1, le=3650)] = 30,
) -> Response:
    return render(
        request,
        "cleanup.html",
        viewer=viewer,
        items=cleanup.stale_report(session, days=days, hold_days=hold_days),
        days=days,
        hold_days=hold_days,
        default_snooze=cleanup.DEFAULT_SNOOZE_DAYS,
    )


@router.post("/cleanup")
def sweep(
    session: SessionDep,
    viewer: PostedBy,
    action: Annotated[str, Form()],
    ids: Annotated[list[str], Form()] = [],  # noqa: B006 (FastAPI copies defaults)
    note: Annotated[str, Form()] = "",
    until: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "/cleanup",
) -> Response:
    target = safe_path(back, "/cleanup")
    try:
        if not ids:
            raise ValidationError("Select the tasks to act on first.", field="ids")
        try:
            chosen = SweepAction(action)
        except ValueError:
            raise ValidationError("Choose nudge, snooze or cancel.", field="action") from None
        try:
            day = date.fromisoformat(until) if until.strip() else None
        except ValueError:
            raise ValidationError("Snooze until a date (YYYY-MM-DD).", field="until") from None
        outcomes = cleanup.sweep(
            session,
            action=chosen,
            ids=ids,
            actor_id=viewer.user_id,
            note=blank_to_none(note),
            until=day,
        )
    except WorkitemsError as exc:
        return redirect(target, error=exc.detail)
    done = [o.key for o in outcomes if isinstance(o, Task)]
    failed = [
        f"{ref}: {o.detail}"
        for ref, o in zip(ids, outcomes, strict=True)
        if isinstance(o, WorkitemsError)
    ]
    summary = f"{_DONE[chosen]} {len(done)} of {len(ids)}" + (
        f": {', '.join(done)}." if done else "."
    )
    if failed:
        return redirect(target, error=f"{summary} " + " ".join(failed))
    return redirect(target, notice=summary)
