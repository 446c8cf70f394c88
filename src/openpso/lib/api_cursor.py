"""Cursor pagination for the API's lists: an opaque, signed cursor over a stable order.

A client syncing a list walks it page by page with `next_cursor`; rows written between two pages
neither repeat a row nor hide one, because each page starts strictly after the last row of the
page before in a total order (the list's key, then the primary key: keyset pagination). An offset
would shift under such writes. The cursor is signed (django.core.signing, with the list's own salt):
one that was edited, cut or made for another list is a 422 naming `cursor`, never a wrong page.

`limit`/`offset` still work for clients that used them (the same order; an offset page also
gives the `next_cursor` to go on from), but not together with a cursor.
"""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Field as DjangoField
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.errors import ValidationError
from ninja.pagination import PaginationBase

from openpso.lib.api_pagination import DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET

MAX_CURSOR = 400  # characters: a cursor holds two values and a signature


def _refuse(message: str, kind: str = "invalid_cursor") -> ValidationError:
    return ValidationError([{"loc": ("query", "cursor"), "msg": message, "type": kind}])


class KeysetCursor(PaginationBase):
    """Newest first by `key` (a field of the listed model), then by primary key.

    `paginate(KeysetCursor, key="reported_at", salt="reports")`; `key="pk"` orders by the primary
    key alone. `salt` names the list, so a cursor of one list is refused by another.
    """

    class Input(Schema):
        limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Items per page, 1 to {MAX_LIMIT}")
        cursor: str | None = Field(
            None,
            max_length=MAX_CURSOR,
            description="Where to go on from: the `next_cursor` of the page before (opaque and signed)",
        )
        offset: int = Field(
            0,
            ge=0,
            le=MAX_OFFSET,
            description=f"Items to skip, 0 to {MAX_OFFSET}, for clients that page by offset; not with `cursor`",
        )

    class Output(Schema):
        items: list[Any]
        count: int = Field(..., description="Items in the whole list (all pages)")
        next_cursor: str | None = Field(..., description="Pass as `cursor` for the next page; null on the last page")

    def __init__(self, *, key: str = "pk", salt: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.key = key
        self.names = ["pk"] if key == "pk" else [key, "pk"]  # the total order, newest first
        self.salt = f"openpso.api.cursor:{salt}"

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Input, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        ordered = queryset.order_by(*(f"-{name}" for name in self.names))
        count = ordered.count()
        if pagination.cursor is not None and pagination.offset:
            raise _refuse("give either cursor or offset, not both", "cursor_with_offset")
        page = ordered
        if pagination.cursor is not None:
            page = ordered.filter(self._after(queryset.model, pagination.cursor))
        start = pagination.offset
        rows = list(page[start : start + pagination.limit + 1])
        more = len(rows) > pagination.limit
        rows = rows[: pagination.limit]
        next_cursor = self._cursor_after(rows[-1]) if more and rows else None
        return {"items": rows, "count": count, "next_cursor": next_cursor}

    def _cursor_after(self, row: Model) -> str:
        values = [getattr(row, name) for name in self.names]
        plain = [v.isoformat() if hasattr(v, "isoformat") else str(v) for v in values]
        return signing.dumps(plain, salt=self.salt, compress=True)

    def _after(self, model: type[Model], cursor: str) -> Q:
        try:
            plain = signing.loads(cursor, salt=self.salt)
        except signing.BadSignature:
            raise _refuse("not a cursor this list gave out (changed, cut or from another list)") from None
        names = self.names
        if not isinstance(plain, list) or len(plain) != len(names):
            raise _refuse("not a cursor this list gave out")
        fields = [model._meta.pk if n == "pk" else model._meta.get_field(n) for n in names]
        try:
            values = [_parse(f, v) for f, v in zip(fields, plain, strict=True)]
        except (DjangoValidationError, ValueError, TypeError):  # signed, but of an older shape of the list
            raise _refuse("not a cursor this list gave out") from None
        if self.key == "pk":
            return Q(pk__lt=values[0])
        return Q(**{f"{self.key}__lt": values[0]}) | Q(**{self.key: values[0], "pk__lt": values[1]})


def _parse(field: object, value: object) -> object:
    if not isinstance(field, DjangoField):
        raise TypeError(f"{field!r} is not a concrete field to page by")
    return field.to_python(value)
