"""The one source of time, so tests can freeze it and nothing compares naive datetimes."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


def utc_now() -> datetime:
    return datetime.now(UTC)


def utc_today() -> date:
    return utc_now().date()


def today_in(zone: str) -> date:
    """Today's date where the team is: "due friday" typed late on Thursday in Sydney means
    Sydney's Friday, not UTC's."""
    return utc_now().astimezone(ZoneInfo(zone)).date()
