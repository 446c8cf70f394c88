"""`openpso lake refresh [--full] [--quiet] | reidentify PSEUDONYM --reason TEXT --by EMAIL | status |
synth --events N --out DIR [--seed S] [--providers P] [--months M]`.

`refresh` runs the lake refresh now, in this process, with a progress bar on stderr and a
summary on stdout (counts and seconds only). `reidentify` is the PSO's logged look-up of the
provider behind a pseudonym (42 CFR 3.212(c)); it prints the provider and records who and why.
`synth` writes a synthetic lake of N events into DIR (no database; `lake.synth`), for
benchmarks and tests at scale.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from openpso.lake.models import LakeState
from openpso.lake.progress import ProgressBar
from openpso.lake.refresh import RefreshSummary, refresh_lake
from openpso.lake.synth import SynthSummary, write_lake
from openpso.nonid.pseudonyms import ReidentificationRefused, reidentify


class Command(BaseCommand):
    help = "The pooled non-identified dataset: refresh it, show its state, or re-identify a pseudonym."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{refresh,status,reidentify,synth}")
        refresh = sub.add_parser("refresh", help="bring the lake up to date with the PSO's submissions")
        refresh.add_argument("--full", action="store_true", help="rebuild every partition, not only what changed")
        refresh.add_argument("--quiet", action="store_true", help="no progress bar")
        sub.add_parser("status", help="when each PSO's lake was refreshed, and what it holds")
        again = sub.add_parser("reidentify", help="the provider behind a pseudonym (PSO administrators; audited)")
        again.add_argument("pseudonym")
        again.add_argument("--reason", required=True, help="why (recorded in the audit trail)")
        again.add_argument("--by", required=True, metavar="EMAIL", help="the PSO administrator asking")
        synth = sub.add_parser("synth", help="write a synthetic lake of N events into a folder (no database)")
        synth.add_argument("--events", type=int, required=True, metavar="N")
        synth.add_argument("--out", type=Path, required=True, metavar="DIR", help="the lake folder to write")
        synth.add_argument("--seed", type=int, default=7)
        synth.add_argument("--providers", type=int, default=300)
        synth.add_argument("--months", type=int, default=24)
        synth.add_argument("--end-month", default="2026-10", metavar="YYYY-MM", help="the lake's last month")
        synth.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "refresh":
            self.refresh(full=options["full"], quiet=options["quiet"])
        elif options["action"] == "status":
            self.status()
        elif options["action"] == "synth":
            self.synth(options)
        else:
            self.reidentify(options["pseudonym"], reason=options["reason"], email=options["by"])

    def refresh(self, *, full: bool, quiet: bool) -> None:
        self.stderr.ending = ""  # the bar writes its own line ends ("\r" on a terminal)
        bar = None if quiet else ProgressBar(self.stderr)
        try:
            summary = refresh_lake(progress=bar, full=full)
        finally:
            if bar is not None:
                bar.close()
            self.stderr.ending = "\n"
        self.stdout.write(summary_text(summary))

    def synth(self, options: dict[str, Any]) -> None:
        out: Path = options["out"]
        if out.exists() and any(out.iterdir()):
            raise CommandError(f"--out: {out} is not empty; give a new folder")
        self.stderr.ending = ""
        bar = None if options["quiet"] else ProgressBar(self.stderr)
        try:
            summary = write_lake(
                out,
                events=options["events"],
                providers=options["providers"],
                months=options["months"],
                seed=options["seed"],
                end_month=options["end_month"],
                progress=bar,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        finally:
            if bar is not None:
                bar.close()
            self.stderr.ending = "\n"
        self.stdout.write(synth_text(summary, out))

    def status(self) -> None:
        states = LakeState.objects.select_related("pso").order_by("pso__slug")
        if not states:
            self.stdout.write("no lake yet; run `openpso lake refresh`")
        for state in states:
            when = f"{state.refreshed_at:%Y-%m-%d %H:%M:%S %Z}" if state.refreshed_at else "never"
            held = state.last_summary.get("events_in_lake", 0)
            self.stdout.write(
                f"{state.pso.slug}\trefreshed {when}\t{held} events\t{state.profile}\t{state.engine_version}"
            )

    def reidentify(self, pseudonym: str, *, reason: str, email: str) -> None:
        user = get_user_model().objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"--by: no user with the e-mail {email}")
        try:
            provider = reidentify(pseudonym, by=user, reason=reason)
        except ReidentificationRefused as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{pseudonym.strip().upper()}\t{provider.slug}\t{provider.name}")


def summary_text(summary: RefreshSummary) -> str:
    share = summary.deid_seconds / summary.seconds if summary.seconds else 0.0
    # On several workers the engine's seconds add up across them: a share of the wall time says nothing.
    spent = f"({share:.0%})" if summary.workers == 1 else f"summed over {summary.workers} workers"
    tables = ", ".join(summary.tables_written) or "none"
    return "\n".join(
        [
            f"events: {summary.added:,} added, {summary.changed:,} changed, {summary.removed:,} removed"
            f" ({summary.events_in_lake:,} in the lake)" + ("; rebuilt" if summary.rebuilt else ""),
            f"partitions: {summary.partitions_written:,} written, {summary.partitions_removed:,} removed;"
            f" other tables written: {tables}",
            f"time: {summary.seconds:.2f} s, {summary.events_per_s:,.1f} events/s;"
            f" de-identification {summary.deid_seconds:.2f} s {spent},"
            f" non-identification in all {summary.nonid_seconds:.2f} s",
        ]
    )


def synth_text(summary: SynthSummary, out: Path) -> str:
    rate = summary.events / summary.seconds if summary.seconds else 0.0
    planted = "; ".join(f"{p.key} ({p.category} ×{p.ratio:g}, last {p.last_months} months)" for p in summary.planted)
    return "\n".join(
        [
            f"wrote {summary.events:,} events, {summary.contributing_factors:,} contributing factors,"
            f" {summary.actions:,} actions; {summary.providers:,} providers,"
            f" {summary.months[0]} to {summary.months[-1]} into {out}",
            f"time: {summary.seconds:.1f} s, {rate:,.0f} events/s",
            f"planted: {planted}",
        ]
    )
