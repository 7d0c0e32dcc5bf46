"""Template filters."""

from __future__ import annotations

import re
from datetime import datetime

from markupsafe import Markup, escape

from core.domain.reminders import Reminder
from core.domain.reminders import parse as parse_reminder
from core.i18n import AMSTERDAM, format_day, format_number, format_share, format_when

__all__ = ["AMSTERDAM", "amsterdam", "long_date", "number", "percent", "privacy_links", "reminder"]


def amsterdam(value: datetime | None, language: str = "nl") -> str:
    """A UTC datetime shown in Amsterdam time in the page's language, e.g. 2 dec 2026 11:00."""
    return format_when(value, language)


def number(value: float | None, language: str = "nl", digits: int = 1) -> str:
    """A number with the page's decimal sign (a comma in Dutch) and ``digits`` decimals."""
    return format_number(value, language, digits)


def long_date(value: datetime | None, language: str = "nl") -> str:
    """A day in Amsterdam time, written out: 2 december 2026 (Dutch) or December 2, 2026."""
    return format_day(value, language)


def percent(value: float | None, language: str = "nl") -> str:
    """A share as a percentage in the page's language: 1,2 % in Dutch, 1.2% in English."""
    return format_share(value, language)


def reminder(text: str) -> Reminder | None:
    """A project file's reminder as amount, unit and anchor, for the page to say in words."""
    try:
        return parse_reminder(text)
    except (ValueError, OverflowError):
        return None


# our privacy statement, and the web chat's "continue on Telegram / WhatsApp" links
_PRIVACY_PATH = (
    r"(?:/privacy/[a-z0-9][a-z0-9-]*|/chat/[A-Z0-9_-]{2,40}/continue/(?:telegram|whatsapp))"
)


def privacy_links(text: str, public_url: str = "") -> Markup:
    """Escape a chat message and make a link of our privacy statement's address in it.

    Only the statement on this site becomes a link (a path, or the path under
    ``public_url``): an address a resident wrote, quoted back in a message, stays plain text.
    """
    escaped = str(escape(text))
    prefix = re.escape(str(escape(public_url.rstrip("/")))) if public_url else ""
    pattern = rf"(?<![\w/.:])(?:{prefix})?{_PRIVACY_PATH}"
    # an address reads left to right, also within an Arabic (right-to-left) message
    linked = re.sub(
        pattern,
        lambda m: f'<bdi dir="ltr"><a href="{m.group(0)}">{m.group(0)}</a></bdi>',
        escaped,
    )
    return Markup(linked)  # noqa: S704 - built from escaped text
