"""The WORKITEMS_SMTP_URL grammar, checked when settings load and when it is parsed."""

import pytest
from pydantic import ValidationError

from workitems.config import Settings
from workitems.notify.mail import SmtpConfig


class TestSmtpConfig:
    @pytest.mark.parametrize(
        ("url", "expected"),
        [
            (
                "smtp://ana%40example.com:s3cr%2Ft@mail.example.com:587?starttls=true",
                SmtpConfig("mail.example.com", 587, "ana@example.com", "s3cr/t", False, True),
            ),
            (
                "smtps://u:p@mail.example.com",
                SmtpConfig("mail.example.com", 465, "u", "p", True, False),
            ),
            ("smtp://relay.local", SmtpConfig("relay.local", 25, None, None, False, False)),
        ],
    )
    def test_parse(self, url: str, expected: SmtpConfig) -> None:
        assert SmtpConfig.parse(url) == expected


class TestSettings:
    @pytest.mark.parametrize("url", ["mail.example.com:587", "http://mail.example.com", "smtp://"])
    def test_a_malformed_smtp_url_is_refused_at_start(self, url: str) -> None:
        with pytest.raises(ValidationError, match="smtp://user:pass@host:587"):
            Settings(smtp_url=url)

    def test_an_empty_smtp_url_means_no_email(self) -> None:
        assert Settings(smtp_url="").smtp_url is None
