"""A short-lived, per-process cache of verified tokens.

Checking a token costs a database round trip on every request; caching the verified
principal for a few seconds removes it from the hot path. The price is that a revocation
made elsewhere (the CLI, another process) takes effect within ``ttl_seconds``; a ttl of 0
turns the cache off. Keys are token hashes, never the tokens themselves.
"""

import threading
import time

from workitems.auth.service import Principal


class TokenCache:
    def __init__(self, ttl_seconds: float, *, max_entries: int = 10_000) -> None:
        self.ttl = ttl_seconds
        self.max_entries = max_entries
        self._entries: dict[str, tuple[float, Principal]] = {}
        self._lock = threading.Lock()

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
