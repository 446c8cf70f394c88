"""`openpso suggest --jsonl` over stdin/stdout: lines in, one line out per line in, same order.

Chunks of lines are suggested on every core through openpso.lib.pool (at most 2 × workers chunks in
flight, results written as soon as the oldest is done); input that fits in one chunk is done here
without starting a pool, so one short note is answered at once.
"""

from __future__ import annotations

import itertools
import json
import sys
from collections.abc import Iterator
from typing import IO, Any

from openpso.lib.jsonl import line_chunks
from openpso.suggest.model import shipped

CHUNK_LINES = 64


def suggest_jsonl_chunk(lines: list[bytes]) -> bytes:
    """One chunk of input lines → the same number of output lines."""
    parsed = [_parse(line) for line in lines]
    texts = [text for _, text, error in parsed if error is None and text is not None]
    suggestions = iter(shipped().suggest(texts))
    out: list[str] = []
    for note_id, text, error in parsed:
        if error is not None or text is None:
            out.append(json.dumps({"id": note_id, "error": error}))
        else:
            out.append(json.dumps({"id": note_id, **next(suggestions).as_json()}))
    return ("\n".join(out) + "\n").encode("utf-8")


def _parse(line: bytes) -> tuple[Any, str | None, str | None]:
    """(id, text, error) for one input line."""
    try:
        item = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return None, None, f"line is not valid UTF-8 (byte {exc.start})"
    except (json.JSONDecodeError, RecursionError) as exc:
        return None, None, f"invalid JSON: {exc}"
    if not isinstance(item, dict):
        return None, None, "each line must be a JSON object with 'id' and 'text'"
    note_id = item.get("id")
    if note_id is None:
        return None, None, "'id' is missing"
    if not isinstance(note_id, str | int):
        return None, None, f"'id' must be a string or a number, not {type(note_id).__name__}"
    text = item.get("text")
    if text is None:
        return note_id, None, "'text' is missing"
    if not isinstance(text, str):
        return note_id, None, f"'text' must be a string, not {type(text).__name__}"
    return note_id, text, None


def run(*, workers: int | None = None, stdin: IO[bytes] | None = None, stdout: IO[bytes] | None = None) -> None:
    source = stdin or sys.stdin.buffer
    sink = stdout or sys.stdout.buffer
    model = shipped()  # loaded before the pool forks, so every worker shares it
    if model.space.embedding_weight:
        from openpso.suggest.features import embedder

        embedder()
    chunks = line_chunks(source, CHUNK_LINES)
    first = next(chunks, None)
    if first is None:
        return
    second = next(chunks, None) if workers is None or workers > 1 else None
    results: Iterator[bytes]
    if second is None:
        results = map(suggest_jsonl_chunk, itertools.chain([first], chunks))
    else:
        from openpso.lib.pool import default_workers, ordered_map

        results = ordered_map(
            suggest_jsonl_chunk, itertools.chain([first, second], chunks), workers=workers or default_workers()
        )
    for data in results:
        sink.write(data)
        sink.flush()
