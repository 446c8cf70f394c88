"""Fit the suggester with scikit-learn and write data/model.npz; score candidates by held-out settings.

    python -m openpso.suggest.train            # fit the chosen candidate on all data, write the model
    python -m openpso.suggest.train --compare  # every candidate: leave-one-setting-out and 5-fold figures

Only this module (and the benchmark) imports scikit-learn; `openpso suggest` reads the arrays.
The fit is deterministic (ridge regression solved in closed form or by conjugate gradients; no random state).
Ridge, not logistic regression: on the shared 2-core machine liblinear took about 4 s per category and
fold, ridge 0.3 s, and leave-one-setting-out needs hundreds of fits.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from openpso.suggest import corpus
from openpso.suggest.codes import CATEGORIES, EVENT_TYPES
from openpso.suggest.corpus import Example
from openpso.suggest.features import FeatureSpace, Vocabulary, char_grams, embedder, word_grams
from openpso.suggest.model import MODEL_FILE, Head, Model
from openpso.suggest.rules import keyword_suggest

if TYPE_CHECKING:
    from numpy.typing import NDArray


@dataclass(frozen=True)
class Candidate:
    name: str
    words: bool = True
    chars: bool = True
    embedding_weight: float = 0.0
    rule_weight: float = 0.0
    weak: bool = False  # add the weakly labelled real narratives to the category head's rows
    alpha: float = 1.0  # ridge penalty of every head
    threshold: float = 0.5


CANDIDATES: tuple[Candidate, ...] = (
    Candidate("a tfidf"),
    Candidate("b wordllama", words=False, chars=False, embedding_weight=1.0),
    Candidate("c tfidf+wordllama", embedding_weight=1.0),
    Candidate("d tfidf+wordllama+rules", embedding_weight=1.0, rule_weight=1.0),
    Candidate("d' tfidf+rules", rule_weight=1.0),
)
CHOSEN = "c tfidf+wordllama"
SCORE_SCALE = 3.0  # sigmoid(3) = 0.95


class Embeddings:
    """WordLlama vectors of every text seen, computed once."""

    def __init__(self) -> None:
        self.cache: dict[str, NDArray[np.float32]] = {}

    def of(self, texts: Sequence[str]) -> NDArray[np.float32]:
        missing = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if missing:
            for text, vector in zip(missing, embedder().embed(missing), strict=True):
                self.cache[text] = vector
        return np.stack([self.cache[t] for t in texts]) if texts else np.zeros((0, 256), dtype=np.float32)


def _matrix(space: FeatureSpace, texts: Sequence[str], embeddings: Embeddings) -> object:
    from scipy.sparse import csr_matrix

    rows = space.encode(texts, embeddings.of(texts) if space.embedding_weight else None)
    indptr = np.cumsum([0] + [len(i) for i, _ in rows])
    index = np.concatenate([i for i, _ in rows]) if rows else np.zeros(0, dtype=np.int64)
    values = np.concatenate([v for _, v in rows]) if rows else np.zeros(0, dtype=np.float32)
    return csr_matrix((values, index, indptr), shape=(len(texts), space.size), dtype=np.float32)


def _fit_head(x: object, labels: list[str], classes: Sequence[str], alpha: float) -> Head:
    """Ridge classification (balanced class weights) over the classes present: the highest score wins."""
    from sklearn.linear_model import RidgeClassifier

    present = sorted(set(labels), key=list(classes).index)
    size = x.shape[1]  # type: ignore[attr-defined]
    weights = np.zeros((size, len(classes)), dtype=np.float32)
    bias = np.full(len(classes), -1e3, dtype=np.float32)  # a class never seen is never chosen
    if len(present) == 1:
        bias[list(classes).index(present[0])] = 0.0
        return Head(tuple(classes), weights, bias)
    fitted = RidgeClassifier(alpha=alpha, class_weight="balanced").fit(x, labels)
    coef, intercept = np.atleast_2d(fitted.coef_), np.atleast_1d(fitted.intercept_)
    if len(present) == 2:  # binary: one column for the second class; spread it as ±half
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
    for k, label in enumerate(fitted.classes_):
        j = list(classes).index(str(label))
        weights[:, j], bias[j] = coef[k], intercept[k]
    return Head(tuple(classes), weights, bias)


def _fit_ovr(x: object, sets: list[tuple[str, ...]], classes: Sequence[str], alpha: float) -> Head:
    """One ridge classifier per class (balanced class weights, targets ±1), its margin scaled by
    SCORE_SCALE so that the model's sigmoid gives 0.5 on the boundary and 0.95 at a margin of 1."""
    from sklearn.linear_model import RidgeClassifier

    size = x.shape[1]  # type: ignore[attr-defined]
    weights = np.zeros((size, len(classes)), dtype=np.float32)
    bias = np.full(len(classes), -20.0, dtype=np.float32)  # never seen: score ~0
    for j, code in enumerate(classes):
        y = np.array([code in s for s in sets])
        if y.all():
            bias[j] = 20.0
        elif y.any():
            fitted = RidgeClassifier(alpha=alpha, class_weight="balanced").fit(x, y)
            coef, intercept = np.ravel(fitted.coef_), np.ravel(fitted.intercept_)  # binary: 1-d, positive = True
            weights[:, j], bias[j] = coef * SCORE_SCALE, intercept[0] * SCORE_SCALE
    return Head(tuple(classes), weights, bias)


