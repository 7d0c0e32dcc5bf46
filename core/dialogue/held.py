"""Telling a resident kindly why what they sent waits before others see it.

The same check as on arrival (:func:`core.domain.screening.flags`) decides; the reply names
what kind of detail was found, never the detail itself.
"""

from __future__ import annotations

from core.dialogue.turn import Turn
from core.domain.screening import flags
from core.i18n import N_

_WHAT = {
    "phone": N_("a phone number"),
    "email": N_("an e-mail address"),
    "postcode": N_("an address (postcode and house number)"),
    "iban": N_("a bank account number"),
    "bsn": N_("a citizen service number (BSN)"),
    "link": N_("a link"),
    "profanity": N_("words that may hurt others"),
}


def with_held_note(turn: Turn, thanks: str, text: str) -> str:
    """``thanks``, followed by why ``text`` waits for a facilitator when it is flagged."""
    found = flags(text)
    if not found:
        return thanks
    what = turn._(_WHAT.get(found[0], _WHAT["link"]))
    note = turn._(
        "It seems to contain {what}, so someone from the municipality will look at it first. "
        "Only then will others see it.",
        what=what,
    )
    return f"{thanks}\n\n{note}"
