"""Input checks shared by the statistics modules: fail loudly, naming the argument and the reason."""

from __future__ import annotations

import math
from collections.abc import Sequence


def same_length(**columns: Sequence[object]) -> int:
    """Return the common length of the named sequences, or raise naming the ones that differ."""
    lengths = {name: len(values) for name, values in columns.items()}
    if len(set(lengths.values())) > 1:
        detail = ", ".join(f"{name}={n}" for name, n in lengths.items())
        raise ValueError(f"sequences must have the same length: {detail}")
    return next(iter(lengths.values()), 0)


def count(value: float, name: str) -> int:
    """A non-negative whole number of events."""
    if isinstance(value, bool) or not math.isfinite(float(value)) or float(value) != int(value):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if value < 0:
        raise ValueError(f"{name} must not be negative, got {value!r}")
    return int(value)


def positive(value: float, name: str) -> float:
    """A strictly positive finite amount (exposure, size, per)."""
    if not math.isfinite(float(value)):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if value <= 0:
        raise ValueError(f"{name} must be greater than zero, got {value!r}")
    return float(value)


def non_negative(value: float, name: str) -> float:
    if not math.isfinite(float(value)) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return float(value)


def confidence(value: float, name: str = "confidence") -> float:
    if not 0 < value < 1:
        raise ValueError(f"{name} must lie strictly between 0 and 1, got {value!r}")
    return float(value)
