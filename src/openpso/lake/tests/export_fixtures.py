"""A small pool written straight to the lake's files (no submissions, no narrative engine), for the
export tests: six providers, a handful of events with module answers, factors and RCA² actions."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from openpso.lake import files, schema
from openpso.lake.models import LakeEntry, LakeState
from openpso.nonid.pipeline import PooledEvent
from openpso.nonid.pipeline_fields import PooledAction
from openpso.organizations.models import Organization, OrgKind

MONTH = dt.date(2025, 3, 1)
ACTION = PooledAction("forcing_function", "stronger", "done", "2025-04", 2025, "2025-04", 2025)


@dataclass
class SmallPool:
    pso: Organization
    providers: list[Organization]
    events: list[PooledEvent]


def pooled(n: int, provider: str, **changes: Any) -> PooledEvent:
    event = PooledEvent(
        event_key=f"E-TESTEVENT{n:07d}",
        provider=provider,
        provider_type="hospital",
        size_band="100-299",
        region="Northeast",
        event_month=f"{MONTH:%Y-%m}",
        event_year=MONTH.year,
        event_type="A3",
        categories=("A48",),
        harm="LA20749-0",
        patient_age_years=71,
        patient_age_band="65-74",
        patient_sex="F",
        patient_zip3="036",
        unit_type="med-surg",
        modules=("cfer-h-1.2/fall",),
        answers=json.dumps(
            {
                "Fall/assisted": "OPSO-FALL-ASSISTED",
                "Fall/injury": "A15",
                "Fall/activity": "found on the floor by the sink",  # open-choice free text: never released
                "Medication/DE273": "A1218",
                "Medication/DE306": "2025-03",
                "PIF/age": 71,
            }
        ),
        narrative="[PATIENT] slipped in room [ID]; seen by [STAFF].",
        location_detail="Room [ID]",
        category_other=None,
        reporter_role="RN",
        method="push",
        version_number=1,
        profile="pso-pool/1",
        engine_version="test",
        contributing_factors=("OPSO-SIR-CF-COMMUNICATION",),
        actions=(ACTION,),
    )
    return dataclasses.replace(event, **changes)


def build_small_pool(*, slug: str = "export-pso", providers: int = 6) -> SmallPool:
    pso = Organization.objects.create(slug=slug, name="Export Test PSO", kind=OrgKind.PSO)
    members = [
        Organization.objects.create(
            slug=f"{slug}-p{n}", name=f"Member {n}", kind=OrgKind.PROVIDER, network=pso, provider_type="hospital"
        )
        for n in range(providers)
    ]
    codes = [f"P-TESTCODE{n:04d}" for n in range(providers)]
    events = [
        pooled(0, codes[0]),
        pooled(1, codes[1], event_type="A6", harm=None, categories=("A54",), modules=(), actions=()),
        pooled(2, codes[2], event_type="A9", harm=None, patient_sex=None, patient_age_band=None, answers="{}"),
    ]
    write_pool(pso, members, codes, events)
    return SmallPool(pso, members, events)


def write_pool(pso: Organization, members: list[Organization], codes: list[str], events: list[PooledEvent]) -> None:
    """Write `events` as the pool's March 2025 partition and its entries (refreshed now)."""
    root = files.lake_dir(pso.slug)
    for name, table in schema.event_tables(events).items():
        files.write(table, files.partition_path(root, name, MONTH))
    provider_rows = [
        {
            "provider": code,
            "provider_type": "hospital",
            "size_band": "100-299",
            "region": "Northeast",
            "profile": "pso-pool/1",
        }
        for code in codes
    ]
    files.write(schema.table(provider_rows, schema.PROVIDERS), files.table_path(root, "providers"))
    now = timezone.now()
    by_code = dict(zip(codes, members, strict=True))
    for event in events:
        LakeEntry.objects.update_or_create(
            event_key=event.event_key,
            defaults={
                "pso": pso,
                "provider": by_code[event.provider],
                "event_id": uuid.uuid5(uuid.NAMESPACE_URL, event.event_key),
                "month": MONTH,
                "refreshed_at": now,
            },
        )
    LakeState.objects.update_or_create(pso=pso, defaults={"profile": "pso-pool/1", "refreshed_at": now})


def cast_release_exports(cast: Any) -> dict[str, Any]:
    """A finished Bulk Data export per cast PSO, with its (empty) NDJSON file: the tenancy matrix's."""
    from openpso.lake.exports.jobs import NDJSON_NAME, folder
    from openpso.lake.exports.models import BulkExport, ExportStatus

    made = {}
    for key, org in cast.orgs.items():
        if org.kind != OrgKind.PSO:
            continue
        job = BulkExport.objects.filter(pso=org).first() or BulkExport.objects.create(
            pso=org,
            since=dt.date(2025, 1, 1),
            status=ExportStatus.DONE,
            progress=100,
            files=[{"type": "AdverseEvent", "name": NDJSON_NAME, "count": 0}],
        )
        folder(job).mkdir(parents=True, exist_ok=True)
        (folder(job) / NDJSON_NAME).write_text("")
        made[key] = job
    return made
