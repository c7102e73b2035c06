"""The outbox (``events``), webhook endpoints, deliveries with their attempts, the in-app
inbox (``notifications``) and each person's email preferences."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workitems.clock import utc_now
from workitems.db import Base, str_enum
from workitems.notify.enums import Channel, DeliveryStatus, MailTopic

UNDISPATCHED = "dispatched_at IS NULL"
PENDING = "status = 'pending'"


class Event(Base):
    """One domain change, written in the transaction that made it (the outbox).

    ``id`` is the stable ``webhook-id``: every delivery of the event, retries included,
    carries it, so a receiver can drop duplicates. The worker sets ``dispatched_at`` when
    it has turned the event into deliveries.
    """

    __tablename__ = "events"
    __table_args__ = (
        Index(
            "ix_events_undispatched",
            "created_at",
            sqlite_where=text(UNDISPATCHED),
            postgresql_where=text(UNDISPATCHED),
        ),
        Index("ix_events_created_at", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    type: Mapped[str] = mapped_column(String(40))
    #: The Standard Webhooks body: ``{"type", "timestamp", "data"}``.
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    dispatched_at: Mapped[datetime | None] = mapped_column(default=None)
    #: Set for events that may happen once per period (``task.due_soon`` once a day).
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True, default=None)


class Webhook(Base):
    __tablename__ = "webhooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(String(500), default="")
    #: Event types sent to this endpoint; empty means every type.
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: ``whsec_`` + base64 key. Kept in clear: signing needs it.
    secret: Mapped[str] = mapped_column(String(100))
    #: After a rotation the old secret signs too, until ``previous_secret_expires_at``.
    previous_secret: Mapped[str | None] = mapped_column(String(100), default=None)
    previous_secret_expires_at: Mapped[datetime | None] = mapped_column(default=None)
    is_active: Mapped[bool] = mapped_column(default=True)
    disabled_at: Mapped[datetime | None] = mapped_column(default=None)
    disabled_reason: Mapped[str | None] = mapped_column(String(500), default=None)
    #: First failure of the current failing streak; a success clears it.
    failing_since: Mapped[datetime | None] = mapped_column(default=None)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)


class Delivery(Base):
    """One event (or digest) to one endpoint or person, retried until it succeeds or its
    retry window closes.

    Claiming moves ``next_attempt_at`` past the attempt's timeout (a lease), under
    ``FOR UPDATE SKIP LOCKED`` on PostgreSQL: a claimed delivery is not due for anyone
    else, and if its worker dies it becomes due again when the lease ends.
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        Index(
            "ix_deliveries_due",
            "next_attempt_at",
            sqlite_where=text(PENDING),
            postgresql_where=text(PENDING),
        ),
        Index("ix_deliveries_event_id", "event_id"),
        Index("ix_deliveries_webhook_id", "webhook_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[Channel] = mapped_column(str_enum(Channel, "delivery_channel"))
    event_id: Mapped[str | None] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), default=None
    )
    webhook_id: Mapped[int | None] = mapped_column(
        ForeignKey("webhooks.id", ondelete="CASCADE"), default=None
    )
    recipient_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), default=None
    )
    topic: Mapped[MailTopic | None] = mapped_column(str_enum(MailTopic, "mail_topic"), default=None)
    #: What a digest or report lists (emails not tied to one event).
    context: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    status: Mapped[DeliveryStatus] = mapped_column(
        str_enum(DeliveryStatus, "delivery_status"), default=DeliveryStatus.pending
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utc_now)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    completed_at: Mapped[datetime | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(String(1000), default=None)

    event: Mapped["Event | None"] = relationship(lazy="raise")
    webhook: Mapped["Webhook | None"] = relationship(lazy="raise")


class DeliveryAttempt(Base):
    """The log an admin reads: one row per try, with what the receiver answered."""

    __tablename__ = "delivery_attempts"
    __table_args__ = (
        Index("ix_delivery_attempts_webhook_id_id", "webhook_id", "id"),
        Index("ix_delivery_attempts_delivery_id", "delivery_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("deliveries.id", ondelete="CASCADE"))
    webhook_id: Mapped[int | None] = mapped_column(
        ForeignKey("webhooks.id", ondelete="CASCADE"), default=None
    )
    attempt: Mapped[int] = mapped_column()
    at: Mapped[datetime] = mapped_column(default=utc_now)
    ok: Mapped[bool] = mapped_column()
    status_code: Mapped[int | None] = mapped_column(default=None)
    latency_ms: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(String(1000), default=None)
    #: When the next try is planned, if there is one.
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=None)

    delivery: Mapped[Delivery] = relationship(lazy="raise")


class Notification(Base):
    """An entry in someone's in-app inbox; opening it sets ``read_at``."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_id_id", "user_id", "id"),
        Index(
            "ix_notifications_unread",
            "user_id",
            sqlite_where=text("read_at IS NULL"),
            postgresql_where=text("read_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    event_type: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(700))
    body: Mapped[str] = mapped_column(Text, default="")
    #: A path inside the web app (``/tasks/WI-42``), joined to the public URL in emails.
    link: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    read_at: Mapped[datetime | None] = mapped_column(default=None)


class MailPreference(Base):
    """What a person wants by email. Absent means the defaults; the unsubscribe token
    is what the one-click link carries (no sign-in needed, per RFC 8058)."""

    __tablename__ = "mail_preferences"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    assigned: Mapped[bool] = mapped_column(default=True)
    nudged: Mapped[bool] = mapped_column(default=True)
    digest: Mapped[bool] = mapped_column(default=False)
    cleanup: Mapped[bool] = mapped_column(default=True)
    unsubscribe_token: Mapped[str] = mapped_column(String(64), unique=True)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)

    def wants(self, topic: MailTopic) -> bool:
        return bool(getattr(self, topic.value))
