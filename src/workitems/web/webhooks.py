"""Administration of webhook endpoints: add, pause, rotate, remove; the delivery log and
redelivery. A new secret is shown once, in the response to the form that made it."""

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from sqlalchemy.orm import Session

from workitems.errors import WorkitemsError
from workitems.http.session import SessionDep
from workitems.notify import webhooks
from workitems.notify.enums import EventType
from workitems.web.deps import AdminPost, AdminViewer, Viewer
from workitems.web.render import redirect, render
from workitems.web.routing import WebRoute

router = APIRouter(route_class=WebRoute, include_in_schema=False, prefix="/admin/webhooks")


def _allow_private(request: Request) -> bool:
    return bool(request.app.state.settings.webhooks_allow_private)


def _list_page(
    request: Request, session: Session, viewer: Viewer, *, status_code: int = 200, **context: Any
) -> Response:
    context.setdefault("secret", None)
    context.setdefault("form", {})
    return render(
        request,
        "admin_webhooks.html",
        status_code=status_code,
        viewer=viewer,
        hooks=webhooks.list_webhooks(session),
        event_types=list(EventType),
        **context,
    )


def _detail_page(
    request: Request, session: Session, viewer: Viewer, webhook_id: int, **context: Any
) -> Response:
    context.setdefault("secret", None)
    return render(
        request,
        "admin_webhook.html",
        viewer=viewer,
        hook=webhooks.get_webhook(session, webhook_id),
        attempts=webhooks.list_attempts(session, webhook_id),
        **context,
    )


@router.get("")
def webhooks_page(request: Request, session: SessionDep, viewer: AdminViewer) -> Response:
    return _list_page(request, session, viewer)


@router.post("")
def add_webhook(
    request: Request,
    session: SessionDep,
    viewer: AdminPost,
    url: Annotated[str, Form()],
    description: Annotated[str, Form()] = "",
    events: Annotated[list[str] | None, Form()] = None,
) -> Response:
    try:
        hook = webhooks.create_webhook(
            session,
            url=url.strip(),
            events=events or [],
            description=description.strip()[:500],
            actor_id=viewer.user_id,
            allow_private=_allow_private(request),
        )
    except WorkitemsError as error:
        session.rollback()
        form = {"url": url, "description": description, "events": events or []}
        return _list_page(request, session, viewer, status_code=422, error=error.detail, form=form)
    secret = {"what": f"Signing secret of {hook.url}", "value": hook.secret}
    return _list_page(request, session, viewer, secret=secret)


@router.get("/{webhook_id}")
def webhook_page(
    webhook_id: int, request: Request, session: SessionDep, viewer: AdminViewer
) -> Response:
    return _detail_page(request, session, viewer, webhook_id)


@router.post("/{webhook_id}/active")
def set_active(
    webhook_id: int,
    request: Request,
    session: SessionDep,
    _viewer: AdminPost,
    active: Annotated[str, Form()],
) -> Response:
    hook = webhooks.update_webhook(
        session, webhook_id, active=active == "true", allow_private=_allow_private(request)
    )
    state = "enabled" if hook.is_active else "paused"
    return redirect(f"/admin/webhooks/{webhook_id}", notice=f"Endpoint {state}.")


@router.post("/{webhook_id}/rotate")
def rotate(webhook_id: int, request: Request, session: SessionDep, viewer: AdminPost) -> Response:
    hook = webhooks.rotate_secret(session, webhook_id)
    secret = {
        "what": "New signing secret (the old one keeps signing for 24 hours)",
        "value": hook.secret,
    }
    return _detail_page(request, session, viewer, webhook_id, secret=secret)


@router.post("/{webhook_id}/delete")
def delete(webhook_id: int, session: SessionDep, _viewer: AdminPost) -> Response:
    webhooks.delete_webhook(session, webhook_id)
    return redirect("/admin/webhooks", notice=f"Endpoint {webhook_id} removed.")


@router.post("/{webhook_id}/deliveries/{delivery_id}/redeliver")
def redeliver(
    webhook_id: int, delivery_id: int, session: SessionDep, _viewer: AdminPost
) -> Response:
    webhooks.redeliver(session, webhook_id, delivery_id)
    return redirect(f"/admin/webhooks/{webhook_id}", notice=f"Delivery {delivery_id} queued again.")
