"""`openpso orgs`: one organisation per line as slug<TAB>kind<TAB>name (a stable contract)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from openpso.organizations.models import Organization


class Command(BaseCommand):
    help = "List organisations: slug<TAB>kind<TAB>name, one per line."

    def handle(self, *args: Any, **options: Any) -> None:
        for slug, kind, name in Organization.objects.order_by("kind", "slug").values_list("slug", "kind", "name"):
            # Tabs or newlines inside a name would break the line format; names never need them.
            clean = " ".join(name.split())
            self.stdout.write(f"{slug}\t{kind}\t{clean}")
