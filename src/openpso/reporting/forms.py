"""The web form for a new report. It only renders and parses widgets; the rules live in
`schemas.ReportIn`, so the page and the API can never disagree about what is valid."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from openpso.commonformats.catalogue import form, modules_for
from openpso.commonformats.definitions import INCIDENT, NEAR_MISS, OTHER_CATEGORY, UNSAFE_CONDITION, herf_core
from openpso.organizations.models import Organization, Unit
from openpso.organizations.timezones import ZonedDateTimeField, zone_of
from openpso.reporting import drugs, module_forms
from openpso.reporting.labels import EVENT_TYPE_PHRASES, label_for, reporter_display
from openpso.reporting.modules import HERF
from openpso.reporting.schemas import FieldError, category_conflicts

_HERF = herf_core()


# Shown only when they apply (the server checks the same rules in schemas.ReportIn).
CORE_SKIP_LOGIC = {
    "harm": {"behavior": "all", "when": [{"field": "event_type", "operator": "=", "answer": INCIDENT}]},
    "category_other": {"behavior": "all", "when": [{"field": "categories", "operator": "=", "answer": OTHER_CATEGORY}]},
}
# HERF patient identifiers asked for on the page (kept encrypted in the report's answers).
PATIENT_IDENTIFIERS = ("HERF/DE46", "HERF/DE47", "HERF/DE49")
# What ReportIn requires (or requires when shown): marked "*" and `required` on the page.
# The form stays `novalidate`: the server's messages in words replace the browser's.
NEEDED_NOW = ("event_type", "categories", "category_other", "discovered_at", "narrative", "harm")


# The EMS extension asks 'What are you reporting?' again; left blank, it follows the event
# type the reporter already chose (a violence report is the reporter's own answer).
EMS_MODULE = "openpso-ext/ems-1.0"
EMS_REPORT_TYPE = {INCIDENT: "OPSO-EMS-TYPE-PSE", NEAR_MISS: "OPSO-EMS-TYPE-NEAR-MISS"}


# What a datetime-local input posts (the page's discovery time).
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def files_anonymously(post: Any) -> bool:
    """Whether a post of the report form has "Report anonymously" ticked."""
    return bool(forms.CheckboxInput().value_from_datadict(post, MultiValueDict(), "anonymous"))


def _ems_report_type_from_event_type(answers: dict[str, Any], *, chosen: list[str], event_type: Any) -> None:
    if EMS_MODULE in chosen and not answers.get("EMS/report_type") and event_type in EMS_REPORT_TYPE:
        answers["EMS/report_type"] = EMS_REPORT_TYPE[event_type]


def _choices(element: str) -> list[tuple[str, str]]:
    return [(code, reporter_display(display)) for code, display in _HERF[element].choices()]


class CategoryCheckboxes(forms.CheckboxSelectMultiple):
    """DE21 categories, each saying which event types AHRQ does not collect it for
    (`data-not-for="A6 A9"`): the page script hides those for the chosen type, and
    `schemas.category_conflicts` refuses the same combinations on the server."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option: dict[str, Any] = super().create_option(*args, **kwargs)
        code = str(option["value"])
        not_for = [t for t in (NEAR_MISS, UNSAFE_CONDITION) if category_conflicts(t, [code])]
        if not_for:
            option["attrs"]["data-not-for"] = " ".join(not_for)
        return option


