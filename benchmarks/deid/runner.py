"""Run any command that speaks the `openpso deid --jsonl` contract over a corpus, and time it.

The contract: one JSON line `{"id", "text"}` per note on stdin; one JSON line per input, in
order, on stdout: `{"id", "text", "spans": [{"start", "end", "type"}]}` with offsets into the
input text (end exclusive), or `{"id", "error"}`. Anything else is a broken contract, and the
run is refused rather than scored.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any

from benchmarks.deid.score import Note, Prediction, Span


class ContractError(Exception):
    """The command's answer cannot be scored: it crashed, or broke the line contract."""


@dataclass(frozen=True)
class Run:
    predictions: list[Prediction]
    seconds: float  # wall time of the whole command, start-up included
    stderr: str


def run_command(command: Sequence[str], notes: Sequence[Note], *, timeout: float | None = None) -> Run:
    """Stream `notes` to `command`'s stdin while reading its stdout; raise ContractError if it fails."""
    started = time.perf_counter()
    try:
        process = subprocess.Popen(  # noqa: S603 - the command is the one the operator asked to measure
            list(command),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group, so a timeout also ends its workers
        )
    except OSError as error:
        raise ContractError(f"cannot start {command[0]!r}: {error}") from error
    assert process.stdin
    assert process.stdout
    assert process.stderr
    stderr: list[bytes] = []
    feeder = threading.Thread(target=_feed, args=(process.stdin, notes), daemon=True)
    drainer = threading.Thread(target=_drain, args=(process.stderr, stderr), daemon=True)
    killer = threading.Timer(timeout, _kill_group, args=(process.pid,)) if timeout else None
    for thread in (feeder, drainer, killer):
        if thread:
            thread.start()
    output = process.stdout.read()
    returncode = process.wait()
    seconds = time.perf_counter() - started
    timed_out = bool(killer and killer.finished.is_set() and returncode == -signal.SIGKILL)
    if killer:
        killer.cancel()
    feeder.join()
    drainer.join()
    errors = b"".join(stderr).decode("utf-8", "replace")
    if timed_out:
        raise ContractError(f"{command[0]} was killed after {timeout:g} s")
    if returncode != 0:
        raise ContractError(f"{command[0]} exited with status {returncode}: {_tail(errors)}")
    return Run(predictions=parse_output(output, notes), seconds=seconds, stderr=errors)


def _feed(stdin: IO[bytes], notes: Sequence[Note]) -> None:
    try:
        for note in notes:
            stdin.write(json.dumps({"id": note.id, "text": note.text}, ensure_ascii=False).encode() + b"\n")
        stdin.close()
    except BrokenPipeError:
        pass  # the command quit early; its exit status or short output says why


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # it finished just in time
        os.killpg(pid, signal.SIGKILL)


def _drain(stream: IO[bytes], into: list[bytes]) -> None:
    into.append(stream.read())


def _tail(text: str, lines: int = 5) -> str:
    return " | ".join(text.strip().splitlines()[-lines:]) or "(nothing on stderr)"


def parse_output(output: bytes, notes: Sequence[Note]) -> list[Prediction]:
    """One prediction per note, checked against the contract line by line."""
    # Split on "\n" only: JSON escapes every other line break, and a text may hold U+2028.
    lines = output.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    if len(lines) != len(notes):
        raise ContractError(f"{len(lines)} output lines for {len(notes)} input lines")
    return [parse_line(line, note, number) for number, (line, note) in enumerate(zip(lines, notes, strict=True), 1)]


def parse_line(line: bytes, note: Note, number: int) -> Prediction:
    try:
        answer = json.loads(line)
    except ValueError as error:
        raise ContractError(f"output line {number} is not JSON: {error}") from error
    if not isinstance(answer, dict):
        raise ContractError(f"output line {number} is not a JSON object")
    if answer.get("id") != note.id:
        raise ContractError(f"output line {number} has id {answer.get('id')!r}, expected {note.id!r}")
    if "error" in answer:
        return Prediction(id=note.id, error=str(answer["error"]))
    text, spans = answer.get("text"), answer.get("spans")
    if not isinstance(text, str) or not isinstance(spans, list):
        raise ContractError(f"output line {number} lacks a text string and a spans list")
    return Prediction(id=note.id, text=text, spans=tuple(_span(s, note, number) for s in spans))


def _span(raw: Any, note: Note, number: int) -> Span:
    if not isinstance(raw, dict):
        raise ContractError(f"output line {number}: a span is not an object")
    start, end, kind = raw.get("start"), raw.get("end"), raw.get("type")
    if (
        isinstance(start, int)
        and isinstance(end, int)
        and not isinstance(start, bool)
        and not isinstance(end, bool)
        and isinstance(kind, str)
        and 0 <= start <= end <= len(note.text)
    ):
        return Span(start, end, kind)
    raise ContractError(f"output line {number}: bad span {raw!r} for a text of {len(note.text)} characters")