def fit(candidate: Candidate, train: Sequence[Example], weak: Sequence[Example], embeddings: Embeddings) -> Model:
    category_rows = [*train, *(weak if candidate.weak else ())]
    texts = [e.text for e in category_rows]
    space = FeatureSpace(
        Vocabulary.fit(word_grams(t) for t in texts) if candidate.words else None,
        Vocabulary.fit(char_grams(t) for t in texts) if candidate.chars else None,
        candidate.embedding_weight,
        candidate.rule_weight,
    )
    x_all = _matrix(space, texts, embeddings)
    categories = _fit_ovr(x_all, [e.categories for e in category_rows], CATEGORIES, candidate.alpha)
    hand = [i for i, e in enumerate(category_rows) if not e.weak and e.event_type is not None]
    x_hand = x_all[hand]  # type: ignore[index]
    event_type = _fit_head(x_hand, [category_rows[i].event_type or "" for i in hand], EVENT_TYPES, candidate.alpha)
    incidents = [i for i in hand if category_rows[i].event_type == "A3"]
    harm_labels = [category_rows[i].harm or "" for i in incidents]
    harm_classes = tuple(sorted(set(harm_labels)))
    harm = _fit_head(x_all[incidents], harm_labels, harm_classes, candidate.alpha)  # type: ignore[index]
    meta = {"candidate": candidate.name, "data": corpus.fingerprint(), "examples": str(len(category_rows))}
    return Model(space, categories, event_type, harm, candidate.threshold, meta)


# --- scoring -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Predicted:
    event_type: str
    categories: tuple[str, ...]
    harm: str | None


def scores(gold: Sequence[Example], predicted: Sequence[Predicted]) -> dict[str, float]:
    """Category macro-F1 (multi-label, over the codes in the gold set), event-type balanced accuracy,
    harm accuracy (where the gold harm is labelled on an incident), and exact category-set match."""
    f1s: list[float] = []
    for code in CATEGORIES:
        g = np.array([code in e.categories for e in gold])
        p = np.array([code in q.categories for q in predicted])
        if not g.any():
            continue
        tp = float((g & p).sum())
        f1s.append(2 * tp / (g.sum() + p.sum()) if g.sum() + p.sum() else 0.0)
    recalls = []
    for code in EVENT_TYPES:
        rows = [i for i, e in enumerate(gold) if e.event_type == code]
        if rows:
            recalls.append(sum(predicted[i].event_type == code for i in rows) / len(rows))
    harmed = [i for i, e in enumerate(gold) if e.harm is not None and e.event_type == "A3"]
    return {
        "category_macro_f1": float(np.mean(f1s)) if f1s else 0.0,
        "event_type_balanced_accuracy": float(np.mean(recalls)) if recalls else 0.0,
        "harm_accuracy": sum(predicted[i].harm == gold[i].harm for i in harmed) / len(harmed) if harmed else 0.0,
        "category_exact": sum(set(q.categories) == set(e.categories) for e, q in zip(gold, predicted, strict=True))
        / max(1, len(gold)),
    }


def per_category_f1(gold: Sequence[Example], predicted: Sequence[Predicted]) -> dict[str, float]:
    out = {}
    for code in CATEGORIES:
        g = np.array([code in e.categories for e in gold])
        p = np.array([code in q.categories for q in predicted])
        if g.any():
            out[code] = float(2 * (g & p).sum() / (g.sum() + p.sum()))
    return out


def per_setting(gold: Sequence[Example], predicted: Sequence[Predicted]) -> dict[str, float]:
    """Category macro-F1 of each held-out setting (over the codes that setting has)."""
    out = {}
    for setting in sorted({e.setting for e in gold}):
        rows = [i for i, e in enumerate(gold) if e.setting == setting]
        out[setting] = scores([gold[i] for i in rows], [predicted[i] for i in rows])["category_macro_f1"]
    return out


def model_predictor(model: Model) -> Callable[[Sequence[Example]], list[Predicted]]:
    def predict(examples: Sequence[Example]) -> list[Predicted]:
        return [
            Predicted(s.event_type, tuple(c for c, _ in s.categories), s.harm)
            for s in model.suggest([e.text for e in examples])
        ]

    return predict


def keyword_predict(examples: Sequence[Example]) -> list[Predicted]:
    out = []
    for e in examples:
        event_type, categories = keyword_suggest(e.text)
        out.append(Predicted(event_type, tuple(categories), None))
    return out


