"""pytest plugin loaded first (`-p openpso.testing.env`): each run gets its own data and keys dirs."""

import os
import tempfile

# Set before Django reads its settings, so no run touches ./var or a developer's keys.
_run_dir = tempfile.mkdtemp(prefix="openpso-test-")
os.environ.setdefault("OPENPSO_ENV", "test")
os.environ.setdefault("OPENPSO_DATA_DIR", os.path.join(_run_dir, "data"))
os.environ.setdefault("OPENPSO_KEYS_DIR", os.path.join(_run_dir, "keys"))
