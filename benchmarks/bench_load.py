"""Intake under load on gunicorn + PostgreSQL, against a bare Django view in the same run (issue 13 item 9).

Targets: with 50 concurrent clients on loopback, intake's p95 latency under 50 ms, and intake's
rows/s at least 60% of a bare Django view inserting the same row; a 30-minute soak with flat memory.

What runs:
- PostgreSQL: the script runs itself again under `scripts/with-postgres.sh`, which starts a
  throw-away server; `--database-url URL` uses an empty scratch database instead (never a
  `DATABASE_URL` merely set in the environment: the run writes thousands of reports). The
  throw-away server runs with fsync off for speed; `--durable` turns fsync and full-page writes
  on, so each commit waits for the disk as in production.
- The server: `openpso serve --no-migrate` as shipped (gunicorn, 2 sync workers by default, the
  access log, each worker warmed, and the task worker; `--no-tasks` leaves the worker out), with
  `openpso.testing.load_settings`, which are OpenPSO's settings plus one URL for the bare view.
- Set-up through the real services: a PSO and a provider (`save_audited`), a unit, one reporter
  per client (`grant_role`), migrations. Each client signs in on allauth's page as its own
  reporter from its own loopback address (127.0.0.2, …), as people on a ward would (the API's
  rate limit is per person: 50 clients as one person would measure that limit, not intake).
- Three kinds of request, each client sending the same synthetic report (no PHI):
  `api` — `POST /api/v1/reports` with JSON, the CSRF header and an `Idempotency-Key`, as the
  API documents; `form` — the web form `POST /reports/new/` with the token from the form page
  (the client does not follow the redirect to the report: that is a read, not intake);
  `baseline` — the bare view (`openpso.testing.bare_intake`): same body, same middleware,
  the same EventReport row (encrypted fields, history row) and nothing else.
- Two loads per kind, interleaved (baseline, api, form, …) so that a busy neighbour hits all:
  capacity, each client sending again as soon as it is answered (rows/s), and paced, each client
  filing one report every `--pace` seconds (latency at a fixed offered load). With 50 clients and
  no pause, latency is the queue (Little's law: 50 / rows per second), not the request, so the
  p95 target is judged on the paced load; both are printed.
- After each phase the rows in the database are counted: they must equal the successes.
  At the end `audit verify` runs over the chain the load wrote.

Soak (`--soak-minutes N`): half the clients on the API, half on the form, paced, for N minutes;
the resident memory (RSS) of the gunicorn master, each worker and the task worker is sampled
every `--sample-every` seconds (30); prints start, end, max and the least-squares slope.

Duration per phase: `--seconds`, or `OPENPSO_BENCH_LOAD_SECONDS` (default 15, so `make bench`
stays short). Figures go to var/bench/load.json.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import json
import os
import platform
import secrets
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from benchmarks.load.client import HttpClient, PhaseResult, Task, run_phase  # noqa: E402
from benchmarks.load.server import MemorySampler, Server, free_port, slope_per_hour, total_mib  # noqa: E402

BARE_INTAKE_URL = "/bench/bare-intake"  # openpso.testing.bare_intake.BARE_INTAKE_PATH (a test checks)
_UNDER_THROWAWAY = "OPENPSO_BENCH_LOAD_THROWAWAY_PG"  # set before re-running under with-postgres.sh
# with-postgres.sh turns fsync and full-page writes off for test speed; --durable turns them back on.
DURABLE_PG_OPTIONS = "-c fsync=on -c full_page_writes=on"
P95_TARGET_S = 0.050
RATE_TARGET = 0.60
PASSWORD = "load-bench-" + secrets.token_urlsafe(12)
NARRATIVES = (  # synthetic, no person in them
    "Found on the floor beside the bed after trying to walk unassisted; bed alarm was off.",
    "Second dose of the evening medication was given one hour early; caught at the next check.",
    "Infusion pump alarm silenced and not reset; the line was found occluded on the next round.",
    "Wet floor near the nurses' station without a sign; a visitor slipped but did not fall.",
)


def out(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


@dataclass(frozen=True)
class Intake:
    """What every client reports with: the provider, its unit and its time zone."""

    provider: str
    unit: int
    zone: ZoneInfo
    email: str  # the first reporter
    emails: tuple[str, ...] = ()  # every reporter, one per client


def setup_django(workdir: Path) -> dict[str, str]:
    env = {
        "OPENPSO_DATA_DIR": str(workdir / "data"),
        "OPENPSO_KEYS_DIR": str(workdir / "keys"),
        "OPENPSO_SECRET_KEY": secrets.token_urlsafe(50),
        "OPENPSO_ENV": "development",  # the real password hasher; production would insist on HTTPS
        "OPENPSO_DEBUG": "false",
        "DJANGO_SETTINGS_MODULE": "openpso.testing.load_settings",
    }
    os.environ.update(env)
    import django

    django.setup()
    return dict(os.environ)


def set_up_network(reporters: int = 1) -> Intake:
    """One PSO, one provider with a unit, `reporters` reporters: through the services the pages use.

    One reporter per client, as on a ward: the API limits requests per person
    (OPENPSO_API_RATE, 600/m by default), so 50 clients as one person would measure that limit.
    """
    from django.core.management import call_command

    from openpso.encryption.keyring import create_keyring
    from openpso.organizations.actions import grant_role, save_audited
    from openpso.organizations.models import MemberAgreement, Organization, OrgKind, Unit
    from openpso.organizations.roles import Role
    from openpso.organizations.timezones import zone_of

    call_command("migrate", verbosity=0)
    create_keyring()  # before the workers start, so they do not race to create it
    pso = Organization(slug="load-pso", name="Load Test PSO", kind=OrgKind.PSO)
    save_audited(actor=None, obj=pso, organization=pso, action="organization.created")
    provider = Organization(
        slug="load-hospital", name="Load Test Hospital", kind=OrgKind.PROVIDER, network=pso,
        provider_type="hospital", bed_size_band="100-199", state="PA",
    )  # fmt: skip
    save_audited(actor=None, obj=provider, organization=provider, action="organization.created")
    unit = Unit(provider=provider, name="Ward 4 East")
    save_audited(actor=None, obj=unit, organization=provider, action="unit.created")
    agreement = MemberAgreement(pso=pso, provider=provider, effective_from=dt.date(2020, 1, 1), categories=["A48"])
    save_audited(actor=None, obj=agreement, organization=provider, action="agreement.created")
    emails = []
    for n in range(reporters):
        email = "reporter@load.test" if n == 0 else f"reporter{n}@load.test"
        user = grant_role(actor=None, organization=provider, email=email, role=Role.REPORTER).user
        user.set_password(PASSWORD)  # grant_role leaves it unusable until the reset e-mail
        user.save(update_fields=["password"])
        emails.append(user.email)
    return Intake(provider=provider.slug, unit=unit.pk, zone=zone_of(provider), email=emails[0], emails=tuple(emails))


def durability() -> str:
    """The server's fsync and full_page_writes, as it reports them (the run's figures depend on them)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW fsync")
        fsync = cursor.fetchone()[0]
        cursor.execute("SHOW full_page_writes")
        pages = cursor.fetchone()[0]
    return f"fsync={fsync}, full_page_writes={pages}"


