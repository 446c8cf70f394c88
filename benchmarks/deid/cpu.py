"""CPU seconds of the engine's rules over each corpus, for comparing commits on a busy machine.

    .venv/bin/python benchmarks/deid/cpu.py --src /tmp/deid16/src --spans /tmp/spans16
    .venv/bin/python benchmarks/deid/cpu.py --spans /tmp/spans-now      # this checkout

Wall time means little on a shared machine; CPU time (`time.process_time`) of
`find(use_model=False)` over every note, best of `--repeat`, says more. `--src` runs another
checkout's engine (e.g. a `git worktree add /tmp/deid16 8476575`), so two commits can be measured
in the same minute. `--spans DIR` writes every note's spans to DIR/<corpus>.spans, one JSON line
per note, so a speed change can be proved to change no output: `cmp` the files of two runs.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.deid import corpora

READERS = {
    "clinical-notes-dev": corpora.clinical_notes_dev,
    "presidio-synth": corpora.presidio_synth,
    "openpso-demo": corpora.openpso_demo,
    "maude": corpora.maude,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--src", help="the src/ folder of another checkout whose engine to measure")
    parser.add_argument("--corpus", action="append", choices=sorted(READERS), help="default: all four")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--spans", type=Path, help="write each corpus's spans to this folder")
    options = parser.parse_args()
    # The notes are read first (the demo corpus needs this checkout's Django); the engine after.
    notes = {name: [note.text for note in READERS[name]()] for name in options.corpus or READERS}
    if options.src:
        sys.path.insert(0, options.src)
        for name in [m for m in sys.modules if m.startswith("openpso.nonid.deid")]:
            del sys.modules[name]
    from openpso.nonid.deid import engine

    sys.stderr.write(f"{engine.VERSION} from {engine.__file__}\n")
    for name, texts in notes.items():
        engine.find(texts[0], use_model=False)  # load the word lists outside the timing
        best = float("inf")
        for _ in range(max(1, options.repeat)):
            started = time.process_time()
            found = [engine.find(text, use_model=False) for text in texts]
            best = min(best, time.process_time() - started)
        if options.spans:
            options.spans.mkdir(parents=True, exist_ok=True)
            with (options.spans / f"{name}.spans").open("w", encoding="utf-8") as out:
                for i, spans in enumerate(found):
                    out.write(json.dumps([i, [(s.start, s.end, s.type) for s in spans]]) + "\n")
        sys.stdout.write(f"{name}: {len(texts)} notes, {best:.2f} CPU s\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
