"""First view of each page, warm-started, against the same first view cold (issue 12 item 6).

Target: every page's first view under 1 s on a warm-started server (the process has started and
the lake exists, but nobody has opened this page yet).

Sets up its own Django (temporary data and keys directories and SQLite database), seeds a
demo-like network through the real code (`seed_demo` with N reports, default 1,500;
`--events`), sends the members' events to the PSO (`seed_submissions`) and pools them
(`refresh_lake`). Then, for each page — PSO dashboard, provider dashboard, health-system
dashboard, narrative de-identification review, PSES queue, report page, PSO inbox — it times the
first view in a **fresh process** (a child of this script: Django set up, the user signed in,
one request through Django's test client), twice:

- cold, the baseline: the dashboards' cache emptied before each page, no warm-up: what a first
  view cost before the warming (a restarted server with nothing built ahead);
- warm-started: the cache emptied once, then the dashboards built as the task worker builds them
  after a refresh (`analytics.warm.warm_dashboards`, timed), and each child process warmed as
  gunicorn warms each worker before it serves (`core.warmup.warm_process`, timed apart: it is
  server start, not the page).

The review page's first view is of a report whose narrative has never been reviewed, a different
one in each run. Prints each page's figures, the target and the ratio cold / warm-started;
writes them to var/bench/pages.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

TARGET_S = 1.0
TODAY = dt.date(2026, 11, 15)  # a fixed window, so every run seeds the same network


def out(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def setup_django(workdir: Path) -> None:
    os.environ["OPENPSO_DATA_DIR"] = str(workdir / "data")
    os.environ["OPENPSO_KEYS_DIR"] = str(workdir / "keys")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["OPENPSO_ENV"] = "test"
    os.environ["DJANGO_SETTINGS_MODULE"] = "openpso.settings"
    import django

    django.setup()


@dataclass(frozen=True)
class Page:
    name: str
    user: int  # pk of the user who opens it
    url: str
    review_urls: tuple[str, str] = ("", "")  # the review page: (cold, warm) reports never reviewed


def seed(events: int, workdir: Path) -> list[Page]:
    from django.core.management import call_command

    from openpso.demo.generate import seed_demo
    from openpso.demo.network import DEMO_HOSPITAL
    from openpso.demo.submissions import seed_submissions
    from openpso.lake.refresh import refresh_lake
    from openpso.organizations.models import Membership, Organization
    from openpso.reporting.models import EventReport

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    seeded = workdir / f".seeded-{events}"
    if seeded.exists():  # --workdir: a network seeded by an earlier run (figures need reports never reviewed)
        out(f"data: reusing the demo network in {workdir}")
    else:
        seed_demo(events=events, today=TODAY)
        submitted = seed_submissions()
        summary = refresh_lake()
        seeded.write_text("")
        out(
            f"data: demo network, {events:,} reports, {submitted.submitted:,} sent to the PSO, "
            f"{summary.events_in_lake:,} events in the lake ({time.perf_counter() - started:.1f} s to seed)"
        )
    hospital = Organization.objects.get(slug=DEMO_HOSPITAL.slug)
    assert hospital.parent is not None  # the demo hospital belongs to a health system

    def member(role: str, org: Organization) -> int:
        found = Membership.objects.filter(role=role, organization=org).order_by("pk").first()
        assert found is not None, (role, org.slug)
        return int(found.user_id)

    analyst = member("pso_analyst", Organization.objects.get(pk=hospital.network_id))
    manager = member("safety_manager", hospital)
    officer = member("system_safety_officer", hospital.parent)
    reports = list(EventReport.objects.filter(provider=hospital, narrative_reviews__isnull=True).order_by("pk")[:3])
    review = tuple(f"/pses/reports/{r.pk}/deid/" for r in reports[1:3])
    return [
        Page("PSO dashboard", analyst, "/analytics/pso/"),
        Page("provider dashboard", manager, f"/analytics/provider/{hospital.slug}/"),
        Page("health-system dashboard", officer, f"/analytics/system/{hospital.parent.slug}/"),
        Page("de-identification review", manager, "", review_urls=(review[0], review[1])),
        Page("PSES queue", manager, "/pses/queue/"),
        Page("report page", manager, f"/reports/{reports[0].pk}/"),
        Page("PSO inbox", analyst, "/pso/inbox/"),
    ]


def child(mode: str, user: int, url: str) -> None:
    """One fresh process: (warm-up,) sign in, the page's first view, then a second view."""
    figures: dict[str, Any] = {}
    if mode == "warm":
        from openpso.core.warmup import warm_process

        started = time.perf_counter()
        warm_process()
        figures["warmup_s"] = time.perf_counter() - started
    from django.test import Client

    from openpso.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(pk=user))
    for key in ("first_s", "again_s"):
        started = time.perf_counter()
        response = client.get(url)
        figures[key] = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
    figures["bytes"] = len(response.content)
    out(json.dumps(figures))


