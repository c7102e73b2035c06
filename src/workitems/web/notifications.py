"""The inbox, email preferences, and the one-click unsubscribe that needs no sign-in."""

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response

from workitems.errors import WorkitemsError
from workitems.http.session import SessionDep
from workitems.notify import inbox, preferences
from workitems.notify.enums import MailTopic
from workitems.web.deps import PostedBy, SignedIn
from workitems.web.render import redirect, render, safe_path
from workitems.web.routing import WebRoute

router = APIRouter(route_class=WebRoute, include_in_schema=False)

#: What each email preference means, in the words of the form.
TOPIC_LABELS = {
    MailTopic.assigned: "Someone assigns me a task",
    MailTopic.nudged: "Someone asks whether my task is still alive",
    MailTopic.digest: "A daily digest of my tasks due soon and overdue",
    MailTopic.cleanup: "The weekly cleanup report of my stale tasks",
}


@router.get("/inbox")
def inbox_page(request: Request, session: SessionDep, viewer: SignedIn) -> Response:
    rows = inbox.list_notifications(session, viewer.user_id)
    return render(request, "inbox.html", viewer=viewer, notifications=rows)


@router.get("/inbox/{notification_id}")
def open_notification(notification_id: int, session: SessionDep, viewer: SignedIn) -> Response:
    """Opening marks it read, then goes where it points."""
    row = inbox.open_notification(session, viewer.user_id, notification_id)
    return redirect(safe_path(row.link, "/inbox"))


@router.post("/inbox/read")
def mark_all_read(session: SessionDep, viewer: PostedBy) -> Response:
    count = inbox.mark_all_read(session, viewer.user_id)
    return redirect("/inbox", notice=f"Marked {count} notification(s) read.")


@router.get("/account/email")
def email_page(request: Request, session: SessionDep, viewer: SignedIn) -> Response:
    prefs = preferences.get_preferences(session, viewer.user_id)
    return render(
        request,
        "account_email.html",
        viewer=viewer,
        prefs=prefs,
        topics=TOPIC_LABELS,
        mail_enabled=bool(request.app.state.settings.smtp_url),
    )


@router.post("/account/email")
def save_email(
    session: SessionDep, viewer: PostedBy, topics: Annotated[list[str] | None, Form()] = None
) -> Response:
    wanted = set(topics or [])
    changes = {topic: topic.value in wanted for topic in MailTopic}
    preferences.update_preferences(session, viewer.user_id, changes)
    return redirect("/account/email", notice="Email preferences saved.")


@router.get("/unsubscribe/{token}")
def unsubscribe_page(
    request: Request, token: str, session: SessionDep, topic: str | None = None
) -> Response:
    """A page with one button: a GET must not unsubscribe, since mail scanners follow
    links (RFC 8058 has mail clients POST instead)."""
    prefs = preferences.find_by_token(session, token)
    label = TOPIC_LABELS.get(MailTopic(topic)) if topic in set(MailTopic) else None
    return render(
        request,
        "unsubscribe.html",
        status_code=200 if prefs else 404,
        token=token,
        topic=topic if label else None,
        label=label,
        valid=prefs is not None,
        done=False,
    )


@router.post("/unsubscribe/{token}")
def unsubscribe(
    request: Request, token: str, session: SessionDep, topic: str | None = None
) -> Response:
    """RFC 8058 one-click: a POST with ``List-Unsubscribe=One-Click`` (or the page's
    button). The token is the credential; there is no session and no CSRF token."""
    try:
        preferences.unsubscribe(session, token, topic)
    except WorkitemsError as error:
        return render(
            request,
            "unsubscribe.html",
            status_code=404,
            token=token,
            topic=None,
            label=None,
            valid=False,
            done=False,
            error=error.detail,
        )
    label = TOPIC_LABELS.get(MailTopic(topic)) if topic in set(MailTopic) else None
    return render(
        request, "unsubscribe.html", token=token, topic=topic, label=label, valid=True, done=True
    )
