"""Task detail: every field editable, status changes, comments, history and provenance.

Edits carry the version the page was rendered from, as the API's ``If-Match`` does: a
stale edit changes nothing and the page shows what the other person changed, with the
typed values kept so they can be applied again on top.
"""

import json
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from sqlalchemy.orm import Session

from workitems.bounds import MAX_ID
from workitems.clock import utc_today
from workitems.errors import StaleVersionError, WorkitemsError
from workitems.http.session import SessionDep
from workitems.task import service
from workitems.task.models import Task, TaskEvent
from workitems.task.schemas import TaskUpdate
from workitems.task.status import allowed_targets, is_final
from workitems.transcript.service import get_transcript
from workitems.user import service as users
from workitems.web.deps import PostedBy, SignedIn, Viewer
from workitems.web.forms import blank_to_none, split_list, validated
from workitems.web.render import redirect, render, safe_path
from workitems.web.routing import WebRoute
from workitems.web.work import validated_status

router = APIRouter(route_class=WebRoute, include_in_schema=False)


def _page(
    request: Request,
    session: Session,
    viewer: Viewer,
    task: Task,
    *,
    status_code: int = 200,
    **context: Any,
) -> Response:
    history = service.list_history(session, task.id)
    context.setdefault("form", {**task_form(task), "reason": ""})
    context.setdefault("conflict", None)
    return render(
        request,
        "task.html",
        status_code=status_code,
        viewer=viewer,
        task=task,
        overdue=task.is_overdue(utc_today()),
        closed=is_final(task.status),
        targets=allowed_targets(task.status),
        history=history,
        last_event=history[-1].id if history else 0,
        comments=service.list_comments(session, task.id),
        moment=_provenance(session, task),
        people=users.lookup_assignable(session, ""),
        describe=describe,
        was=json.dumps(task_form(task)),
        **context,
    )


def _provenance(session: Session, task: Task) -> dict[str, Any] | None:
    """The transcript moment a task came from: its title, and the first quoted utterance."""
    provenance = task.provenance or {}
    transcript_id = provenance.get("transcript_id")
    if not transcript_id:
        return None
    try:
        transcript = get_transcript(session, int(transcript_id))
    except WorkitemsError:
        return None
    evidence = list(provenance.get("evidence") or [])
    return {"transcript": transcript, "evidence": evidence}


@router.get("/tasks/{ref}")
def task_detail(ref: str, request: Request, session: SessionDep, viewer: SignedIn) -> Response:
    return _page(request, session, viewer, service.get_task(session, ref))


#: The fields of the edit form, in their text form.
EDITABLE = ("title", "description", "priority", "assignee", "due_date", "labels")


def task_form(task: Task) -> dict[str, str]:
    """A task's editable fields as the form shows them."""
    return {
        "title": task.title,
        "description": task.description,
        "priority": task.priority.value,
        "assignee": task.assignee.email if task.assignee else "",
        "due_date": task.due_date.isoformat() if task.due_date else "",
        "labels": ", ".join(task.labels),
    }


def _same(name: str, a: str, b: str) -> bool:
    """Compare as the person sees it: browsers send textarea newlines as CRLF, and
    labels are a list however they are spaced."""
    if name == "labels":
        return split_list(a) == split_list(b)
    return a.replace("\r\n", "\n").strip() == b.replace("\r\n", "\n").strip()


def changed_fields(typed: dict[str, str], was_json: str) -> list[str]:
    """The fields the person changed from what their page showed (``was``); every field
    when ``was`` is missing or malformed. Only these are sent, so saving one field never
    writes back stale values of the others."""
    try:
        was = json.loads(was_json)
    except ValueError:
        was = None
    if not isinstance(was, dict):
        return list(EDITABLE)
    return [n for n in EDITABLE if not _same(n, typed[n], str(was.get(n, "")))]


_CONVERT: dict[str, Callable[[str], Any]] = {
    "assignee": blank_to_none,
    "due_date": blank_to_none,
    "labels": split_list,
}


