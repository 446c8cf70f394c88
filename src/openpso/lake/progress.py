"""A plain-text progress bar for long runs on a terminal: done / total, rate, time left."""

from __future__ import annotations

import time
from typing import Protocol


class Stream(Protocol):
    def write(self, text: str, /) -> object: ...
    def flush(self) -> object: ...
    def isatty(self) -> bool: ...


class ProgressBar:
    """Call with (done, total). On a terminal one line is redrawn in place; elsewhere (a log
    file, CI) a line is printed at each tenth of the way, so the output stays short."""

    def __init__(self, stream: Stream, *, label: str = "events", width: int = 30) -> None:
        self.stream, self.label, self.width = stream, label, width
        self.started = time.perf_counter()
        self.tty = stream.isatty()
        self.shown_tenth = -1
        self.open_line = False

    def __call__(self, done: int, total: int) -> None:
        elapsed = max(time.perf_counter() - self.started, 1e-9)
        rate = done / elapsed
        share = done / total if total else 1.0
        if not self.tty:
            tenth = int(share * 10)
            if tenth == self.shown_tenth:
                return
            self.shown_tenth = tenth
        filled = int(share * self.width)
        left = (total - done) / rate if rate and total > done else 0.0
        line = (
            f"[{'#' * filled}{'.' * (self.width - filled)}] {done:,}/{total:,} {self.label}"
            f"  {rate:,.0f}/s  {elapsed:,.0f}s elapsed, ~{left:,.0f}s left"
        )
        if self.tty:
            self.stream.write("\r" + line)
            self.open_line = True
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.open_line:
            self.stream.write("\n")
            self.stream.flush()
            self.open_line = False
