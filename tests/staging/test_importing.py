"""Reading import files: table-driven, pure."""

import pytest

from workitems.staging.importing import ImportFormat, MalformedFileError, detect_format, parse

CSV = (
    "title,assignee,due,priority,labels\n"
    "Send the deck,priya@example.com,2026-12-04,high,q3;finance\n"
    "\n"
    "Book the venue,,,,\n"
)


class TestParseCsv:
    def test_rows_with_line_numbers(self) -> None:
        rows = parse(CSV, ImportFormat.csv)
        assert rows == [
            (
                2,
                {
                    "title": "Send the deck",
                    "assignee": "priya@example.com",
                    "due": "2026-12-04",
                    "priority": "high",
                    "labels": ["q3", "finance"],
                },
            ),
            (4, {"title": "Book the venue"}),
        ]

    def test_semicolon_dialect(self) -> None:
        rows = parse("title;priority\nSend the deck;low\n", ImportFormat.csv)
        assert rows == [(2, {"title": "Send the deck", "priority": "low"})]

    @pytest.mark.parametrize(
        ("text", "line", "fragment"),
        [
            ("name,due\nx,2026-01-01\n", 1, "unknown column 'name'"),
            ("due\n2026-01-01\n", 1, "no 'title' column"),
            ("title,due\nSend,2026-01-01,extra\n", 2, "3 cells"),
            ('title,due\n"Send the deck,2026-01-01\n', 2, ""),
            ("title\n", 1, "no rows"),
        ],
    )
    def test_malformed_names_the_line(self, text: str, line: int, fragment: str) -> None:
        with pytest.raises(MalformedFileError) as caught:
            parse(text, ImportFormat.csv)
        assert caught.value.line == line
        assert fragment in caught.value.detail


class TestParseJsonl:
    def test_rows(self) -> None:
        text = '{"title": "Send the deck", "labels": ["q3"]}\n\n{"title": "Book it"}\n'
        assert parse(text, ImportFormat.jsonl) == [
            (1, {"title": "Send the deck", "labels": ["q3"]}),
            (3, {"title": "Book it"}),
        ]

    @pytest.mark.parametrize(
        ("text", "line"),
        [
            ('{"title": "a"}\n{"title": \n', 2),
            ('{"title": "a"}\n[1, 2]\n', 2),
            ('{"title": "a", "owner": "x"}\n', 1),
        ],
    )
    def test_malformed(self, text: str, line: int) -> None:
        with pytest.raises(MalformedFileError) as caught:
            parse(text, ImportFormat.jsonl)
        assert caught.value.line == line


class TestDetectFormat:
    @pytest.mark.parametrize(
        ("name", "fmt"),
        [
            ("a.csv", ImportFormat.csv),
            ("a.JSONL", ImportFormat.jsonl),
            ("a.ndjson", ImportFormat.jsonl),
        ],
    )
    def test_by_extension(self, name: str, fmt: ImportFormat) -> None:
        assert detect_format(name, ImportFormat.auto) == fmt

    def test_unknown_extension_is_an_error(self) -> None:
        with pytest.raises(Exception, match="--format"):
            detect_format("a.xlsx", ImportFormat.auto)
