"""What the code suggester proposed for a report, and what the reporter filed (issue 18 item 3).

One row per suggested field of a filed report: the suggested code(s), the score, the code(s) the
reporter sent, and whether they are the same. Codes and numbers only: no narrative, no name, no
time (an anonymous report's filing time is kept to the hour elsewhere; a row here adds none). Used
to measure the suggester on real filings and to pick confirmed codings for retraining
(docs/suggest.md, "Narrative-first reporting").
"""

from __future__ import annotations

from django.db import models

from openpso.reporting.models.report import EventReport


class SuggestedField(models.TextChoices):
    EVENT_TYPE = "event_type", "Event type"
    CATEGORIES = "categories", "Categories"
    HARM = "harm", "Harm"


class SuggestionOutcome(models.Model):
    report = models.ForeignKey(EventReport, on_delete=models.CASCADE, related_name="suggestion_outcomes")
    field = models.CharField(max_length=16, choices=SuggestedField.choices)
    # Codes; several categories are space-separated, sorted. "" where nothing was suggested or sent.
    suggested = models.CharField(max_length=100, blank=True)
    score = models.FloatField(null=True, blank=True)  # categories: the top suggested category's score
    final = models.CharField(max_length=100, blank=True)
    accepted = models.BooleanField()  # the reporter sent what was suggested
    model_version = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "field"], name="one_outcome_per_report_field")]

    def __str__(self) -> str:
        return f"{self.field}: {self.suggested or '-'} → {self.final or '-'}"
