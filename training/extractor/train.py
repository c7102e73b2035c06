"""Fit the extractor's scorer and write ``src/workitems/transcript/extract/weights.json``.

Usage: ``python training/extractor/train.py [--evalset PATH] [--check] [--out PATH]``
(``make train-extractor``). Deterministic: the same inputs give the same file, byte for
byte (a fixed sample order, a fixed number of passes, weights rounded to 4 decimals), so
``--check`` (and the test suite) can tell whether the shipped weights are what training
produces.

Inputs: the annotated meetings in ``training/extractor/meetings/`` whose gold says
``"split": "train"`` (the ``heldout`` ones are for ``bench/extraction.py``), and the AMI
dev meetings in ``../shared/evalset/ami/dev`` when that folder exists (CC BY 4.0; see
NOTICE). ``../shared/evalset/realistic`` is validation and is never read here.

Model: L2-regularised logistic regression over the seed features
(:mod:`workitems.transcript.extract.features`), fitted by AdaGrad in pure Python, with
the long-meeting copies of the features (``L|``, see ``features.py``) in the way of
feature augmentation (Daumé III, "Frustratingly easy domain adaptation", 2007): what only
holds in long recorded discussions (AMI's are all long) is learned by those copies and
does not make short meetings stricter. Word n-gram features are regularised more than the
linguistic ones. Each length class has its item threshold, chosen on cross-validated
probabilities (4 folds by AMI series and by meeting): the peak of the item F1 curve
smoothed with a Gaussian kernel (``SMOOTHING`` wide), not the peak or the edge of the raw
curve. The raw curve is flat and noisy over a wide range (from 0.65 to 0.85 for short
meetings, within 0.02 of F1), so its argmax, or "the lowest within 0.01 of the best",
jumped between grid points whenever a meeting was added, and flipped regression tests;
the smoothed peak is a continuous function of the curve and moves by a point or two.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from workitems.transcript.extract import (  # noqa: E402
    ParticipantInfo,
    seed_cues,
    seed_features,
    share_coordinated,
)
from workitems.transcript.extract.dialogue import turn_acts  # noqa: E402
from workitems.transcript.extract.features import LONG_MEETING  # noqa: E402
from workitems.transcript.extract.linking import Seed, link  # noqa: E402
from workitems.transcript.extract.normalize import build_turns  # noqa: E402
from workitems.transcript.extract.scorer import sigmoid  # noqa: E402
from workitems.transcript.formats import parse_transcript  # noqa: E402
from workitems.transcript.owners import Roster, build_roster  # noqa: E402

MEETINGS = ROOT / "training" / "extractor" / "meetings"
DEFAULT_EVALSET = ROOT.parent / "shared" / "evalset"
WEIGHTS = ROOT / "src" / "workitems" / "transcript" / "extract" / "weights.json"
#: Stage-5 modules: they fill an item's slots after scoring and linking, so the weights
#: do not depend on them (a title change needs no refit).
AFTER_SCORING = frozenset({"slots.py", "title.py", "reference.py"})
#: Source files whose behaviour the weights depend on.
CODE = [
    ROOT / "training" / "extractor" / "train.py",
    *sorted(
        path
        for path in (ROOT / "src" / "workitems" / "transcript" / "extract").glob("*.py")
        if path.name not in AFTER_SCORING
    ),
    ROOT / "src" / "workitems" / "transcript" / "formats.py",
    ROOT / "src" / "workitems" / "transcript" / "dates.py",
    ROOT / "src" / "workitems" / "transcript" / "owners.py",
]
EPOCHS = 8
L2 = 1e-3
RATE = 0.2
AMI_WEIGHT = 0.5
MIN_COUNT = 3
NGRAM_L2 = 4.0
#: The thresholds tried: every 0.02 from 0.04 to 0.96.
THRESHOLDS = [round(0.04 + 0.02 * k, 2) for k in range(47)]
#: The Gaussian kernel's standard deviation for smoothing the item F1 curve: wide enough
#: to average out one meeting's items flipping across a grid point, narrow enough to keep
#: the curve's shape (it falls off over about 0.2 on each side of its peak).
SMOOTHING = 0.05
FOLDS = 4
LINK_FLOOR = 0.1
#: A Gaussian prior on every weight, applied once per pass whatever the feature's count
#: (a proximal step at AdaGrad's per-feature rate). The per-sample penalty above grows
#: with a feature's count, so alone it left rare features (a verb seen four times, an
#: n-gram of one AMI series) almost free to memorise; this one shrinks them the most.
#: Chosen by cross-validation by AMI series (0, 0.5, 2 and 8 tried: 2 and 0.5 best).
PRIOR = 2.0
#: Feature prefixes regularised ``NGRAM_L2`` times harder: the word n-grams of the clause
#: and of its neighbours' openings.
SPARSE: tuple[str, ...] = ("u:", "b:", "nu:", "pu:")


@dataclass
class Meeting:
    id: str
    source: str
    utterances: Any
    participants: list[ParticipantInfo]
    gold: dict[str, Any]


def digest(paths: Sequence[Path], base: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(paths):
        h.update(str(path.relative_to(base)).encode())
        h.update(b"\0")
        h.update(path.read_bytes().replace(b"\r\n", b"\n"))
        h.update(b"\0")
    return h.hexdigest()


def ami_files(evalset: Path) -> list[Path]:
    dev = evalset / "ami" / "dev"
    return sorted(dev.glob("*.json")) if dev.is_dir() else []


def meeting_digests() -> dict[str, str]:
    """Each training meeting's three files, by meeting id (heldout meetings excluded)."""
    found: dict[str, str] = {}
    for gold_path in sorted(MEETINGS.glob("*.gold.json")) if MEETINGS.is_dir() else []:
        gold = json.loads(gold_path.read_text())
        if gold.get("split", "train") != "train":
            continue
        mid = gold_path.name.removesuffix(".gold.json")
        files = [p for p in MEETINGS.glob(f"{mid}.*") if p.name.split(".")[0] == mid]
        found[mid] = digest(files, ROOT)
    return found


