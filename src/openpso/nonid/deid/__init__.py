"""The narrative de-identification engine: `scrub(text, context=...) -> ScrubResult`.

Pure Python (no Django), so the CLI's worker processes and the benchmark load it quickly.
"""

from openpso.nonid.deid.engine import VERSION, find, find_many, scrub
from openpso.nonid.deid.replace import placeholder, redact
from openpso.nonid.deid.types import DEFAULT_POLICY, SPAN_TYPES, Policy, ScrubContext, ScrubResult, Span

__all__ = [
    "DEFAULT_POLICY",
    "SPAN_TYPES",
    "VERSION",
    "Policy",
    "ScrubContext",
    "ScrubResult",
    "Span",
    "find",
    "find_many",
    "placeholder",
    "redact",
    "scrub",
]
