import time

import pytest

from workitems.auth.cache import TokenCache
from workitems.auth.service import Principal
from workitems.user.models import UserRole

PRINCIPAL = Principal(
    user_id=1, email="a@example.com", role=UserRole.member, scopes=frozenset({"tasks:read"})
)


class TestTokenCache:
    def test_hit_within_ttl(self) -> None:
        cache = TokenCache(60)
        cache.put("h", PRINCIPAL)
        assert cache.get("h") == PRINCIPAL

    def test_expires(self, monkeypatch: pytest.MonkeyPatch) -> None:
        cache = TokenCache(5)
        cache.put("h", PRINCIPAL)
        later = time.monotonic() + 6
        monkeypatch.setattr(time, "monotonic", lambda: later)
        assert cache.get("h") is None

    def test_zero_ttl_disables(self) -> None:
        cache = TokenCache(0)
        cache.put("h", PRINCIPAL)
        assert cache.get("h") is None

    def test_bounded(self) -> None:
        cache = TokenCache(60, max_entries=2)
        for key in ("a", "b", "c"):
            cache.put(key, PRINCIPAL)
        assert cache.get("c") == PRINCIPAL
        assert cache.get("a") is None
