"""JSON Lines read in chunks, for the line-contract commands (`openpso deid --jsonl`, `openpso suggest --jsonl`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO


def line_chunks(stream: IO[bytes], size: int) -> Iterator[list[bytes]]:
    """The stream's non-blank lines, without their line ends, `size` at a time (the last chunk may be short).

    A chunk is one task for a worker: big enough to amortise the hand-over, small enough to keep
    memory flat on any input length.
    """
    chunk: list[bytes] = []
    for raw in stream:
        line = raw.rstrip(b"\r\n")
        if not line.strip():
            continue  # blank lines carry no note
        chunk.append(line)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
