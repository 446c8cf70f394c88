"""Settings for the load benchmark's server (`benchmarks/bench_load.py`): OpenPSO's own, plus one URL.

The benchmark compares intake with a bare Django view inserting the same row
(`openpso.testing.bare_intake`). That view is routed only here, never by `openpso.urls`, and
these settings refuse to load in production: nothing deployed can reach it.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from openpso.settings import *  # noqa: F403 - the same settings, with one URLconf swapped
from openpso.settings import PRODUCTION

if PRODUCTION:
    raise ImproperlyConfigured("openpso.testing.load_settings is for the load benchmark, never for production")

ROOT_URLCONF = "openpso.testing.bare_intake"
