"""The one source of time, so tests can freeze it and nothing compares naive datetimes."""

from datetime import UTC, date, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)


def utc_today() -> date:
    return utc_now().date()
