"""Showing times in the page's zone (organizations/timezones.py) without inventing precision."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone

from openpso.organizations.timezones import hour_text

register = template.Library()


@register.filter
def to_the_hour(value: Any) -> str:
    """A time kept only to the hour (an anonymous report's, invariant 2): "2026-12-06 22h EST"."""
    if not isinstance(value, dt.datetime) or not timezone.is_aware(value):
        return ""
    return hour_text(value)
