"""The fitted suggester: linear heads over the feature space, stored as plain arrays in one `.npz`.

No pickle: every array is numbers or strings, read with `allow_pickle=False`. Prediction is numpy
only, so `openpso suggest` starts without scikit-learn. train.py writes the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from openpso.suggest.codes import CATEGORIES, EVENT_TYPES
from openpso.suggest.features import FeatureSpace, Vocabulary

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

MODEL_FILE = Path(__file__).resolve().parent / "data" / "model.npz"
FORMAT = "openpso.suggest/1"  # what the arrays in the file mean; changes when the code reads them differently
DECIMALS = 3


@dataclass(frozen=True)
class Suggestion:
    event_type: str
    categories: list[tuple[str, float]]  # (code, score), highest score first
    harm: str | None

    def as_json(self) -> dict[str, object]:
        return {
            "event_type": self.event_type,
            "categories": [{"code": code, "score": score} for code, score in self.categories],
            "harm": self.harm,
        }


@dataclass(frozen=True)
class Head:
    """scores = x · weights + bias, one column per class."""

    classes: tuple[str, ...]
    weights: NDArray[np.float32]  # (features, classes)
    bias: NDArray[np.float32]  # (classes,)

    def scores(self, x: NDArray[np.float32]) -> NDArray[np.float32]:
        return np.asarray(x @ self.weights + self.bias, dtype=np.float32)


@dataclass(frozen=True)
class Model:
    space: FeatureSpace
    categories: Head  # one-vs-rest: a sigmoid per category
    event_type: Head  # multinomial: softmax over A3, A6, A9
    harm: Head  # multinomial over the harm answers seen in training; "" is "not said"
    threshold: float  # a category is suggested at this probability or more (the top one always)
    meta: dict[str, str]

    def suggest(self, texts: Sequence[str]) -> list[Suggestion]:
        if not texts:
            return []
        x = self.space.dense(self.space.encode(texts))
        category_p = 1.0 / (1.0 + np.exp(-self.categories.scores(x).astype(np.float64)))
        event = self.event_type.scores(x).argmax(axis=1)
        harm = self.harm.scores(x).argmax(axis=1)
        out: list[Suggestion] = []
        for i in range(len(texts)):
            ranked = sorted(
                (
                    (code, round(float(p), DECIMALS))
                    for code, p in zip(self.categories.classes, category_p[i], strict=True)
                ),
                key=lambda item: (-item[1], item[0]),
            )
            chosen = [item for item in ranked if item[1] >= self.threshold] or ranked[:1]
            event_type = self.event_type.classes[int(event[i])]
            harm_code = self.harm.classes[int(harm[i])] if event_type == "A3" else ""
            out.append(Suggestion(event_type, chosen, harm_code or None))
        return out

    def save(self, path: Path) -> None:
        arrays: dict[str, NDArray[np.generic]] = {}
        for name, vocabulary in (("words", self.space.words), ("chars", self.space.chars)):
            if vocabulary is not None:
                arrays[f"{name}_terms"] = np.array(sorted(vocabulary.terms, key=vocabulary.terms.__getitem__))
                arrays[f"{name}_idf"] = vocabulary.idf.astype(np.float32)
        for name, head in (("categories", self.categories), ("event_type", self.event_type), ("harm", self.harm)):
            arrays[f"{name}_classes"] = np.array(head.classes)
            arrays[f"{name}_weights"] = head.weights.astype(np.float32)
            arrays[f"{name}_bias"] = head.bias.astype(np.float32)
        arrays["weights"] = np.array(
            [self.space.embedding_weight, self.space.rule_weight, self.threshold], dtype=np.float64
        )
        meta = {**self.meta, "format": FORMAT}
        arrays["meta_keys"] = np.array(sorted(meta))
        arrays["meta_values"] = np.array([meta[k] for k in sorted(meta)])
        with path.open("wb") as f:
            np.savez_compressed(f, allow_pickle=False, **arrays)

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> Model:
        with np.load(path, allow_pickle=False) as data:
            meta = dict(zip(data["meta_keys"].tolist(), data["meta_values"].tolist(), strict=True))
            if meta.get("format") != FORMAT:
                raise ValueError(f"{path}: model format {meta.get('format')!r}, this code reads {FORMAT!r}")
            vocabularies: dict[str, Vocabulary | None] = {}
            for name in ("words", "chars"):
                if f"{name}_terms" in data:
                    terms = data[f"{name}_terms"].tolist()
                    vocabularies[name] = Vocabulary({t: i for i, t in enumerate(terms)}, data[f"{name}_idf"])
                else:
                    vocabularies[name] = None
            embedding_weight, rule_weight, threshold = (float(v) for v in data["weights"])
            space = FeatureSpace(vocabularies["words"], vocabularies["chars"], embedding_weight, rule_weight)
            heads = {
                name: Head(tuple(data[f"{name}_classes"].tolist()), data[f"{name}_weights"], data[f"{name}_bias"])
                for name in ("categories", "event_type", "harm")
            }
        if heads["categories"].classes != CATEGORIES or heads["event_type"].classes != EVENT_TYPES:
            raise ValueError(f"{path}: the heads' classes are not the HERF-1.2 codes this code knows")
        return cls(space, heads["categories"], heads["event_type"], heads["harm"], threshold, meta)


@cache
def shipped() -> Model:
    """The model that ships with the package (loaded once per process)."""
    return Model.load(MODEL_FILE)
