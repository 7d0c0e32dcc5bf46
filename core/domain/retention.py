"""How long what is kept only for a while is kept, and how erased words leave a transcript.

Periods (the README's privacy section states them for residents and privacy officers):

* A channel's message id is kept as long as the channel may deliver the same message again,
  so that a redelivery is recognised and not handled twice. Telegram keeps an update for at
  most 24 hours (getUpdates and webhooks alike); Meta's webhooks, WhatsApp's included, retry a
  delivery that failed for up to 7 days. After that the id is of no use and is dropped.
  The web chat's is the one-time token of a form the resident sent (bots/webchat): a browser
  sends a form again within a visit (a double click, a slow answer, back and resubmit), so
  it is kept a day, as long as a visit that never consented.
* The provider's id of a message we sent (a WhatsApp wamid encodes the phone number) is
  needed only to match the delivery reports about it, which arrive within the same window.
* A visit that never consented (the web chat opened, a bot started, nothing agreed) leaves
  its conversation state and transcript for a day at most.
* A failed sign-in (the address typed and the client's address) counts towards the login
  limits for an hour at most; it is dropped after a day.
* An audit log entry (who did what in the web area; staff e-mail addresses, never residents'
  words) is kept two years, then dropped.
* Everything else personal goes when the resident says "forget" (at once) or when the
  project's retention period (``projects.retention_days``, default 365) has passed after it
  closed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import timedelta

REDELIVERY: dict[str, timedelta] = {
    "telegram": timedelta(hours=24),
    "whatsapp": timedelta(days=7),
    "web": timedelta(hours=24),
}
DEFAULT_REDELIVERY = timedelta(days=7)  # a channel not named above: the longest window
SENT_IDS_KEPT = timedelta(days=7)  # provider message ids of sent messages (delivery reports)
ANONYMOUS_KEPT = timedelta(hours=24)  # state and transcript of a visit that never consented
LOGIN_FAILURES_KEPT = timedelta(hours=24)  # the login limits look back one hour at most
AUDIT_LOG_KEPT = timedelta(days=730)
DEFAULT_RETENTION_DAYS = 365
MAX_RETENTION_DAYS = 3650

_QUOTE_PREFIX = 30  # a quote shortened with an ellipsis is recognised by this many characters


def redact(text: str, words: Iterable[str], marker: str) -> str:
    """Replace every quote of ``words`` in ``text`` with ``marker``.

    A quote is the whole text, or its beginning (at least ``_QUOTE_PREFIX`` characters)
    shortened with an ellipsis, as results messages and short labels show long texts.
    """
    for word in sorted({w for w in words if w.strip()}, key=len, reverse=True):
        whole = r"(?<!\w)" + re.escape(word) + r"(?!\w)"  # not a word inside another word
        text = re.sub(whole, lambda _m: marker, text)
        if len(word) > _QUOTE_PREFIX:
            shortened = r"(?<!\w)" + re.escape(word[:_QUOTE_PREFIX]) + r"[^\n\u2026]*\u2026"
            text = re.sub(shortened, lambda _m: marker, text)
    return text


def quote_probes(words: Iterable[str]) -> list[str]:
    """Substrings that every quote of ``words`` contains (to find candidate rows in SQL)."""
    return sorted({w[:_QUOTE_PREFIX] for w in words if w.strip()})
