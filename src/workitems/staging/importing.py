"""Reading candidates from CSV or JSON Lines files, or from the output of ``workitems
extract`` as it is (pure: text in, rows out).

A file that cannot be read as a whole (broken CSV, a line that is not a JSON object, an
unknown column) is malformed: nothing is staged and the error names the line. A row that
parses but holds a bad value is refused on its own by the staging service.
"""

import contextlib
import csv
import io
import json
from enum import StrEnum
from typing import Any

from workitems.errors import ValidationError

COLUMNS = ("title", "description", "assignee", "due", "priority", "labels")
#: What ``workitems extract`` writes besides the columns, kept as the candidate's own.
EXTRACT_FIELDS = ("due_phrase", "evidence", "confidence", "commitment")


class ImportFormat(StrEnum):
    auto = "auto"
    csv = "csv"
    jsonl = "jsonl"


class MalformedFileError(ValidationError):
    def __init__(self, detail: str, *, line: int) -> None:
        super().__init__(f"line {line}: {detail}", field="file", line=line)
        self.line = line


def detect_format(filename: str, wanted: ImportFormat) -> ImportFormat:
    if wanted != ImportFormat.auto:
        return wanted
    lowered = filename.lower()
    if lowered.endswith((".jsonl", ".ndjson", ".json")):
        return ImportFormat.jsonl
    if lowered.endswith((".csv", ".tsv", ".txt")):
        return ImportFormat.csv
    raise ValidationError(
        f"Cannot tell the format of {filename!r}; pass --format csv or --format jsonl.",
        field="format",
    )


def parse(text: str, fmt: ImportFormat) -> list[tuple[int, dict[str, Any]]]:
    """``(line number, candidate dict)`` per row, in file order. For ``extract`` output
    (one JSON document ``{"candidates": [...]}``) the number is the item's, from 1."""
    if fmt == ImportFormat.jsonl and text.lstrip().startswith("{") and _is_document(text):
        rows = _parse_extract(text)
    else:
        rows = _parse_jsonl(text) if fmt == ImportFormat.jsonl else _parse_csv(text)
    if not rows:
        raise MalformedFileError("the file has no rows to import", line=1)
    return rows


def _parse_csv(text: str) -> list[tuple[int, dict[str, Any]]]:
    dialect: type[csv.Dialect] | csv.Dialect = csv.excel
    with contextlib.suppress(csv.Error):  # an undetectable dialect is plain CSV
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    reader = csv.DictReader(io.StringIO(text), dialect=dialect, strict=True)
    try:
        header = [name.strip().lower() for name in reader.fieldnames or []]
    except csv.Error as error:
        raise MalformedFileError(str(error), line=1) from None
    unknown = [name for name in header if name not in COLUMNS]
    if unknown or "title" not in header:
        problem = f"unknown column {unknown[0]!r}" if unknown else "no 'title' column"
        raise MalformedFileError(f"{problem}; columns are {', '.join(COLUMNS)}", line=1)
    reader.fieldnames = header
    rows: list[tuple[int, dict[str, Any]]] = []
    record_start = 2  # the line after the last good record: where a broken one begins
    try:
        for raw in reader:
            if None in raw:
                raise MalformedFileError(
                    f"{len(header) + len(raw[None])} cells, but the header has {len(header)}",
                    line=reader.line_num,
                )
            record_start = reader.line_num + 1
            if not any((value or "").strip() for value in raw.values()):
                continue
            rows.append((reader.line_num, _clean(raw)))
    except csv.Error as error:
        raise MalformedFileError(
            f"{error} (in the record starting here)", line=record_start
        ) from None
    return rows


def _parse_jsonl(text: str) -> list[tuple[int, dict[str, Any]]]:
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            raise MalformedFileError(f"not valid JSON ({error.msg})", line=number) from None
        if not isinstance(value, dict):
            raise MalformedFileError("each line must be a JSON object", line=number)
        unknown = [key for key in value if key not in COLUMNS]
        if unknown:
            raise MalformedFileError(
                f"unknown field {unknown[0]!r}; fields are {', '.join(COLUMNS)}", line=number
            )
        rows.append((number, value))
    return rows


def _clean(raw: dict[str, str | None]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for key, value in raw.items():
        text = (value or "").strip()
        if not text:
            continue
        if key == "labels":
            row[key] = [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
        else:
            row[key] = text
    return row


def _is_document(text: str) -> bool:
    """One JSON object spread over lines, not JSON Lines of one object each."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return False
    return isinstance(value, dict) and "candidates" in value


def _parse_extract(text: str) -> list[tuple[int, dict[str, Any]]]:
    items = json.loads(text)["candidates"]
    if not isinstance(items, list):
        raise MalformedFileError("'candidates' must be a list", line=1)
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise MalformedFileError(f"candidate {number} is not a JSON object", line=number)
        row = {k: v for k, v in item.items() if k in COLUMNS + EXTRACT_FIELDS and v is not None}
        # The extractor's resolved user wins over the name as heard; the resolver reads both.
        owner = item.get("owner_user") or item.get("owner")
        if owner and "assignee" not in row:
            row["assignee"] = owner
        rows.append((number, row))
    return rows
