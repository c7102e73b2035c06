"""Webhook endpoints: register, change, rotate the secret, read the log, redeliver."""

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from workitems.clock import utc_now
from workitems.errors import NotFoundError, ValidationError
from workitems.notify import signing, transport
from workitems.notify.enums import Channel, EventType
from workitems.notify.models import Delivery, DeliveryAttempt, Event, Webhook

#: After a rotation the old secret keeps signing for this long.
ROTATION_OVERLAP = timedelta(hours=24)
ATTEMPT_LOG = 100


def _check_url(url: str, *, allow_private: bool) -> str:
    try:
        transport.resolve(url, allow_private=allow_private)
    except transport.DeliveryError as exc:
        raise ValidationError(str(exc), field="url") from None
    return url


def _types(events: Sequence[EventType | str] | None) -> list[str]:
    try:
        return sorted({EventType(e).value for e in events or ()})
    except ValueError as exc:
        options = ", ".join(EventType)
        raise ValidationError(f"{exc}; use some of: {options}.", field="events") from None


def create_webhook(
    session: Session,
    *,
    url: str,
    events: Sequence[EventType | str] | None = None,
    description: str = "",
    actor_id: int | None,
    allow_private: bool,
) -> Webhook:
    """Register an endpoint; its URL must resolve to a public address (unless allowed)."""
    now = utc_now()
    hook = Webhook(
        url=_check_url(url, allow_private=allow_private),
        events=_types(events),
        description=description,
        secret=signing.new_secret(),
        is_active=True,
        created_by_id=actor_id,
        created_at=now,
        updated_at=now,
    )
    session.add(hook)
    session.flush()
    return hook


def list_webhooks(session: Session) -> Sequence[Webhook]:
    return session.scalars(select(Webhook).order_by(Webhook.id)).all()


def get_webhook(session: Session, webhook_id: int) -> Webhook:
    hook = session.get(Webhook, webhook_id)
    if hook is None:
        raise NotFoundError(f"Webhook {webhook_id} does not exist.")
    return hook


def update_webhook(
    session: Session,
    webhook_id: int,
    *,
    url: str | None = None,
    events: Sequence[EventType | str] | None = None,
    description: str | None = None,
    active: bool | None = None,
    allow_private: bool,
) -> Webhook:
    """Change what is given. Re-enabling clears the failure streak and its reason."""
    hook = get_webhook(session, webhook_id)
    if url is not None:
        hook.url = _check_url(url, allow_private=allow_private)
    if events is not None:
        hook.events = _types(events)
    if description is not None:
        hook.description = description
    if active is True and not hook.is_active:
        hook.is_active = True
        hook.disabled_at = hook.disabled_reason = hook.failing_since = None
    elif active is False and hook.is_active:
        hook.is_active = False
        hook.disabled_at = utc_now()
        hook.disabled_reason = "Paused by an admin."
    hook.updated_at = utc_now()
    session.flush()
    return hook


def delete_webhook(session: Session, webhook_id: int) -> None:
    """Delete the endpoint with its deliveries and their log."""
    session.delete(get_webhook(session, webhook_id))
    session.flush()


def rotate_secret(session: Session, webhook_id: int) -> Webhook:
    """A new secret signs from now on; the old one also signs for ``ROTATION_OVERLAP``, so
    receivers can switch without dropping a message."""
    hook = get_webhook(session, webhook_id)
    now = utc_now()
    hook.previous_secret = hook.secret
    hook.previous_secret_expires_at = now + ROTATION_OVERLAP
    hook.secret = signing.new_secret()
    hook.updated_at = now
    session.flush()
    return hook


def list_attempts(
    session: Session, webhook_id: int, *, limit: int = ATTEMPT_LOG
) -> list[tuple[DeliveryAttempt, str | None]]:
    """The last ``limit`` attempts, newest first, each with its event's type."""
    get_webhook(session, webhook_id)
    rows = session.execute(
        select(DeliveryAttempt, Event.type)
        .join(DeliveryAttempt.delivery)
        .outerjoin(Event, Event.id == Delivery.event_id)
        .options(joinedload(DeliveryAttempt.delivery))
        .where(DeliveryAttempt.webhook_id == webhook_id)
        .order_by(DeliveryAttempt.id.desc())
        .limit(limit)
    ).all()
    return [(attempt, event_type) for attempt, event_type in rows]


def redeliver(session: Session, webhook_id: int, delivery_id: int) -> Delivery:
    """Send the delivery's event again, now, as a new delivery with a fresh retry window
    (the old one and its log stay as they were). Same ``webhook-id``, so receivers that
    drop duplicates will drop it."""
    hook = get_webhook(session, webhook_id)
    old = session.get(Delivery, delivery_id)
    if old is None or old.webhook_id != hook.id or old.event_id is None:
        raise NotFoundError(f"Webhook {webhook_id} has no delivery {delivery_id}.")
    if not hook.is_active:
        raise ValidationError("The endpoint is disabled; enable it first.", field="active")
    now = utc_now()
    new = Delivery(
        channel=Channel.webhook,
        event_id=old.event_id,
        webhook_id=hook.id,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(new)
    session.flush()
    return new
