"""The task worker has the dashboards the cache lacks built before their first view: after an
upgrade the cache's code stamp changed and every dashboard was cold (3 s). It queues them when
it starts, whether `openpso serve` runs it or it is a service of its own (deploy/systemd)."""

from __future__ import annotations

import os

from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from openpso.core.management.commands import worker

WARM = "openpso.analytics.tasks.warm_dashboards_task"


def test_the_task_worker_queues_the_dashboards_to_be_built_before_it_runs(db, monkeypatch):
    ran: list[str] = []
    monkeypatch.setattr(worker, "call_command", lambda name, **options: ran.append(name))
    call_command("worker")
    assert DBTaskResult.objects.filter(task_path=WARM).count() == 1
    assert ran == ["db_worker"]


def test_serve_no_longer_queues_them_itself(db, monkeypatch):

    monkeypatch.setattr(os, "execv", lambda *args: None)
    call_command("serve", "--no-migrate")
    assert not DBTaskResult.objects.filter(task_path=WARM).exists()  # the worker it starts does
