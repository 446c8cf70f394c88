"""Checking documents against the HL7 CDA R2 schema shipped in `data/hl7-cda-r2-schema` (lxml, lazily).

The schema is the base CDA R2 schema with HL7's SDTC extensions; the PSOPPC's templates and
schematron are not public and are not checked (docs/interchange.md).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

SCHEMA = (
    Path(__file__).resolve().parent / "data/hl7-cda-r2-schema/schema/extensions/SDTC/infrastructure/cda/CDA_SDTC.xsd"
)


V3 = "{urn:hl7-org:v3}"


@cache
def _schema() -> Any:
    from lxml import etree  # type: ignore[import-untyped]  # heavy: loaded by the export, never by a page

    return etree.XMLSchema(etree.parse(str(SCHEMA)))


def problems(document: bytes) -> list[str]:
    """Each schema error as "PATH: why" (the element by its XPath in the document), [] if valid."""
    from lxml import etree  # type: ignore[import-untyped]

    schema = _schema()
    root = etree.fromstring(document)
    if schema.validate(root):
        return []
    tree = root.getroottree()
    return [f"{_readable(tree, error.path)}: {error.message.replace(V3, '')}" for error in schema.error_log]


def _readable(tree: Any, path: str | None) -> str:
    """`/*/*[2]` as `/ClinicalDocument/title`: the element by its names, as a reader would look for it."""
    try:
        found = tree.xpath(path) if path else []
    except Exception:  # lxml's XPath errors have no common base we can name without importing lxml
        found = []
    if not found:
        return path or "(document)"
    names = [_local(e.tag) for e in (*reversed(list(found[0].iterancestors())), found[0])]
    return "/" + "/".join(names)


def _local(tag: Any) -> str:
    return str(tag).rsplit("}", 1)[-1]
