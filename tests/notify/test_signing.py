"""Signatures checked by the independent ``standardwebhooks`` package."""

import time

import pytest
from standardwebhooks import Webhook as Verifier
from standardwebhooks.webhooks import WebhookVerificationError

from workitems.notify import signing

BODY = b'{"type":"task.created","timestamp":"2026-11-26T10:00:00Z","data":{"id":1}}'


class TestSign:
    def test_standard_webhooks_verifies_it(self) -> None:
        secret = signing.new_secret()
        headers = signing.headers([secret], "evt_1", int(time.time()), BODY)
        assert Verifier(secret).verify(BODY, headers) == {
            "type": "task.created",
            "timestamp": "2026-11-26T10:00:00Z",
            "data": {"id": 1},
        }

    def test_secret_has_the_whsec_prefix(self) -> None:
        assert signing.new_secret().startswith("whsec_")

    def test_both_secrets_verify_during_a_rotation(self) -> None:
        old, new = signing.new_secret(), signing.new_secret()
        headers = signing.headers([new, old], "evt_2", int(time.time()), BODY)
        assert headers["webhook-signature"].count("v1,") == 2
        Verifier(old).verify(BODY, headers)
        Verifier(new).verify(BODY, headers)

    def test_a_changed_body_fails(self) -> None:
        secret = signing.new_secret()
        headers = signing.headers([secret], "evt_3", int(time.time()), BODY)
        with pytest.raises(WebhookVerificationError):
            Verifier(secret).verify(BODY.replace(b"1}", b"2}"), headers)

    def test_another_secret_fails(self) -> None:
        headers = signing.headers([signing.new_secret()], "evt_4", int(time.time()), BODY)
        with pytest.raises(WebhookVerificationError):
            Verifier(signing.new_secret()).verify(BODY, headers)
