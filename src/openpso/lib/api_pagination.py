"""`limit`/`offset` for the API's lists, with bounds the OpenAPI document states.

ninja's own LimitOffsetPagination leaves both unbounded: an offset past 2^63 reached the
database and failed there (a 500), and any limit was served. Both are now checked before a
query runs, so a value out of range is a 422 naming `limit` or `offset` (invariant 7).
"""

from __future__ import annotations

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

DEFAULT_LIMIT = 100
MAX_LIMIT = 500
# Far beyond any list a caller can page through, and far inside a 64-bit OFFSET.
MAX_OFFSET = 1_000_000_000


class BoundedLimitOffset(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Items per page, 1 to {MAX_LIMIT}")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description=f"Items to skip, 0 to {MAX_OFFSET}")

    def __init__(self, **kwargs: object) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)
