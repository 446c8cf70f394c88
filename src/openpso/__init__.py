"""OpenPSO: reporting, evaluation and pooled learning for Patient Safety Organizations."""

__version__ = "0.1.0"
