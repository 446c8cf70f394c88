"""Labelled examples from the narratives people reviewed.

`openpso deid-examples export --out FILE.jsonl --i-understand-this-contains-phi [--provider SLUG]`:
the narratives, with the spans they approved and their corrections, for improving the
de-identification engine. The file holds identified narratives (PHI), hence the explicit
flag, the 0600 file and the audit event.

`openpso deid-examples regressions [--provider SLUG]`: the regression set.
Every approved correction replayed against the engine as it is now; prints offsets, types
and ids only (no identifier text, so the output may be kept in a CI log), and exits 1 when
the engine misses a span a reviewer added, wholly or in part.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from openpso.nonid import examples
from openpso.nonid.deid import VERSION
from openpso.nonid.examples import export_examples
from openpso.nonid.management.exports import export_to_new_file, provider_named
from openpso.nonid.models import CorrectionAction
from openpso.organizations.models import Organization

PHI_FLAG = "--i-understand-this-contains-phi"


class Command(BaseCommand):
    help = (
        "Labelled examples from reviewed narratives. `export` writes one JSON line per approved review; "
        "`regressions` checks the engine against every approved correction."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        export = subcommands.add_parser("export", help="write approved reviews as JSON lines (contains PHI)")
        export.add_argument("--out", required=True, type=Path, help="a new file to write (never overwritten)")
        export.add_argument("--provider", metavar="SLUG", help="one provider only (default: every provider)")
        export.add_argument(
            PHI_FLAG, dest="phi_ok", action="store_true", help="required: the file holds identified narratives"
        )
        check = subcommands.add_parser(
            "regressions",
            help="replay approved corrections against the current engine (offsets and types only; exit 1 on a miss)",
        )
        check.add_argument("--provider", metavar="SLUG", help="one provider only (default: every provider)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "regressions":
            self._regressions(provider_named(options["provider"]))
            return
        if not options["phi_ok"]:
            raise CommandError(
                f"{PHI_FLAG}: required; the examples are identified narratives (PHI). "
                "Keep the file inside the provider's PSES and delete it when done."
            )
        provider = provider_named(options["provider"])
        out: Path = options["out"]
        count = export_to_new_file(out, lambda path: export_examples(out=path, provider=provider))
        self.stdout.write(f"{count} reviewed narrative(s) written to {out} (mode 0600; contains PHI)")

    def _regressions(self, provider: Organization | None) -> None:
        # Offsets, types and ids only: the identifier text is PHI and stays out of the output.
        reviews = added = undone = 0
        outcomes: Counter[str] = Counter()
        for found in examples.check_regressions(provider=provider):
            reviews += 1
            for check in found.checks:
                outcomes[check.outcome] += 1
                added += check.action == CorrectionAction.ADD
                undone += check.action == CorrectionAction.REMOVE
                if check.outcome != examples.CAUGHT and check.outcome != examples.NOT_FLAGGED:
                    now = "/".join(check.engine_types) or "nothing"
                    self.stdout.write(
                        f"review {found.review_id} (report {found.report_id}): {_WORDS[check.outcome]}: "
                        f"{check.span_type} at {check.start}–{check.end} (the engine gives {now})"
                    )
        missed = outcomes[examples.MISSED] + outcomes[examples.PARTLY_MISSED]
        self.stdout.write(
            f"{VERSION}: {reviews} approved review(s) with corrections. "
            f"{added} span(s) reviewers added: {outcomes[examples.CAUGHT]} caught, "
            f"{outcomes[examples.CAUGHT_AS_OTHER]} caught as another type, "
            f"{outcomes[examples.PARTLY_MISSED]} partly missed, {outcomes[examples.MISSED]} missed. "
            f"{undone} span(s) reviewers undid: {outcomes[examples.NOT_FLAGGED]} no longer taken, "
            f"{outcomes[examples.STILL_FLAGGED]} still taken."
        )
        if missed:
            raise CommandError(f"regressions: the engine misses {missed} span(s) reviewers added (listed above)")


_WORDS = {
    examples.MISSED: "missed",
    examples.PARTLY_MISSED: "partly missed",
    examples.CAUGHT_AS_OTHER: "caught as another type",
    examples.STILL_FLAGGED: "undone by the reviewer, still taken",
}
