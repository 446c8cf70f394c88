"""Streaming de-identification over stdin/stdout, on every core, in bounded memory.

Input is read lazily in chunks; at most `2 × workers` chunks are in flight, and results
are written in input order as soon as the oldest chunk is done. So memory stays flat
whatever the input size, and a reader sees output while the input is still arriving.
"""

from __future__ import annotations

import itertools
import json
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import IO, Any

from openpso.lib.jsonl import line_chunks
from openpso.nonid.deid import lexicon, ner
from openpso.nonid.deid.engine import find_many
from openpso.nonid.deid.replace import redact
from openpso.nonid.deid.types import DEFAULT_POLICY, Policy, ScrubContext

CHUNK_LINES = 64  # JSON lines per task: enough to batch the model, small enough to keep memory flat
BLOCK_CHARS = 64 * 1024  # plain text per task, cut at paragraph or line ends
_CONTEXT_KEYS = ("patient_names", "staff_names", "other_names", "facility_names", "identifiers")


def scrub_jsonl_chunk(lines: list[bytes], policy: Policy = DEFAULT_POLICY, use_model: bool = False) -> bytes:
    """One chunk of `--jsonl` input lines → the same number of output lines."""
    parsed: list[tuple[Any, str | None, ScrubContext | None, str | None]] = [_parse(line) for line in lines]
    ok = [i for i, (_, text, _, error) in enumerate(parsed) if error is None and text is not None]
    texts = [parsed[i][1] or "" for i in ok]
    contexts = [parsed[i][2] for i in ok]
    found = dict(zip(ok, find_many(texts, contexts=contexts, use_model=use_model), strict=True))
    out: list[str] = []
    for i, (note_id, text, _, error) in enumerate(parsed):
        if error is not None:
            out.append(json.dumps({"id": note_id, "error": error}))
            continue
        spans = found[i]
        out.append(
            json.dumps(
                {"id": note_id, "text": redact(text or "", spans, policy), "spans": [s.as_json() for s in spans]}
            )
        )
    return ("\n".join(out) + "\n").encode("utf-8")


def _parse(line: bytes) -> tuple[Any, str | None, ScrubContext | None, str | None]:
    """(id, text, context, error) for one input line."""
    try:
        decoded = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, None, None, f"line is not valid UTF-8 (byte {exc.start})"
    try:
        item = json.loads(decoded)
    except (json.JSONDecodeError, RecursionError) as exc:
        return None, None, None, f"invalid JSON: {exc}"
    if not isinstance(item, dict):
        return None, None, None, "each line must be a JSON object with 'id' and 'text'"
    note_id = item.get("id")
    text = item.get("text")
    if text is None:
        return note_id, None, None, "'text' is missing"
    if not isinstance(text, str):
        return note_id, None, None, f"'text' must be a string, not {type(text).__name__}"
    context = item.get("context")
    if context is None:
        return note_id, text, None, None
    if not isinstance(context, dict) or not all(
        isinstance(v, list) and all(isinstance(x, str) for x in v) for k, v in context.items() if k in _CONTEXT_KEYS
    ):
        return note_id, None, None, f"'context' must map {', '.join(_CONTEXT_KEYS)} to lists of strings"
    return note_id, text, ScrubContext.of(**{k: context.get(k, ()) for k in _CONTEXT_KEYS}), None


def scrub_plain_block(block: str, policy: Policy = DEFAULT_POLICY, use_model: bool = False) -> bytes:
    (spans,) = find_many([block], use_model=use_model)
    return redact(block, spans, policy).encode("utf-8")


def _plain_blocks(stream: IO[bytes]) -> Iterator[str]:
    """Paragraphs grouped up to BLOCK_CHARS; a longer paragraph is cut at a line end."""
    block: list[str] = []
    size = 0
    for raw in stream:
        line = raw.decode("utf-8", errors="replace")
        block.append(line)
        size += len(line)
        if size >= BLOCK_CHARS and (not line.strip() or size >= 4 * BLOCK_CHARS):
            yield "".join(block)
            block, size = [], 0
    if block:
        yield "".join(block)


def _ordered(
    work: Callable[[Any], Any], items: Iterable[Any], workers: int | None, *, on_done: Callable[[int], None]
) -> Iterator[Any]:
    """`map(work, items)` over a process pool (openpso.lib.pool), in order, with at most
    2 × workers items in flight (one per core when `workers` is None); `on_done(n)` after the n-th result."""
    # Input that fits in one item (one report, a short batch) is done here: starting a pool
    # would cost more than the work (issue 14: the first scrubbed report under 0.5 s). The pool
    # module (and multiprocessing under it) is only imported when there is a pool to start.
    items = iter(items)
    first = next(items, None)
    if first is None:
        return
    second = next(items, None) if workers is None or workers > 1 else None
    results: Iterator[Any]
    if second is None:
        results = map(work, itertools.chain([first], items))
    else:
        from openpso.lib.pool import default_workers, ordered_map

        results = ordered_map(work, itertools.chain([first, second], items), workers=workers or default_workers())
    for done, result in enumerate(results, 1):
        yield result
        on_done(done)


def run(
    *,
    jsonl: bool,
    workers: int | None = None,
    policy: Policy = DEFAULT_POLICY,
    stdin: IO[bytes] | None = None,
    stdout: IO[bytes] | None = None,
    progress: IO[str] | None = None,
    use_model: bool = False,
) -> None:
    source = stdin or sys.stdin.buffer
    sink = stdout or sys.stdout.buffer
    # Warm before the pool forks, so every worker shares the loaded word lists and model.
    lexicon.warm()
    if use_model:  # spaCy costs seconds to load: only when asked for (issue 14, start-up)
        ner.warm()
    started = time.monotonic()
    last_report = [started]

    def report(done: int) -> None:
        if progress is not None and time.monotonic() - last_report[0] > 2:
            last_report[0] = time.monotonic()
            unit = f"{done * CHUNK_LINES:,} notes" if jsonl else f"{done:,} blocks"
            progress.write(f"\rde-identified about {unit} in {time.monotonic() - started:.0f} s")
            progress.flush()

    # functools.partial of a module-level function pickles, so it crosses into the workers.
    work: Callable[[Any], bytes]
    items: Iterator[Any]
    if jsonl:
        work, items = partial(scrub_jsonl_chunk, policy=policy, use_model=use_model), line_chunks(source, CHUNK_LINES)
    else:
        work, items = partial(scrub_plain_block, policy=policy, use_model=use_model), _plain_blocks(source)
    for data in _ordered(work, items, workers, on_done=report):
        sink.write(data)
        sink.flush()
    if progress is not None:
        progress.write("\n")
