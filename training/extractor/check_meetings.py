"""Check the hand-annotated training meetings before they are landed or trained on.

Stdlib only, so it runs before any virtualenv exists:
``python training/extractor/check_meetings.py [--summary]``.
Every meeting is three files sharing an id (transcript, ``.participants.json``, ``.gold.json``);
the format is described in the team's data-format note. A mistake here (an index past the end,
an owner who is not a participant, a date that does not exist) would silently teach the
extractor something wrong, so each one is an error and the exit status is non-zero.

When the project's parser can be imported (``src`` on the path, its dependencies installed),
the transcript is also parsed and ``n_utterances`` compared with what the parser counts; where
the parser cannot read a format yet, that is reported as a warning, not an error, because the
transcripts are written as real tools export them.
"""

import argparse
import json
import re
import sys
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
MEETINGS = HERE / "meetings"
TRANSCRIPT_EXTENSIONS = (".txt", ".vtt", ".srt", ".json")
SPLITS = ("train", "heldout")
ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REQUIRED: dict[str, type] = {
    "id": str,
    "file": str,
    "format": str,
    "meeting_date": str,
    "domain": str,
    "split": str,
    "n_utterances": int,
    "action_items": list,
}
ITEM_REQUIRED: dict[str, type | tuple[type, ...]] = {
    "evidence_utterance_indices": list,
    "owner_user": (str, type(None)),
    "due": list,
    "title_terms": list,
    "text": str,
}


#: A title term as the scorer can match it: one run of [a-z0-9], as titles are split.
TERM = re.compile(r"[a-z0-9]+")


def title_matches(title: str, terms: list[str]) -> bool:
    """The evaluation set's rule (``run_extract.py``): a title passes when every term's first
    five letters start one of its [a-z0-9]+ words ("kit" does not match "kits")."""
    words = {w[:5] for w in TERM.findall(title.lower())}
    return all(t.lower()[:5] in words for t in terms)


class Report:
    def __init__(self) -> None:
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")

    def warn(self, where: str, message: str) -> None:
        self.warnings.append(f"{where}: {message}")


