"""`openpso bench`: run the benchmarks in `benchmarks/` (each prints its figure and its ratio)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Run every benchmark script in benchmarks/ (bench_*.py) and report its output."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dir", default="benchmarks")
        parser.add_argument("names", nargs="*", help="Run only these benchmarks (file stems).")

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["dir"])
        scripts = sorted(folder.glob("bench_*.py"))
        if options["names"]:
            scripts = [s for s in scripts if s.stem in options["names"]]
        if not scripts:
            self.stdout.write(f"no benchmarks found in {folder}/ (bench_*.py)")
            return
        failed = []
        for script in scripts:
            self.stdout.write(f"== {script.stem}")
            self.stdout.flush()
            if subprocess.run([sys.executable, str(script)], check=False).returncode != 0:  # noqa: S603
                failed.append(script.stem)
        if failed:
            raise CommandError(f"benchmarks failed: {', '.join(failed)}")
