"""Word lists that ship inside installed packages (nothing is fetched at run time).

- US Census 1990 first and last names, carried by the `names` package (public-domain
  data, MIT package): 5,163 first names and 88,799 surnames; and the first and last names
  of Faker's 57 Latin-script locales (about 20,000 and 18,000), for patients and staff
  whose names the 1990 Census did not count.
- English word frequencies from `wordfreq` (its bundled "large" English list), read as
  Zipf values: 7 for "the", 5 for "hospital", 3 for "alvarez", 0 for words it has never
  seen. A surname that is also a common word ("Brown", "Ward", "Nurse") needs context.
- Drug names, generic and brand (26,500 single words), from the dictionary that ships in
  `drug-named-entity-recognition` (MIT; DrugBank CC0, MedlinePlus and Wikipedia data), so
  "Lamisil" and "Zosyn" are not taken for people or places.
- US city and county names from `zipcodes` (USPS data, MIT package).
- OpenPSO's own lists in `data/`: clinical eponyms, brands and device names that are
  also surnames ("Foley catheter", "Hoyer lift", "Morse fall scale"), so they are not
  taken for people.

Everything is loaded once per process and kept in frozensets and dicts; worker processes
forked after `warm()` share the pages.
"""

from __future__ import annotations

import marshal
import math
import os
import sys
from collections.abc import Callable
from functools import cache
from importlib.resources import files
from pathlib import Path


def _census(name: str) -> frozenset[str]:
    # The package's files carry frequencies and ranks beside each name; the names alone read
    # several times faster from the cache.
    def build() -> frozenset[str]:
        text = (files("names") / name).read_text(encoding="ascii")
        return frozenset(line.split()[0].lower() for line in text.splitlines() if line.strip())

    return _cached(f"census-{name}", "names", build)


@cache
def census_first_names() -> frozenset[str]:
    return _census("dist.male.first") | _census("dist.female.first")


@cache
def first_names() -> frozenset[str]:
    """Census first names and those of Faker's Latin-script locales (Zoltán, Piotr, Niall …)."""
    return census_first_names() | _faker_names()[0]


@cache
def last_names() -> frozenset[str]:
    return _census("dist.all.last") | _faker_names()[1]


@cache
def _faker_names() -> tuple[frozenset[str], frozenset[str]]:
    first = _cached("faker-first-names", "faker", lambda: _build_faker_names(first=True))
    last = _cached("faker-last-names", "faker", lambda: _build_faker_names(first=False))
    return first, last


def _build_faker_names(*, first: bool) -> frozenset[str]:
    """Names from every Latin-script locale of Faker's person provider (MIT; the lists are
    compiled from public name statistics). US hospitals treat patients from everywhere."""
    import importlib
    import pkgutil

    import faker.providers.person as person

    def words(provider: type, attribute: str) -> list[str]:
        for klass in provider.__mro__:
            if attribute in klass.__dict__:
                value = klass.__dict__[attribute]
                return (
                    list(value.keys() if isinstance(value, dict) else value)
                    if isinstance(value, (dict, list, tuple))
                    else []
                )
        return []

    found: set[str] = set()
    for module in pkgutil.iter_modules(person.__path__):
        try:
            provider = importlib.import_module(f"{person.__name__}.{module.name}").Provider
        except (ImportError, AttributeError):
            continue
        given = (
            words(provider, "first_names") + words(provider, "first_names_male") + words(provider, "first_names_female")
        )
        if not given or not all(ord(ch) < 0x250 for name in given[:30] for ch in str(name)):
            continue  # another script: the engine reads Latin-script notes
        names = given if first else words(provider, "last_names")
        found |= {str(n).lower() for n in names if str(n).replace("-", "").replace("'", "").isalpha()}
    return frozenset(found)


# Every frequency cut-off in the engine is 2.5 or more, and compares with "<" or ">=": a word
# rarer than this floor answers every question as an unknown word (Zipf 0) does. Keeping only
# the words at or above it shrinks the table from 321,000 words to the ones that matter, which
# is most of the CLI's start-up (issue 14: under 0.5 s to the first scrubbed report).
ZIPF_FLOOR = 2.5


@cache
def _frequencies() -> dict[str, float]:
    folder = _cache_folder()
    path = (
        folder
        / f"deid-zipf-{ZIPF_FLOOR}-wordfreq-{version('wordfreq')}-py{sys.version_info[0]}{sys.version_info[1]}.marshal"
    )
    try:
        table = marshal.loads(path.read_bytes())  # noqa: S302 - our own cache file, written just below
        if isinstance(table, dict):
            return table
    except (OSError, ValueError, EOFError, TypeError):
        pass
    table = _build_frequencies()
    _write_atomically(path, marshal.dumps(table))
    return table


