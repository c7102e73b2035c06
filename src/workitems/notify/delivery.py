"""The delivery pipeline: dispatch events to deliveries, claim due deliveries, attempt
them, record the outcome. ``worker.py`` runs these in a loop.

Three short transactions, none held across the network:

1. ``dispatch``: undispatched events become one delivery per matching webhook endpoint and
   one email where a person wants it; the events are marked dispatched in the same
   transaction, so each is fanned out exactly once.
2. ``claim``: due deliveries are locked ``FOR UPDATE SKIP LOCKED`` (PostgreSQL; SQLite's
   write lock serializes the same statements) and leased by moving ``next_attempt_at``
   past the attempt's deadline. Another worker skips them; a dead worker's lease runs out.
3. ``record``: the attempt is logged, and the delivery succeeds, is rescheduled with
   exponential backoff and jitter, or fails when its retry window has closed. The
   attempt number is the fence: a worker whose lease was taken over records nothing.
"""

import json
import logging
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, text, update
from sqlalchemy.orm import Session, joinedload

from workitems.clock import utc_now
from workitems.config import Settings
from workitems.notify import mail, signing, transport
from workitems.notify.enums import Channel, DeliveryStatus, MailTopic
from workitems.notify.mail import Links, SmtpConfig
from workitems.notify.models import PENDING, UNDISPATCHED, Delivery, DeliveryAttempt, Event, Webhook
from workitems.notify.preferences import preferences_for
from workitems.notify.routing import mail_topic
from workitems.user.models import User

log = logging.getLogger(__name__)

#: How much of a failing receiver's answer the delivery log keeps.
ERROR_EXCERPT = 300


@dataclass(frozen=True)
class DeliveryConfig:
    timeout: float = 10.0
    max_response_bytes: int = 65_536
    allow_private: bool = False
    retry_window: timedelta = timedelta(hours=24)
    backoff_base: float = 30.0
    backoff_max: float = 3600.0
    disable_after: timedelta = timedelta(days=3)
    public_url: str = "http://127.0.0.1:8000"
    mail_from: str = "Workitems <workitems@localhost>"
    smtp: SmtpConfig | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> "DeliveryConfig":
        return cls(
            timeout=settings.webhook_timeout_seconds,
            max_response_bytes=settings.webhook_max_response_bytes,
            allow_private=settings.webhooks_allow_private,
            retry_window=timedelta(hours=settings.delivery_retry_hours),
            backoff_base=settings.delivery_backoff_seconds,
            backoff_max=settings.delivery_backoff_max_seconds,
            disable_after=timedelta(days=settings.webhook_disable_days),
            public_url=settings.public_url,
            mail_from=settings.mail_from,
            smtp=SmtpConfig.parse(settings.smtp_url) if settings.smtp_url else None,
        )

    @property
    def lease(self) -> timedelta:
        """Longer than any attempt can take, so a live worker never loses its claim."""
        return timedelta(seconds=2 * self.timeout + 30)

    def backoff(self, attempt: int) -> timedelta:
        """Exponential, with "equal jitter": between half and all of the doubled wait."""
        wait = min(self.backoff_max, self.backoff_base * 2 ** max(0, attempt - 1))
        return timedelta(seconds=wait / 2 + random.uniform(0, wait / 2))  # noqa: S311


