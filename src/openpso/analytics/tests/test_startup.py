"""The analytics stack loads with the first dashboard, not with every process that imports the URLs."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "openpso.settings"
import django
django.setup()
from django.urls import resolve
resolve("/healthz")  # imports every URLconf, as Django's system checks do
heavy = sorted(m for m in ("pandas", "ibis", "altair", "vl_convert", "scipy.stats", "weasyprint") if m in sys.modules)
print(",".join(heavy))
"""


def test_importing_the_urls_loads_no_analytics_or_pdf_library(tmp_path):
    env = {"OPENPSO_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", CHECK], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.strip() == ""
