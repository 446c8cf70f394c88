"""What the PSWP kernel needs of a provider's record: its id and its provider.

`pswp` sits below the apps whose records carry a PSWP status (an event report, an RCA, a
deliberation), so it names none of them: a disclosure or an oversight read takes any record
that says which provider holds it, and the ledger takes any `LedgerGuardedModel`.
"""

from __future__ import annotations

from typing import Any, Protocol


class ProviderRecord(Protocol):
    """A record held by one provider, named in a disclosure by its id."""

    @property
    def pk(self) -> Any: ...

    @property
    def provider_id(self) -> int: ...
