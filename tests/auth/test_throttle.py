"""Failed-authentication limits: per address for tokens, per account and address for
sign-in, in memory or in Redis."""

import os
import uuid

import pytest

from workitems.auth.throttle import Limits, Throttle
from workitems.errors import LockedOutError

REDIS_URL = os.environ.get("WORKITEMS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _throttle(storage_url: str | None = None) -> Throttle:
    return Throttle(
        Limits(token_failures="3/minute", sign_in_failures="2/minute"), storage_url=storage_url
    )


class TestTokenFailures:
    def test_over_the_limit_is_refused_with_a_wait(self) -> None:
        throttle = _throttle()
        for _ in range(3):
            throttle.check_token("10.0.0.1")
            throttle.token_failed("10.0.0.1")
        with pytest.raises(LockedOutError) as refused:
            throttle.check_token("10.0.0.1")
        assert 1 <= refused.value.retry_after <= 60

    def test_other_addresses_are_not_affected(self) -> None:
        throttle = _throttle()
        for _ in range(3):
            throttle.token_failed("10.0.0.1")
        throttle.check_token("10.0.0.2")


class TestSignInFailures:
    def test_locks_the_account_from_that_address_only(self) -> None:
        throttle = _throttle()
        for _ in range(2):
            throttle.sign_in_failed("Admin@Example.com", "6.6.6.6")
        with pytest.raises(LockedOutError):
            throttle.check_sign_in("admin@example.com", "6.6.6.6")
        throttle.check_sign_in("admin@example.com", "10.0.0.7")  # the admin, elsewhere
        throttle.check_sign_in("sam@example.com", "6.6.6.6")

    def test_success_clears_the_count(self) -> None:
        throttle = _throttle()
        throttle.sign_in_failed("a@example.com", "1.1.1.1")
        throttle.sign_in_succeeded("a@example.com", "1.1.1.1")
        throttle.sign_in_failed("a@example.com", "1.1.1.1")
        throttle.check_sign_in("a@example.com", "1.1.1.1")


class TestSharedStorage:
    def test_two_processes_count_together_in_redis(self) -> None:
        redis = pytest.importorskip("redis")
        try:
            redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
        except redis.exceptions.RedisError:
            pytest.skip(f"no Redis at {REDIS_URL}")
        first, second = _throttle(REDIS_URL), _throttle(REDIS_URL)
        address = f"192.0.2.{uuid.uuid4().int % 250}-{uuid.uuid4().hex[:6]}"
        for throttle in (first, second, first):
            throttle.token_failed(address)
        with pytest.raises(LockedOutError):
            second.check_token(address)
