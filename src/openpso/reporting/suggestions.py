"""Narrative-first reporting (issue 18 item 3): the code suggester's proposals on the report form,
and what the reporter filed in the end.

As the reporter writes "What happened?", the form posts the text to `views.report_suggest`, which
answers with a small panel (`reporting/_suggestions.html`): the suggested event type, categories and
harm in words, the same codes as data for the page script (`suggest.js` ticks them where the reporter
has not chosen yet) and as hidden inputs sent with the report. At filing, `record_outcomes` keeps
per field what was suggested and what was sent (`SuggestionOutcome`): codes only.

The suggester (`openpso.suggest`: numpy, the model file, WordLlama's weights) is imported on the
first suggestion, never when the page starts; a served worker loads it in its warm-up
(`openpso.core.warmup`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from openpso.commonformats.definitions import INCIDENT
from openpso.reporting.models import SuggestedField, SuggestionOutcome
from openpso.reporting.schemas import category_conflicts
from openpso.suggest.codes import CATEGORIES, EVENT_TYPES, HARM

if TYPE_CHECKING:
    from openpso.reporting.models import EventReport
    from openpso.suggest.model import Model

# Fewer characters than this say too little to suggest from ("pt fell" is 7).
MIN_CHARS = 12
# The form's narrative is at most 2,000 characters; a longer post is cut, not refused.
MAX_CHARS = 2000
_VERSION = re.compile(r"[\w./:+-]{1,64}")


@dataclass(frozen=True)
class Shown:
    """What the panel proposed: HERF-1.2 codes ("" for none) and the model that proposed them."""

    event_type: str
    categories: tuple[str, ...]
    category_score: float | None
    harm: str
    model_version: str

    @property
    def words(self) -> list[str]:
        """The suggested answers as the form words them, for the panel."""
        from openpso.reporting.forms import ReportForm  # the form's own labels (forms imports this app's models)

        out = []
        for name, codes in (("event_type", [self.event_type]), ("categories", self.categories), ("harm", [self.harm])):
            labels = dict(ReportForm.base_fields[name].choices)  # type: ignore[attr-defined]
            out += [str(labels.get(code, code)) for code in codes if code]
        return out


def model_version(model: Model) -> str:
    return f"{model.meta.get('format', '')}:{model.meta.get('data', '')}"


def suggest(text: str) -> Shown | None:
    """The suggestion for a narrative being written, or None while it is too short to say."""
    text = text.strip()[:MAX_CHARS]
    if len(text) < MIN_CHARS:
        return None
    from openpso.suggest.model import shipped  # numpy and the model: on first use (warm-up: at start)

    model = shipped()
    suggestion = model.suggest([text])[0]
    # Categories the Common Formats do not collect for the suggested event type are not offered
    # for it on the form (schemas.category_conflicts): never suggest one.
    ranked = [(c, s) for c, s in suggestion.categories if not category_conflicts(suggestion.event_type, [c])]
    return Shown(
        event_type=suggestion.event_type,
        categories=tuple(sorted(c for c, _ in ranked)),
        category_score=ranked[0][1] if ranked else None,
        harm=(suggestion.harm or "") if suggestion.event_type == INCIDENT else "",
        model_version=model_version(model),
    )


def shown_from_post(post: Mapping[str, Any]) -> Shown | None:
    """The suggestion the page sent with the report (its panel's hidden inputs), if any and well formed.

    Sent by the reporter's browser, so checked like any input: known codes only, or nothing kept.
    """
    version = str(post.get("suggestion_model") or "")
    if not _VERSION.fullmatch(version):
        return None
    event_type = str(post.get("suggested_event_type") or "")
    categories = tuple(sorted(set(str(post.get("suggested_categories") or "").split())))
    harm = str(post.get("suggested_harm") or "")
    if event_type not in ("", *EVENT_TYPES) or harm not in ("", *HARM) or not set(categories) <= set(CATEGORIES):
        return None
    try:
        score: float | None = float(str(post.get("suggested_category_score") or ""))
    except ValueError:
        score = None
    if score is not None and not 0.0 <= score <= 1.0:
        score = None
    return Shown(event_type, categories, score, harm, version)


def record_outcomes(report: EventReport, shown: Shown) -> list[SuggestionOutcome]:
    """One row per suggested field: what was suggested, what the reporter sent, the same or not."""
    final_categories = " ".join(sorted(report.categories or []))
    pairs = [
        (SuggestedField.EVENT_TYPE, shown.event_type, None, report.event_type or ""),
        (SuggestedField.CATEGORIES, " ".join(shown.categories), shown.category_score, final_categories),
        (SuggestedField.HARM, shown.harm, None, report.harm or ""),
    ]
    rows = [
        SuggestionOutcome(
            report=report,
            field=field,
            suggested=suggested,
            score=score,
            final=final,
            accepted=suggested == final,
            model_version=shown.model_version,
        )
        for field, suggested, score, final in pairs
        if suggested
    ]
    return SuggestionOutcome.objects.bulk_create(rows)
