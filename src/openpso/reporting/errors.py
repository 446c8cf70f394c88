"""Field-level errors with stable codes, shared by the web form and the API (invariant 7)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from openpso.reporting.labels import label_for
from openpso.reporting.schemas import FieldError


def in_words(field: str, message: str) -> str:
    """A message that names the field by its label: "Category: Fall [A48] is not collected…".

    The API's `field` and `code` stay machine-readable (the contract); only the `message`
    is for people. A message that starts with the raw field or linkId gets the label instead.
    """
    label = label_for(field)
    if message.startswith(f"{label}: "):
        return message
    # completeness.problems_in_words already names the question by its text (and its form).
    words = label.rsplit(" [", 1)[0] if field.startswith("answers.") and label.endswith("]") else None
    if words and (message.startswith(f"{words} (") or message.startswith(f"{words}: ")):
        return message
    raw = field.removeprefix("answers.")
    for prefix in (f"{field}: ", f"{raw}: "):
        if message.startswith(prefix):
            message = message.removeprefix(prefix)
            break
    return f"{label}: {message}"


def worded(error: FieldError) -> FieldError:
    return error.model_copy(update={"message": in_words(error.field, error.message)})


class ReportInvalid(Exception):
    def __init__(self, errors: list[FieldError]) -> None:
        errors = [worded(e) for e in errors]
        super().__init__("; ".join(e.message for e in errors))
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
            message = "this is needed"
        elif error["type"] == "extra_forbidden":
            message = "not a known field; leave it out"
        field = ".".join(parts) or "__all__"
        errors.append(FieldError(field=field, code=error["type"], message=in_words(field, message)))
    return errors
