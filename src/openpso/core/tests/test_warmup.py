"""Each gunicorn worker loads what the first requests need before it serves (issue 12 item 6)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from openpso.core import gunicorn, warmup


def test_openpso_serve_gives_gunicorn_the_warm_up_hook(db, monkeypatch):  # serve queues a task
    from openpso.core.management.commands import serve

    seen: list[list[str]] = []
    monkeypatch.setattr(os, "execv", lambda path, argv: seen.append(argv))
    monkeypatch.setattr(subprocess, "Popen", lambda argv: None)
    serve.Command().handle(bind="127.0.0.1:0", workers=1, no_migrate=True)
    argv = seen[0]
    assert argv[argv.index("--config") + 1] == "python:openpso.core.gunicorn"
    assert callable(gunicorn.post_worker_init)


def test_the_hook_warms_the_worker_and_keeps_its_heartbeat(monkeypatch):
    calls: list[object] = []

    class Worker:
        def notify(self) -> None:
            calls.append("beat")

    monkeypatch.setattr(warmup, "STEPS", {"one": lambda: calls.append("one"), "two": lambda: calls.append("two")})
    gunicorn.post_worker_init(Worker())
    assert calls == ["one", "beat", "two", "beat"]


def test_a_failing_step_is_logged_and_the_others_still_run(monkeypatch, caplog):
    def broken() -> None:
        raise RuntimeError("model missing")

    monkeypatch.setattr(warmup, "STEPS", {"broken": broken, "fine": lambda: None})
    assert list(warmup.warm_process()) == ["fine"]
    assert "warm-up step 'broken' failed" in caplog.text


def test_a_fresh_process_after_the_warm_up_has_the_pages_code_and_the_model_loaded(tmp_path):
    """In a process of its own, as a gunicorn worker: nothing was loaded before, everything after."""
    script = textwrap.dedent(
        """
        import sys, django
        django.setup()
        heavy = ("openpso.analytics.pages", "pandas", "spacy", "openpso.nonid.deid.engine", "openpso.suggest.model")
        assert not [m for m in heavy if m in sys.modules], [m for m in heavy if m in sys.modules]
        from openpso.core.warmup import STEPS, warm_process
        seconds = warm_process()
        assert list(seconds) == list(STEPS), seconds
        assert all(m in sys.modules for m in heavy)
        from openpso.nonid.deid import ner
        assert ner._nlp.cache_info().currsize == 1
        from openpso.suggest.model import shipped
        assert shipped.cache_info().currsize == 1  # the report form's code suggester
        from django.urls import get_resolver
        assert "url_patterns" in get_resolver().__dict__
        """
    )
    env = {"DJANGO_SETTINGS_MODULE": "openpso.settings", "OPENPSO_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