def dispatch(session: Session, config: DeliveryConfig, *, limit: int = 500) -> int:
    """Fan out up to ``limit`` undispatched events, oldest first; how many were taken.

    Plain rows and Core statements: a turn of the loop runs this for every burst of
    writes, and ORM events (their JSON payloads decoded, a flush per batch) cost more than
    the work; the payload is read only when email is on and routing needs it."""
    columns: list[Any] = [Event.id, Event.type]
    if config.smtp is not None:
        columns.append(Event.payload)
    events = session.execute(
        select(*columns)
        .where(text(UNDISPATCHED))
        .order_by(Event.created_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    if not events:
        return 0
    now = utc_now()
    hooks = session.execute(
        select(Webhook.id, Webhook.events).where(Webhook.is_active.is_(True))
    ).all()
    deliveries: list[dict[str, Any]] = []
    mails: list[tuple[str, int, MailTopic]] = []
    for event in events:
        deliveries.extend(
            _new_delivery(Channel.webhook, now, event_id=event.id, webhook_id=hook_id)
            for hook_id, kinds in hooks
            if not kinds or event.type in kinds
        )
        if config.smtp is not None:
            target = mail_topic(event.type, event.payload.get("data", {}))
            if target is not None:
                mails.append((event.id, *target))
    if mails:
        prefs = preferences_for(session, {user_id for _, user_id, _ in mails})
        deliveries.extend(
            _new_delivery(Channel.email, now, event_id=event_id, recipient_id=user_id, topic=topic)
            for event_id, user_id, topic in mails
            if prefs[user_id].wants(topic)
        )
    connection = session.connection()
    marked = update(Event).where(Event.id.in_([event.id for event in events]))
    connection.execute(marked.values(dispatched_at=now))
    if deliveries:
        connection.execute(_INSERT_DELIVERIES, deliveries)
    return len(events)


_INSERT_DELIVERIES = insert(Delivery)


def _new_delivery(
    channel: Channel,
    now: datetime,
    *,
    event_id: str,
    webhook_id: int | None = None,
    recipient_id: int | None = None,
    topic: MailTopic | None = None,
) -> dict[str, Any]:
    """A delivery row for ``_INSERT_DELIVERIES``: every row has the same keys."""
    return {
        "channel": channel,
        "event_id": event_id,
        "webhook_id": webhook_id,
        "recipient_id": recipient_id,
        "topic": topic,
        "next_attempt_at": now,
        "created_at": now,
    }


def has_pending(session: Session) -> bool:
    """Whether any event awaits dispatch or any delivery awaits an attempt."""
    undispatched = select(Event.id).where(text(UNDISPATCHED)).limit(1)
    pending = select(Delivery.id).where(text(PENDING)).limit(1)
    return session.scalar(undispatched) is not None or session.scalar(pending) is not None


@dataclass(frozen=True)
class Claimed:
    """Everything one attempt needs, read at claim time so it runs with no session."""

    delivery_id: int
    attempt: int
    channel: Channel
    event_id: str | None = None
    webhook_id: int | None = None
    url: str = ""
    secrets: tuple[str, ...] = ()
    body: bytes = b""
    to: str = ""
    topic: MailTopic | None = None
    unsubscribe_token: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


def claim(session: Session, config: DeliveryConfig, *, limit: int) -> list[Claimed]:
    """Lease up to ``limit`` due deliveries to this worker."""
    now = utc_now()
    rows = session.scalars(
        select(Delivery)
        .options(joinedload(Delivery.event), joinedload(Delivery.webhook))
        .where(text(PENDING), Delivery.next_attempt_at <= now)
        .order_by(Delivery.next_attempt_at)
        .limit(limit)
        .with_for_update(skip_locked=True, of=Delivery)
    ).all()
    if not rows:
        return []
    events = {r.event.id: r.event for r in rows if r.event is not None}
    hooks = {r.webhook.id: r.webhook for r in rows if r.webhook is not None}
    people = _by_id(session, User, {r.recipient_id for r in rows if r.recipient_id})
    prefs = preferences_for(session, people.keys())
    claimed: list[Claimed] = []
    for row in rows:
        event = events.get(row.event_id) if row.event_id else None
        if row.channel is Channel.webhook:
            hook = hooks.get(row.webhook_id) if row.webhook_id else None
            if hook is None or not hook.is_active or event is None:
                _give_up(row, now, "The endpoint is disabled." if hook else "Nothing to send.")
                continue
            row.attempts += 1
            row.next_attempt_at = now + config.lease
            claimed.append(
                Claimed(
                    delivery_id=row.id,
                    attempt=row.attempts,
                    channel=row.channel,
                    event_id=event.id,
                    webhook_id=hook.id,
                    url=hook.url,
                    secrets=_secrets(hook, now),
                    body=json.dumps(event.payload, separators=(",", ":")).encode(),
                )
            )
            continue
        person = people.get(row.recipient_id) if row.recipient_id else None
        if person is None or not person.is_active or row.topic is None:
            _give_up(row, now, "The recipient is gone or deactivated.")
            continue
        row.attempts += 1
        row.next_attempt_at = now + config.lease
        claimed.append(
            Claimed(
                delivery_id=row.id,
                attempt=row.attempts,
                channel=row.channel,
                event_id=row.event_id,
                to=person.email,
                topic=row.topic,
                unsubscribe_token=prefs[person.id].unsubscribe_token,
                data=event.payload.get("data", {}) if event else dict(row.context or {}),
            )
        )
    session.flush()
    return claimed


@dataclass(frozen=True)
class Outcome:
    ok: bool
    latency_ms: int
    status_code: int | None = None
    error: str | None = None


def attempt(claimed: Claimed, config: DeliveryConfig) -> Outcome:
    """Send once. Never raises for a delivery failure: it is the outcome."""
    started = time.monotonic()
    try:
        if claimed.channel is Channel.webhook:
            return _post(claimed, config, started)
        _send_mail(claimed, config)
        return Outcome(ok=True, latency_ms=_ms(started))
    except transport.DeliveryError as exc:
        return Outcome(ok=False, latency_ms=_ms(started), error=str(exc)[:1000])


def _post(claimed: Claimed, config: DeliveryConfig, started: float) -> Outcome:
    assert claimed.event_id is not None  # noqa: S101 (claim sets it for webhooks)
    headers = signing.headers(claimed.secrets, claimed.event_id, int(time.time()), claimed.body)
    answer = transport.post(
        claimed.url,
        claimed.body,
        headers,
        timeout=config.timeout,
        max_response_bytes=config.max_response_bytes,
        allow_private=config.allow_private,
    )
    if 200 <= answer.status < 300:
        return Outcome(ok=True, latency_ms=_ms(started), status_code=answer.status)
    error = f"HTTP {answer.status}"
    if 300 <= answer.status < 400:
        error += " (redirects are not followed)"
    excerpt = answer.body[:ERROR_EXCERPT].decode("utf-8", "replace").strip()
    if excerpt:
        error += f": {excerpt}"
    return Outcome(ok=False, latency_ms=_ms(started), status_code=answer.status, error=error)


def _send_mail(claimed: Claimed, config: DeliveryConfig) -> None:
    if config.smtp is None:
        raise transport.DeliveryError("Email is not configured (WORKITEMS_SMTP_URL).")
    assert claimed.topic is not None  # noqa: S101 (claim sets it for emails)
    links = Links(config.public_url, claimed.unsubscribe_token)
    content = compose(claimed.topic, claimed.data, links)
    msg = mail.message(
        content,
        sender=config.mail_from,
        to=claimed.to,
        unsubscribe_url=links.unsubscribe(claimed.topic),
    )
    mail.send(config.smtp, msg, timeout=config.timeout)


def compose(topic: MailTopic, data: dict[str, Any], links: Links) -> mail.Mail:
    if topic in (MailTopic.assigned, MailTopic.nudged):
        return mail.task_mail(topic, data, links)
    sections = [(str(title), list(tasks)) for title, tasks in data.get("sections", [])]
    return mail.list_mail(topic, str(data.get("title", "Your tasks")), sections, links)


def record(session: Session, config: DeliveryConfig, claimed: Claimed, outcome: Outcome) -> None:
    record_many(session, config, [(claimed, outcome)])


def record_many(
    session: Session, config: DeliveryConfig, results: Sequence[tuple[Claimed, Outcome]]
) -> None:
    """Log each attempt and move its delivery on, in a few statements for the whole batch;
    a stale claim (its lease taken over, or the delivery gone) records nothing."""
    if not results:
        return
    now = utc_now()
    rows = {
        row.id: row
        for row in session.scalars(
            select(Delivery)
            .where(Delivery.id.in_([c.delivery_id for c, _ in results]))
            .order_by(Delivery.id)
            .with_for_update()
        )
    }
    hooks = _by_id(session, Webhook, {r.webhook_id for r in rows.values() if r.webhook_id})
    for claimed, outcome in results:
        row = rows.get(claimed.delivery_id)
        if (
            row is None
            or row.attempts != claimed.attempt
            or row.status is not DeliveryStatus.pending
        ):
            continue
        hook = hooks.get(row.webhook_id) if row.webhook_id else None
        next_at: datetime | None = None
        if outcome.ok:
            row.status, row.completed_at, row.last_error = DeliveryStatus.succeeded, now, None
            if hook is not None:
                hook.failing_since = None
        else:
            row.last_error = outcome.error
            candidate = now + config.backoff(claimed.attempt)
            if candidate > row.created_at + config.retry_window:
                row.status, row.completed_at = DeliveryStatus.failed, now
            else:
                row.next_attempt_at = next_at = candidate
            if hook is not None:
                hook.failing_since = hook.failing_since or now
                if hook.is_active and now - hook.failing_since >= config.disable_after:
                    _disable(session, hook, now, outcome.error or "")
        session.add(
            DeliveryAttempt(
                delivery_id=row.id,
                webhook_id=row.webhook_id,
                attempt=claimed.attempt,
                at=now,
                ok=outcome.ok,
                status_code=outcome.status_code,
                latency_ms=outcome.latency_ms,
                error=outcome.error,
                next_attempt_at=next_at,
            )
        )
    session.flush()


def _disable(session: Session, hook: Webhook, now: datetime, error: str) -> None:
    since = hook.failing_since or now
    hook.is_active = False
    hook.disabled_at = now
    hook.disabled_reason = (
        f"Disabled after failing since {since:%Y-%m-%d %H:%M} UTC with no success; "
        f"last error: {error}"
    )[:500]
    session.execute(
        update(Delivery)
        .where(Delivery.webhook_id == hook.id, text(PENDING))
        .values(status=DeliveryStatus.failed, completed_at=now, last_error="Endpoint disabled.")
    )
    log.warning("webhook %s disabled: %s", hook.id, hook.disabled_reason)


def _give_up(row: Delivery, now: datetime, why: str) -> None:
    row.status, row.completed_at, row.last_error = DeliveryStatus.failed, now, why


def _secrets(hook: Webhook, now: datetime) -> tuple[str, ...]:
    expires = hook.previous_secret_expires_at
    if hook.previous_secret and expires is not None and expires > now:
        return (hook.secret, hook.previous_secret)
    return (hook.secret,)


def _by_id(session: Session, model: Any, ids: Sequence[Any] | set[Any]) -> dict[Any, Any]:
    if not ids:
        return {}
    return {row.id: row for row in session.scalars(select(model).where(model.id.in_(ids)))}


def _ms(started: float) -> int:
    return round((time.monotonic() - started) * 1000)
