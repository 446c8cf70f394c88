"""Playwright fixtures driving Debian's Chromium (never `playwright install`)."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


def chromium_path() -> str | None:
    return os.environ.get("OPENPSO_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Chromium for one test module. Playwright's sync API keeps an event loop running in this
    thread while it is open, so Django's guard against ORM calls from async code must stand
    down for that time (our ORM calls are synchronous); module scope keeps that window small."""
    executable = chromium_path()
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is required for browser tests (make test installs it as root)")
        pytest.skip("chromium is not installed")
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="openpso-chromium-")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=executable,
            headless=True,
            args=CHROMIUM_FLAGS,
        )
        context.close()  # the persistent profile proves the flags work; tests use fresh contexts
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()
    shutil.rmtree(profile, ignore_errors=True)
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def phone(chromium: Any) -> Iterator[Any]:
    """A new phone-sized browser context (390×844, touch)."""
    context = chromium.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    yield context
    context.close()


@pytest.fixture
def scanned_phone(chromium: Any) -> Iterator[Any]:
    """A phone-sized context (390×844, touch) into which the axe script may be injected:
    `bypass_csp` only for that script; the pages and their policy are the real ones."""
    context = chromium.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True, bypass_csp=True
    )
    yield context
    context.close()


def current_totp_code(secret: str) -> str:
    """The TOTP code an authenticator app would show now for `secret`."""
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    # The current period's code, as the app shows. allauth's `yield_hotp_counters_from_time`
    # starts at the oldest period its tolerance accepts: that code is refused once the period
    # turns between typing and checking, and sign_in then waited ~30 s for the next code.
    counter = int(time.time()) // app_settings.TOTP_PERIOD
    return str(format_hotp_value(hotp_value(secret, counter)))


def sign_in(page: Any, base: str, email: str, password: str, *, totp_secret: str | None = None) -> None:
    """Sign in through the real pages, giving the TOTP code when the account has MFA."""
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    if totp_secret:
        for attempt in range(2):
            page.fill("input[name=code]", current_totp_code(totp_secret))
            with page.expect_navigation():  # refused or accepted, the POST loads a page
                page.get_by_role("button", name="Sign In").click()
            if "/accounts/2fa" not in page.url:
                break
            # allauth refuses a code this user already gave in the last 90 s (one test may sign
            # the same person in twice); a person types the next code, and so do we.
            assert attempt == 0, f"{email}: TOTP code refused twice"
            shows(page, "Incorrect code")
            time.sleep(max(0.0, 30.5 - time.time() % 30))
    # Wait for the sign-in to land: a `goto` straight after the click can cancel the POST's
    # navigation and leave the page signed out (a flaky "link not found" later).
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_url(lambda url: "/accounts/login" not in url and "/accounts/2fa" not in url)
    except PlaywrightTimeout:
        # Say where it stopped and what the page said (CI once timed out here with no clue).
        shown = page.locator("main").inner_text(timeout=2000) if page.locator("main").count() else ""
        raise AssertionError(f"{email}: sign-in stopped at {page.url}: {shown[:500]!r}") from None


def shows(page: Any, text: str) -> None:
    """Wait until the page's body contains `text` (Playwright's waiting assertion).

    A click that submits a form starts a navigation and returns; reading `page.content()` at
    that moment can give the old page or, mid-swap, an empty document — a flaky failure.
    """
    from playwright.sync_api import expect

    expect(page.locator("body")).to_contain_text(text)
