"""What the lake tells the apps downstream of it, without importing them (dependencies run with the flow)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent by the background refresh when it has finished; `summary` is its `RefreshSummary`.
lake_refreshed = Signal()
