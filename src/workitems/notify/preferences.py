"""Each person's email preferences, and the one-click unsubscribe that changes them."""

import secrets
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from workitems.clock import utc_now
from workitems.errors import NotFoundError, ValidationError
from workitems.notify.enums import MailTopic
from workitems.notify.models import MailPreference


def _new(user_id: int) -> MailPreference:
    return MailPreference(
        user_id=user_id,
        assigned=True,
        nudged=True,
        digest=False,
        cleanup=True,
        unsubscribe_token=secrets.token_urlsafe(32),
        updated_at=utc_now(),
    )


def preferences_for(session: Session, user_ids: Iterable[int]) -> dict[int, MailPreference]:
    """Everyone's preferences, creating the default row (and its token) where missing."""
    wanted = set(user_ids)
    if not wanted:
        return {}
    found = {
        p.user_id: p
        for p in session.scalars(select(MailPreference).where(MailPreference.user_id.in_(wanted)))
    }
    missing = [_new(user_id) for user_id in wanted - found.keys()]
    if missing:
        session.add_all(missing)
        session.flush()
        found.update((p.user_id, p) for p in missing)
    return found


def get_preferences(session: Session, user_id: int) -> MailPreference:
    return preferences_for(session, [user_id])[user_id]


def update_preferences(
    session: Session, user_id: int, changes: dict[MailTopic, bool]
) -> MailPreference:
    prefs = get_preferences(session, user_id)
    for topic, wanted in changes.items():
        setattr(prefs, MailTopic(topic).value, bool(wanted))
    prefs.updated_at = utc_now()
    session.flush()
    return prefs


def unsubscribe(session: Session, token: str, topic: str | None) -> MailPreference:
    """Turn one topic off (every topic when ``topic`` is None) for the token's owner."""
    prefs = find_by_token(session, token)
    if prefs is None:
        raise NotFoundError("This unsubscribe link is not valid (it may be from an old email).")
    if topic is None:
        topics = list(MailTopic)
    else:
        try:
            topics = [MailTopic(topic)]
        except ValueError:
            raise ValidationError(f"Unknown email topic {topic!r}.", field="topic") from None
    return update_preferences(session, prefs.user_id, dict.fromkeys(topics, False))


def find_by_token(session: Session, token: str) -> MailPreference | None:
    return session.scalar(select(MailPreference).where(MailPreference.unsubscribe_token == token))
