"""`openpso serve` has the task worker build the dashboards the cache lacks before their first
view: after an upgrade the cache's code stamp changed and every dashboard was cold (3 s)."""

from __future__ import annotations

import os
import subprocess

from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

WARM = "openpso.analytics.tasks.warm_dashboards_task"


def test_serve_queues_the_dashboards_to_be_built_unless_there_is_no_task_worker(db, monkeypatch):
    started = []
    monkeypatch.setattr(subprocess, "Popen", lambda argv: started.append(argv))
    monkeypatch.setattr(os, "execv", lambda *args: None)
    call_command("serve", "--no-migrate")
    assert DBTaskResult.objects.filter(task_path=WARM).count() == 1
    assert started
    call_command("serve", "--no-migrate", "--no-tasks")
    assert DBTaskResult.objects.filter(task_path=WARM).count() == 1  # no worker would run it