def _build_frequencies() -> dict[str, float]:
    from wordfreq import get_frequency_dict

    table = {word: math.log10(freq * 1e9) for word, freq in get_frequency_dict("en", wordlist="large").items()}
    return {word: value for word, value in table.items() if value >= ZIPF_FLOOR}


def zipf(word: str) -> float:
    """How common `word` is in English (lower-cased), 0 when unknown."""
    return _frequencies().get(word.lower(), 0.0)


def _cached(name: str, package: str, build: Callable[[], frozenset[str]]) -> frozenset[str]:
    """A word list derived from a package's data, kept in a cache file keyed by its version.

    Unpacking the packages' own files takes seconds (the drug dictionary is a 1.5 MB bz2
    pickle); the derived list reads in milliseconds. The cache is only an optimisation:
    when it cannot be written the list is simply built each time.
    """
    path = _cache_folder() / f"deid-{name}-{package}-{version(package)}.txt"
    try:
        return frozenset(path.read_text(encoding="utf-8").split("\n"))
    except OSError:
        pass
    words = build()
    _write_atomically(path, "\n".join(sorted(words)).encode("utf-8"))
    return words


def version(distribution: str) -> str:
    """The installed version of `distribution`, read from its `NAME-VERSION.dist-info` folder name.

    The cache files are keyed by it. `importlib.metadata` gives the same answer, but importing it
    costs about 0.08 CPU s, a sixth of `openpso deid`'s start-up; it stays the fallback for any
    installation this cheap reading does not recognise.
    """
    return _dist_versions().get(distribution.replace("-", "_").replace(".", "_").lower()) or _metadata_version(
        distribution
    )


@cache
def _dist_versions() -> dict[str, str]:
    """Normalised distribution name -> version, for each name found exactly once on sys.path."""
    found: dict[str, list[str]] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            stem = name.removesuffix(".dist-info")
            if stem != name and stem.count("-") == 1:
                dist, number = stem.split("-")
                found.setdefault(dist.replace(".", "_").lower(), []).append(number)
    return {dist: numbers[0] for dist, numbers in found.items() if len(numbers) == 1}


def _metadata_version(distribution: str) -> str:
    from importlib.metadata import version as metadata_version

    return metadata_version(distribution)


def _cache_folder() -> Path:
    return Path(
        os.environ.get("OPENPSO_CACHE_DIR")
        or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "openpso"
    )


def _write_atomically(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(data)
        partial.replace(path)  # atomic: a concurrent reader sees the old state or the whole file
    except OSError:
        pass


def _build_drugs() -> frozenset[str]:
    import bz2
    import pickle

    # The package's own data file, read directly: importing the package would also open a
    # cache file in the user's home directory.
    path = files("drug_named_entity_recognition") / "drug_ner_dictionary.pkl.bz2"
    with path.open("rb") as raw, bz2.open(raw) as unpacked:
        table = pickle.load(unpacked)  # noqa: S301 - a data file shipped inside an installed package
    return frozenset(
        word for word in table["drug_variant_to_canonical"] if word.isalpha() and len(word) > 3 and " " not in word
    )


@cache
def drugs() -> frozenset[str]:
    return _cached("drugs", "drug-named-entity-recognition", _build_drugs)


def _build_cities() -> frozenset[str]:
    import zipcodes

    found: set[str] = set()
    for row in zipcodes.list_all():  # type: ignore[no-untyped-call]
        found.add(row["city"].lower())
        county = row["county"]
        if county:
            found.add(county.lower())
            found.add(county.lower().removesuffix(" county").removesuffix(" parish").removesuffix(" borough"))
    return frozenset(found)


@cache
def cities() -> frozenset[str]:
    return _cached("cities", "zipcodes", _build_cities)


def _own(name: str) -> frozenset[str]:
    text = (files("openpso.nonid.deid") / "data" / name).read_text(encoding="utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")
    )


@cache
def not_names() -> frozenset[str]:
    """Words that look like names in clinical text but are not people (eponyms, brands …)."""
    return _own("not_names.txt")


@cache
def common_word_names() -> frozenset[str]:
    """Census first names that are ordinary words too ("Grace", "Will", "Hope")."""
    return _own("common_word_names.txt")


@cache
def generic_place_words() -> frozenset[str]:
    """Words that make a facility name generic ("the Medical Center") rather than identifying."""
    return _own("generic_place_words.txt")


def warm() -> None:
    """Load every list now (before forking workers, and so the first note is not slow)."""
    census_first_names()
    first_names()
    last_names()
    _frequencies()
    drugs()
    cities()
    not_names()
    common_word_names()
    generic_place_words()
