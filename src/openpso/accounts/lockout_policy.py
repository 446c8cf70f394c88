"""`OPENPSO_LOCKOUT_BY`: what a run of failed sign-ins locks, written as django-axes parameters.

Pure (no Django app imports) because `settings.py` reads it. The value is a comma-separated
list of terms; each term locks on its own once it collects `OPENPSO_LOGIN_FAILURE_LIMIT`
failures within the cool-off:

- `account` — the account named at sign-in, whichever address the attempts come from;
- `client` — the network address the attempts come from, whichever accounts they name;
- `account+client` — one account from one address only (`+` joins keys into one counter).

So `account,client` locks an account after N failures from anywhere and an address after N
failures at any accounts, while `account+client` never locks anybody out from elsewhere.
docs/configuration.md explains the trade-off.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

DEFAULT_LOCKOUT_BY = "account,client"

# Our words for axes' request keys: an operator thinks in accounts and clients, not in the
# names of axes' database columns.
_AXES_KEY = {"account": "username", "client": "ip_address"}


def lockout_parameters(value: str, *, name: str = "OPENPSO_LOCKOUT_BY") -> list[str | list[str]]:
    """Translate a policy such as "account,client" into `AXES_LOCKOUT_PARAMETERS`.

    >>> lockout_parameters("account,client")
    ['username', 'ip_address']
    >>> lockout_parameters("account+client")
    [['username', 'ip_address']]
    """
    parameters: list[str | list[str]] = []
    for term in (part.strip() for part in value.split(",")):
        if not term:
            continue
        words = [word.strip() for word in term.split("+")]
        unknown = [word for word in words if word not in _AXES_KEY]
        if unknown or len(set(words)) != len(words):
            raise ImproperlyConfigured(f"{name}={value!r}: {term!r} is not one of account, client, account+client")
        keys = [_AXES_KEY[word] for word in words]
        parameter: str | list[str] = keys[0] if len(keys) == 1 else keys
        if parameter in parameters:
            raise ImproperlyConfigured(f"{name}={value!r}: {term!r} is given twice")
        parameters.append(parameter)
    if not parameters:
        raise ImproperlyConfigured(f"{name} is empty: give account, client, account+client or a list of them")
    return parameters


def describe(parameters: list[str | list[str]]) -> list[str]:
    """Our words for axes parameters, for audit rows: ["username"] -> ["account"]."""
    words = {axes: ours for ours, axes in _AXES_KEY.items()}
    return [
        words[parameter] if isinstance(parameter, str) else "+".join(words[key] for key in parameter)
        for parameter in parameters
    ]