class ReportForm(forms.Form):
    # "What happened?" first: the reporter may start by writing, and the signed-in form suggests
    # the codes below from it (issue 18 item 3; `suggest_from_narrative`).
    CORE_FIELD_ORDER = (
        "narrative",
        "event_type",
        "categories",
        "category_other",
        "harm",
        "discovered_at",
        "unit",
        "location_detail",
        "patient_age_years",
        "patient_sex",
    )
    REPORTER_FIELD_ORDER = ("reporter_role", "anonymous")
    # HERF v1.2 asks for patient identifiers only when an incident reached a patient.
    PATIENT_IDS_RULE = json.dumps(
        {"behavior": "all", "when": [{"field": "event_type", "operator": "=", "answer": INCIDENT}]}
    )

    event_type = forms.ChoiceField(
        label=_HERF["DE3"].text,
        choices=_choices("DE3"),
        widget=forms.RadioSelect,
        required=False,
        help_text="Incident: reached the patient. Near miss: caught before it reached the patient. "
        "Unsafe condition: something that could cause an event.",
    )
    categories = forms.MultipleChoiceField(
        label="What kind of event?",
        choices=_choices("DE21"),
        widget=CategoryCheckboxes,
        required=False,
        help_text="Choose at least one, and every one that applies.",
    )
    category_other = forms.CharField(label="If other, what kind?", required=False, max_length=200)
    discovered_at = ZonedDateTimeField(
        label="When was it discovered?",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )
    unit = forms.ModelChoiceField(
        label="Where did it happen?", queryset=Unit.objects.none(), required=False, empty_label="— choose the unit —"
    )
    location_detail = forms.CharField(
        label="Location details", required=False, max_length=500, help_text="Room, bay or vehicle, if it matters."
    )
    narrative = forms.CharField(
        label="What happened?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": 2000}),
        help_text="Describe the facts: what happened, what was done. No blame needed.",
    )
    harm = forms.ChoiceField(
        label="Harm to the patient (incidents only)",
        required=False,
        widget=forms.RadioSelect,
        # No blank "Not applicable" radio: the question shows only for an incident, which
        # needs a harm level (schemas.ReportIn); hidden for the others, it posts nothing.
        choices=_choices("PIF/harm"),
    )
    patient_age_years = forms.IntegerField(
        label="Patient's age in years (optional)", required=False, min_value=0, max_value=130
    )
    patient_sex = forms.ChoiceField(
        label="Patient's sex (optional)", required=False, choices=[("", "—"), *_choices("DE42")]
    )
    anonymous = forms.BooleanField(
        label="Report anonymously",
        required=False,
        help_text="Sent as the anonymous page sends it: no name or job, the time only to the hour, no draft "
        "kept; you get a receipt code to follow it up.",
    )
    # The discovery time the page suggested (now, to the minute). An anonymous filing that
    # leaves it as suggested keeps only the hour (AnonymousReportForm): it would date the filing.
    discovered_at_suggested = forms.CharField(required=False, widget=forms.HiddenInput, max_length=32)
    reporter_role = forms.CharField(label="Your job or position (optional)", required=False, max_length=100)

    # The anonymous channel's form sets this: its drug search is the identity-free one.
    anonymous_channel = False
    # Where the narrative is posted for suggested codes as the reporter writes (None: no suggestions).
    suggest_url: str | None = None

    def __init__(
        self,
        *args: Any,
        provider: Organization,
        home_unit: Unit | None = None,
        posted_modules_only: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.provider = provider
        # Every module this provider might need is on the page (so it works offline and
        # without a round trip); the page script shows those the chosen categories call for.
        # A filing needs only the modules its posted categories call for (the answers of any
        # other are dropped anyway): `posted_modules_only` skips building the rest, which is
        # most of a POST's time. Such a form is for filing, not for a page.
        codes = list(_HERF["DE21"].codes)
        if posted_modules_only and self.is_bound:
            data = self.data
            posted = data.getlist("categories") if isinstance(data, MultiValueDict) else data.get("categories")
            codes = [c for c in (posted or []) if c in set(codes)]
        self.modules = modules_for(categories=codes, provider_type=provider.provider_type or None)
        herf = form(HERF)
        for link_id in PATIENT_IDENTIFIERS:
            field = module_forms.make_field(herf.item(link_id))
            assert field is not None
            field.label = f"{field.label} (optional)"
            self.fields[module_forms.field_name(link_id)] = field
        module_forms.add_module_fields(self, self.modules, reporter=True)
        self.module_sections = [
            (m, module_forms.bind(self, module_forms.questions(m, reporter=True))) for m in self.modules
        ]
        self._mark_needed()
        self._wire_drug_search()
        units = self.fields["unit"]
        assert isinstance(units, forms.ModelChoiceField)
        units.queryset = Unit.objects.filter(provider=provider, active=True)
        # The nurse types, and reads the default in, the provider's local time.
        discovered_at = self.fields["discovered_at"]
        assert isinstance(discovered_at, ZonedDateTimeField)
        discovered_at.zone = zone_of(provider)
        if not self.is_bound:
            now = timezone.localtime(timezone=discovered_at.zone)
            self.initial.setdefault("discovered_at", now.replace(second=0, microsecond=0))
            self.initial.setdefault("discovered_at_suggested", now.strftime(DATETIME_LOCAL))
            if home_unit is not None:
                self.initial.setdefault("unit", home_unit.pk)

    def _mark_needed(self) -> None:
        for name in NEEDED_NOW:
            field = self.fields[name]
            field.needed = "now"  # type: ignore[attr-defined]
            if isinstance(field.widget, forms.CheckboxSelectMultiple):
                continue  # `required` on each box would say every box must be ticked
            field.widget.attrs["required"] = True
            if not isinstance(field.widget, forms.RadioSelect):
                field.widget.attrs["aria-required"] = "true"

    def _wire_drug_search(self) -> None:
        url = drugs.search_url(anonymous=self.anonymous_channel)
        for name, field in self.fields.items():
            kind = getattr(field, "drug_search", None)
            if kind:
                options = f"{self.auto_id % name}_drugs" if isinstance(self.auto_id, str) else f"{name}_drugs"
                field.widget.attrs.update(
                    {"list": options, "hx-get": url, "hx-target": f"#{options}", "hx-vals": f'{{"kind": "{kind}"}}'}
                )

    def suggest_from_narrative(self, url: str) -> None:
        """Post "What happened?" to `url` as the reporter writes (htmx, after a pause in typing):
        the answer is the suggestion panel under it (`reporting/_suggestions.html`), and
        suggest.js ticks the suggested answers the reporter has not chosen. Only the text, the
        "Report anonymously" box and the CSRF token are sent. Without JavaScript nothing is sent."""
        self.suggest_url = url
        self.fields["narrative"].widget.attrs.update(
            {
                "hx-post": url,
                "hx-trigger": "input changed delay:600ms",
                "hx-target": "#suggestions",
                "hx-swap": "innerHTML",
                "hx-sync": "this:replace",
                "hx-params": "csrfmiddlewaretoken,narrative,anonymous",
            }
        )

    @property
    def category_notes(self) -> dict[str, str]:
        """For the page script: why categories are not offered for a near miss or unsafe condition."""
        notes = {}
        for event_type in (NEAR_MISS, UNSAFE_CONDITION):
            names = [
                reporter_display(a.display) for a in _HERF["DE21"].answers if category_conflicts(event_type, [a.code])
            ]
            notes[event_type] = (
                f"Not offered for {EVENT_TYPE_PHRASES[event_type]}, as the Common Formats do not collect "
                f"them for it: {', '.join(names)}."
            )
        return notes

    @property
    def category_notes_json(self) -> str:
        return json.dumps(self.category_notes)

    @property
    def patient_identifier_fields(self) -> list[forms.BoundField]:
        return [self[module_forms.field_name(link_id)] for link_id in PATIENT_IDENTIFIERS]

    @property
    def core_fields(self) -> list[tuple[forms.BoundField, str]]:
        """Core fields in page order, each with its skip rule for the page script (or "")."""
        return [
            (self[name], json.dumps(CORE_SKIP_LOGIC[name]) if name in CORE_SKIP_LOGIC else "")
            for name in self.CORE_FIELD_ORDER
            if name in self.fields
        ]

    def add_field_errors(self, errors: list[FieldError]) -> None:
        """Show each error on its question: core fields by name, module answers by linkId."""
        for error in errors:
            name = error.field
            if name.startswith("answers."):
                name = module_forms.link_id_to_field(name.removeprefix("answers."))
            if name in self.fields:
                # The summary and the field already show the field's label: the reason alone.
                self.add_error(name, error.message.removeprefix(f"{label_for(error.field)}: "))
            else:
                self.add_error(None, error.message)  # it names the field (errors.in_words)

    def report_data(self, provider: Organization) -> dict[str, Any]:
        cleaned = dict(self.cleaned_data)
        chosen = modules_for(
            categories=list(cleaned.get("categories") or []), provider_type=provider.provider_type or None
        )
        answers = module_forms.answers_from(cleaned, chosen)
        _ems_report_type_from_event_type(answers, chosen=[m.key for m in chosen], event_type=cleaned.get("event_type"))
        for link_id in PATIENT_IDENTIFIERS:
            value = cleaned.get(module_forms.field_name(link_id))
            if value not in (None, ""):
                answers[link_id] = module_forms.answer_value(value)
        cleaned.pop("discovered_at_suggested", None)
        data = {k: v for k, v in cleaned.items() if not k.startswith("m__")}
        data["answers"] = answers
        data["provider"] = provider.slug
        data["unit"] = data["unit"].pk if data.get("unit") else None
        data["discovered_at"] = data.get("discovered_at") or None
        if data["discovered_at"] is None:
            del data["discovered_at"]
        return data