def input_digests(evalset: Path) -> dict[str, Any]:
    """What the weights were fitted from: the code that computes the features, each
    training meeting, and the AMI dev files."""
    return {
        "code_sha256": digest(CODE, ROOT),
        "ami_sha256": digest(ami_files(evalset), evalset) if ami_files(evalset) else "",
        "meetings": meeting_digests(),
    }


def _people(raw: list[dict[str, Any]]) -> list[ParticipantInfo]:
    return [
        ParticipantInfo(
            name=str(p["name"]),
            role=p.get("role"),
            email=p.get("email"),
            aliases=tuple(p.get("aliases") or ()),
        )
        for p in raw
    ]


def own_meetings(split: str) -> Iterator[Meeting]:
    for gold_path in sorted(MEETINGS.glob("*.gold.json")):
        gold = json.loads(gold_path.read_text())
        if gold.get("split", "train") != split:
            continue
        mid = gold_path.name.removesuffix(".gold.json")
        source = MEETINGS / gold["file"]
        _fmt, utterances = parse_transcript(source.read_text(encoding="utf-8-sig"))
        people_path = MEETINGS / f"{mid}.participants.json"
        people = _people(json.loads(people_path.read_text())) if people_path.exists() else []
        yield Meeting(mid, "own", utterances, people, gold)


def ami_meetings(evalset: Path) -> Iterator[Meeting]:
    dev = evalset / "ami" / "dev"
    for gold_path in sorted(dev.glob("*.gold.json")):
        mid = gold_path.name.removesuffix(".gold.json")
        gold = json.loads(gold_path.read_text())
        _fmt, utterances = parse_transcript((dev / f"{mid}.transcript.json").read_text())
        people = _people(json.loads((dev / f"{mid}.participants.json").read_text()))
        yield Meeting(mid, "ami", utterances, people, gold)


@dataclass
class Prepared:
    meeting: Meeting
    turns: Any
    roster: Roster
    cues: list[Any]
    features: list[list[str]]
    labels: list[int]


def prepare(meeting: Meeting) -> Prepared:
    turns = build_turns(meeting.utterances)
    roster = build_roster([(u.speaker, u.text) for u in meeting.utterances], meeting.participants)
    cues = seed_cues(turns, roster)
    features = seed_features(turns, cues)
    evidence = {
        i
        for item in meeting.gold.get("action_items", [])
        for i in item["evidence_utterance_indices"]
    }
    labels = [int(turns[c.turn].utterance.index in evidence) for c in cues]
    return Prepared(meeting, turns, roster, cues, features, labels)


def rounded(weights: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 4) for k, v in sorted(weights.items()) if abs(v) >= 1e-4}


def _penalty(name: str) -> float:
    base = name.removeprefix("L|")
    return L2 * NGRAM_L2 if base.startswith(SPARSE) else L2