def rows_filed(intake: Intake) -> int:
    from openpso.reporting.models import EventReport

    return EventReport.objects.filter(provider__slug=intake.provider).count()


def report_fields(intake: Intake, n: int) -> dict[str, Any]:
    return {
        "event_type": "A3",
        "categories": ["A48"],
        "narrative": f"{NARRATIVES[n % len(NARRATIVES)]} (load test {n})",
        "harm": "LA21150-0",
        "patient_age_years": 40 + n % 50,
        "patient_sex": "FM"[n % 2],
    }


def json_task(client: HttpClient, intake: Intake, numbers: Iterator[int], *, path: str, idempotent: bool) -> Task:
    async def task() -> str | None:
        discovered = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
        body = {"provider": intake.provider, "unit": intake.unit, "discovered_at": discovered.isoformat()}
        body.update(report_fields(intake, next(numbers)))
        headers = {"Content-Type": "application/json", "X-CSRFToken": client.cookies["csrftoken"]}
        if idempotent:
            headers["Idempotency-Key"] = str(uuid.uuid4())
        response = await client.request("POST", path, body=json.dumps(body).encode(), headers=headers)
        return None if response.status == 201 else f"HTTP {response.status}"

    return task


def form_task(client: HttpClient, intake: Intake, numbers: Iterator[int], token: str) -> Task:
    async def task() -> str | None:
        discovered = dt.datetime.now(intake.zone) - dt.timedelta(hours=1)  # the form reads provider time
        fields = {k: (v if isinstance(v, list) else str(v)) for k, v in report_fields(intake, next(numbers)).items()}
        fields.update({"unit": str(intake.unit), "discovered_at": discovered.strftime("%Y-%m-%dT%H:%M")})
        fields["csrfmiddlewaretoken"] = token
        response = await client.post_form("/reports/new/", fields)
        # The report page would show and drop the thank-you message; not following it, drop it here.
        client.cookies.pop("messages", None)
        location = response.header("location") or ""
        if response.status == 302 and location.startswith("/reports/") and location != "/reports/new/":
            return None
        return f"HTTP {response.status}"

    return task


