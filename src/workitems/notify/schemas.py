"""Request and response shapes of the webhooks API and the inbox."""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from workitems.bounds import STRIP, STRIP_NONBLANK, Flag
from workitems.notify.enums import DeliveryStatus, EventType
from workitems.notify.models import Delivery, DeliveryAttempt, Notification, Webhook

Url = Annotated[str, StringConstraints(min_length=1, max_length=2000), STRIP_NONBLANK]
Description = Annotated[str, StringConstraints(max_length=500), STRIP]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WebhookIn(_Input):
    url: Url = Field(description="http(s) URL that receives a signed POST per event.")
    events: list[EventType] | None = Field(
        default=None, description="Event types to send; omitted or empty means every type."
    )
    description: Description = ""


class WebhookPatch(_Input):
    url: Url | None = None
    events: list[EventType] | None = None
    description: Description | None = None
    active: Flag | None = Field(
        default=None, description="false pauses the endpoint; true re-enables a disabled one."
    )


class WebhookOut(BaseModel):
    id: int
    url: str
    events: list[str] = Field(description="Empty: every event type.")
    description: str
    active: bool
    disabled_at: datetime | None
    disabled_reason: str | None = Field(description="Why the endpoint was disabled.")
    failing_since: datetime | None = Field(
        description="Start of the current run of failures; null after a success."
    )
    previous_secret_expires_at: datetime | None = Field(
        description="Until then, messages are also signed with the secret before rotation."
    )
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, hook: Webhook) -> "WebhookOut":
        return cls(
            id=hook.id,
            url=hook.url,
            events=list(hook.events or []),
            description=hook.description,
            active=hook.is_active,
            disabled_at=hook.disabled_at,
            disabled_reason=hook.disabled_reason,
            failing_since=hook.failing_since,
            previous_secret_expires_at=hook.previous_secret_expires_at,
            created_at=hook.created_at,
            updated_at=hook.updated_at,
        )


class WebhookCreated(WebhookOut):
    secret: str = Field(description="`whsec_...`: shown once; verify signatures with it.")

    @classmethod
    def with_secret(cls, hook: Webhook) -> "WebhookCreated":
        return cls(**WebhookOut.of(hook).model_dump(), secret=hook.secret)


class WebhookList(BaseModel):
    items: list[WebhookOut]


class AttemptOut(BaseModel):
    id: int
    delivery_id: int
    event_id: str | None
    event_type: str | None
    attempt: int
    at: datetime
    ok: bool
    status_code: int | None
    latency_ms: int
    error: str | None
    next_attempt_at: datetime | None = Field(description="The planned retry, if any.")
    delivery_status: DeliveryStatus

    @classmethod
    def of(cls, row: DeliveryAttempt, event_type: str | None) -> "AttemptOut":
        return cls(
            id=row.id,
            delivery_id=row.delivery_id,
            event_id=row.delivery.event_id,
            event_type=event_type,
            attempt=row.attempt,
            at=row.at,
            ok=row.ok,
            status_code=row.status_code,
            latency_ms=row.latency_ms,
            error=row.error,
            next_attempt_at=row.next_attempt_at,
            delivery_status=row.delivery.status,
        )


class AttemptList(BaseModel):
    items: list[AttemptOut]


class DeliveryOut(BaseModel):
    id: int
    event_id: str | None
    webhook_id: int | None
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime
    last_error: str | None

    @classmethod
    def of(cls, row: Delivery) -> "DeliveryOut":
        return cls(
            id=row.id,
            event_id=row.event_id,
            webhook_id=row.webhook_id,
            status=row.status,
            attempts=row.attempts,
            next_attempt_at=row.next_attempt_at,
            last_error=row.last_error,
        )


class NotificationOut(BaseModel):
    id: int
    event_type: str
    title: str
    body: str
    link: str
    created_at: datetime
    read_at: datetime | None

    @classmethod
    def of(cls, row: Notification) -> "NotificationOut":
        return cls(
            id=row.id,
            event_type=row.event_type,
            title=row.title,
            body=row.body,
            link=row.link,
            created_at=row.created_at,
            read_at=row.read_at,
        )
