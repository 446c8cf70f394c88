"""pytest plugin loaded first (`-p openpso.testing.env`): each run gets its own data and keys dirs.

Under pytest-xdist every worker gets its own too: the workers inherit the controller's
environment, and a shared data dir would share the file cache (which each test clears), the
lake and the SQLite files between tests running at the same time.
"""

import os
import tempfile

# Set before Django reads its settings, so no run touches ./var or a developer's keys.
_worker = os.environ.get("PYTEST_XDIST_WORKER")
_controller_dir = os.environ.get("OPENPSO_TEST_RUN_DIR")
if _worker and _controller_dir:
    _run_dir = os.path.join(_controller_dir, _worker)
    for _name, _sub in (("OPENPSO_DATA_DIR", "data"), ("OPENPSO_KEYS_DIR", "keys")):
        if os.environ.get(_name) == os.path.join(_controller_dir, _sub):  # the controller's default
            os.environ[_name] = os.path.join(_run_dir, _sub)
else:
    _run_dir = tempfile.mkdtemp(prefix="openpso-test-")
    os.environ["OPENPSO_TEST_RUN_DIR"] = _run_dir
os.environ.setdefault("OPENPSO_ENV", "test")
os.environ.setdefault("OPENPSO_DATA_DIR", os.path.join(_run_dir, "data"))
os.environ.setdefault("OPENPSO_KEYS_DIR", os.path.join(_run_dir, "keys"))
# A lake refresh over more than 64 events forks one scrubbing worker per core. Under pytest-xdist
# the cores are already taken by the test workers, and each of those is multi-threaded (execnet's
# I/O thread, the model's BLAS threads): a child forked from it can die on a lock another thread
# held at the fork (CI, 2026-12-07: BrokenProcessPool in a feedback test). Tests refresh in one
# process; the tests of the pool itself ask for two workers explicitly.
os.environ.setdefault("OPENPSO_LAKE_WORKERS", "1")