async def sign_in_all(clients: list[HttpClient], emails: tuple[str, ...]) -> list[str]:
    """Sign each client in as its own reporter (a few at a time) and fetch the form once for its CSRF token."""
    gate = asyncio.Semaphore(4)

    async def one(client: HttpClient, email: str) -> str:
        async with gate:
            await client.sign_in(email, PASSWORD)
            page = await client.request("GET", "/reports/new/")
            token = page.csrf_input()
            if page.status != 200 or token is None:
                raise RuntimeError(f"form page: HTTP {page.status}")
            return token

    return list(await asyncio.gather(*(one(c, e) for c, e in zip(clients, emails, strict=True))))


def tasks_for(
    kind: str, clients: list[HttpClient], tokens: list[str], intake: Intake, numbers: Iterator[int]
) -> list[Task]:
    if kind == "api":
        return [json_task(c, intake, numbers, path="/api/v1/reports", idempotent=True) for c in clients]
    if kind == "form":
        return [form_task(c, intake, numbers, t) for c, t in zip(clients, tokens, strict=True)]
    return [json_task(c, intake, numbers, path=BARE_INTAKE_URL, idempotent=False) for c in clients]


LABELS = {"baseline": "bare Django view", "api": "POST /api/v1/reports", "form": "web form POST"}


def measure(
    kind: str, load: str, tasks: list[Task], intake: Intake, *, seconds: float, pace: float | None
) -> dict[str, Any]:
    before = rows_filed(intake)
    result = asyncio.run(run_phase(f"{kind} {load}", tasks, seconds=seconds, pace=pace))
    landed = rows_filed(intake) - before
    figures = summary(result, landed)
    out(row(LABELS[kind], load, figures))
    return figures


def summary(result: PhaseResult, landed: int) -> dict[str, Any]:
    return {
        "ok": result.ok,
        "seconds": round(result.seconds, 2),
        "rows_per_s": round(result.rate, 1),
        "p50_ms": round(result.percentile(50) * 1000, 1),
        "p95_ms": round(result.percentile(95) * 1000, 1),
        "p99_ms": round(result.percentile(99) * 1000, 1),
        "errors": dict(result.errors),
        "rows_landed": landed,
    }


HEADER = f"{'intake':<22}{'load':<13}{'rows/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'errors':>8}  rows landed"


def row(label: str, load: str, f: dict[str, Any]) -> str:
    errors = sum(f["errors"].values())
    landed = "= successes" if f["rows_landed"] == f["ok"] else f"{f['rows_landed']} for {f['ok']} successes (MISMATCH)"
    return (
        f"{label:<22}{load:<13}{f['rows_per_s']:>8.1f}{f['p50_ms']:>8.1f}{f['p95_ms']:>8.1f}{f['p99_ms']:>8.1f}"
        f"{errors:>8}  {f['ok']:,} {landed}" + (f"  {f['errors']}" if errors else "")
    )


