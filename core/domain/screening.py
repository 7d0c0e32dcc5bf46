"""What a contribution is checked for when it arrives, and when that holds it back.

``flags(text)`` names what was found: the personal details of
:mod:`core.domain.personal_data` (phone, email, postcode, iban, bsn), a link, or profanity.
They are stored with the idea or feedback (``flags``). A contribution with flags is *held*: no
other resident and no page outside the moderation view shows it, whatever the moderation mode,
until a facilitator approves it (its status becomes approved; the flags stay as a record) or
corrects it (the corrected text is checked again and its flags replaced).

Links are held too: a link in a rating item reaches every resident of the round, which makes
it the way in for spam and phishing; the facilitator lets a harmless one through in one click.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from core.domain.model import ContributionStatus
from core.domain.personal_data import EMAIL_PATTERN, KINDS, personal_data

LINK = "link"
PROFANITY = "profanity"
FLAGS = (*KINDS, LINK, PROFANITY)

_LINK = re.compile(
    r"(?:https?://|www\.)\S+|\b[\w-]+\.(?:nl|com|org|net|eu|io|info|be|de)\b(?:/\S*)?", re.I
)
# A short list of clear Dutch and English swear words and slurs; the facilitator decides.
PROFANITY_WORDS = frozenset(
    {
        "kanker",
        "klote",
        "kut",
        "lul",
        "eikel",
        "hoer",
        "tering",
        "tyfus",
        "godverdomme",
        "klootzak",
        "mongool",
        "debiel",
        "sukkel",
        "fuck",
        "fucking",
        "shit",
        "bitch",
        "bastard",
        "asshole",
        "cunt",
        "dick",
        "motherfucker",
    }
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def flags(text: str) -> list[str]:
    """Return what holds a text back: personal details, a link, profanity (in FLAGS order)."""
    found = personal_data(text)
    if _LINK.search(EMAIL_PATTERN.sub(" ", text)):
        found.append(LINK)
    words = {w.lower() for w in _WORD.findall(text)}
    if words & PROFANITY_WORDS or any(w.startswith(("kanker", "fuck", "kut")) for w in words):
        found.append(PROFANITY)
    return found


def is_held(stored_flags: Iterable[str], status: ContributionStatus | str) -> bool:
    """Whether a contribution waits for a facilitator: flagged and not approved."""
    return bool(list(stored_flags)) and str(getattr(status, "value", status)) != (
        ContributionStatus.APPROVED.value
    )


def shown_to_others(
    text: str, stored_flags: Iterable[str], status: ContributionStatus | str
) -> bool:
    """Whether other residents and pages may show a contribution.

    Not rejected or merged, and either approved by a facilitator or free of flags, both the
    stored ones and those its text has now (rows stored before flags were kept have none).
    """
    value = str(getattr(status, "value", status))
    if value in (ContributionStatus.REJECTED.value, ContributionStatus.MERGED.value):
        return False
    if value == ContributionStatus.APPROVED.value:
        return True
    return not list(stored_flags) and not flags(text)