def in_fresh_process(workdir: Path, mode: str, page: Page, url: str) -> dict[str, Any]:
    done = subprocess.run(  # noqa: S603 - this script, with our own arguments
        [sys.executable, __file__, "--workdir", str(workdir), "--child", mode, "--user", str(page.user), "--url", url],
        check=True,
        capture_output=True,
        text=True,
    )
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def run(events: int, workdir: Path) -> dict[str, Any]:
    from django.core.cache import cache

    from openpso.analytics.warm import warm_dashboards

    machine = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    out(f"first views benchmark: machine {machine}")
    pages = seed(events, workdir)
    cold: dict[str, dict[str, Any]] = {}
    for page in pages:
        cache.clear()  # nothing built ahead, as before the warming
        cold[page.name] = in_fresh_process(workdir, "cold", page, page.review_urls[0] or page.url)
    cache.clear()
    started = time.perf_counter()
    built = warm_dashboards()  # what the task worker does after each lake refresh
    build_s = time.perf_counter() - started
    out(f"built ahead: {built} dashboards in {build_s:.1f} s (in the task worker, after the refresh)")
    warm: dict[str, dict[str, Any]] = {}
    for page in pages:
        warm[page.name] = in_fresh_process(workdir, "warm", page, page.review_urls[1] or page.url)
    warmups = [w["warmup_s"] for w in warm.values()]
    out(f"worker warm-up at server start: median {statistics.median(warmups):.2f} s, max {max(warmups):.2f} s")
    out("")
    out(f"{'page':<26}{'cold first view':>17}{'warm-started':>14}{'then':>8}{'ratio':>8}  target {TARGET_S:.0f} s")
    for page in pages:
        c, w = cold[page.name], warm[page.name]
        ratio = c["first_s"] / w["first_s"] if w["first_s"] else float("inf")
        met = "met" if w["first_s"] < TARGET_S else "NOT met"
        out(f"{page.name:<26}{c['first_s']:>15.2f} s{w['first_s']:>12.2f} s{w['again_s']:>6.2f} s{ratio:>7.1f}x  {met}")
    slowest = max(warm.values(), key=lambda w: w["first_s"])["first_s"]
    out("")
    out(
        f"slowest warm-started first view: {slowest:.2f} s (target under {TARGET_S:.0f} s: "
        f"{'met' if slowest < TARGET_S else 'NOT met'})"
    )
    return {
        "events": events,
        "machine": {"arch": platform.machine(), "cpus": os.cpu_count(), "python": platform.python_version()},
        "built_ahead": {"dashboards": built, "seconds": build_s},
        "cold": cold,
        "warm": warm,
        "target_s": TARGET_S,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", type=int, default=1500)
    parser.add_argument("--workdir", help="keep the data here and reuse it on the next run (default: a temporary one)")
    parser.add_argument("--child", choices=["cold", "warm"], help=argparse.SUPPRESS)
    parser.add_argument("--user", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        setup_django(Path(args.workdir))
        child(args.child, args.user, args.url)
        return 0
    if args.workdir:
        workdir = Path(args.workdir).resolve()
        workdir.mkdir(parents=True, exist_ok=True)
        setup_django(workdir)
        figures = run(args.events, workdir)
    else:
        with tempfile.TemporaryDirectory(prefix="openpso-bench-pages-") as tmp:
            setup_django(Path(tmp))
            figures = run(args.events, Path(tmp))
    results = ROOT / "var" / "bench"
    results.mkdir(parents=True, exist_ok=True)
    (results / "pages.json").write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
