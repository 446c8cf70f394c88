"""What the nonid export commands share: the `--provider` look-up and writing a new file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.core.management.base import CommandError

from openpso.organizations.models import Organization, OrgKind


def provider_named(slug: str | None) -> Organization | None:
    """The provider `--provider SLUG` names; None (every provider) when no slug is given."""
    if not slug:
        return None
    provider = Organization.objects.filter(slug=slug, kind=OrgKind.PROVIDER).first()
    if provider is None:
        raise CommandError(f"provider: no provider with the slug {slug!r} (see `openpso orgs`)")
    return provider


def export_to_new_file(out: Path, export: Callable[[Path], int]) -> int:
    """Run `export` into `out`, a file that must not exist yet in a folder that must; the
    errors name the option."""
    if not out.parent.is_dir():
        raise CommandError(f"out: the folder {str(out.parent)!r} does not exist")
    try:
        return export(out)
    except FileExistsError:
        raise CommandError(f"out: {str(out)!r} exists already; choose a new file name") from None
