from enum import StrEnum


class EventType(StrEnum):
    """The public event types: webhook subscribers filter on these names."""

    task_created = "task.created"
    task_assigned = "task.assigned"
    task_status_changed = "task.status_changed"
    task_updated = "task.updated"
    task_commented = "task.commented"
    task_nudged = "task.nudged"
    task_due_soon = "task.due_soon"
    task_overdue = "task.overdue"
    candidate_staged = "candidate.staged"
    candidate_approved = "candidate.approved"
    candidate_rejected = "candidate.rejected"
    candidate_merged = "candidate.merged"
    transcript_analyzed = "transcript.analyzed"


class Channel(StrEnum):
    webhook = "webhook"
    email = "email"


class DeliveryStatus(StrEnum):
    #: Waiting for its next attempt (or being attempted right now, under a lease).
    pending = "pending"
    succeeded = "succeeded"
    #: Retries ran out, or the endpoint was disabled or removed.
    failed = "failed"


class MailTopic(StrEnum):
    """What an email is about; each is a preference a person can turn off."""

    assigned = "assigned"
    nudged = "nudged"
    digest = "digest"
    cleanup = "cleanup"
