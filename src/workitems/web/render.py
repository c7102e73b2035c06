"""Templates, flash notices and redirects: how every page answers.

Forms follow post/redirect/get: a successful post redirects with a one-shot notice in a
short-lived cookie, so reloading the page never repeats the action. A failed post re-renders
its page with the error and the values the person typed.
"""

from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from workitems.clock import utc_today
from workitems.task.enums import Priority, TaskStatus

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
FLASH_COOKIE = "wi_flash"
#: Pages may show one-time secrets and personal queues: never cached, never framed (no
#: clickjacking of a form), and no script or style from anywhere but this app.
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

#: Display labels live here and in the CLI; wire values stay snake_case.
STATUS_LABELS = {
    TaskStatus.unaddressed: "Unaddressed",
    TaskStatus.pending: "Pending",
    TaskStatus.in_progress: "In progress",
    TaskStatus.on_hold: "On hold",
    TaskStatus.completed: "Completed",
    TaskStatus.canceled: "Canceled",
}
PRIORITY_LABELS = {
    Priority.none: "No priority",
    Priority.low: "Low",
    Priority.medium: "Medium",
    Priority.high: "High",
    Priority.urgent: "Urgent",
}


def _when(value: datetime | date | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return value.isoformat()


def _clock(seconds: float | str | None) -> str:
    """Seconds into a meeting as ``m:ss`` (or ``h:mm:ss``); text timestamps pass through."""
    if seconds is None:
        return ""
    if isinstance(seconds, str):
        return seconds
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


def _label(value: Any) -> str:
    return STATUS_LABELS.get(value) or PRIORITY_LABELS.get(value) or str(value)


_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters["when"] = _when
_env.filters["clock"] = _clock
_env.filters["label"] = _label
_env.globals.update(
    STATUS_LABELS=STATUS_LABELS,
    PRIORITY_LABELS=PRIORITY_LABELS,
    statuses=list(TaskStatus),
    priorities=list(Priority),
)


def render(
    request: Request, template: str, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """Render a page; the pending flash notice (if any) is shown once and cleared."""
    notice = request.cookies.get(FLASH_COOKIE)
    kind, _, text = unquote(notice).partition(":") if notice else ("", "", "")
    context.setdefault("viewer", None)
    context.setdefault("error", None)
    html = _env.get_template(template).render(
        request=request,
        notice=text if kind == "ok" else None,
        flash_error=text if kind == "error" else None,
        today=utc_today(),
        path=request.url.path,
        **context,
    )
    response = HTMLResponse(html, status_code=status_code, headers=PAGE_HEADERS)
    if notice:
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response


def safe_path(target: str | None, fallback: str = "/") -> str:
    """Only a path on this site: a ``next`` or ``back`` field must not become an open
    redirect to somewhere else (``//evil.example`` is another host)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return fallback
    return target


def redirect(url: str, *, notice: str | None = None, error: str | None = None) -> RedirectResponse:
    """303 See Other, so the browser follows with a GET whatever the form's method was;
    ``notice`` or ``error`` is shown once on the next page."""
    response = RedirectResponse(url, status_code=303)
    flash = f"ok:{notice}" if notice else f"error:{error}" if error else None
    if flash:
        response.set_cookie(
            FLASH_COOKIE, quote(flash), max_age=60, path="/", httponly=True, samesite="lax"
        )
    return response
