"""The `openpso` command: Django's management commands under one stable name.

`openpso serve`, `openpso demo`, `openpso orgs`, `openpso audit verify`, `openpso keys
rotate`, `openpso bench` and Django's own (`migrate`, `createsuperuser`) all run here.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openpso.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["openpso", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
