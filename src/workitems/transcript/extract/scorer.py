"""Stage 3b: a logistic model over the features, in pure Python (no numpy at run time).

The weights live beside this module in ``weights.json``, written by ``make
train-extractor`` (``training/extractor/train.py``); the file also records the digest of
the training inputs it was fitted on, so a test can tell stale weights. The probability
is calibrated by the fit itself (a logistic loss on held-apart meetings picks the
regularisation), so ``confidence`` can be read as one.
"""

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from workitems.transcript.extract.features import LONG_MEETING

WEIGHTS_FILE = "weights.json"


@dataclass(frozen=True)
class Model:
    weights: dict[str, float]
    #: An item is kept when its probability reaches this (chosen in training for item F1).
    threshold: float
    #: The same for long meetings (``features.LONG_MEETING`` turns and more).
    threshold_long: float
    #: Seeds below this never join an item, even through a link.
    link_floor: float
    meta: dict[str, Any]

    def threshold_for(self, turns: int) -> float:
        return self.threshold_long if turns >= LONG_MEETING else self.threshold

    def logit(self, features: Iterable[str]) -> float:
        get = self.weights.get
        return sum(get(name, 0.0) for name in features)

    def probability(self, features: Iterable[str]) -> float:
        return sigmoid(self.logit(features))

    def contributions(self, features: Iterable[str], top: int = 8) -> list[tuple[str, float]]:
        """The features that weighed most, for ``--explain``."""
        found = [(name, self.weights[name]) for name in set(features) if name in self.weights]
        found.sort(key=lambda item: (-abs(item[1]), item[0]))
        return [(name, round(weight, 3)) for name, weight in found[:top]]


def sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def model_from(data: dict[str, Any]) -> Model:
    return Model(
        weights={str(k): float(v) for k, v in data["weights"].items()},
        threshold=float(data.get("threshold", 0.5)),
        threshold_long=float(data.get("threshold_long", data.get("threshold", 0.5))),
        link_floor=float(data.get("link_floor", 0.1)),
        meta={k: v for k, v in data.items() if k != "weights"},
    )


@cache
def load_model() -> Model:
    text = files("workitems.transcript.extract").joinpath(WEIGHTS_FILE).read_text("utf-8")
    return model_from(json.loads(text))
