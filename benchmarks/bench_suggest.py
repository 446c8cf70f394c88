"""Suggester: `openpso suggest` against the keyword-only and majority-class baselines, same run.

Leave-one-setting-out over the hand-written narratives (src/openpso/suggest/data/narratives/: fit on
every other setting, score the held-out one) for the shipped candidate (openpso.suggest.train.CHOSEN)
and both baselines; prints category macro-F1, event-type balanced accuracy and harm accuracy, the
ratios model / keyword baseline, and the command's start-up (process start to the first output line
for one short note, median of 3). Targets (issue 18): macro-F1 >= 0.80 and balanced accuracy >= 0.80
on an independent hidden set; leave-one-setting-out is our estimate of that. Says whether the shipped
model was fitted on the data now in the repository. Writes var/bench/suggest.json.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from openpso.suggest import corpus, train  # noqa: E402
from openpso.suggest.model import shipped  # noqa: E402

TARGET = 0.80
TARGET_STARTUP_S = 2.0
NOTE = b'{"id": "1", "text": "Patient found on the floor beside the bed at 0300, no injury."}\n'


def out(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def startup_s() -> float:
    command = [str(Path(sys.executable).with_name("openpso")), "suggest", "--jsonl"]
    times = []
    for _ in range(3):
        started = time.monotonic()
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)  # noqa: S603
        if process.stdin is None or process.stdout is None:
            raise SystemExit("no pipes to openpso suggest")
        process.stdin.write(NOTE)
        process.stdin.close()
        line = process.stdout.readline()
        times.append(time.monotonic() - started)
        process.wait()
        if not line.startswith(b'{"id": "1"'):
            raise SystemExit(f"openpso suggest broke the contract: {line!r}")
    return statistics.median(times)


def main() -> int:
    examples, weak = corpus.labelled(), corpus.weak()
    candidate = next(c for c in train.CANDIDATES if c.name == train.CHOSEN)
    embeddings = train.Embeddings()
    folds = train.setting_folds(examples)
    load = os.getloadavg()[0]
    out(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, load {load:.1f}")
    out(f"{len(examples)} hand-written narratives, {len(folds)} settings; {len(weak)} weakly labelled")
    fresh = shipped().meta.get("data") == corpus.fingerprint()
    out(
        f"shipped model: {shipped().meta.get('candidate')}, "
        f"fitted on the data now here: {'yes' if fresh else 'NO (refit)'}"
    )
    figures: dict[str, dict[str, float]] = {}
    runs = {
        "majority class": lambda tr, te: train.majority_predict(tr)(te),
        "keyword rules only": lambda tr, te: train.keyword_predict(te),
        candidate.name: lambda tr, te: train.model_predictor(train.fit(candidate, tr, weak, embeddings))(te),
    }
    for name, run in runs.items():
        started = time.monotonic()
        figures[name] = train.scores(examples, train.held_out(examples, folds, run))
        f = figures[name]
        out(
            f"{name:28s} category macro-F1 {f['category_macro_f1']:.3f}  event-type balanced acc "
            f"{f['event_type_balanced_accuracy']:.3f}  harm acc {f['harm_accuracy']:.3f}  "
            f"({time.monotonic() - started:.0f} s)"
        )
    model, base = figures[candidate.name], figures["keyword rules only"]
    for key in ("category_macro_f1", "event_type_balanced_accuracy"):
        verdict = "meets" if model[key] >= TARGET else "below"
        out(
            f"{key}: {model[key]:.3f} = {model[key] / base[key]:.2f}x the keyword baseline; "
            f"{verdict} the {TARGET} target"
        )
    start = startup_s()
    out(f"start-up to the first line: {start:.2f} s (target < {TARGET_STARTUP_S} s)")
    folder = ROOT / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "suggest.json").write_text(json.dumps({"loso": figures, "startup_s": start}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
