"""Drug names for the medication questions, from a list shipped with OpenPSO (offline).

The list is the dictionary of the `drug-named-entity-recognition` package (MIT; its data from
DrugBank CC0, MeSH, MedlinePlus and Wikipedia): of its 20,000 entries, the 12,600 medicines
(those with a DrugBank, MedlinePlus or NHS entry) under 50,000 generic and brand spellings. It
carries DrugBank and MeSH ids, **not RxNorm RxCUIs**, and no RxNorm source ships with OpenPSO, so:

- the Medication module's name questions are answered with the chosen name as free text,
  which is what the definition asks for (CFER-H 1.2 Medication/DE318 "Generic name or
  investigational drug name" and DE321 "Brand name" are `string` items);
- no code is stored with it: the definition's code slots are RxCUIs (DE319, DE322, DE328,
  DE331), and a DrugBank or MeSH id must not be put where an RxCUI is expected. The reporter's
  form leaves those RxCUI questions out (`module_forms.RXCUI_ITEMS`).

Reading the package's 1.5 MB bz2 pickle takes seconds, so the derived name list is kept in a
cache file keyed by the package's version (as `openpso.nonid.deid.lexicon` does for its words).
"""

from __future__ import annotations

import bisect
import bz2
import os
import pickle
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from importlib.resources import files
from pathlib import Path
from typing import Any

from django import forms
from django.urls import reverse

PACKAGE = "drug-named-entity-recognition"
MIN_QUERY = 2
LIMIT = 10
GENERIC, BRAND = "generic", "brand"
# The form questions that take each kind of name (CFER-H 1.2 Medication).
KIND_OF_ITEM = {"Medication/DE318": GENERIC, "Medication/DE321": BRAND}


@dataclass(frozen=True)
class Spelling:
    """One way of writing a drug: `text` (lowercase, as searched) names the drug `generic`."""

    text: str
    generic: str  # the drug's generic name as the dictionary writes it, e.g. "Metoprolol"
    brand: bool


def _cache_path() -> Path:
    folder = Path(
        os.environ.get("OPENPSO_CACHE_DIR")
        or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "openpso"
    )
    return folder / f"drug-names-{PACKAGE}-{version(PACKAGE)}.tsv"


def _from_package() -> list[Spelling]:
    # The package's own data file, read directly: importing the package would also open a
    # cache file in the user's home directory.
    path = files("drug_named_entity_recognition") / "drug_ner_dictionary.pkl.bz2"
    with path.open("rb") as raw, bz2.open(raw) as unpacked:
        table: dict[str, Any] = pickle.load(unpacked)  # noqa: S301 - a data file inside an installed package
    canonical = table["drug_canonical_to_data"]
    spellings = []
    for text, targets in table["drug_variant_to_canonical"].items():
        for target in targets:
            data = canonical.get(target, {})
            # Medicines only: the dictionary also holds MeSH chemistry and biology headings
            # ("Heparin Cofactor II", receptors, proteins). A drug has a DrugBank, MedlinePlus
            # or NHS entry.
            if not (data.get("drugbank_id") or data.get("medline_plus_id") or data.get("nhs_url")):
                continue
            spellings.append(Spelling(text=text, generic=data.get("name") or target, brand=text != target))
    return spellings


@cache
def spellings() -> tuple[Spelling, ...]:
    """Every spelling, sorted, read from the cache file or built from the package."""
    path = _cache_path()
    try:
        rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()]
        return tuple(Spelling(text=t, generic=g, brand=b == "1") for t, g, b in rows)
    except (OSError, ValueError):
        pass
    built = sorted(_from_package(), key=lambda s: (s.text, s.generic))
    built = [s for s in built if "\t" not in s.text + s.generic and "\n" not in s.text + s.generic]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(
            "".join(f"{s.text}\t{s.generic}\t{int(s.brand)}\n" for s in built),
            encoding="utf-8",
        )
        partial.replace(path)  # atomic: a concurrent reader sees the old file or the whole new one
    except OSError:
        pass
    return tuple(built)


@cache
def _texts() -> tuple[str, ...]:
    return tuple(s.text for s in spellings())


def search(query: str, *, kind: str = GENERIC, limit: int = LIMIT) -> list[str]:
    """Names to suggest for what the reporter typed: the exact name first, then names starting
    with it (shortest first), then other spellings starting with it, then names containing it.
    For `GENERIC`, a brand typed ("Lopressor") suggests its generic name ("Metoprolol"); for
    `BRAND`, the brand names."""
    words = " ".join(query.lower().split())[:60]
    if len(words) < MIN_QUERY:
        return []
    every, texts = spellings(), _texts()
    start = bisect.bisect_left(texts, words)
    end = bisect.bisect_left(texts, words + "\uffff", lo=start)
    found: dict[str, tuple[int, int, str]] = {}

    def consider(spelling: Spelling, rank: int) -> None:
        if kind == BRAND and not spelling.brand:
            return
        name = spelling.text.title() if kind == BRAND else spelling.generic
        score = (rank, len(name), name.lower())
        if name not in found or score < found[name]:
            found[name] = score

    for spelling in every[start:end]:
        # The name typed, then drugs whose own name starts with it, then other spellings (a
        # brand, a synonym) that do: "morph" suggests Morphine before Codeine (methylmorphine).
        shown = spelling.text if kind == BRAND else spelling.generic.lower()
        consider(spelling, 0 if spelling.text == words else 1 if shown.startswith(words) else 2)
    if len(found) < limit and len(words) >= 3:
        for spelling in every:
            if words in spelling.text and not spelling.text.startswith(words):
                consider(spelling, 3)
    return sorted(found, key=lambda name: found[name])[:limit]


def search_widget(field: forms.Field, link_id: str) -> None:
    """Turn a free-text drug-name question into a search box with suggestions (a <datalist>
    filled by htmx from `drug-search`; typed text that is not on the list is kept as typed)."""
    kind = KIND_OF_ITEM.get(link_id, GENERIC)
    field.drug_search = kind  # type: ignore[attr-defined]
    field.widget.attrs.update(
        {
            "autocomplete": "off",
            "data-drug-search": kind,
            "hx-trigger": "input changed delay:250ms, focus once",
            "hx-swap": "innerHTML",
        }
    )
    field.help_text = (
        "Start typing and choose from the list, or type the name as written on the label."
        if not field.help_text
        else field.help_text
    )


def search_url(*, anonymous: bool) -> str:
    return reverse("channel:anonymous-drugs" if anonymous else "reporting:drug-search")
