"""Template filters."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.numbers import format_decimal
from markupsafe import Markup, escape

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def amsterdam(value: datetime | None) -> str:
    """A UTC datetime shown in Amsterdam time, e.g. 02-12-2026 11:00."""
    if value is None:
        return ""
    return value.astimezone(AMSTERDAM).strftime("%d-%m-%Y %H:%M")


def decimal(value: float | int | None, digits: int = 1, *, locale: str = "nl") -> str:
    """A number in the page's language with ``digits`` decimals: 5,4 in Dutch, 5.4 in English."""
    if value is None:
        return "–"
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return format_decimal(value, format=pattern, locale=locale)


def long_date(value: datetime | None, *, locale: str = "nl") -> str:
    """A day in Amsterdam time, written out: 2 december 2026 (Dutch) or December 2, 2026."""
    if value is None:
        return ""
    return format_date(value.astimezone(AMSTERDAM).date(), format="long", locale=locale)


_PRIVACY_PATH = r"/privacy/[a-z0-9][a-z0-9-]*"


def privacy_links(text: str, public_url: str = "") -> Markup:
    """Escape a chat message and make a link of our privacy statement's address in it.

    Only the statement on this site becomes a link (a path, or the path under
    ``public_url``): an address a resident wrote, quoted back in a message, stays plain text.
    """
    escaped = str(escape(text))
    prefix = re.escape(str(escape(public_url.rstrip("/")))) if public_url else ""
    pattern = rf"(?<![\w/.:])(?:{prefix})?{_PRIVACY_PATH}"
    linked = re.sub(pattern, lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped)
    return Markup(linked)  # noqa: S704 - built from escaped text
