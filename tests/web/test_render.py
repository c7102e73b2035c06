import pytest
from fastapi.testclient import TestClient

from workitems.web.render import safe_path


class TestSafePath:
    @pytest.mark.parametrize(
        ("target", "expected"),
        [
            ("/work?owner=me", "/work?owner=me"),
            ("//evil.example/x", "/"),
            ("/\\evil.example", "/"),
            ("https://evil.example", "/"),
            ("", "/"),
            (None, "/"),
        ],
    )
    def test_only_paths_on_this_site(self, target: str | None, expected: str) -> None:
        assert safe_path(target) == expected


class TestFavicon:
    def test_every_page_links_one_and_the_ico_path_finds_it(self, anonymous: TestClient) -> None:
        assert '<link rel="icon" href="/static/favicon.svg"' in anonymous.get("/sign-in").text
        moved = anonymous.get("/favicon.ico")
        assert (moved.status_code, moved.headers["location"]) == (301, "/static/favicon.svg")
        icon = anonymous.get("/static/favicon.svg")
        assert icon.status_code == 200
        assert icon.headers["content-type"].startswith("image/svg+xml")
