"""Writing events: called by domain services inside their own transaction.

An event is one row in ``events`` (plus an inbox entry when a person should be told), added
to the caller's session and flushed with its change: a rollback takes the event with it,
and a commit makes both visible at once. Nothing here sends anything.
"""

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from workitems.clock import utc_now
from workitems.notify.enums import Channel, EventType, MailTopic
from workitems.notify.models import Delivery, Event, Notification
from workitems.notify.preferences import preferences_for
from workitems.notify.routing import inbox_notice
from workitems.user.models import User
from workitems.user.schemas import UserRef

#: ``session.info`` flag: this transaction emitted events (an in-process worker wakes on it).
EMITTED = "workitems_outbox_emitted"
#: Built once: a statement's values are part of its cache key, so rows go as parameters.
_INSERT_EVENTS = insert(Event)
_INSERT_NOTICES = insert(Notification)


def new_event_id() -> str:
    return f"evt_{uuid.uuid4().hex}"


def actor_ref(session: Session, actor_id: int | None) -> dict[str, Any] | None:
    user = session.get(User, actor_id) if actor_id is not None else None
    return UserRef.of(user).model_dump(mode="json") if user else None


def emit(
    session: Session,
    event_type: EventType,
    data: dict[str, Any],
    *,
    dedupe_key: str | None = None,
) -> str:
    """Add one event (and its inbox entry, if any) to the session's transaction; its id."""
    [event_id] = emit_many(session, [(event_type, data, dedupe_key)])
    return event_id


def emit_many(
    session: Session, items: Sequence[tuple[EventType, dict[str, Any], str | None]]
) -> list[str]:
    """Write the events (and inbox entries) with one Core insert per table, in the
    session's transaction, at once: nothing is left pending in the session, and no ORM
    object is built for rows nobody reads back here. The events' ids, in order."""
    now = utc_now()
    timestamp = now.isoformat().replace("+00:00", "Z")
    events: list[dict[str, Any]] = []
    notices: list[dict[str, Any]] = []
    for event_type, data, dedupe_key in items:
        payload = {"type": event_type.value, "timestamp": timestamp, "data": data}
        events.append(
            {
                "id": new_event_id(),
                "type": event_type.value,
                "payload": payload,
                "created_at": now,
                "dispatched_at": None,
                "dedupe_key": dedupe_key,
            }
        )
        notice = inbox_notice(event_type.value, data)
        if notice is not None:
            notices.append(
                {
                    "user_id": notice.user_id,
                    "event_type": event_type.value,
                    "title": notice.title[:700],
                    "body": notice.body,
                    "link": notice.link,
                    "created_at": now,
                }
            )
    if not events:
        return []
    connection = session.connection()
    connection.execute(_INSERT_EVENTS, events)
    if notices:
        connection.execute(_INSERT_NOTICES, notices)
    session.info[EMITTED] = True
    if connection.dialect.name == "postgresql":
        # Wakes listening delivery workers when (and only if) this transaction commits.
        connection.execute(text("SELECT pg_notify('workitems_outbox', '')"))
    return [event["id"] for event in events]


def queue_mail(
    session: Session, topic: MailTopic, mails: Sequence[tuple[int, dict[str, Any]]]
) -> int:
    """Queue emails not tied to one event (digests, reports), each to a person who keeps
    ``topic`` on; how many were queued. The worker renders and sends them."""
    prefs = preferences_for(session, {user_id for user_id, _ in mails})
    now = utc_now()
    rows = [
        Delivery(
            channel=Channel.email,
            recipient_id=user_id,
            topic=topic,
            context=context,
            next_attempt_at=now,
            created_at=now,
        )
        for user_id, context in mails
        if prefs[user_id].wants(topic)
    ]
    session.add_all(rows)
    session.flush()
    if rows:
        session.info[EMITTED] = True
    return len(rows)


def already_emitted(session: Session, dedupe_keys: Sequence[str]) -> set[str]:
    if not dedupe_keys:
        return set()
    found = session.scalars(select(Event.dedupe_key).where(Event.dedupe_key.in_(dedupe_keys)))
    return {key for key in found if key is not None}
