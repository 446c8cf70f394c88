"""Months: labels as the lake writes them (`YYYY-MM`), dates a month on, and arithmetic on both.

The one module that does month arithmetic (docs/architecture.md): the lake, the synthetic generator,
the analytics, feedback periods, the compliance register's deadlines and the PSO inbox's filters
all count months the same way. Pure Python.
"""

from __future__ import annotations

import calendar
import datetime as dt


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


def month_bounds(label: str) -> tuple[dt.date, dt.date]:
    """The first and last day of month `label`."""
    year, month = int(label[:4]), int(label[5:7])
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def parse_month(value: str) -> dt.date:
    """'YYYY-MM' → the first of that month; ValueError with the reason otherwise."""
    try:
        return dt.datetime.strptime(value, "%Y-%m").replace(tzinfo=dt.UTC).date()
    except ValueError:
        raise ValueError(f"{value!r} is not a month like 2026-10") from None


def last_full_month(today: dt.date) -> str:
    """The label of the last month that ended before `today`."""
    return f"{today.replace(day=1) - dt.timedelta(days=1):%Y-%m}"


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by `months` (back when negative); a day the month lacks becomes its last day."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