def majority_predict(train: Sequence[Example]) -> Callable[[Sequence[Example]], list[Predicted]]:
    event = Counter(e.event_type for e in train).most_common(1)[0][0] or "A3"
    category = Counter(c for e in train for c in e.categories).most_common(1)[0][0]
    harm = Counter(e.harm for e in train if e.event_type == "A3").most_common(1)[0][0]
    return lambda examples: [Predicted(event, (category,), harm) for _ in examples]


def held_out(
    examples: Sequence[Example],
    folds: Sequence[Sequence[int]],
    train_and_predict: Callable[[list[Example], list[Example]], list[Predicted]],
) -> list[Predicted]:
    """Out-of-fold predictions for every example, in order."""
    out: list[Predicted | None] = [None] * len(examples)
    for fold in folds:
        test = set(fold)
        preds = train_and_predict([e for i, e in enumerate(examples) if i not in test], [examples[i] for i in fold])
        for i, p in zip(fold, preds, strict=True):
            out[i] = p
    return [p for p in out if p is not None]


def setting_folds(examples: Sequence[Example]) -> list[list[int]]:
    settings: dict[str, list[int]] = {}
    for i, e in enumerate(examples):
        settings.setdefault(e.setting, []).append(i)
    return [settings[s] for s in sorted(settings)]


def k_folds(examples: Sequence[Example], k: int = 5) -> list[list[int]]:
    return [list(range(j, len(examples), k)) for j in range(k)]


def compare(
    candidates: Sequence[Candidate], out: Callable[[str], None], *, kfold: bool = True, weak_variants: bool = True
) -> dict[str, dict[str, dict[str, float]]]:
    examples, weak_rows, embeddings = corpus.labelled(), corpus.weak(), Embeddings()
    out(f"{len(examples)} hand-labelled narratives in {len(setting_folds(examples))} settings; {len(weak_rows)} weak")
    results: dict[str, dict[str, dict[str, float]]] = {}
    baselines: dict[str, Callable[[list[Example], list[Example]], list[Predicted]]] = {
        "majority class": lambda train, test: majority_predict(train)(test),
        "keyword rules only": lambda train, test: keyword_predict(test),
    }
    for name, run in baselines.items():
        results[name] = {"loso": scores(examples, held_out(examples, setting_folds(examples), run))}
        if kfold:
            results[name]["5-fold"] = scores(examples, held_out(examples, k_folds(examples), run))
        out(_line(name, results[name]))
    for candidate in candidates:
        variants = [candidate, replace(candidate, name=candidate.name + " +weak", weak=True)]
        for variant in variants if weak_variants else variants[:1]:
            started = time.monotonic()

            def run(train: list[Example], test: list[Example], variant: Candidate = variant) -> list[Predicted]:
                return model_predictor(fit(variant, train, weak_rows, embeddings))(test)

            loso = held_out(examples, setting_folds(examples), run)
            results[variant.name] = {
                "loso": scores(examples, loso),
                "loso_per_category_f1": per_category_f1(examples, loso),
            }
            results[variant.name]["loso_per_setting"] = per_setting(examples, loso)
            if kfold:
                results[variant.name]["5-fold"] = scores(examples, held_out(examples, k_folds(examples), run))
            out(_line(variant.name, results[variant.name]) + f"  ({time.monotonic() - started:.0f} s)")
    return results


def _line(name: str, result: dict[str, dict[str, float]]) -> str:
    parts = []
    for scheme in ("loso", "5-fold"):
        if scheme not in result:
            continue
        r = result[scheme]
        parts.append(
            f"{scheme}: cat F1 {r['category_macro_f1']:.3f} evt BA {r['event_type_balanced_accuracy']:.3f} "
            f"harm {r['harm_accuracy']:.3f}"
        )
    return f"{name:32s} " + " | ".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m openpso.suggest.train", description=__doc__)
    parser.add_argument("--compare", action="store_true", help="score every candidate; write no model")
    parser.add_argument("--only", nargs="*", default=None, help="candidates to compare (names' first word)")
    parser.add_argument("--no-kfold", action="store_true", help="leave-one-setting-out only")
    parser.add_argument("--no-weak", action="store_true", help="skip the +weak variants")
    parser.add_argument("--json", type=Path, default=None, help="write the comparison figures here")
    parser.add_argument("--out", type=Path, default=MODEL_FILE)
    options = parser.parse_args(argv)

    def out(line: str) -> None:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    if options.compare:
        chosen = [c for c in CANDIDATES if options.only is None or c.name.split()[0] in options.only]
        results = compare(chosen, out, kfold=not options.no_kfold, weak_variants=not options.no_weak)
        if options.json:
            options.json.write_text(json.dumps(results, indent=2) + "\n")
        return 0
    candidate = next(c for c in CANDIDATES if c.name == CHOSEN)
    model = fit(candidate, corpus.labelled(), corpus.weak(), Embeddings())
    model.save(options.out)
    out(f"wrote {options.out} ({options.out.stat().st_size:,} bytes): {model.meta}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
