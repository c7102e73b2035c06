"""Who hears about an event, in the app and by email: pure rules over the payload.

People are told about what happens to their own tasks by someone else; nobody is told
about what they did themselves. Candidate and transcript events go to webhooks only.
Nudges from the weekly cleanup (no actor) are not emailed one by one: the owner gets them
in the weekly report instead.
"""

from dataclasses import dataclass
from typing import Any

from workitems.notify.enums import EventType, MailTopic


@dataclass(frozen=True)
class Notice:
    user_id: int
    title: str
    link: str
    body: str = ""


def _id(ref: Any) -> int | None:
    return ref.get("id") if isinstance(ref, dict) else None


def _name(ref: Any) -> str:
    return str(ref.get("name") or ref.get("email")) if isinstance(ref, dict) else "The system"


def inbox_notice(event_type: str, data: dict[str, Any]) -> Notice | None:
    """The inbox entry for the task's owner, or ``None`` when nobody should be told."""
    if not event_type.startswith("task."):
        return None
    owner, actor = _id(data.get("assignee")), _id(data.get("actor"))
    if owner is None or owner == actor:
        return None
    who, ref = _name(data.get("actor")), f"{data['key']}: {data['title']}"
    link = f"/tasks/{data['key']}"
    match EventType(event_type):
        case EventType.task_created | EventType.task_assigned:
            return Notice(owner, f"{who} assigned you {ref}", link)
        case EventType.task_nudged:
            return Notice(owner, f"Is this still alive? {ref}", link, data.get("note") or "")
        case EventType.task_commented:
            comment = data.get("comment") or {}
            return Notice(owner, f"{who} commented on {ref}", link, comment.get("body", ""))
        case EventType.task_status_changed:
            return Notice(owner, f"{who} moved {ref} to {data['status']}", link)
        case EventType.task_due_soon:
            return Notice(owner, f"Due {data['due_date']}: {ref}", link)
        case EventType.task_overdue:
            return Notice(owner, f"Overdue since {data['due_date']}: {ref}", link)
        case _:
            return None


def mail_topic(event_type: str, data: dict[str, Any]) -> tuple[int, MailTopic] | None:
    """The one email an event may cause: to whom, about what (a preference decides)."""
    owner, actor = _id(data.get("assignee")), _id(data.get("actor"))
    if owner is None or owner == actor:
        return None
    if event_type in (EventType.task_created, EventType.task_assigned):
        return owner, MailTopic.assigned
    if event_type == EventType.task_nudged and actor is not None:
        return owner, MailTopic.nudged
    return None
