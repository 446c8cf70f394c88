"""Cells for CSV files people open in a spreadsheet."""

from __future__ import annotations

from typing import Any

# A cell starting with one of these runs as a formula in Excel, LibreOffice or Sheets (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula, quoted so it stays text; anything else as it is."""
    return f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value
