"""Creating work in the browser: the New task form on My work and All work, which also
takes a one-line quick add (``Send the deck @priya due:friday !high #finance``), and the
preview that shows what the line means before it is saved."""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import JSONResponse

from workitems.clock import today_in
from workitems.errors import WorkitemsError
from workitems.http.session import SessionDep
from workitems.quickadd import TaskForm, draft_task, preview_task
from workitems.task import service
from workitems.web.deps import PostedBy, SignedIn
from workitems.web.render import redirect, safe_path
from workitems.web.routing import WebRoute

router = APIRouter(route_class=WebRoute, include_in_schema=False)

#: The form's fields, sent back on a refusal so nothing typed is lost.
PREFILL = ("line", "description", "owner", "due", "priority", "labels")


@router.post("/tasks/new")
def create_task(
    request: Request,
    session: SessionDep,
    viewer: PostedBy,
    line: Annotated[str, Form(max_length=2000)] = "",
    description: Annotated[str, Form(max_length=20_000)] = "",
    owner: Annotated[str, Form(max_length=320)] = "",
    due: Annotated[str, Form(max_length=100)] = "",
    priority: Annotated[str, Form(max_length=20)] = "",
    labels: Annotated[str, Form(max_length=2000)] = "",
    default_owner: Annotated[str, Form(max_length=320)] = "",
    back: Annotated[str, Form()] = "/",
) -> Response:
    """Create the task, then return to the page it came from with a link to it."""
    form = TaskForm(line, description, owner, due, priority, labels, default_owner)
    target = safe_path(back, "/")
    try:
        with session.begin_nested():
            data = draft_task(form, today=today_in(request.app.state.settings.time_zone))
            task = service.create_task(session, data, actor_id=viewer.user_id)
    except WorkitemsError as exc:
        typed = {f"new_{name}": getattr(form, name) for name in PREFILL if getattr(form, name)}
        joiner = "&" if "?" in target else "?"
        return redirect(f"{target}{joiner}{urlencode(typed)}#new-task", error=exc.detail)
    owner_note = f", owned by {task.assignee.display_name}" if task.assignee else ""
    return redirect(target, notice=f"Created {task.key}: {task.title}{owner_note}.")


@router.get("/ui/quick-add")
def preview(
    request: Request,
    session: SessionDep,
    viewer: SignedIn,
    line: str = "",
    owner: str = "",
    due: str = "",
    priority: str = "",
    labels: str = "",
    default_owner: str = "",
) -> Response:
    """The New task box's live preview: what the line and fields would create."""
    if not line.strip():
        return JSONResponse({})
    form = TaskForm(
        line[:2000], "", owner[:320], due[:100], priority[:20], labels[:2000], default_owner[:320]
    )
    today = today_in(request.app.state.settings.time_zone)
    return JSONResponse(preview_task(session, form, today=today, actor_id=viewer.user_id))
