"""Settings, read from ``WORKITEMS_*`` environment variables.

Nothing is built at import time: callers construct ``Settings()`` when they start, so tests
and the CLI can each pass their own. Every field must appear in the README's settings table
(``tests/test_docs.py`` checks it).
"""

from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WORKITEMS_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///./var/workitems.db",
        description="SQLAlchemy URL; SQLite by default, postgresql+psycopg://... to scale out.",
    )
    host: str = Field(default="127.0.0.1", description="Address `serve` binds to.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `serve` listens on.")
    workers: int = Field(default=1, ge=1, description="Worker processes started by `serve`.")
    max_body_bytes: int = Field(
        default=1_048_576, ge=1024, description="Largest accepted request body; larger is 413."
    )
    max_bulk_body_bytes: int = Field(
        default=8_388_608,
        ge=1024,
        description="Largest accepted body for bulk routes (1,000 candidates with evidence).",
    )
    max_transcript_bytes: int = Field(
        default=5_000_000,
        ge=1024,
        description="Largest accepted transcript upload (5 MB); larger is 413.",
    )
    db_pool_size: int = Field(
        default=8,
        ge=1,
        description="Connections kept per process; also the number of worker threads, so a "
        "thread never waits for a connection.",
    )
    db_max_overflow: int = Field(
        default=8, ge=0, description="Extra connections a process may open under load."
    )
    sqlite_busy_timeout_ms: int = Field(
        default=5000, ge=0, description="How long SQLite waits for a lock before failing."
    )
    token_cache_seconds: float = Field(
        default=5.0,
        ge=0,
        description="How long a process trusts a verified token; revocations elsewhere take "
        "effect within this time. 0 turns the cache off.",
    )
    search_timeout_ms: int = Field(
        default=2000,
        ge=1,
        description="Time budget of one search query; a query that runs longer is stopped "
        "and answered with a problem response (the cost guard).",
    )
    admin_email: str = Field(
        default="admin@localhost",
        description="Email of the admin created on first start of an empty database.",
    )
    session_days: float = Field(
        default=14,
        gt=0,
        description="How long a web sign-in lasts before the browser must sign in again.",
    )
    public_url: str = Field(
        default="http://127.0.0.1:8000",
        description="The address people reach this server at; links in invitations, password "
        "resets and notifications are built from it.",
    )
    time_zone: str = Field(
        default="UTC",
        description="IANA time zone that quick add's dates (`due:friday`) are read in.",
    )
    log_level: str = Field(default="info", description="uvicorn log level.")
    smtp_url: str | None = Field(
        default=None,
        description="Enables email: smtp://user:pass@host:587?starttls=true or "
        "smtps://user:pass@host:465. Unset sends no email.",
    )
    mail_from: str = Field(
        default="Workitems <workitems@localhost>", description="The From of every email."
    )
    webhooks_allow_private: bool = Field(
        default=False,
        description="Allow webhook URLs that resolve to private, loopback or link-local "
        "addresses (refused by default: server-side request forgery).",
    )
    webhook_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        description="Deadline of one webhook request or SMTP exchange; past it the attempt "
        "failed and is retried.",
    )
    webhook_max_response_bytes: int = Field(
        default=65_536, ge=0, description="At most this much of a receiver's answer is read."
    )
    delivery_retry_hours: float = Field(
        default=24.0,
        gt=0,
        description="How long a failing webhook or email is retried before it is given up.",
    )
    delivery_backoff_seconds: float = Field(
        default=30.0,
        gt=0,
        description="Wait before the first retry; each later wait doubles (with jitter) up "
        "to WORKITEMS_DELIVERY_BACKOFF_MAX_SECONDS.",
    )
    delivery_backoff_max_seconds: float = Field(
        default=3600.0, gt=0, description="The longest wait between two retries."
    )
    webhook_disable_days: float = Field(
        default=3.0,
        gt=0,
        description="A webhook endpoint that has failed without a success this long is "
        "disabled, with the reason shown.",
    )
    delivery_poll_seconds: float = Field(
        default=0.5,
        gt=0,
        description="How often an idle delivery worker looks for new events.",
    )
    delivery_concurrency: int = Field(
        default=8, ge=1, description="Deliveries one worker process sends at once."
    )
    deliver_in_serve: Literal["auto", "on", "off"] = Field(
        default="auto",
        description="Whether `serve` delivers webhooks and email itself: `auto` does on "
        "SQLite (one process, so `make run` just works); on PostgreSQL run `workitems "
        "worker`.",
    )
    events_keep_days: int = Field(
        default=30,
        ge=1,
        description="Events, deliveries and read notifications older than this are deleted.",
    )
    due_soon_days: int = Field(
        default=2,
        ge=0,
        description="A task due within this many days gets `task.due_soon` (once a day).",
    )
    db_connect_timeout_seconds: float = Field(
        default=3,
        gt=0,
        description="PostgreSQL: how long to wait for a connection to be set up; a database "
        "that does not answer is then a 503 with Retry-After instead of a hang.",
    )
    db_statement_timeout_ms: int = Field(
        default=10_000,
        ge=1,
        description="PostgreSQL: the longest one statement of a request may run.",
    )
    db_pool_timeout_seconds: float = Field(
        default=5, gt=0, description="How long a request waits for a pooled connection."
    )
    max_in_flight: int = Field(
        default=32,
        ge=1,
        description="Requests one process works on at once; more are answered 503 with "
        "Retry-After at once (the probes are never refused).",
    )
    write_queue_seconds: float = Field(
        default=1.0,
        gt=0,
        description="SQLite: the longest a write request may wait for its turn at the "
        "single writer; a write that would wait longer is answered 503 with Retry-After at "
        "once.",
    )
    rate_limit_storage_url: str | None = Field(
        default=None,
        description="Where failed-authentication counts live: unset keeps them in each "
        "process's memory; redis://host:6379/0 shares them between processes and hosts.",
    )
    token_failure_limit: str = Field(
        default="30/minute;300/hour",
        description="Failed API token checks allowed per client address (a `limits` "
        "string); over it, 429 with Retry-After and no database lookup.",
    )
    sign_in_failure_limit: str = Field(
        default="5/minute;20/hour",
        description="Failed web sign-ins allowed per account and client address; over it, "
        "that address is refused for that account (429 with Retry-After).",
    )
    idempotency_lease_seconds: float = Field(
        default=60,
        gt=0,
        description="How long an unfinished Idempotency-Key claim blocks retries (409) before "
        "it counts as abandoned by a crashed process; longer than any request may run.",
    )

    @field_validator("public_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("smtp_url")
    @classmethod
    def _smtp_scheme(cls, value: str | None) -> str | None:
        """Refused at start-up, not at the first email: a typo must not pass silently."""
        if not value:
            return None
        if not value.startswith(("smtp://", "smtps://")) or len(value.split("://", 1)[1]) == 0:
            raise ValueError(
                "must look like smtp://user:pass@host:587?starttls=true or "
                "smtps://user:pass@host:465"
            )
        return value

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r}; use an IANA name such as Europe/Berlin"
            ) from None
        return value
