"""Feed N MB of JSON lines to `openpso deid --jsonl`; print the largest RSS of it or any worker.

    .venv/bin/python benchmarks/deid/memory.py 60

The notes are the openpso-demo corpus repeated with fresh ids. Memory should not grow with N:
the command keeps at most 2 x workers chunks in flight.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.deid import corpora


def rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def family(root: int) -> list[int]:
    pids = [root]
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if parent == root:
            pids.append(int(entry))
    return pids


def main() -> None:
    megabytes = float(sys.argv[1])
    notes = [note.text for note in corpora.load("openpso-demo")]
    command = [str(Path(sys.executable).with_name("openpso")), "deid", "--jsonl"]
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)  # noqa: S603
    assert process.stdin is not None
    assert process.stdout is not None
    peak = 0

    def watch() -> None:
        nonlocal peak
        while process.poll() is None:
            peak = max([peak, *(rss(pid) for pid in family(process.pid))])
            time.sleep(0.5)

    output = process.stdout
    threading.Thread(target=watch, daemon=True).start()
    drain = threading.Thread(target=lambda: sum(1 for _ in output))
    drain.start()
    sent, count, started = 0, 0, time.monotonic()
    while sent < megabytes * 1e6:
        line = (json.dumps({"id": count, "text": notes[count % len(notes)]}) + "\n").encode()
        process.stdin.write(line)
        sent += len(line)
        count += 1
    process.stdin.close()
    process.wait()
    drain.join()
    sys.stdout.write(
        f"input {sent / 1e6:.0f} MB, {count} notes, {time.monotonic() - started:.0f} s, "
        f"largest RSS of openpso or any of its workers {peak / 1e6:.0f} MB\n"
    )


if __name__ == "__main__":
    main()