def _date(text: Any) -> date | None:
    if not isinstance(text, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _load(path: Path, report: Report) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        report.error(path.name, f"cannot be read as JSON ({error})")
        return None


def _participants(path: Path, report: Report) -> set[str]:
    where = path.name
    data = _load(path, report)
    if not isinstance(data, list) or not data:
        report.error(where, "must be a non-empty list of participants")
        return set()
    emails: set[str] = set()
    for position, person in enumerate(data):
        if not isinstance(person, dict):
            report.error(where, f"participant {position} is not an object")
            continue
        if not isinstance(person.get("name"), str) or not person["name"].strip():
            report.error(where, f"participant {position} has no name")
        email = person.get("email")
        if not isinstance(email, str) or not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
            report.error(where, f"participant {position} has no valid email")
        elif email in emails:
            report.error(where, f"email {email} appears twice")
        else:
            emails.add(email)
        aliases = person.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            report.error(where, f"participant {position}: aliases must be a list of strings")
    return emails


def _parser_count(transcript: Path) -> int | str:
    """Utterances the project's parser reads, or why it could not be asked."""
    src = HERE.parent.parent / "src"
    if str(src) not in sys.path:
        sys.path.insert(0, str(src))
    try:
        from workitems.transcript.formats import parse_transcript
    except ImportError as error:
        return f"parser not importable ({error})"
    try:
        _, utterances = parse_transcript(transcript.read_text(encoding="utf-8"))
    except Exception as error:  # any parser failure is reported, not fatal
        return f"parser cannot read it yet ({error})"
    return len(utterances)


def _check_item(
    where: str, item: Any, n: int, meeting: date | None, emails: set[str], report: Report
) -> None:
    if not isinstance(item, dict):
        report.error(where, "is not an object")
        return
    for key, kind in ITEM_REQUIRED.items():
        if key not in item:
            report.error(where, f"missing {key!r}")
        elif not isinstance(item[key], kind):
            report.error(where, f"{key!r} has the wrong type")
    indices = item.get("evidence_utterance_indices")
    if isinstance(indices, list):
        if not indices:
            report.error(where, "has no evidence")
        for index in indices:
            if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < n:
                report.error(where, f"evidence index {index!r} is outside 0..{n - 1}")
        if len(set(map(str, indices))) != len(indices):
            report.error(where, "repeats an evidence index")
    owner = item.get("owner_user")
    if isinstance(owner, str):
        if owner.startswith("name:"):
            if not owner[5:].strip():
                report.error(where, "'name:' owner without a name")
        elif owner not in emails:
            report.error(where, f"owner {owner!r} is not a participant's email (or 'name:...')")
    due = item.get("due")
    if isinstance(due, list):
        if not due:
            report.error(where, "'due' is empty: use [null] for no deadline")
        for value in due:
            if value is None:
                continue
            day = _date(value)
            if day is None:
                report.error(where, f"due {value!r} is not a valid YYYY-MM-DD date")
            elif meeting is not None and day < meeting:
                report.error(where, f"due {value} is before the meeting ({meeting})")
    phrase = item.get("due_phrase")
    if phrase is not None and not isinstance(phrase, str):
        report.error(where, "'due_phrase' must be a string or null")
    terms = item.get("title_terms")
    text = item.get("text")
    if isinstance(terms, list):
        if not 1 <= len(terms) <= 3:
            report.error(where, "needs 1-3 title_terms")
        for term in terms:
            if not isinstance(term, str) or not term or term != term.lower():
                report.error(where, f"title term {term!r} must be a lower-case word")
            elif not TERM.fullmatch(term):
                report.error(
                    where,
                    f"title term {term!r} can never match: titles are scored by their "
                    "[a-z0-9]+ words, so use one of its parts",
                )
            elif isinstance(text, str) and not title_matches(text, [term]):
                report.error(
                    where,
                    f"title term {term!r} does not match the reference title {text!r} as the "
                    "scorer reads it (a term's first five letters must start one of its words; "
                    "a shorter term must be a whole word, so write it as the title inflects it)",
                )
    if isinstance(text, str) and len(text.split()) < 2:
        report.error(where, f"reference title {text!r} names no object")


def check_meeting(gold_path: Path, report: Report, *, parse: bool) -> dict[str, Any] | None:
    where = gold_path.name
    gold = _load(gold_path, report)
    if not isinstance(gold, dict):
        if gold is not None:
            report.error(where, "must be an object")
        return None
    for key, kind in REQUIRED.items():
        if key not in gold:
            report.error(where, f"missing {key!r}")
        elif not isinstance(gold[key], kind) or isinstance(gold[key], bool):
            report.error(where, f"{key!r} has the wrong type")
    stem = gold_path.name.removesuffix(".gold.json")
    meeting_id = gold.get("id")
    if meeting_id != stem:
        report.error(where, f"id {meeting_id!r} does not match the file name {stem!r}")
    if not isinstance(meeting_id, str) or not ID.match(meeting_id):
        report.error(where, "id must be kebab-case")
    if gold.get("split") not in SPLITS:
        report.error(where, f"split must be one of {SPLITS}")
    meeting = _date(gold.get("meeting_date"))
    if meeting is None:
        report.error(where, "meeting_date is not a valid YYYY-MM-DD date")
    n = gold.get("n_utterances")
    if not isinstance(n, int) or n < 1:
        report.error(where, "n_utterances must be a positive integer")
        n = 0
    transcript = gold_path.parent / str(gold.get("file"))
    if not (transcript.name.startswith(stem + ".") and transcript.suffix in TRANSCRIPT_EXTENSIONS):
        report.error(where, f"file {transcript.name!r} must be {stem}.<txt|vtt|srt|json>")
    elif not transcript.is_file():
        report.error(where, f"transcript {transcript.name} is missing")
    elif parse:
        counted = _parser_count(transcript)
        if isinstance(counted, str):
            report.warn(where, counted)
        elif counted != n:
            report.error(where, f"n_utterances is {n} but the parser reads {counted} utterances")
    participants = gold_path.parent / f"{stem}.participants.json"
    emails = _participants(participants, report) if participants.is_file() else set()
    if not participants.is_file():
        report.error(where, f"{participants.name} is missing")
    items = gold.get("action_items")
    for position, item in enumerate(items if isinstance(items, list) else []):
        _check_item(f"{where} item {position}", item, n, meeting, emails, report)
    return gold


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=MEETINGS)
    parser.add_argument("--no-parse", action="store_true", help="skip the parser cross-check")
    parser.add_argument(
        "--summary", action="store_true", help="print counts by format, domain, split"
    )
    args = parser.parse_args(argv)
    report = Report()
    folder: Path = args.folder
    golds = sorted(folder.glob("*.gold.json"))
    if not golds:
        report.error(str(folder), "holds no *.gold.json")
    stems = {g.name.removesuffix(".gold.json") for g in golds}
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        stem = path.name.split(".", 1)[0]
        if path.is_file() and stem not in stems:
            report.error(path.name, "belongs to no meeting (no matching .gold.json)")
    meetings = [m for g in golds if (m := check_meeting(g, report, parse=not args.no_parse))]
    for warning in report.warnings:
        print(f"warning: {warning}")
    for error in report.errors:
        print(f"error: {error}")
    items = sum(len(m.get("action_items") or []) for m in meetings)
    errors, warnings = len(report.errors), len(report.warnings)
    print(f"{len(golds)} meetings, {items} action items, {errors} errors, {warnings} warnings")
    if args.summary:
        for key in ("format", "domain", "split"):
            counts = Counter(str(m.get(key)) for m in meetings)
            print(f"{key}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
        empty = sum(1 for m in meetings if not m.get("action_items"))
        long = sum(1 for m in meetings if int(m.get("n_utterances") or 0) >= 150)
        print(f"no action items: {empty}; 150+ utterances: {long}")
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
