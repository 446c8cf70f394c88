"""The `openpso` command: Django's management commands under one stable name.

`openpso serve`, `openpso demo`, `openpso orgs`, `openpso audit verify`, `openpso keys
rotate`, `openpso bench` and Django's own (`migrate`, `createsuperuser`) all run here;
`openpso deid` and `openpso suggest` run without Django (see openpso.nonid.deid.cli and
openpso.suggest.cli).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["deid"]:
        # De-identification needs no settings, database or keys: skip Django entirely, so
        # the command starts fast and runs wherever the package is installed.
        from openpso.nonid.deid.cli import main as deid

        sys.exit(deid(args[1:]))
    if args[:1] == ["suggest"]:
        # Suggestions need no settings either: numpy and the shipped model only.
        from openpso.suggest.cli import main as suggest

        sys.exit(suggest(args[1:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openpso.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["openpso", *args])


if __name__ == "__main__":
    main()
