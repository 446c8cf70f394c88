"""Copy a bounded, evenly spread sample of real narratives with weak labels into the package.

    python benchmarks/suggest/sample_weak.py SHARED_DATA_DIR

SHARED_DATA_DIR holds `fda-maude-foitext-2007-software/` and `vaers-covid19-ohnlp/` as handed
over (their READMEs say where they come from). Writes src/openpso/suggest/data/weak/maude.jsonl
(device: A44) and vaers.jsonl (a vaccine reached the patient: A54, incident A3), 200 each: every
k-th usable narrative in file order, so the sample is the same on every run.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[2] / "src" / "openpso" / "suggest" / "data" / "weak"
PER_SOURCE = 200
MAX_CHARS = 1200


def spread(rows: list[dict[str, object]], n: int) -> list[dict[str, object]]:
    step = max(1, len(rows) // n)
    return rows[::step][:n]


def maude(folder: Path) -> list[dict[str, object]]:
    seen: set[str] = set()
    rows: list[dict[str, object]] = []
    with (folder / "foitext2007.pos.txt").open(encoding="latin-1") as f:
        for line in f:
            parts = line.rstrip("\n").split("|")
            if len(parts) < 6 or parts[2] != "D" or parts[0] in seen or len(parts[5]) < 80:
                continue  # event descriptions only (D), one per report
            seen.add(parts[0])
            text = "|".join(parts[5:])[:MAX_CHARS]
            rows.append(
                {
                    "id": f"maude-{parts[0]}",
                    "text": text,
                    "event_type": None,
                    "categories": ["A44"],
                    "harm": None,
                    "source": "fda-maude-foitext-2007-software",
                }
            )
    return spread(rows, PER_SOURCE)


def vaers(folder: Path) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    with (folder / "m_sample.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            text = (row["SYMPTOM_TEXT"] or "").strip()
            if len(text) < 60:
                continue
            rows.append(
                {
                    "id": f"vaers-{row['VAERS_ID']}",
                    "text": text[:MAX_CHARS],
                    "event_type": "A3",
                    "categories": ["A54"],
                    "harm": None,
                    "source": "vaers-covid19-ohnlp",
                }
            )
    return spread(rows, PER_SOURCE)


def main() -> None:
    shared = Path(sys.argv[1])
    OUT.mkdir(parents=True, exist_ok=True)
    for name, rows in (
        ("maude", maude(shared / "fda-maude-foitext-2007-software")),
        ("vaers", vaers(shared / "vaers-covid19-ohnlp")),
    ):
        with (OUT / f"{name}.jsonl").open("w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
        sys.stdout.write(f"{name}: {len(rows)} narratives\n")


if __name__ == "__main__":
    main()