def fit(samples: Sequence[tuple[list[str], int, float]]) -> dict[str, float]:
    counts: dict[str, int] = {}
    for features, _label, _w in samples:
        for name in set(features):
            counts[name] = counts.get(name, 0) + 1
    keep = {name for name, count in counts.items() if count >= MIN_COUNT}
    rows = [([f for f in dict.fromkeys(fs) if f in keep], y, w) for fs, y, w in samples]
    penalties = {name: _penalty(name) for name in keep}
    weights: dict[str, float] = {}
    squares: dict[str, float] = {}
    for _epoch in range(EPOCHS):
        for features, label, sample_weight in rows:
            z = sum(weights.get(f, 0.0) for f in features)
            g = (sigmoid(z) - label) * sample_weight
            for f in features:
                w = weights.get(f, 0.0)
                grad = g + penalties[f] * w
                s = squares.get(f, 1e-8) + grad * grad
                squares[f] = s
                weights[f] = w - RATE * grad / math.sqrt(s)
        if PRIOR:
            for f, w in weights.items():
                step = RATE / math.sqrt(squares[f])
                weights[f] = w / (1.0 + step * PRIOR * penalties[f] / L2)
    return weights


def probabilities(prepared: Prepared, weights: dict[str, float]) -> list[float]:
    return [sigmoid(sum(weights.get(f, 0.0) for f in fs)) for fs in prepared.features]


def item_f1(
    scored: Sequence[tuple[Prepared, list[float]]], threshold: float, window: int = 1
) -> float:
    """Item F1 with the evaluation sets' rule (evidence within ``window`` utterances,
    one-to-one, first come first served)."""
    tp = found = gold_n = 0
    for p, probs in scored:
        seeds = [Seed(c, q, fs) for c, q, fs in zip(p.cues, probs, p.features, strict=True)]
        share_coordinated(seeds)
        items = link(
            seeds,
            p.turns,
            turn_acts(p.turns),
            threshold=threshold,
            link_floor=LINK_FLOOR,
            label=p.roster.label_of,
        )
        gold = [
            set(g["evidence_utterance_indices"]) for g in p.meeting.gold.get("action_items", [])
        ]
        used: set[int] = set()
        for item in items:
            ev = {p.turns[t].utterance.index for t in item.turns}
            for k, g in enumerate(gold):
                if k not in used and any(abs(a - b) <= window for a in ev for b in g):
                    used.add(k)
                    tp += 1
                    break
        found += len(items)
        gold_n += len(gold)
    precision = tp / found if found else 0.0
    recall = tp / gold_n if gold_n else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def samples_of(prepared: Sequence[Prepared]) -> list[tuple[list[str], int, float]]:
    samples: list[tuple[list[str], int, float]] = []
    for p in prepared:
        weight = AMI_WEIGHT if p.meeting.source == "ami" else 1.0
        samples.extend((f, y, weight) for f, y in zip(p.features, p.labels, strict=True))
    return samples


def group_of(meeting: Meeting) -> str:
    """Meetings that must fall in the same fold: an AMI series (ES2002a..d are one group
    of people on one design task) or one of our meetings."""
    if meeting.source == "ami":
        return re.sub(r"[a-z]$", "", meeting.id.removeprefix("AMI-"))
    return meeting.id


def folds_by_group(prepared: Sequence[Prepared], folds: int) -> list[int]:
    """Each meeting's fold: the groups in sorted order, dealt out in turn (so every fold
    has AMI series from each of its scenario families and a share of our meetings)."""
    groups = sorted({group_of(p.meeting) for p in prepared})
    fold_of = {group: k % folds for k, group in enumerate(groups)}
    return [fold_of[group_of(p.meeting)] for p in prepared]


def cross_validated(
    prepared: Sequence[Prepared], folds: int = FOLDS
) -> list[tuple[Prepared, list[float]]]:
    """Every meeting scored by a model fitted without its group (see :func:`group_of`), so
    the thresholds are chosen on probabilities like those of unseen meetings."""
    fold_of = folds_by_group(prepared, folds)
    scored: list[tuple[Prepared, list[float]]] = []
    for fold in range(folds):
        held = [p for p, f in zip(prepared, fold_of, strict=True) if f == fold]
        rest = [p for p, f in zip(prepared, fold_of, strict=True) if f != fold]
        weights = fit(samples_of(rest))
        scored.extend((p, probabilities(p, weights)) for p in held)
    return scored


