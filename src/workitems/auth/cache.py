"""A short-lived, per-process cache of verified tokens.

Checking a token costs a database round trip on every request; caching the verified
principal for a few seconds removes it from the hot path. A revocation made elsewhere (the
CLI, another process) still takes effect within ``REVOCATION_CHECK_SECONDS``: the cache
compares a revocation fingerprint that often and drops everything when it changed. A ttl
of 0 turns the cache off. Keys are token hashes, never the tokens themselves.

Failures are cached too, for ``NEGATIVE_TTL_SECONDS``: a token that failed hardly ever
turns valid (tokens are minted here, revocation and expiry are for good; only reactivating
its user does, and then within that minute), so repeating a bad one costs no lookup.
"""

import threading
import time

from workitems.auth.service import Principal

NEGATIVE_TTL_SECONDS = 60.0
#: How often a process compares the revocation fingerprint (``auth/revocations.py``).
REVOCATION_CHECK_SECONDS = 1.0


class TokenCache:
    def __init__(self, ttl_seconds: float, *, max_entries: int = 10_000) -> None:
        self.ttl = ttl_seconds
        self.max_entries = max_entries
        self._entries: dict[str, tuple[float, Principal]] = {}
        self._bad: dict[str, float] = {}
        self._lock = threading.Lock()
        self._fingerprint: object = None
        self._checked_at = float("-inf")

    def revocations_due(self) -> bool:
        """True at most once per ``REVOCATION_CHECK_SECONDS``: the caller should read the
        fingerprint and pass it to ``observe``. Claimed here, so a burst checks once."""
        now = time.monotonic()
        if self.ttl <= 0 or now - self._checked_at < REVOCATION_CHECK_SECONDS:
            return False
        with self._lock:
            if now - self._checked_at < REVOCATION_CHECK_SECONDS:
                return False
            self._checked_at = now
            return True

    def observe(self, fingerprint: object) -> None:
        """Forget every cached verdict when something was revoked or deactivated since."""
        with self._lock:
            if self._fingerprint is not None and fingerprint != self._fingerprint:
                self._entries.clear()
                self._bad.clear()
            self._fingerprint = fingerprint

    def known_bad(self, token_hash: str) -> bool:
        expires = self._bad.get(token_hash)
        return expires is not None and expires >= time.monotonic()

    def put_bad(self, token_hash: str) -> None:
        with self._lock:
            if len(self._bad) >= self.max_entries:
                self._bad.clear()
            self._bad[token_hash] = time.monotonic() + NEGATIVE_TTL_SECONDS

    def get(self, token_hash: str) -> Principal | None:
        if self.ttl <= 0:
            return None
        entry = self._entries.get(token_hash)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def put(self, token_hash: str, principal: Principal) -> None:
        if self.ttl <= 0:
            return
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            self._entries[token_hash] = (time.monotonic() + self.ttl, principal)
