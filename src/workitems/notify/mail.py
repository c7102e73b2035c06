"""Email over SMTP: the ``WORKITEMS_SMTP_URL`` grammar, the messages, and sending.

Messages are plain text with an HTML alternative; every link is absolute, built from
``WORKITEMS_PUBLIC_URL``. Each carries ``List-Unsubscribe`` with a one-click link and
``List-Unsubscribe-Post`` (RFC 8058), so mail clients can offer "unsubscribe" themselves.
"""

import html
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from workitems.notify.enums import MailTopic
from workitems.notify.transport import DeliveryError

_TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    username: str | None
    password: str | None
    #: ``smtps://``: TLS from the first byte (port 465).
    implicit_tls: bool
    #: ``?starttls=true``: upgrade a plain connection (port 587).
    starttls: bool

    @classmethod
    def parse(cls, url: str) -> "SmtpConfig":
        """``smtp://user:pass@host:587?starttls=true`` or ``smtps://user:pass@host``."""
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError(
                "WORKITEMS_SMTP_URL must look like smtp://user:pass@host:587?starttls=true "
                "or smtps://user:pass@host:465"
            )
        implicit = parts.scheme == "smtps"
        query = {k: v[-1].lower() for k, v in parse_qs(parts.query).items()}
        return cls(
            host=parts.hostname,
            port=parts.port or (465 if implicit else 25),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            implicit_tls=implicit,
            starttls=query.get("starttls", "false") in _TRUE,
        )


def send(config: SmtpConfig, message: EmailMessage, *, timeout: float) -> None:
    """Send one message; any refusal or network failure is a ``DeliveryError`` (retried)."""
    try:
        client: smtplib.SMTP
        if config.implicit_tls:
            client = smtplib.SMTP_SSL(
                config.host, config.port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(config.host, config.port, timeout=timeout)
        with client:
            if config.starttls:
                client.starttls(context=ssl.create_default_context())
            if config.username:
                client.login(config.username, config.password or "")
            client.send_message(message)
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"SMTP: {type(exc).__name__}: {exc}") from None


@dataclass(frozen=True)
class Links:
    """Absolute links for one recipient."""

    public_url: str
    unsubscribe_token: str | None

    def to(self, path: str) -> str:
        return self.public_url.rstrip("/") + path

    def unsubscribe(self, topic: MailTopic) -> str | None:
        if self.unsubscribe_token is None:
            return None
        return self.to(f"/unsubscribe/{self.unsubscribe_token}?topic={topic.value}")


@dataclass(frozen=True)
class Mail:
    subject: str
    text: str
    html: str


def message(
    mail: Mail, *, sender: str, to: str, unsubscribe_url: str | None = None
) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = mail.subject
    msg["From"] = sender
    msg["To"] = to
    msg["Date"] = formatdate(usegmt=True)
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip("> ") or None)
    msg["Auto-Submitted"] = "auto-generated"
    if unsubscribe_url:
        msg["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg.set_content(mail.text)
    msg.add_alternative(mail.html, subtype="html")
    return msg


def _list(items: Sequence[tuple[str, str]]) -> str:
    lines = "".join(f'<li><a href="{html.escape(u)}">{html.escape(t)}</a></li>' for t, u in items)
    return f"<ul>{lines}</ul>"


def _document(fragments: Sequence[str], footer: str) -> str:
    """Already-escaped fragments, then the footer in small print."""
    body = "".join(fragments) + f'<p style="color:#666;font-size:small">{footer}</p>'
    return f"<!doctype html><html><body>{body}</body></html>"


def _footer(links: Links, topic: MailTopic) -> tuple[str, str]:
    prefs = links.to("/account/email")
    text = f"You get these emails because of your preferences: {prefs}"
    html_ = f'You get these emails because of your <a href="{html.escape(prefs)}">preferences</a>.'
    unsubscribe = links.unsubscribe(topic)
    if unsubscribe:
        text += f"\nUnsubscribe from {topic.value} emails: {unsubscribe}"
        html_ += f' <a href="{html.escape(unsubscribe)}">Unsubscribe</a> from {topic.value} emails.'
    return text, html_


def _task_line(task: dict[str, Any]) -> str:
    due = f" (due {task['due_date']})" if task.get("due_date") else ""
    note = f" ({task['note']})" if task.get("note") else ""
    return f"{task['key']}: {task['title']}{due}{note}"


def task_mail(topic: MailTopic, data: dict[str, Any], links: Links) -> Mail:
    """An assignment or a nudge, from the event's ``data`` (the task as the API shows it)."""
    actor = (data.get("actor") or {}).get("name") or "Someone"
    url = links.to(f"/tasks/{data['key']}")
    line = _task_line(data)
    if topic is MailTopic.assigned:
        subject = f"[Workitems] {actor} assigned you {data['key']}: {data['title']}"
        lead = f"{actor} assigned you {line}."
    else:
        subject = f"[Workitems] Is {data['key']} still alive? {data['title']}"
        note = data.get("note") or "No update in a while; move it on, hold it or close it."
        lead = f"{actor} asks about {line}: {note}"
    details = f"Priority: {data.get('priority', 'none')}. Status: {data.get('status', '')}."
    description = (data.get("description") or "").strip()
    text_footer, html_footer = _footer(links, topic)
    text = "\n\n".join(
        p for p in (lead, details, description[:2000], f"Open it: {url}", text_footer) if p
    )
    paragraphs = [lead, details, description[:2000]]
    fragments = [f"<p>{html.escape(p)}</p>" for p in paragraphs if p]
    fragments.append(f'<p><a href="{html.escape(url)}">Open {html.escape(data["key"])}</a></p>')
    return Mail(subject, text + "\n", _document(fragments, html_footer))


def list_mail(
    topic: MailTopic,
    title: str,
    sections: Sequence[tuple[str, Sequence[dict[str, Any]]]],
    links: Links,
) -> Mail:
    """A digest or report: headed lists of tasks, each linked."""
    text_footer, html_footer = _footer(links, topic)
    text_parts = [title]
    fragments = [f"<h2>{html.escape(title)}</h2>"]
    for heading, tasks in sections:
        if not tasks:
            continue
        lines = [(_task_line(t), links.to("/tasks/" + t["key"])) for t in tasks]
        text_parts.append("\n".join([heading, *(f"- {line}  {url}" for line, url in lines)]))
        fragments.append(f"<h3>{html.escape(heading)}</h3>{_list(lines)}")
    text_parts.append(text_footer)
    return Mail(
        f"[Workitems] {title}", "\n\n".join(text_parts) + "\n", _document(fragments, html_footer)
    )


def test_mail(links: Links) -> Mail:
    intro = "This is a test email from Workitems: the SMTP settings work."
    text = f"{intro}\n\nWorkitems: {links.to('/')}\n"
    body = _document([f"<p>{intro}</p>", _list([("Open Workitems", links.to("/"))])], "")
    return Mail("[Workitems] Test email", text, body)
