"""Leave-one-setting-out figures for the engine's cut-offs set while reading clinical-notes-dev.

Issue 14: a part of the engine tuned on the dev set must be scored on text it was not tuned
on. The dev set has seven settings (ICU nursing, ward nursing, discharge summaries, ED notes,
EMS reports, nursing homes, pharmacy). For each setting in turn, the cut-offs are chosen on the
other six from values around the shipped ones, one cut-off changed at a time (highest span
recall while character precision stays >= 0.85, then highest precision), and the chosen values
are scored on the held-out setting. The pooled held-out figure is what the tuned engine may be
expected to do on a setting it has not seen; the shipped values' figure on the same notes is
printed beside it, so the optimism of tuning can be read off.

    python benchmarks/deid/loso.py            # rules only, as `openpso deid` runs

Runs the engine in this process (the cut-offs are module constants), without the model.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `benchmarks.deid` importable from the repo root
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.deid import corpora
from benchmarks.deid.score import SCOPES, Note, Prediction, Span, Tally

DEV_SET = "clinical-notes-dev"
MIN_PRECISION = 0.85
# (module, constant, grid): the shipped value is in each grid.
KNOBS: tuple[tuple[str, str, tuple[float, ...]], ...] = (
    ("people", "RELATIVE_NAME_MAX", (5.0, 5.5, 6.2, 6.6)),
    ("people", "RELATIVE_NAME_MAX_PLAIN", (4.5, 5.0, 5.5, 6.0)),
    ("people", "LOWER_FIRST_NAME_MAX", (3.5, 4.0, 4.5)),
    ("people", "LOWER_SURNAME_MAX", (3.0, 3.5, 4.0)),
    ("places", "STRONG_CUE_TOWN_MAX", (3.5, 4.5, 5.0)),
    ("people", "CAPS_FULL_NAME_MAX", (3.5, 4.0, 4.5)),
    ("people", "SPELLED_NAME_MAX", (4.5, 5.0, 5.5)),
    ("places", "FOREIGN_TOWN_MAX", (3.0, 3.3, 3.6, 4.0)),
)


@dataclass(frozen=True)
class Fold:
    held_out: str
    chosen: dict[str, float]
    tuned: dict[str, Any]  # held-out figures with the values chosen on the other six
    shipped: dict[str, Any]  # held-out figures with the shipped values


@contextmanager
def _values(values: dict[str, float]) -> Iterator[None]:
    from openpso.nonid.deid import people, places

    modules = {"people": people, "places": places}
    saved = {}
    for module, name, _ in KNOBS:
        saved[module, name] = getattr(modules[module], name)
        setattr(modules[module], name, values[name])
    try:
        yield
    finally:
        for (module, name), value in saved.items():
            setattr(modules[module], name, value)


def shipped_values() -> dict[str, float]:
    from openpso.nonid.deid import people, places

    modules = {"people": people, "places": places}
    return {name: getattr(modules[module], name) for module, name, _ in KNOBS}


def _predict(notes: Sequence[Note], values: dict[str, float]) -> list[Prediction]:
    from openpso.nonid.deid import find_many

    with _values(values):
        found = find_many([n.text for n in notes], use_model=False)
    return [
        Prediction(id=n.id, spans=tuple(Span(s.start, s.end, s.type) for s in spans))
        for n, spans in zip(notes, found, strict=True)
    ]


def _score(notes: Sequence[Note], predictions: Sequence[Prediction]) -> dict[str, Any]:
    tally = Tally(scope=SCOPES[DEV_SET])
    for note, prediction in zip(notes, predictions, strict=True):
        tally.add(note, prediction)
    return tally.summary()


def _better(a: dict[str, Any], b: dict[str, Any] | None) -> bool:
    """Whether figures `a` beat `b` under the rule: precision floor, then recall, then precision."""
    if b is None:
        return True

    def key(f: dict[str, Any]) -> tuple[bool, float, float]:
        precision = f["char_precision"] or 0.0
        return (precision >= MIN_PRECISION, f["span_recall"] or 0.0, precision)

    return key(a) > key(b)


def grid(shipped: dict[str, float]) -> list[dict[str, float]]:
    """The shipped values and every change of one of them to another grid value (a full product
    would be hundreds of engine runs; the cut-offs act on different words, so one at a time)."""
    candidates = [dict(shipped)]
    for _, name, values in KNOBS:
        candidates += [{**shipped, name: value} for value in values if value != shipped[name]]
    return candidates


def run(notes: Sequence[Note] | None = None) -> dict[str, Any]:
    notes = list(notes if notes is not None else corpora.load(DEV_SET))
    settings = sorted({n.setting for n in notes})
    shipped = shipped_values()
    candidates = grid(shipped)
    # One engine run per candidate over all notes; each fold reads its own subsets.
    runs = [(values, _predict(notes, values)) for values in candidates]
    shipped_predictions = next(p for v, p in runs if v == shipped)
    folds: list[Fold] = []
    held_notes: list[Note] = []
    held_predictions: list[Prediction] = []
    for setting in settings:
        train = [i for i, n in enumerate(notes) if n.setting != setting]
        test = [i for i, n in enumerate(notes) if n.setting == setting]
        best: tuple[dict[str, float], list[Prediction]] | None = None
        best_figures: dict[str, Any] | None = None
        for values, predictions in runs:
            figures = _score([notes[i] for i in train], [predictions[i] for i in train])
            if _better(figures, best_figures):
                best, best_figures = (values, predictions), figures
        assert best is not None
        chosen, predictions = best
        test_notes = [notes[i] for i in test]
        folds.append(
            Fold(
                held_out=setting,
                chosen=chosen,
                tuned=_score(test_notes, [predictions[i] for i in test]),
                shipped=_score(test_notes, [shipped_predictions[i] for i in test]),
            )
        )
        held_notes += test_notes
        held_predictions += [predictions[i] for i in test]
    return {
        "knobs": {name: list(values) for _, name, values in KNOBS},
        "shipped": shipped,
        "candidates": len(candidates),
        "folds": [f.__dict__ for f in folds],
        "pooled": _score(held_notes, held_predictions),
        "pooled_shipped": _score(notes, shipped_predictions),
    }


def lines(result: dict[str, Any]) -> list[str]:
    def pair(f: dict[str, Any]) -> str:
        return f"{f['span_recall']:.3f}/{f['char_precision']:.3f}"

    out = [
        f"leave-one-setting-out over {DEV_SET} ({result['candidates']} value sets; chosen on six settings by span "
        f"recall with char precision >= {MIN_PRECISION}, scored on the seventh; rules only)",
        f"  {'held-out setting':<18} {'tuned on 6':>13} {'shipped':>13}  chosen values",
    ]
    shipped = result["shipped"]
    for fold in result["folds"]:
        changed = {k: v for k, v in fold["chosen"].items() if v != shipped[k]} or "as shipped"
        out.append(f"  {fold['held_out']:<18} {pair(fold['tuned']):>13} {pair(fold['shipped']):>13}  {changed}")
    out.append(
        f"  {'pooled':<18} {pair(result['pooled']):>13} {pair(result['pooled_shipped']):>13}"
        "  (span recall/char precision)"
    )
    return out


def main() -> int:
    for line in lines(run()):
        sys.stdout.write(line + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
