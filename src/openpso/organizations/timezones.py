"""Each organisation's time zone, and the one rule for which zone a page is shown in.

Times are stored in UTC; they are shown in the zone of the organisation the page is about
(docs/configuration.md, "Time zones"):

1. a page about one object (a report, an event, a submission, an anonymous report's status)
   is shown in the zone of that object's provider (`activate_zone_of`, called by its view);
2. any other page for a signed-in user is shown in the zone of the organisation of their
   first membership (the oldest, `zone_for_user`), activated by `TimeZoneMiddleware`;
3. anything else (anonymous pages with no provider, background work given no zone) uses
   the server's `TIME_ZONE` (`OPENPSO_TIME_ZONE`).

Background work (PDF reports, clock watch) has no request: it passes a zone explicitly.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from openpso.audit.actor import Actor

# Offered first on the organisation page: the zones of the 50 states, DC and the territories.
US_ZONES = (
    ("America/New_York", "Eastern (New York)"),
    ("America/Chicago", "Central (Chicago)"),
    ("America/Denver", "Mountain (Denver)"),
    ("America/Phoenix", "Mountain, no daylight saving (Phoenix)"),
    ("America/Los_Angeles", "Pacific (Los Angeles)"),
    ("America/Anchorage", "Alaska (Anchorage)"),
    ("America/Adak", "Hawaii-Aleutian (Adak)"),
    ("Pacific/Honolulu", "Hawaii (Honolulu)"),
    ("America/Puerto_Rico", "Atlantic (Puerto Rico, US Virgin Islands)"),
    ("Pacific/Guam", "Chamorro (Guam, Northern Mariana Islands)"),
    ("Pacific/Pago_Pago", "Samoa (American Samoa)"),
    ("America/Detroit", "Eastern (Detroit)"),
    ("America/Indiana/Indianapolis", "Eastern (Indianapolis)"),
    ("America/Kentucky/Louisville", "Eastern (Louisville)"),
    ("America/Boise", "Mountain (Boise)"),
)


def default_time_zone() -> str:
    """A new organisation's zone: the server's (OPENPSO_TIME_ZONE)."""
    return str(settings.TIME_ZONE)


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            f"Time zone: “{value}” is not a time zone name OpenPSO knows; choose one such as America/Denver.",
            code="invalid_time_zone",
        )


@functools.cache
def time_zone_choices() -> list[tuple[str, Any]]:
    """US zones first, by name in words, then every other IANA zone alphabetically."""
    known = zoneinfo.available_timezones()
    us = [(name, f"{label} — {name}") for name, label in US_ZONES if name in known]
    listed = {name for name, _ in us}
    others = sorted(name for name in known if name not in listed and "/" in name and not name.startswith("Etc/"))
    return [("United States", us), ("Other time zones", [(name, name.replace("_", " ")) for name in [*others, "UTC"]])]


def zone_named(name: str | None) -> zoneinfo.ZoneInfo:
    """The zone of that name, or the server's when the name is empty or unknown."""
    try:
        return zoneinfo.ZoneInfo(name or default_time_zone())
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(default_time_zone())


def zone_of(org: Any) -> zoneinfo.ZoneInfo:
    """The zone an organisation's dates and times are shown and read in."""
    return zone_named(getattr(org, "time_zone", None))


def provider_zone(slug: str | None) -> zoneinfo.ZoneInfo:
    """The zone of the organisation with this slug (the server's when there is none)."""
    from openpso.organizations.models import Organization

    name = Organization.objects.filter(slug=slug).values_list("time_zone", flat=True).first() if slug else None
    return zone_named(name)


def zone_for_user(user: Actor | None) -> zoneinfo.ZoneInfo | None:
    """The zone of the user's first membership (rule 2 above); None when they have none."""
    if user is None or not user.is_authenticated:
        return None
    from openpso.organizations.models import Membership

    name = (
        Membership.objects.filter(user_id=user.pk)
        .order_by("pk")
        .values_list("organization__time_zone", flat=True)
        .first()
    )
    return zone_named(name) if name is not None else None


def activate_zone_of(org: Any) -> zoneinfo.ZoneInfo:
    """Show the rest of this request in `org`'s zone (rule 1): for views about one object.

    `TimeZoneMiddleware` deactivates it when the response is done.
    """
    zone = zone_of(org)
    timezone.activate(zone)
    return zone


def hour_text(moment: dt.datetime) -> str:
    """`moment` (aware) in the current zone, to the hour only: "2026-12-06 22h EST".

    For times kept only to the hour (an anonymous report's, invariant 2): in a zone whose
    offset is not whole hours (Newfoundland, India) "03:00" UTC would read "23:30", as if the
    minutes had been recorded, so they are left out.
    """
    local = timezone.localtime(moment)
    return f"{local:%Y-%m-%d %H}h {local.tzname() or ''}".strip()


def minute_text(moment: dt.datetime) -> str:
    """`moment` (aware) in the current zone, to the minute, with the zone: "2026-12-06 22:03 EST"."""
    local = timezone.localtime(moment)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname() or ''}".strip()


def local_date(moment: dt.datetime, org: Any) -> dt.date:
    """The calendar day `moment` falls on where `org` is (a legal deadline is a local day)."""
    return timezone.localtime(moment, zone_of(org)).date()


class TimeZoneMiddleware:
    """Activates the signed-in user's zone for the request (rule 2), and always clears it after."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = zone_for_user(getattr(request, "user", None))
        if zone is not None:
            timezone.activate(zone)
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class ZonedDateTimeField(forms.DateTimeField):
    """A date-and-time input shown and read in `zone` (the provider's), not the request's.

    A nurse in Denver types Denver time into a `datetime-local` box, whoever else is signed in.
    """

    def __init__(self, *args: Any, zone: zoneinfo.ZoneInfo | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone

    def _in_zone(self, read: Callable[[Any], Any], value: Any) -> Any:
        if self.zone is None:
            return read(value)
        with timezone.override(self.zone):
            return read(value)

    def prepare_value(self, value: Any) -> Any:
        return self._in_zone(super().prepare_value, value)

    def to_python(self, value: Any) -> dt.datetime | None:
        result: dt.datetime | None = self._in_zone(super().to_python, value)
        return result
