"""Settings that are checked when the server starts, so a typo fails loudly."""

import pytest
from pydantic import ValidationError

from workitems.config import Settings


class TestPublicUrl:
    def test_trailing_slash_is_dropped(self) -> None:
        assert Settings(public_url="https://work.example.com/").public_url == (
            "https://work.example.com"
        )

    def test_a_url_without_scheme_is_refused(self) -> None:
        with pytest.raises(ValidationError, match="http"):
            Settings(public_url="work.example.com")


class TestTimeZone:
    def test_an_iana_name_is_kept(self) -> None:
        assert Settings(time_zone="Australia/Sydney").time_zone == "Australia/Sydney"

    def test_an_unknown_zone_is_refused(self) -> None:
        with pytest.raises(ValidationError, match="unknown time zone"):
            Settings(time_zone="Mars/Olympus")
