import subprocess
import sys

import pytest

from benchmarks.bench_load import BARE_INTAKE_URL
from benchmarks.load.server import group_processes, slope_per_hour
from openpso.testing.bare_intake import BARE_INTAKE_PATH


def test_the_slope_is_in_mib_per_hour():
    points = [(0.0, 100.0), (1800.0, 110.0), (3600.0, 120.0)]
    assert slope_per_hour(points) == pytest.approx(20.0)
    assert slope_per_hour([(0.0, 100.0)]) == 0.0


def test_the_process_group_is_found_with_its_leader_and_memory():
    sleeper = "import time; time.sleep(30)"
    code = f"import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', {sleeper!r}]); time.sleep(30)"
    leader = subprocess.Popen([sys.executable, "-c", code], start_new_session=True)  # noqa: S603
    try:
        for _ in range(50):
            found = group_processes(leader.pid)
            if len(found) == 2:
                break
            subprocess.run(["sleep", "0.1"], check=True)  # noqa: S607
        assert [p.role for p in found] == ["master", "task worker"]  # the child is not gunicorn
        assert all(p.rss_kib > 0 for p in found)
    finally:
        for proc in group_processes(leader.pid):
            subprocess.run(["kill", str(proc.pid)], check=False)  # noqa: S603, S607
        leader.wait()


def test_the_benchmark_posts_to_the_bare_views_path():
    assert f"/{BARE_INTAKE_PATH}" == BARE_INTAKE_URL