def fit_model(prepared: Sequence[Prepared]) -> dict[str, Any]:
    """Weights and thresholds from these meetings alone (the thresholds on their
    cross-validated probabilities)."""
    weights = rounded(fit(samples_of(prepared)))
    scored = cross_validated(prepared)
    short = [(p, q) for p, q in scored if len(p.turns) < LONG_MEETING]
    long = [(p, q) for p, q in scored if len(p.turns) >= LONG_MEETING]
    threshold = _best_threshold(short, window=1)
    threshold_long = _best_threshold(long, window=2) if long else threshold
    return {
        "threshold": threshold,
        "threshold_long": threshold_long,
        "link_floor": LINK_FLOOR,
        "weights": weights,
    }


def train(evalset: Path) -> dict[str, Any]:
    own = [prepare(m) for m in own_meetings("train")]
    ami = [prepare(m) for m in ami_meetings(evalset)] if ami_files(evalset) else []
    samples = samples_of(own + ami)
    fitted = fit_model(own + ami)
    return {
        "about": "Scorer weights for workitems.transcript.extract, written by make "
        "train-extractor; partly learned from the AMI Meeting Corpus (CC BY 4.0, see NOTICE).",
        "threshold": fitted["threshold"],
        "threshold_long": fitted["threshold_long"],
        "link_floor": fitted["link_floor"],
        "trained_on": {
            "own_meetings": len(own),
            "ami_meetings": len(ami),
            "samples": len(samples),
            "positives": sum(y for _f, y, _w in samples),
        },
        **input_digests(evalset),
        "weights": fitted["weights"],
    }


def held_out_models(
    evalset: Path, folds: int = FOLDS
) -> Iterator[tuple[list[Meeting], dict[str, Any]]]:
    """For an honest estimate on unseen meetings (``bench/extraction.py --cv``): for each
    fold, the meetings it holds out (AMI series and our training meetings, see
    :func:`folds_by_group`) and a model fitted, thresholds included, on the other folds
    only, exactly as :func:`train` fits the shipped one."""
    own = [prepare(m) for m in own_meetings("train")]
    ami = [prepare(m) for m in ami_meetings(evalset)] if ami_files(evalset) else []
    prepared = own + ami
    fold_of = folds_by_group(prepared, folds)
    for fold in range(folds):
        held = [p.meeting for p, f in zip(prepared, fold_of, strict=True) if f == fold]
        rest = [p for p, f in zip(prepared, fold_of, strict=True) if f != fold]
        yield held, fit_model(rest)


def _best_threshold(scored: Sequence[tuple[Prepared, list[float]]], window: int) -> float:
    """The peak of the smoothed item F1 curve (the lowest threshold on a tie)."""
    return smoothed_peak({t: item_f1(scored, t, window) for t in THRESHOLDS})


def smoothed_peak(curve: dict[float, float], sigma: float = SMOOTHING) -> float:
    """The threshold where the curve, smoothed by a Gaussian kernel of width ``sigma``
    (normalised at the grid's ends), is highest; values are rounded to 4 decimals first so
    that float noise cannot decide a tie."""
    points = sorted(curve)
    smoothed = {}
    for t in points:
        kernel = [math.exp(-0.5 * ((u - t) / sigma) ** 2) for u in points]
        value = sum(k * curve[u] for k, u in zip(kernel, points, strict=True)) / sum(kernel)
        smoothed[t] = round(value, 4)
    best = max(smoothed.values())
    return min(t for t in points if smoothed[t] == best)


def render(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=1, sort_keys=False, ensure_ascii=False) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--evalset", type=Path, default=DEFAULT_EVALSET)
    parser.add_argument("--out", type=Path, default=WEIGHTS)
    parser.add_argument("--check", action="store_true", help="exit 1 if the shipped file differs")
    args = parser.parse_args(argv)
    if not (args.evalset / "ami" / "dev").is_dir():
        print(f"skipped: {args.evalset}/ami/dev is absent (the shipped weights are fitted on it)")
        return 0
    text = render(train(args.evalset))
    if args.check:
        same = args.out.read_text() == text
        print("weights are what training produces" if same else "weights differ from training")
        return 0 if same else 1
    args.out.write_text(text)
    data = json.loads(text)
    print(
        f"wrote {args.out} ({len(data['weights'])} weights, threshold {data['threshold']}, "
        f"{data['trained_on']})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
