"""Every ORM model, imported once so Alembic and tests see the whole schema."""

from workitems.auth.models import ApiToken, PasswordLink, WebSession
from workitems.db import Base
from workitems.idempotency.models import IdempotencyKey
from workitems.jobs.models import JobRun
from workitems.notify.models import (
    Delivery,
    DeliveryAttempt,
    Event,
    MailPreference,
    Notification,
    Webhook,
)
from workitems.staging.models import Candidate
from workitems.task.models import Comment, Task, TaskEvent, TaskLabel
from workitems.transcript.models import Transcript
from workitems.user.models import User
from workitems.view.models import SavedView

__all__ = [
    "ApiToken",
    "Base",
    "Candidate",
    "Comment",
    "Delivery",
    "DeliveryAttempt",
    "Event",
    "IdempotencyKey",
    "JobRun",
    "MailPreference",
    "Notification",
    "PasswordLink",
    "SavedView",
    "Task",
    "TaskEvent",
    "TaskLabel",
    "Transcript",
    "User",
    "WebSession",
    "Webhook",
]
