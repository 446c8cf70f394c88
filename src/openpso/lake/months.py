"""Month labels as the lake writes them (`YYYY-MM`), and arithmetic on them.

Pure Python: the lake, the synthetic generator, the analytics and the benchmark all count months
the same way.
"""

from __future__ import annotations


def month_index(label: str) -> int:
    """`YYYY-MM` as a count of months (year × 12 + month − 1), so months subtract."""
    return int(label[:4]) * 12 + int(label[5:7]) - 1


def month_label(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def shift_month(label: str, by: int) -> str:
    """The month `by` months after `label` (before, when negative)."""
    return month_label(month_index(label) + by)


def month_range(start: str, end: str) -> list[str]:
    """Every month from `start` to `end`, both included."""
    return [month_label(i) for i in range(month_index(start), month_index(end) + 1)]
