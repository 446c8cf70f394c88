"""`openpso deid`: de-identify text on stdin (plain, or JSON lines with `--jsonl`).

This command runs without Django (no settings, database or keys needed), so outside
evaluations can call it on any machine where the package is installed.
"""

from __future__ import annotations

import argparse
import sys

from openpso.nonid.deid.engine import VERSION
from openpso.nonid.deid.stream import run
from openpso.nonid.deid.types import Policy


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="openpso deid",
        description=(
            "Remove identifiers (HIPAA Safe Harbor, 42 CFR 3.212) from narrative text. Reads stdin, writes stdout. "
            'With --jsonl, each input line is {"id": ..., "text": ...} (optionally "context": {"patient_names": [...], '
            '"staff_names": [...], "other_names": [...], "facility_names": [...], "identifiers": [...]}) and each '
            'output line is {"id", "text", "spans": [{"start", "end", "type"}]} with offsets into the input text; '
            'a line that cannot be read gets {"id", "error"} and the run goes on.'
        ),
    )
    parser.add_argument("--jsonl", action="store_true", help="read and write JSON lines")
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default: one per core)")
    parser.add_argument(
        "--dates",
        choices=("year", "placeholder"),
        default="placeholder",
        help=(
            "replace every date by [DATE] (default), or keep the year of a date as [DATE 2024]; "
            "a date of birth, or a year that would show an age over 89, is [DATE] either way"
        ),
    )
    parser.add_argument(
        "--model",
        action="store_true",
        help=(
            "also read doubtful words with spaCy's small English model (names the word lists do not know); "
            "adds seconds of start-up, so it suits batches"
        ),
    )
    parser.add_argument("--progress", action="store_true", help="report progress on stderr")
    parser.add_argument("--version", action="version", version=VERSION)
    options = parser.parse_args(argv)
    if options.workers is not None and options.workers < 1:
        parser.error("--workers must be 1 or more")
    try:
        run(
            jsonl=options.jsonl,
            workers=options.workers,
            policy=Policy(dates=options.dates),
            progress=sys.stderr if options.progress else None,
            use_model=options.model,
        )
    except BrokenPipeError:
        return 0  # the reader went away (`| head`); nothing left to tell
    except KeyboardInterrupt:
        return 130
    return 0