@router.post("/tasks/{ref}/edit")
def edit_task(
    ref: str,
    request: Request,
    session: SessionDep,
    viewer: PostedBy,
    version: Annotated[int, Form(ge=0, le=MAX_ID)],
    seen_event: Annotated[int, Form(ge=0, le=MAX_ID)],
    was: Annotated[str, Form()] = "",
    title: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
    priority: Annotated[str, Form()] = "none",
    assignee: Annotated[str, Form()] = "",
    due_date: Annotated[str, Form()] = "",
    labels: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    typed = {
        "title": title,
        "description": description,
        "priority": priority,
        "assignee": assignee,
        "due_date": due_date,
        "labels": labels,
    }
    changed = changed_fields(typed, was)
    if not changed:
        return redirect(f"/tasks/{ref}", notice="Nothing to save: no field was changed.")
    payload = {n: _CONVERT.get(n, str)(typed[n]) for n in changed}
    try:
        with session.begin_nested():
            changes = validated(TaskUpdate, {**payload, "reason": blank_to_none(reason)})
            task = service.update_task(
                session, ref, changes, actor_id=viewer.user_id, expected_version=version
            )
    except StaleVersionError:
        task = service.get_task(session, ref)
        others = [e for e in service.list_history(session, task.id) if e.id > seen_event]
        # Their change stands; the form now holds the current task with only the fields
        # this person changed put back on top, ready to save against the new version.
        form = {**task_form(task), **{n: typed[n] for n in changed}, "reason": reason}
        return _page(request, session, viewer, task, status_code=409, form=form, conflict=others)
    except WorkitemsError as exc:
        task = service.get_task(session, ref)
        form = {**typed, "reason": reason}
        return _page(request, session, viewer, task, status_code=422, form=form, error=exc.detail)
    return redirect(f"/tasks/{task.key}", notice=f"Saved {task.key}.")


@router.post("/tasks/{ref}/status")
def change_status(
    ref: str,
    session: SessionDep,
    viewer: PostedBy,
    status: Annotated[str, Form()],
    note: Annotated[str, Form()] = "",
    version: Annotated[int | None, Form(ge=0, le=MAX_ID)] = None,
    back: Annotated[str, Form()] = "",
) -> Response:
    target = safe_path(back, f"/tasks/{ref}")
    try:
        with session.begin_nested():
            task = service.transition_task(
                session,
                ref,
                to=validated_status(status),
                note=blank_to_none(note),
                actor_id=viewer.user_id,
                expected_version=version,
            )
    except WorkitemsError as exc:
        return redirect(target, error=exc.detail)
    label = {"in_progress": "in progress", "on_hold": "on hold"}.get(status, status)
    return redirect(target, notice=f"{task.key} is now {label}.")


@router.post("/tasks/{ref}/assign")
def reassign(
    ref: str,
    session: SessionDep,
    viewer: PostedBy,
    assignee: Annotated[str, Form()] = "",
    version: Annotated[int | None, Form(ge=0, le=MAX_ID)] = None,
    back: Annotated[str, Form()] = "",
) -> Response:
    target = safe_path(back, f"/tasks/{ref}")
    try:
        with session.begin_nested():
            task = service.assign_task(
                session,
                ref,
                assignee=blank_to_none(assignee),
                actor_id=viewer.user_id,
                expected_version=version,
            )
    except WorkitemsError as exc:
        return redirect(target, error=exc.detail)
    owner = task.assignee.display_name if task.assignee else "nobody"
    return redirect(target, notice=f"{task.key} is now assigned to {owner}.")


@router.post("/tasks/{ref}/comments")
def comment(
    ref: str, session: SessionDep, viewer: PostedBy, body: Annotated[str, Form()] = ""
) -> Response:
    task = service.get_task(session, ref)
    if not body.strip():
        return redirect(f"/tasks/{task.key}#comments", error="Write something to comment.")
    service.add_comment(session, task.id, body=body.strip(), author_id=viewer.user_id)
    return redirect(f"/tasks/{task.key}#comments", notice="Comment added.")


def describe(event: TaskEvent) -> list[tuple[str, Any, Any]]:
    """``(field, old, new)`` rows for the timeline, users shown by name."""
    rows = []
    for name, change in (event.changes or {}).items():
        if name == "comment_id" or (name == "closure_note" and change.get("new") == event.reason):
            continue  # a comment shows in Comments; a closure note shows as the reason
        rows.append((name.replace("_", " "), _show(change.get("old")), _show(change.get("new"))))
    return rows


def _show(value: Any) -> Any:
    if isinstance(value, dict) and "name" in value:
        return value["name"]
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    return "—" if value in (None, "") else value
