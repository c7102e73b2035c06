"""``/api/tasks/webhooks``: endpoints, their secret, their delivery log (admins only)."""

from typing import Annotated

from fastapi import Depends, Request, Response, status

from workitems.api.deps import TasksWrite
from workitems.api.responses import json_response
from workitems.auth.service import Principal
from workitems.errors import PermissionDeniedError
from workitems.http.params import PathId
from workitems.http.routers import PrefixedRouter
from workitems.http.session import SessionDep, SessionRoute
from workitems.notify import webhooks as service
from workitems.notify.schemas import (
    AttemptList,
    AttemptOut,
    DeliveryOut,
    WebhookCreated,
    WebhookIn,
    WebhookList,
    WebhookOut,
    WebhookPatch,
)
from workitems.user.models import UserRole

router = PrefixedRouter(route_class=SessionRoute, prefix="/api/tasks/webhooks", tags=["webhooks"])


async def _admin(principal: TasksWrite) -> Principal:
    if principal.role is not UserRole.admin:
        raise PermissionDeniedError("Only admins manage webhooks.")
    return principal


#: ``tasks:write`` held by an admin.
AdminWrite = Annotated[Principal, Depends(_admin)]


def _allow_private(request: Request) -> bool:
    return bool(request.app.state.settings.webhooks_allow_private)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=WebhookCreated,
    summary="Register an endpoint; the response holds its signing secret, shown once",
)
def create_webhook(
    data: WebhookIn, request: Request, session: SessionDep, principal: AdminWrite
) -> Response:
    hook = service.create_webhook(
        session,
        url=data.url,
        events=data.events,
        description=data.description,
        actor_id=principal.user_id,
        allow_private=_allow_private(request),
    )
    return json_response(
        WebhookCreated.with_secret(hook),
        status_code=status.HTTP_201_CREATED,
        headers={"Location": f"/api/tasks/webhooks/{hook.id}"},
    )


@router.get("", response_model=WebhookList, summary="Every endpoint (never their secrets)")
def list_webhooks(session: SessionDep, _: AdminWrite) -> Response:
    hooks = service.list_webhooks(session)
    return json_response(WebhookList(items=[WebhookOut.of(h) for h in hooks]))


@router.get("/{webhook_id}", response_model=WebhookOut, summary="One endpoint")
def get_webhook(webhook_id: PathId, session: SessionDep, _: AdminWrite) -> Response:
    return json_response(WebhookOut.of(service.get_webhook(session, webhook_id)))


@router.patch(
    "/{webhook_id}",
    response_model=WebhookOut,
    summary="Change the URL, events or description; pause or re-enable",
)
def update_webhook(
    webhook_id: PathId, data: WebhookPatch, request: Request, session: SessionDep, _: AdminWrite
) -> Response:
    hook = service.update_webhook(
        session,
        webhook_id,
        url=data.url,
        events=data.events,
        description=data.description,
        active=data.active,
        allow_private=_allow_private(request),
    )
    return json_response(WebhookOut.of(hook))


@router.delete(
    "/{webhook_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove an endpoint with its delivery log",
)
def delete_webhook(webhook_id: PathId, session: SessionDep, _: AdminWrite) -> Response:
    service.delete_webhook(session, webhook_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{webhook_id}/rotate-secret",
    response_model=WebhookCreated,
    summary="A new secret; the old one keeps signing for 24 hours",
)
def rotate_secret(webhook_id: PathId, session: SessionDep, _: AdminWrite) -> Response:
    return json_response(WebhookCreated.with_secret(service.rotate_secret(session, webhook_id)))


@router.get(
    "/{webhook_id}/deliveries",
    response_model=AttemptList,
    summary="The last 100 attempts, newest first: status code, latency, error",
)
def list_deliveries(webhook_id: PathId, session: SessionDep, _: AdminWrite) -> Response:
    rows = service.list_attempts(session, webhook_id)
    return json_response(AttemptList(items=[AttemptOut.of(a, t) for a, t in rows]))


@router.post(
    "/{webhook_id}/deliveries/{delivery_id}/redeliver",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=DeliveryOut,
    summary="Send a delivery's event again now (a new delivery, same webhook-id)",
)
def redeliver(
    webhook_id: PathId, delivery_id: PathId, session: SessionDep, _: AdminWrite
) -> Response:
    new = service.redeliver(session, webhook_id, delivery_id)
    return json_response(DeliveryOut.of(new), status_code=status.HTTP_202_ACCEPTED)
