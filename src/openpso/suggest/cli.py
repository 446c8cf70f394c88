"""`openpso suggest --jsonl`: suggest the event type, categories and harm of each narrative.

Runs without Django (no settings, database or keys), like `openpso deid`, so outside evaluations
can call it wherever the package is installed. The contract (docs/suggest.md):

    in:  {"id": "...", "text": "..."}                       one JSON object a line
    out: {"id": "...", "event_type": "A3" | "A6" | "A9",
          "categories": [{"code": "A48", "score": 0.91}, ...],   highest score first
          "harm": "<harm-scale LOINC answer code>" | null}
         {"id": <id or null>, "error": "..."}                for a line that cannot be read
"""

from __future__ import annotations

import argparse

from openpso.suggest.stream import run


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="openpso suggest",
        description=(
            'Suggest Common Formats codes for safety-event narratives. Reads JSON lines {"id": ..., "text": ...} '
            'on stdin and writes, in the same order, {"id", "event_type": "A3"|"A6"|"A9", "categories": '
            '[{"code", "score"}] (highest first), "harm": LOINC answer or null}; a line that cannot be read gets '
            '{"id", "error"} and the run goes on.'
        ),
    )
    parser.add_argument("--jsonl", action="store_true", required=True, help="read and write JSON lines (required)")
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default: one per core)")
    options = parser.parse_args(argv)
    if options.workers is not None and options.workers < 1:
        parser.error("--workers must be 1 or more")
    try:
        run(workers=options.workers)
    except BrokenPipeError:
        return 0  # the reader went away (`| head`)
    except KeyboardInterrupt:
        return 130
    return 0
