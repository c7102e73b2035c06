"""Extraction benchmark: action-item quality on real meetings, and extraction speed.

For every meeting of the evaluation set's dev split (``../shared/evalset/ami/dev``,
relative to the repository root; see its README), it parses ``<id>.transcript.json``
with :func:`workitems.transcript.formats.parse_transcript`, reads the participants from
``<id>.participants.json`` and the meeting date from the gold file (only that field: the
rest of the gold is the answer and is never shown to the extractor), runs
:func:`workitems.transcript.extract.extract_items`, writes ``{"candidates": [...]}`` per
meeting to a temporary directory and scores it with the evaluation set's own
``score.py --json``. It prints utterance- and item-level precision, recall and F1, owner
accuracy, false candidates per meeting without action items, and words per second of
extraction alone (one process, parsing excluded), against the goals, then a one-line
summary for a closing note and the exact command.

Usage: ``.venv/bin/python bench/extraction.py [--evalset PATH] [--keep DIR]
[--no-participants] [--check]``. ``--check`` exits 2 when a goal is missed.
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from workitems.transcript.extract import ParticipantInfo, extract_items, item_to_json
from workitems.transcript.formats import Utterance, parse_transcript

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_EVALSET = ROOT.parent / "shared" / "evalset"
GOALS = {
    "item F1": (">=", 0.5),
    "utterance F1": (">=", 0.35),
    "owner accuracy": (">=", 0.6),
    "false candidates per empty meeting": ("<=", 2.0),
    "words/s": (">=", 80_000.0),
}


def _load(
    dev: Path, meeting: str, *, with_participants: bool
) -> tuple[list[Utterance], list[ParticipantInfo], date | None]:
    _fmt, utterances = parse_transcript((dev / f"{meeting}.transcript.json").read_text())
    people: list[ParticipantInfo] = []
    if with_participants:
        raw = json.loads((dev / f"{meeting}.participants.json").read_text())
        people = [ParticipantInfo(name=p["name"], role=p.get("role")) for p in raw]
    gold = json.loads((dev / f"{meeting}.gold.json").read_text())
    meeting_date = date.fromisoformat(gold["meeting_date"]) if gold.get("meeting_date") else None
    return utterances, people, meeting_date


def _run(dev: Path, out: Path, *, with_participants: bool) -> tuple[float, int, int, int]:
    """Extract every meeting into ``out``; (seconds extracting, words, meetings, items)."""
    seconds = 0.0
    words = meetings = items = 0
    for gold_path in sorted(dev.glob("*.gold.json")):
        meeting = gold_path.name.removesuffix(".gold.json")
        utterances, people, meeting_date = _load(dev, meeting, with_participants=with_participants)
        words += sum(len(u.text.split()) for u in utterances)
        began = time.perf_counter()
        found = extract_items(utterances, meeting_date=meeting_date, participants=people)
        seconds += time.perf_counter() - began
        meetings += 1
        items += len(found)
        payload = {"candidates": [item_to_json(item) for item in found]}
        (out / f"{meeting}.json").write_text(json.dumps(payload, indent=1))
    return seconds, words, meetings, items


def _score(evalset: Path, dev: Path, out: Path) -> dict[str, Any]:
    command = [sys.executable, str(evalset / "score.py"), str(dev), str(out), "--json"]
    result = subprocess.run(command, check=True, capture_output=True, text=True)
    scored: dict[str, Any] = json.loads(result.stdout)
    return scored


def _verdict(name: str, value: float | None) -> str:
    op, goal = GOALS[name]
    if value is None:
        return "n/a"
    ok = value >= goal if op == ">=" else value <= goal
    return f"{'ok  ' if ok else 'MISS'} (goal {op} {goal:g})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--evalset", type=Path, default=DEFAULT_EVALSET)
    parser.add_argument("--keep", type=Path, help="write the predictions here and keep them")
    parser.add_argument("--no-participants", action="store_true")
    parser.add_argument("--check", action="store_true", help="exit 2 when a goal is missed")
    args = parser.parse_args()
    dev = args.evalset / "ami" / "dev"
    if not dev.is_dir() or not (args.evalset / "score.py").is_file():
        print(f"skipped: no evaluation set at {args.evalset} (dev split and score.py expected)")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        out = args.keep or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        seconds, words, meetings, items = _run(dev, out, with_participants=not args.no_participants)
        result = _score(args.evalset, dev, out)
    speed = words / seconds if seconds else float("inf")
    utt, item = result["utterance"], result["item"]
    figures = {
        "item F1": item["f1"],
        "utterance F1": utt["f1"],
        "owner accuracy": result["owner_accuracy"],
        "false candidates per empty meeting": result["empty_meeting_candidates"],
        "words/s": speed,
    }
    print(f"AMI dev: {meetings} meetings, {words:,} words, {items} candidates")
    print(f"  (scored: {result['meetings_scored']} meetings with located gold items)")
    print(
        f"utterance  P {utt['precision']:.3f}  R {utt['recall']:.3f}  F1 {utt['f1']:.3f}  "
        f"{_verdict('utterance F1', utt['f1'])}"
    )
    print(
        f"item       P {item['precision']:.3f}  R {item['recall']:.3f}  F1 {item['f1']:.3f}  "
        f"(matched {item['tp']}, window {result['window']})  {_verdict('item F1', item['f1'])}"
    )
    print(
        f"owner accuracy {result['owner_accuracy']} over {result['owner_pairs']} matched items  "
        f"{_verdict('owner accuracy', result['owner_accuracy'])}"
    )
    print(
        f"false candidates per meeting without action items "
        f"{result['empty_meeting_candidates']}  "
        f"{_verdict('false candidates per empty meeting', result['empty_meeting_candidates'])}"
    )
    print(f"speed {speed:,.0f} words/s ({seconds:.2f} s extracting)  {_verdict('words/s', speed)}")
    print(
        f"summary: item F1 {item['f1']:.2f}, utterance F1 {utt['f1']:.2f}, owner accuracy "
        f"{result['owner_accuracy']}, {result['empty_meeting_candidates']} false candidates "
        f"per empty meeting, {speed:,.0f} words/s on the AMI dev split"
        f"{' (no participants)' if args.no_participants else ''}"
    )
    print("command: " + shlex.join([".venv/bin/python", "bench/extraction.py", *sys.argv[1:]]))
    missed = any(_verdict(name, value).startswith("MISS") for name, value in figures.items())
    return 2 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
