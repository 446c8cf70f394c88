"""Score any command that speaks the `openpso deid --jsonl` contract on one corpus.

    python benchmarks/deid/evaluate.py --command ".venv/bin/openpso deid --jsonl" --corpus openpso-demo --limit 500
    python benchmarks/deid/evaluate.py --command "python benchmarks/deid/presidio_baseline.py --jsonl" --corpus maude

Exits 1 when the command fails or breaks the contract (wrong line count, mismatched ids, bad spans).
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `benchmarks.deid` importable from the repo root
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.deid import corpora
from benchmarks.deid.runner import ContractError, run_command
from benchmarks.deid.score import SCOPES, Note, Tally


def evaluate(
    *, tool: str, command: Sequence[str], corpus: str, notes: Sequence[Note], timeout: float | None = None
) -> dict[str, Any]:
    """Run `command` over `notes` and score it; a failed run comes back with `error` and no figures."""
    result: dict[str, Any] = {"tool": tool, "corpus": corpus, "command": shlex.join(command), "notes": len(notes)}
    try:
        run = run_command(command, notes, timeout=timeout)
    except ContractError as error:
        return {**result, "error": str(error)}
    tally = Tally(scope=SCOPES[corpus])
    by_setting: dict[str, Tally] = {}
    for note, prediction in zip(notes, run.predictions, strict=True):
        tally.add(note, prediction)
        if note.setting:
            by_setting.setdefault(note.setting, Tally(scope=SCOPES[corpus])).add(note, prediction)
    per_setting = {setting: part.summary() for setting, part in by_setting.items()}
    return {
        **result,
        **tally.summary(),
        "per_setting": per_setting,
        "seconds": run.seconds,
        "notes_per_s": len(notes) / run.seconds,
    }


def figure(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def describe(result: dict[str, Any]) -> list[str]:
    """A readable report of one run: headline, per-type recall, redaction markers."""
    head = f"{result['corpus']} · {result['notes']} notes · {result['tool']}"
    if "error" in result:
        return [f"{head}: FAILED: {result['error']}"]
    lines = [
        f"{head}: {result['notes_per_s']:.1f} notes/s ({result['seconds']:.1f} s, start-up included), "
        f"{result['errors']} error lines",
    ]
    if result["per_type"]:
        lines.append(
            f"  headline ({result['gold_spans']} gold spans): span recall {figure(result['span_recall'])}"
            f" · char recall {figure(result['char_recall'])} · char precision {figure(result['char_precision'])}"
        )
        lines.append("  recall per gold type (any predicted type overlapping counts):")
        for label, row in result["per_type"].items():
            remark = row["remark"] or ("" if row["headline"] else "out of headline")
            lines.append(f"    {label:<26} {row['recall']:.3f} ({row['found']}/{row['total']})  {remark}".rstrip())
    for setting, part in result.get("per_setting", {}).items():
        lines.append(
            f"  {setting:<18} {part['notes']:>4} notes: span recall {figure(part['span_recall'])}"
            f" ({part['gold_spans']} gold) · char precision {figure(part['char_precision'])}"
        )
    lines.append(f"  predicted chars per 1,000 chars: {figure(result['predicted_chars_per_1k'], 1)}")
    lines.append(f"  redacted stretches per 1,000 words: {figure(result['predicted_per_1k_words'], 1)}")
    for name, counts in result["markers"].items():
        if counts["total"]:
            lines.append(f"  damaged {name} markers: {counts['damaged']} of {counts['total']}")
    return lines


def default_name(command: Sequence[str]) -> str:
    """The program's name, or the script's when the program is a Python interpreter."""
    program = Path(command[0]).name
    return Path(command[1]).stem if program.startswith("python") and len(command) > 1 else program


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score a de-identification command on one corpus.")
    parser.add_argument("--command", required=True, help='e.g. ".venv/bin/openpso deid --jsonl"')
    parser.add_argument("--corpus", required=True, choices=corpora.CORPORA)
    parser.add_argument("--limit", type=int, help="score this many notes, spread evenly over the corpus")
    parser.add_argument("--name", help="the tool's name in the report (default: the command's first word)")
    parser.add_argument("--timeout", type=float, help="kill the command after this many seconds")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    command = shlex.split(args.command)
    notes = corpora.load(args.corpus, limit=args.limit)
    name = args.name or default_name(command)
    result = evaluate(tool=name, command=command, corpus=args.corpus, notes=notes, timeout=args.timeout)
    sys.stdout.write("\n".join(describe(result)) + "\n")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 1 if "error" in result else 0


if __name__ == "__main__":
    sys.exit(main())
