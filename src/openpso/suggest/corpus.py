"""The labelled narratives the model learns from, all inside the package (data/).

- data/narratives/*.jsonl — hand-written narratives, one file per care setting; each line
  {"id", "text", "event_type", "categories", "harm", "setting", "style"}.
- data/confirmed/*.jsonl — codings a safety manager confirmed, stored as labelled examples in the
  same shape (setting "confirmed" unless given). None are shipped yet.
- data/weak/*.jsonl — real public narratives whose labels come from their source (README there);
  "event_type" and "harm" may be null.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from openpso.suggest.codes import CATEGORIES, EVENT_TYPES, HARM

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Example:
    id: str
    text: str
    event_type: str | None
    categories: tuple[str, ...]
    harm: str | None
    setting: str
    style: str
    weak: bool = False


def _read(path: Path, *, weak: bool, default_setting: str) -> list[Example]:
    examples: list[Example] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        where = f"{path.name}:{number}"
        event_type, categories, harm = row.get("event_type"), tuple(row.get("categories") or ()), row.get("harm")
        if event_type is not None and event_type not in EVENT_TYPES:
            raise ValueError(f"{where}: event_type {event_type!r} is not one of {EVENT_TYPES}")
        if not categories or any(c not in CATEGORIES for c in categories):
            raise ValueError(f"{where}: categories {list(categories)!r} must be codes among {CATEGORIES}")
        if harm is not None and harm not in HARM:
            raise ValueError(f"{where}: harm {harm!r} is not one of {HARM}")
        examples.append(
            Example(
                id=str(row["id"]),
                text=str(row["text"]),
                event_type=event_type,
                categories=categories,
                harm=harm,
                setting=str(row.get("setting") or default_setting),
                style=str(row.get("style") or "unknown"),
                weak=weak,
            )
        )
    return examples


def labelled(data: Path = DATA) -> list[Example]:
    """Hand-written narratives and confirmed codings, in file order."""
    examples: list[Example] = []
    for path in sorted((data / "narratives").glob("*.jsonl")):
        examples += _read(path, weak=False, default_setting=path.stem)
    for path in sorted((data / "confirmed").glob("*.jsonl")):
        examples += _read(path, weak=False, default_setting="confirmed")
    return examples


def weak(data: Path = DATA) -> list[Example]:
    examples: list[Example] = []
    for path in sorted((data / "weak").glob("*.jsonl")):
        examples += _read(path, weak=True, default_setting=f"weak-{path.stem}")
    return examples


def fingerprint(data: Path = DATA) -> str:
    """A hash of every training file's name and bytes: the model records the data it was fitted on."""
    digest = hashlib.sha256()
    for folder in ("narratives", "confirmed", "weak"):
        for path in sorted((data / folder).glob("*.jsonl")):
            digest.update(f"{folder}/{path.name}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
