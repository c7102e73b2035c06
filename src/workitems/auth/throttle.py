"""Limits on failed authentication, counted with ``limits`` (moving windows).

Two counters, both keyed on the client's address so that one attacker cannot lock anybody
else out:

- failed API token checks per address: over the limit, token checks from that address are
  refused (429 with ``Retry-After``) without touching the database;
- failed web sign-ins per account *and* address: someone guessing the admin's password
  from one place locks only themselves out, never the admin signing in from elsewhere.

Counts live in memory, per process, by default; with ``WORKITEMS_RATE_LIMIT_STORAGE_URL``
(``redis://host:6379/0``) every process shares them.
"""

import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from workitems.errors import LockedOutError

TOKEN_NAMESPACE = "token-failures"  # noqa: S105 (a counter's name, not a secret)
SIGN_IN_NAMESPACE = "sign-in-failures"


@dataclass(frozen=True)
class Limits:
    """Each a ``limits`` string such as ``"5/minute;20/hour"``."""

    token_failures: str = "30/minute;300/hour"  # noqa: S105 (a rate, not a secret)
    sign_in_failures: str = "5/minute;20/hour"


class Throttle:
    def __init__(self, limits: Limits | None = None, *, storage_url: str | None = None) -> None:
        limits = limits or Limits()
        storage = storage_from_string(storage_url) if storage_url else MemoryStorage()
        if not isinstance(storage, Storage):
            raise ValueError(f"{storage_url!r} names an asyncio storage; use a plain one")
        self._limiter = MovingWindowRateLimiter(storage)
        self._token = parse_many(limits.token_failures)
        self._sign_in = parse_many(limits.sign_in_failures)

    def check_token(self, address: str) -> None:
        """Raise ``LockedOutError`` while ``address`` is over its failed-token limit."""
        message = "Too many failed token checks from your address"
        self._check(self._token, message, TOKEN_NAMESPACE, address)

    def token_failed(self, address: str) -> None:
        self._hit(self._token, TOKEN_NAMESPACE, address)

    def check_sign_in(self, email: str, address: str) -> None:
        self._check(
            self._sign_in,
            "Too many failed sign-ins for this account from your address",
            SIGN_IN_NAMESPACE,
            _account(email),
            address,
        )

    def sign_in_failed(self, email: str, address: str) -> None:
        self._hit(self._sign_in, SIGN_IN_NAMESPACE, _account(email), address)

    def sign_in_succeeded(self, email: str, address: str) -> None:
        for item in self._sign_in:
            self._limiter.clear(item, SIGN_IN_NAMESPACE, _account(email), address)

    def reset(self) -> None:
        """Forget every count (tests; an operator clearing a lockout)."""
        self._limiter.storage.reset()

    def _check(self, items: list[RateLimitItem], message: str, *keys: str) -> None:
        blocked = [item for item in items if not self._limiter.test(item, *keys)]
        if not blocked:
            return
        reset = max(self._limiter.get_window_stats(item, *keys).reset_time for item in blocked)
        wait = max(1, math.ceil(reset - time.time()))
        raise LockedOutError(f"{message}; try again in {wait} seconds.", retry_after=wait)

    def _hit(self, items: list[RateLimitItem], *keys: str) -> None:
        for item in items:
            self._limiter.hit(item, *keys)


def _account(email: str) -> str:
    return email.strip().casefold()
