"""The shipped weights are what ``make train-extractor`` produces.

Training is deterministic (pure Python, fixed order, rounded weights), so the weights
are a function of their inputs; ``weights.json`` records a digest of each input. These
tests recompute the digests (milliseconds) instead of refitting (a minute on a busy
machine): the code that computes features and the AMI dev files must be exactly those
the weights were fitted on. Training meetings added or edited after the last fit (the
annotators land them in batches) skip with the command to run, rather than block every
other change. ``python training/extractor/train.py --check`` refits and compares bytes.
"""

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from workitems.transcript.extract.scorer import WEIGHTS_FILE, load_model, model_from

ROOT = Path(__file__).resolve().parents[3]
WEIGHTS = ROOT / "src" / "workitems" / "transcript" / "extract" / WEIGHTS_FILE
SHIPPED = json.loads(WEIGHTS.read_text())


def trainer() -> ModuleType:
    name = "extractor_training"
    spec = importlib.util.spec_from_file_location(name, ROOT / "training/extractor/train.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


TRAIN = trainer()


def test_the_feature_code_is_what_the_weights_were_fitted_with() -> None:
    assert TRAIN.digest(TRAIN.CODE, ROOT) == SHIPPED["code_sha256"], (
        "the extractor's code changed since the weights were fitted: run make train-extractor"
    )


def test_ami_dev_is_what_the_weights_were_fitted_on() -> None:
    files = TRAIN.ami_files(TRAIN.DEFAULT_EVALSET)
    if not files:
        pytest.skip(f"no {TRAIN.DEFAULT_EVALSET}/ami/dev here")
    assert TRAIN.digest(files, TRAIN.DEFAULT_EVALSET) == SHIPPED["ami_sha256"]


def test_the_training_meetings_are_what_the_weights_were_fitted_on() -> None:
    now = TRAIN.meeting_digests()
    assert now, "no training meetings"
    changed = sorted(m for m, d in SHIPPED["meetings"].items() if now.get(m) != d)
    added = sorted(set(now) - set(SHIPPED["meetings"]))
    if changed or added:
        pytest.skip(
            f"{len(added)} training meetings added and {len(changed)} changed since the weights "
            "were fitted: run make train-extractor"
        )


def test_the_shipped_file_loads_and_is_canonical() -> None:
    model = load_model()
    assert model == model_from(SHIPPED)
    assert 0 < model.threshold < 1
    assert TRAIN.render(SHIPPED) == WEIGHTS.read_text()
    assert all(round(w, 4) == w for w in model.weights.values())
