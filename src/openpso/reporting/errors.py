"""Field-level errors with stable codes, shared by the web form and the API (invariant 7)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from openpso.reporting.schemas import FieldError


class ReportInvalid(Exception):
    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors

    @classmethod
    def one(cls, field: str, code: str, message: str) -> ReportInvalid:
        return cls([FieldError(field=field, code=code, message=message)])


class IdempotencyConflict(Exception):
    """The same Idempotency-Key was sent before with a different request body."""


# Request parts that ninja puts in front of a field's location.
_LOCATION_PREFIXES = {"body", "payload", "query", "path", "header", "form"}


def field_errors(exc: ValidationError) -> list[FieldError]:
    return field_errors_from_list(exc.errors())


def field_errors_from_list(raw: Sequence[Any]) -> list[FieldError]:
    errors = []
    for error in raw:
        parts = [str(part) for part in error.get("loc", ())]
        while parts and parts[0] in _LOCATION_PREFIXES:
            parts.pop(0)
        message = error["msg"]
        if error["type"] == "missing" or (
            error["type"] == "string_too_short" and (error.get("ctx") or {}).get("min_length") == 1
        ):
            message = "this field is required"
        elif error["type"] == "extra_forbidden":
            message = "unknown field"
        errors.append(FieldError(field=".".join(parts) or "__all__", code=error["type"], message=message))
    return errors
