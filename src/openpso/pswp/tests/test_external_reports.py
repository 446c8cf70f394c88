"""External obligations from original records only (issue 15 item 1; 81 FR 32655).

An external report's every fact is one the user typed from original records; none is read
from an event report (a PSES record), and nothing links the two. A report still in the PSES
reaches an external obligation only by a documented drop-out."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openpso.audit.models import AuditEvent
from openpso.pswp import ledger
from openpso.pswp.actions import ExternalReportInvalid, OriginalFacts, build_external_report
from openpso.pswp.models import ORIGINAL_FACTS, REQUIRED_FACTS, ExternalReport, Obligation, PatientSex
from openpso.pswp.status import PswpStatus
from openpso.pswp.tests.helpers import file, ledger_audits, ledger_rows
from openpso.reporting.actions import file_report
from openpso.reporting.models import EventReport
from openpso.reporting.schemas import ReportIn

# Where each stored field of an external report comes from. A new field must say (the test
# below fails until it does), so nothing can start being filled from a PSWP record unnoticed.
TYPED = frozenset({"obligation", "obligation_detail", "due_on", "source", *ORIGINAL_FACTS})
NOT_FACTS = {
    "id": "the database",
    "provider": "the provider whose page it is",
    "created_by": "the signed-in user",
    "created_at": "the clock",
    "pswp_status": "the ledger (always not PSWP)",
    "pswp_status_at": "the ledger",
}

HARMS = ["LA20747-4", "LA20748-2", "LA20749-0", "LA21150-0", "LA21151-8", "LA4489-6"]
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=40)
SEXES = st.sampled_from(["", *PatientSex.values])
AGES = st.none() | st.integers(0, 110)
MOMENTS = st.none() | st.datetimes(dt.datetime(2020, 1, 1), dt.datetime(2026, 1, 1), timezones=st.just(dt.UTC))


def _complete_facts(obligation: str) -> OriginalFacts:
    return OriginalFacts(
        agency_category="Fall with injury",
        event_description="Found on the floor",
        discovered_at=timezone.now() - dt.timedelta(days=1),
        outcome="No fracture on X-ray",
        patient_age_years=70,
        patient_sex="F",
    )


def _build(cast: Any, facts: OriginalFacts, *, obligation: str = "other", source: str = "Chart note") -> ExternalReport:
    return build_external_report(
        provider=cast.orgs["p1"],
        actor=cast.users["safety_manager"],
        obligation=obligation,
        due_on=dt.date(2030, 1, 10),
        source=source,
        facts=facts,
    )


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    reported=st.fixed_dictionaries(
        {
            "harm": st.sampled_from(HARMS),
            "patient_age_years": AGES,
            "patient_sex": SEXES,
            "with_unit": st.booleans(),
        }
    ),
    typed=st.fixed_dictionaries(
        {
            "agency_category": TEXT,
            "event_description": TEXT.filter(lambda t: t.strip() != ""),
            "discovered_at": MOMENTS,
            "with_unit": st.booleans(),
            "outcome": TEXT,
            "patient_age_years": AGES,
            "patient_sex": SEXES,
        }
    ),
    same_as_report=st.booleans(),
    obligation_detail=TEXT,
    source=TEXT.filter(lambda t: t.strip() != ""),
)
def test_every_field_of_an_external_report_comes_from_what_the_user_typed_never_from_the_event_report(
    cast, reported, typed, same_as_report, obligation_detail, source
):
    unit = cast.units["p1"]
    report, _ = file_report(
        user=cast.users["reporter"],
        data=ReportIn.model_validate(
            {
                "provider": "t-p1",
                "event_type": "A3",
                "categories": ["A48"],
                "discovered_at": timezone.now() - dt.timedelta(hours=2),
                "narrative": "PSES narrative",
                "harm": reported["harm"],
                "patient_age_years": reported["patient_age_years"],
                "patient_sex": reported["patient_sex"],
                "unit": unit.pk if reported["with_unit"] else None,
            }
        ),
    )
    if same_as_report:
        # The user may type the very facts the report also holds (they are in the chart too).
        typed = {**typed, "patient_age_years": report.patient_age_years, "patient_sex": report.patient_sex}
    facts = OriginalFacts(
        agency_category=typed["agency_category"],
        event_description=typed["event_description"],
        discovered_at=typed["discovered_at"],
        unit=unit if typed["with_unit"] else None,
        outcome=typed["outcome"],
        patient_age_years=typed["patient_age_years"],
        patient_sex=typed["patient_sex"],
    )
    audits_before = AuditEvent.objects.filter(action="external_report.created").count()
    external = build_external_report(
        provider=cast.orgs["p1"],
        actor=cast.users["safety_manager"],
        obligation="other",
        obligation_detail=obligation_detail,
        due_on=dt.date(2030, 1, 10),
        source=source,
        facts=facts,
    )
    external = ExternalReport.objects.get(pk=external.pk)  # as stored, decrypted

    stored = {f.name for f in ExternalReport._meta.concrete_fields}
    assert stored == TYPED | set(NOT_FACTS), "every stored field must name its source"
    entered: dict[str, Any] = {
        "obligation": "other",
        "obligation_detail": obligation_detail.strip(),
        "due_on": dt.date(2030, 1, 10),
        "source": source.strip(),
        **{name: getattr(facts, name) for name in ORIGINAL_FACTS},
    }
    for name in ("agency_category", "event_description", "outcome"):
        entered[name] = entered[name].strip()
    for name in TYPED:
        assert getattr(external, name) == entered[name], name

    # Trace: any value equal to one of the event report's is there because the user typed it.
    from_pswp = {
        f.name: getattr(report, f.name)
        for f in EventReport._meta.concrete_fields
        if getattr(report, f.name) not in (None, "", [], {})
    }
    for name in TYPED:
        value = getattr(external, name)
        if value not in (None, "") and value in from_pswp.values():
            assert value == entered[name], f"{name} holds a value of the event report the user did not type"

    # No link: no relation to the report and no mention of it in the ledger or the audit event.
    assert str(report.pk) not in json.dumps(
        list(
            AuditEvent.objects.filter(action="external_report.created", object_id=str(external.pk)).values_list(
                "detail", flat=True
            )
        )
    )
    assert AuditEvent.objects.filter(action="external_report.created").count() == audits_before + 1
    [entry] = ledger.history(external)
    assert (entry.from_status, entry.to_status) == ("", PswpStatus.NOT_PSWP)
    assert str(report.pk) not in entry.reason
    assert report.short_id not in entry.reason


def test_an_external_report_has_no_link_to_any_pses_record(db):
    for field in ExternalReport._meta.get_fields():
        related = getattr(field, "related_model", None)
        if related is not None:
            assert related._meta.app_label in {"organizations", "accounts"}, field.name
    with connection.cursor() as cursor:
        columns = [c.name for c in connection.introspection.get_table_description(cursor, "pswp_externalreport")]
    assert not [c for c in columns if "report" in c]
    assert not {"harm", "event_type", "categories", "narrative"} & set(columns)


def test_an_external_report_is_refused_without_a_source(cast):
    for source in ("", "   "):
        with pytest.raises(ExternalReportInvalid) as refused:
            _build(cast, OriginalFacts(event_description="Found on the floor"), source=source)
        assert "source" in refused.value.errors
    assert not ExternalReport.objects.exists()
    assert not AuditEvent.objects.filter(action="external_report.created").exists()


@pytest.mark.parametrize(("obligation", "missing"), [(o, f) for o, facts in REQUIRED_FACTS.items() for f in facts])
def test_each_obligation_refuses_a_report_without_a_fact_it_needs(cast, obligation, missing):
    facts = _complete_facts(obligation)
    empty = {"discovered_at": None, "patient_age_years": None}.get(missing, "")
    with pytest.raises(ExternalReportInvalid) as refused:
        _build(cast, OriginalFacts(**{**facts.__dict__, missing: empty}), obligation=obligation)
    assert list(refused.value.errors) == [missing]
    assert _build(cast, facts, obligation=obligation).obligation == obligation


def test_every_obligation_lists_the_facts_it_needs(db):
    assert set(REQUIRED_FACTS) == set(Obligation.values)
    assert all(set(facts) <= set(ORIGINAL_FACTS) for facts in REQUIRED_FACTS.values())


def test_an_external_report_refuses_another_providers_unit(cast):
    with pytest.raises(ExternalReportInvalid) as refused:
        _build(cast, OriginalFacts(event_description="x", unit=cast.units["p2"]))
    assert list(refused.value.errors) == ["unit"]


def test_a_candidate_is_used_for_an_external_obligation_only_after_a_documented_drop_out(cast):
    report = file(cast.users["reporter"])
    manager = cast.users["safety_manager"]
    rows, audits = len(ledger_rows(report)), ledger_audits(report)
    # No shortcut from the PSES to "not PSWP": the drop-out is the documented way out.
    with pytest.raises(ledger.PswpTransitionRefused, match="drop it out of the PSES first"):
        ledger.mark_not_pswp(artefact=report, actor=manager, reason="Needed for the state report")
    with pytest.raises(ledger.PswpTransitionRefused, match="reason is required"):
        ledger.drop_out(artefact=report, actor=manager, reason=" ")
    assert (len(ledger_rows(report)), ledger_audits(report)) == (rows, audits)
    report.refresh_from_db()
    assert report.pswp_status == PswpStatus.CANDIDATE

    ledger.drop_out(artefact=report, actor=manager, reason="Needed for the state report")
    assert (len(ledger_rows(report)), ledger_audits(report)) == (rows + 1, audits + 1)
    last = ledger_rows(report)[-1]
    assert (last.from_status, last.to_status, last.actor, last.reason) == (
        PswpStatus.CANDIDATE,
        PswpStatus.DROPPED_OUT,
        manager,
        "Needed for the state report",
    )
    event = AuditEvent.objects.filter(object_id=str(report.pk), action=ledger.AUDIT_ACTION).order_by("-seq").first()
    assert event is not None
    assert event.detail == {"from": PswpStatus.CANDIDATE, "to": PswpStatus.DROPPED_OUT}
    # A dropped-out report is not PSWP any more, and cannot be declared so again.
    with pytest.raises(ledger.PswpTransitionRefused):
        ledger.mark_not_pswp(artefact=report, actor=manager, reason="again")
