"""The safety manager's review of a scrubbed narrative, and their corrections.

A `NarrativeReview` keeps what the engine found in one report's narrative (offsets and
types, never the text) and whether a person approved the result. Each `ScrubCorrection`
is one added or undone span: append-only, because the corrections are the labelled
examples the engine is later improved with, and a record of who decided what leaves the
provider. Identifier text is PHI, so nothing here stores it: offsets into the encrypted
narrative suffice, and the digest of the narrative a review was made for is itself kept
encrypted (a plain hash of a short narrative could be confirmed by guessing).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models

from openpso.encryption.fields import EncryptedTextField
from openpso.lib.appendonly import AppendOnlyModel, AppendOnlyQuerySet
from openpso.organizations.models import Organization
from openpso.reporting.models import EventReport


class ReviewState(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"


class NarrativeReview(models.Model):
    """One review of one version of a report's narrative.

    The engine's spans are written once, when the review is made; approval is the only
    change a review takes. A narrative that changed afterwards makes the review stale
    and `review.review_for` starts a new one (the old one stays, as the record).
    """

    report = models.ForeignKey(EventReport, on_delete=models.PROTECT, related_name="narrative_reviews")
    engine_version = models.CharField(max_length=40)
    # [{"start": 8, "end": 18, "type": "PATIENT", "source": "context"}, ...]: offsets and codes only.
    engine_spans = models.JSONField(default=list)
    narrative_digest = EncryptedTextField()  # SHA-256 of the narrative this review was made for
    state = models.CharField(max_length=10, choices=ReviewState.choices, default=ReviewState.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-id"]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["report", "-id"])]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=models.Q(state="draft", approved_at__isnull=True)
                | models.Q(state="approved", approved_at__isnull=False),
                name="nonid_review_approved_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"De-identification review {self.pk} of report {self.report_id}"

    @property
    def is_approved(self) -> bool:
        return self.state == ReviewState.APPROVED


class CorrectionAction(models.TextChoices):
    ADD = "add", "Added a missed identifier"
    REMOVE = "remove", "Undid a span"


class ScrubCorrection(AppendOnlyModel):
    """One reviewer decision about one span: a labelled example for the engine.

    `remove` records the type the span had, so a false positive keeps its label too.
    Applied in order (`id`), later decisions override earlier ones.
    """

    review = models.ForeignKey(NarrativeReview, on_delete=models.PROTECT, related_name="corrections")
    action = models.CharField(max_length=10, choices=CorrectionAction.choices)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    span_type = models.CharField(max_length=20)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    made_at = models.DateTimeField()

    objects: ClassVar[Any] = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering: ClassVar[list[str]] = ["id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(condition=models.Q(start__lt=models.F("end")), name="nonid_correction_start_lt_end"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.span_type} {self.start}–{self.end} on review {self.review_id}"


class ProviderPseudonym(models.Model):
    """A member provider's code in its PSO's pool: drawn at random, kept here, never computed.

    42 CFR 3.212(a)(3) and 45 CFR 164.514(c) allow a re-identification code only when it is not
    derived from information about the provider: a keyed hash of the id is such a derivation, a
    random code in a table the PSO holds is not. The code is drawn the first time the provider's
    data is pooled and then kept, so it is stable for that PSO; another PSO draws its own. Only
    the PSO's logged re-identification (`pseudonyms.reidentify`) reads this table from the code
    side.
    """

    pso = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=14)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["pso", "provider"], name="nonid_pseudonym_one_per_provider"),
            models.UniqueConstraint(fields=["pso", "code"], name="nonid_pseudonym_code_unique"),
        ]

    def __str__(self) -> str:
        return f"pseudonym of provider {self.provider_id} in PSO {self.pso_id}"


class ExpertDetermination(models.Model):
    """A documented expert determination (42 CFR 3.212(a)(1); 45 CFR 164.514(b)(1)) that a release
    profile finer than removal allows is safe for its recipients, recorded by a PSO administrator.

    The rule asks that the expert "documents the methods and results": the method and the measured
    risk (a number and what it measures) are required here, and the determination authorises its
    profile (`scope`) only until it expires. A determination is never edited: a new one is recorded
    and the old one left to expire or be withdrawn (`withdrawn_at`), so every release names the one
    it relied on as it was.
    """

    pso = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    expert = models.CharField(max_length=200)  # the person's name
    qualification = models.CharField(max_length=300)  # their statistical or scientific standing
    determined_on = models.DateField()
    method = models.TextField()
    risk_measured = models.DecimalField(max_digits=7, decimal_places=6)  # e.g. 0.040000
    risk_measure = models.CharField(max_length=200)  # what the number measures
    scope = models.CharField(max_length=40)  # the profile id it authorises, e.g. "release-ed/1"
    expires_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-expires_on", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=models.Q(expires_on__gt=models.F("determined_on")), name="nonid_determination_expires_after"
            ),
            models.CheckConstraint(
                condition=models.Q(risk_measured__gte=0, risk_measured__lte=1), name="nonid_determination_risk_0_1"
            ),
        ]

    def __str__(self) -> str:
        return f"expert determination {self.pk} ({self.scope}, until {self.expires_on})"


class Release(AppendOnlyModel):
    """One output that left the PSO analyst's screen, with the profile it was made under and the
    k-anonymity of its peer attributes as measured on it (`openpso.nonid.release`)."""

    pso = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    what = models.CharField(max_length=80)  # e.g. "feedback.report:provider_monthly"
    object_id = models.CharField(max_length=64, blank=True)  # the released thing's id, where it has one
    recipient = models.ForeignKey(Organization, null=True, on_delete=models.PROTECT, related_name="+")
    profile = models.CharField(max_length=40)
    k_required = models.PositiveSmallIntegerField()
    k_measured = models.PositiveIntegerField(null=True)  # None: no peer attribute released
    determination = models.ForeignKey(ExpertDetermination, null=True, on_delete=models.PROTECT, related_name="+")
    rows = models.PositiveIntegerField()  # provider rows measured
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[Any] = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering: ClassVar[list[str]] = ["-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=models.Q(k_measured__isnull=True) | models.Q(k_measured__gte=models.F("k_required")),
                name="nonid_release_meets_k",
            ),
        ]

    def __str__(self) -> str:
        return f"release {self.pk} of {self.what} under {self.profile}"
