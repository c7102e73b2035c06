import pytest

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