def run_phases(
    args: argparse.Namespace, clients: list[HttpClient], tokens: list[str], intake: Intake
) -> dict[str, Any]:
    numbers = itertools.count()
    offered = len(clients) / args.pace
    pacing = f"each client one report every {args.pace:g} s ({offered:.0f}/s offered)"
    out(f"each phase {args.seconds:.0f} s; paced = {pacing}")
    out(HEADER)
    figures: dict[str, dict[str, Any]] = {}
    for load, pace in (("capacity", None), ("paced", args.pace)):
        for kind in ("baseline", "api", "form"):
            tasks = tasks_for(kind, clients, tokens, intake, numbers)
            figures[f"{kind} {load}"] = measure(kind, load, tasks, intake, seconds=args.seconds, pace=pace)
    out("")
    base = figures["baseline capacity"]["rows_per_s"]
    for kind in ("api", "form"):
        rate, paced = figures[f"{kind} capacity"]["rows_per_s"], figures[f"{kind} paced"]["p95_ms"]
        share = rate / base if base else 0.0
        out(
            f"{LABELS[kind]}: {rate:.1f} rows/s = {share:.0%} of the bare view's {base:.1f} "
            f"(target >= {RATE_TARGET:.0%}: {'met' if share >= RATE_TARGET else 'NOT met'}); "
            f"p95 at {offered:.0f}/s offered {paced:.1f} ms "
            f"(target < {P95_TARGET_S * 1000:.0f} ms: {'met' if paced < P95_TARGET_S * 1000 else 'NOT met'})"
        )
    return figures


def run_soak(
    args: argparse.Namespace, server: Server, clients: list[HttpClient], tokens: list[str], intake: Intake
) -> dict[str, Any]:
    assert server.process is not None
    numbers = itertools.count()
    half = len(clients) // 2
    tasks = tasks_for("api", clients[:half], tokens[:half], intake, numbers)
    tasks += tasks_for("form", clients[half:], tokens[half:], intake, numbers)
    out(
        f"soak: {args.soak_minutes:g} min, {half} clients on the API and {len(clients) - half} on the form, "
        f"each one report every {args.pace:g} s; memory sampled every {args.sample_every:g} s"
    )
    sampler = MemorySampler(pgid=server.process.pid, every=args.sample_every)
    before = rows_filed(intake)
    sampler.start()
    try:
        result = asyncio.run(run_phase("soak", tasks, seconds=args.soak_minutes * 60, pace=args.pace))
    finally:
        sampler.stop()
    figures = summary(result, rows_filed(intake) - before)
    out(HEADER)
    out(row("API + form", "soak", figures))
    figures["memory"] = memory_report(sampler)
    return figures


