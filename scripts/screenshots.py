"""Re-make the README's screenshots (docs/screenshots/*.png) from a fresh demo.

    .venv/bin/python scripts/screenshots.py [--events 400] [--out docs/screenshots]

Seeds `openpso demo --events N` into a temporary OPENPSO_DATA_DIR, serves it with `openpso
serve` on a free loopback port and walks each role's main pages in Debian's Chromium (the
browser tests' one), phone-sized (390x844) and desktop (1280x900). The safety manager's pages
show a report filed through the form a moment before, with a question left for the safety
team, so the completeness list and the answers page have something to say. Images are cut to
one phone screen or a screen and a half of desktop, and saved as 256-colour PNGs to stay small.
Everything shown is synthetic.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
DESK = {"viewport": {"width": 1280, "height": 900}, "device_scale_factor": 1}
# Cut long pages: the top of a page is what a README reader looks at. A phone shot is one
# screen, as a person holding the phone sees it; a desktop shot a screen and a half.
SCREENS = {"phone": 1.0, "desktop": 1.5}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _openpso(*args: str, env: dict[str, str], **kwargs: Any) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "openpso.cli", *args], env=env, **kwargs)  # noqa: S603


@contextmanager
def demo_server(events: int) -> Iterator[str]:
    """A freshly seeded demo served on a free loopback port; everything removed afterwards."""
    home = Path(tempfile.mkdtemp(prefix="openpso-screens-"))
    env = {**os.environ, "OPENPSO_DATA_DIR": str(home / "data"), "OPENPSO_KEYS_DIR": str(home / "keys")}
    os.environ.update({k: env[k] for k in ("OPENPSO_DATA_DIR", "OPENPSO_KEYS_DIR")})
    seeding = _openpso("demo", "--events", str(events), "--no-serve", env=env, stdout=subprocess.DEVNULL)
    if seeding.wait() != 0:
        raise SystemExit("openpso demo failed")
    port = _free_port()
    server = _openpso(
        "serve",
        "--bind",
        f"127.0.0.1:{port}",
        "--no-migrate",
        "--no-tasks",
        env=env,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2):  # noqa: S310 - our loopback server
                    break
            except OSError:
                time.sleep(0.5)
        else:
            raise SystemExit("the demo server did not answer /healthz")
        yield base
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
        shutil.rmtree(home, ignore_errors=True)


class Shooter:
    def __init__(self, browser: Any, base: str, out: Path) -> None:
        self.browser, self.base, self.out = browser, base, out
        self.made: list[Path] = []

    def sign_in(self, email: str, *, phone: bool = False) -> Any:
        from openpso.demo.users import DEMO_PASSWORD, demo_logins
        from openpso.testing.browser import sign_in

        secret = next(login.totp_secret for login in demo_logins() if login.email == email)
        page = self.browser.new_context(**(PHONE if phone else DESK)).new_page()
        sign_in(page, self.base, email, DEMO_PASSWORD, totp_secret=secret)
        return page

    def on_phone(self, page: Any) -> Any:
        """The same signed-in session on a phone (a second TOTP sign-in within 30 s reuses a code)."""
        return self.browser.new_context(storage_state=page.context.storage_state(), **PHONE).new_page()

    def shoot(self, page: Any, name: str, path: str | None = None) -> None:
        from PIL import Image

        if path is not None:
            page.goto(f"{self.base}{path}")
        page.wait_for_load_state("networkidle")
        target = self.out / f"{name}.png"
        page.screenshot(path=str(target), full_page=True, animations="disabled")
        with Image.open(target) as image:
            viewport = page.viewport_size
            scale = image.width / viewport["width"]
            screens = SCREENS["phone" if viewport["width"] < 600 else "desktop"]
            height = min(image.height, int(viewport["height"] * screens * scale))
            small = image.crop((0, 0, image.width, height)).convert("RGB").quantize(colors=256)
        small.save(target, optimize=True)
        self.made.append(target)
        shown = target.relative_to(ROOT) if target.is_relative_to(ROOT) else target
        print(f"{shown}: {target.stat().st_size // 1024} KB")  # noqa: T201 - a script's report


def file_a_fall(reporter: Any, base: str) -> str:
    """The demo reporter files a fall on the phone, leaving one module question to the safety team."""
    reporter.goto(f"{base}/reports/new/")
    reporter.get_by_label("Incident", exact=True).check()
    reporter.get_by_label("Fall", exact=True).check()
    reporter.get_by_role("textbox", name="What happened?", exact=True).fill(
        "Found on the floor beside the bed at 02:00; says she slid while getting up. Skin tear on the forearm."
    )
    reporter.get_by_label("Mild harm", exact=True).check()
    group = reporter.get_by_role("group", name="Did the patient have an injury from the fall?", exact=True)
    group.get_by_label("Yes", exact=True).check()
    reporter.get_by_role("group", name="What injury?", exact=True).get_by_label(
        "Skin tear, abrasion, laceration or bruise", exact=True
    ).check()
    reporter.get_by_role("button", name="Send report").click()
    found = re.search(r"Report ([0-9A-F]{8}) was received", reporter.locator(".message").first.inner_text())
    if found is None:
        raise SystemExit("the demo reporter's fall was not received")
    return found.group(1)


def first_link(page: Any, pattern: str) -> None:
    page.locator(f"main a[href*='{pattern}']").first.click()
    page.wait_for_load_state("networkidle")


def take_all(shooter: Shooter) -> None:
    s, base = shooter, shooter.base
    reporter = s.sign_in("reporter@demo.openpso.test", phone=True)
    s.shoot(reporter, "report-form-phone", "/reports/new/")
    short_id = file_a_fall(reporter, base)
    s.shoot(reporter, "reporter-my-reports-phone", "/reports/mine/")

    manager = s.sign_in("manager@demo.openpso.test")
    s.shoot(manager, "manager-queue", "/pses/queue/")
    manager.goto(f"{base}/reports/")
    manager.get_by_role("link", name=short_id).first.click()
    s.shoot(manager, "report-detail")
    manager.locator(".answers-panel").get_by_role("link", name="Was the fall assisted or unassisted?").click()
    s.shoot(manager, "manager-answers")
    s.shoot(manager, "manager-submit", "/submissions/")
    manager_phone = s.on_phone(manager)
    s.shoot(manager_phone, "manager-queue-phone", "/pses/queue/")
    manager.goto(f"{base}/pses/queue/")
    manager.get_by_role("button", name=f"Make an event from report {short_id}").click()
    manager.wait_for_url(re.compile(r"/pses/events/[0-9a-f-]{36}/"))
    event = re.search(r"/pses/events/([0-9a-f-]{36})/", manager.url).group(1)  # type: ignore[union-attr]

    committee = s.sign_in("committee@demo.openpso.test")
    committee.goto(f"{base}/pses/events/{event}/deliberations/new/")
    committee.get_by_label("Title", exact=True).fill("Committee review of the bed-exit alarm")
    committee.get_by_label("Deliberation", exact=True).fill(
        "The alarm can be silenced at the bedside without a second check; the committee asks for a forcing function."
    )
    committee.get_by_role("button", name="Record deliberation").click()
    s.shoot(committee, "committee-deliberation")
    s.shoot(committee, "committee-event", f"/pses/events/{event}/")

    system = s.sign_in("system@demo.openpso.test")
    s.shoot(system, "system-affiliates", "/system/submissions/")
    system.goto(f"{base}/analytics/")
    first_link(system, "/analytics/system/")
    s.shoot(system, "system-dashboard")

    analyst = s.sign_in("analyst@demo.openpso.test")
    s.shoot(analyst, "analyst-inbox", "/pso/inbox/")
    s.shoot(analyst, "analyst-dashboard", "/analytics/pso/")

    admin = s.sign_in("admin@demo.openpso.test")
    s.shoot(admin, "admin-organisations", "/manage/")
    s.shoot(admin, "admin-reidentify", "/pso/reidentify/")

    auditor = s.sign_in("auditor@demo.openpso.test")
    s.shoot(auditor, "auditor-audit-log", "/audit/")
    auditor_phone = s.on_phone(auditor)
    s.shoot(auditor_phone, "auditor-audit-log-phone", "/audit/")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=400, help="demo event reports to seed (default 400)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openpso.settings")
    with demo_server(args.events) as base:
        import django
        from playwright.sync_api import sync_playwright

        from openpso.testing.browser import CHROMIUM_FLAGS, chromium_path

        django.setup()  # the demo's TOTP secrets (no database is read here)
        executable = chromium_path()
        if executable is None:
            raise SystemExit("Debian's chromium is needed (apt-get install chromium)")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
            take_all(Shooter(browser, base, args.out))
            browser.close()


if __name__ == "__main__":
    main()
