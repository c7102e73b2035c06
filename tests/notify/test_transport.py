"""The SSRF guard, redirects and response caps, against real local receivers."""

from typing import Any

import pytest

from workitems.notify import transport
from workitems.notify.transport import DeliveryError, UnsafeURLError


class TestResolve:
    @pytest.mark.parametrize(
        "url",
        [
            "http://127.0.0.1/hook",
            "http://localhost:8080/hook",
            "http://10.1.2.3/hook",
            "http://192.168.0.10/hook",
            "http://172.16.5.5/hook",
            "http://169.254.169.254/latest/meta-data",
            "http://[::1]/hook",
            "http://[fe80::1]/hook",
            "http://[::ffff:127.0.0.1]/hook",
            "http://0.0.0.0/hook",
        ],
    )
    def test_private_addresses_are_refused(self, url: str) -> None:
        with pytest.raises(UnsafeURLError, match="WORKITEMS_WEBHOOKS_ALLOW_PRIVATE"):
            transport.resolve(url, allow_private=False)

    def test_private_addresses_pass_when_allowed(self) -> None:
        assert transport.resolve("http://127.0.0.1:9/x", allow_private=True).address == "127.0.0.1"

    def test_a_public_address_passes(self) -> None:
        target = transport.resolve("https://93.184.215.14/hooks?x=1", allow_private=False)
        assert (target.scheme, target.port, target.path) == ("https", 443, "/hooks?x=1")

    @pytest.mark.parametrize(
        "url", ["ftp://93.184.215.14/", "http:///nohost", "http://u:p@93.184.215.14/"]
    )
    def test_unusable_urls_are_refused(self, url: str) -> None:
        with pytest.raises(UnsafeURLError):
            transport.resolve(url, allow_private=True)


def _post(url: str, **kwargs: Any) -> transport.Answer:
    options: dict[str, Any] = {"timeout": 2.0, "max_response_bytes": 1024, "allow_private": True}
    options.update(kwargs)
    return transport.post(url, b"{}", {"webhook-id": "evt_x"}, **options)


class TestPost:
    def test_refused_before_connecting_unless_allowed(self, receivers: Any) -> None:
        receiver = receivers()
        with pytest.raises(UnsafeURLError):
            _post(receiver.url, allow_private=False)
        assert receiver.received == []

    def test_redirects_are_not_followed(self, receivers: Any) -> None:
        target = receivers()
        redirecting = receivers(status=302, location=target.url)
        assert _post(redirecting.url).status == 302
        assert target.received == []

    def test_the_answer_is_capped(self, receivers: Any) -> None:
        receiver = receivers(answer=b"x" * 100_000)
        assert len(_post(receiver.url, max_response_bytes=1024).body) == 1024

    def test_a_hanging_receiver_times_out(self, receivers: Any) -> None:
        receiver = receivers(hang=True)
        with pytest.raises(DeliveryError, match=r"no answer within 0\.3 s"):
            _post(receiver.url, timeout=0.3)

    def test_a_closed_port_is_a_delivery_error(self, receivers: Any) -> None:
        receiver = receivers()
        url = receiver.url.replace("/hook", "").rsplit(":", 1)[0] + ":9/hook"
        with pytest.raises(DeliveryError):
            _post(url)
