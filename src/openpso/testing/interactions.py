"""Counting what a reporter has to do, and estimating how long it takes at a human pace.

The estimate uses the Keystroke-Level Model (Card, Moran & Newell, 1983) adapted to a
phone: each tap is a mental preparation (M = 1.35 s) plus pointing and pressing
(P + B = 1.2 s); typing costs 0.35 s per character, about 35 words a minute on a phone
keyboard; reading the page once costs a fixed 10 s. It is an estimate for comparing
forms, not a measurement of people.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MENTAL_S = 1.35
TAP_S = 1.2
CHAR_S = 0.35
ORIENTATION_S = 10.0


@dataclass
class Interactions:
    """Wraps a Playwright page; every tap, choice or typed field counts as one interaction."""

    page: Any
    steps: list[str] = field(default_factory=list)
    typed_chars: int = 0

    def tap(self, locator: Any, what: str) -> None:
        locator.click()
        self.steps.append(f"tap {what}")

    def choose(self, label: str, *, question: str | None = None) -> None:
        """Tick a radio button or checkbox, within one question's group when labels repeat."""
        scope = self.page.get_by_role("group", name=question, exact=True) if question else self.page
        scope.get_by_label(label, exact=True).check()
        self.steps.append(f"choose {label}")

    def type(self, label: str, text: str) -> None:
        self.page.get_by_label(label, exact=True).fill(text)
        self.typed_chars += len(text)
        self.steps.append(f"type {label} ({len(text)} chars)")

    def select(self, label: str, option: str) -> None:
        self.page.get_by_label(label, exact=True).select_option(label=option)
        self.steps.append(f"select {label}: {option}")

    @property
    def count(self) -> int:
        return len(self.steps)

    @property
    def estimated_seconds(self) -> float:
        return ORIENTATION_S + self.count * (MENTAL_S + TAP_S) + self.typed_chars * CHAR_S

    def send_report(self, name: str) -> str:
        """Tap "Send report", check the report was received, and say what it took (shown with
        `pytest -s`; the figures are recorded in docs/benchmarks.md and docs/suggest.md)."""
        self.tap(self.page.get_by_role("button", name="Send report"), "Send report")
        assert "was received" in self.page.locator(".message").inner_text()
        summary = (
            f"{name}: {self.count} interactions, {self.typed_chars} characters typed, "
            f"about {self.estimated_seconds:.0f} s at a human pace: {'; '.join(self.steps)}"
        )
        print("\n" + summary)  # noqa: T201
        return summary