def memory_report(sampler: MemorySampler) -> dict[str, Any]:
    out("")
    # The workers grow while their first requests load code and fill caches, then level off: the
    # slope over the second half of the soak is the one that tells a leak.
    out(f"{'resident memory (MiB)':<24}{'start':>8}{'end':>8}{'max':>8}{'slope MiB/h':>13}{'2nd half':>10}")
    report: dict[str, Any] = {
        "samples": [
            {"s": round(t), **{role: round(total_mib(p, role), 1) for role in ("master", "worker", "task worker")}}
            for t, p in sampler.samples
        ]
    }
    for role in ("master", "worker", "task worker", None):
        points = [(t, total_mib(p, role)) for t, p in sampler.samples]
        if not points or points[0][1] == 0:
            continue
        values = [v for _, v in points]
        slope, late = slope_per_hour(points), slope_per_hour(points[len(points) // 2 :])
        name = "all, together" if role is None else f"{role}s" if role == "worker" else role
        out(f"{name:<24}{values[0]:>8.1f}{values[-1]:>8.1f}{max(values):>8.1f}{slope:>13.1f}{late:>10.1f}")
        report[name] = {
            "start": values[0],
            "end": values[-1],
            "max": max(values),
            "slope_mib_per_h": slope,
            "second_half_slope_mib_per_h": late,
        }
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--seconds", type=float, default=float(os.environ.get("OPENPSO_BENCH_LOAD_SECONDS", "15")),
        help="length of each phase (default: $OPENPSO_BENCH_LOAD_SECONDS or 15)",
    )  # fmt: skip
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--pace", type=float, default=5.0, help="paced load: seconds between one client's reports (5)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (openpso serve's default: 2)")
    parser.add_argument("--no-tasks", action="store_true", help="serve without the task worker")
    parser.add_argument("--soak-minutes", type=float, help="run the soak instead of the phases")
    parser.add_argument("--sample-every", type=float, default=30.0, help="soak: seconds between memory samples")
    parser.add_argument("--database-url", help="an empty scratch PostgreSQL database (default: a throw-away server)")
    parser.add_argument(
        "--durable", action="store_true",
        help="the throw-away server with fsync and full-page writes on, as production runs (default: off, for speed)",
    )  # fmt: skip
    args = parser.parse_args()
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    elif os.environ.get(_UNDER_THROWAWAY) != "1":
        os.environ[_UNDER_THROWAWAY] = "1"
        if args.durable:
            os.environ["OPENPSO_PG_OPTIONS"] = DURABLE_PG_OPTIONS
        script = str(ROOT / "scripts" / "with-postgres.sh")
        os.execv(script, [script, sys.executable, __file__, *sys.argv[1:]])  # noqa: S606 - our own script
    with tempfile.TemporaryDirectory(prefix="openpso-bench-load-") as tmp:
        figures = run(args, Path(tmp))
    results = ROOT / "var" / "bench"
    results.mkdir(parents=True, exist_ok=True)
    name = "load-soak.json" if args.soak_minutes else "load.json"
    (results / name).write_text(json.dumps(figures, indent=2, default=str) + "\n")
    return 0


def run(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    env = setup_django(workdir)
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    out(f"intake load benchmark: machine {machine}; {args.clients} clients; {args.workers} gunicorn workers")
    intake = set_up_network(reporters=args.clients)
    out(f"PostgreSQL: {durability()}")
    server = Server(port=free_port(), workers=args.workers, tasks=not args.no_tasks, log=workdir / "server.log")
    server.start(env)
    try:
        server.wait_ready()
        out(f"server: openpso serve, {'with' if server.tasks else 'without'} the task worker; RSS " + ", ".join(
            f"{p.role} {p.rss_kib / 1024:.0f} MiB" for p in server.processes()
        ))  # fmt: skip
        clients = [HttpClient("127.0.0.1", server.port, source=f"127.0.0.{2 + i}") for i in range(args.clients)]
        started = time.perf_counter()
        tokens = asyncio.run(sign_in_all(clients, intake.emails))
        took = time.perf_counter() - started
        out(f"signed in {len(clients)} clients, each its own reporter from its own address, in {took:.1f} s")
        if args.soak_minutes:
            figures: dict[str, Any] = {"soak": run_soak(args, server, clients, tokens, intake)}
        else:
            figures = {"phases": run_phases(args, clients, tokens, intake)}
    except BaseException:
        out(f"server log tail ({server.log}):")
        out(server.log.read_text(errors="replace")[-3000:])
        raise
    finally:
        server.stop()
    figures["audit_chain"] = verify_audit()
    figures["machine"] = machine
    figures["settings"] = dict(vars(args))
    return figures


def verify_audit() -> dict[str, Any]:
    from openpso.audit.trail import verify_chain

    verdict = verify_chain()
    state = "intact" if verdict.ok else f"BROKEN: {verdict.reason}"
    out(f"audit verify after the load: {state}, {verdict.checked:,} events")
    return {"ok": verdict.ok, "checked": verdict.checked}


if __name__ == "__main__":
    sys.exit(main())
