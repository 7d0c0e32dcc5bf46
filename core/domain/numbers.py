"""Reading a whole number that a person typed: the one place where text becomes a number.

``str.isdigit()`` also accepts superscripts (``²``), circled digits (``①``) and the like, which
``int()`` then refuses; that mismatch turned a resident's ``²`` into a server error. Here a digit
is a *decimal* digit of any script (``unicodedata.decimal``): ``3``, Arabic-Indic ``٣``,
Devanagari ``३`` and full-width ``３`` all read as 3, while ``²`` and ``①`` are not a number.
"""

from __future__ import annotations

import unicodedata

MAX_ID = 2**63 - 1  # the largest id a BIGINT column (PostgreSQL, SQLite) holds
MAX_DIGITS = 30  # longer runs of digits are no number anyone means (and stay cheap to refuse)


def decimal_digits(text: str) -> str | None:
    """``text`` with every decimal digit of any script as ASCII; None if anything else is in it.

    Surrounding spaces are ignored; an empty text is no digits (None).
    """
    text = text.strip()
    if not text or len(text) > MAX_DIGITS:
        return None
    if text.isascii():
        return text if text.isdigit() else None
    digits = [unicodedata.decimal(ch, None) for ch in text]
    if any(d is None for d in digits):
        return None
    return "".join(str(d) for d in digits)


def read_number(text: str, signed: bool = False) -> int | None:
    """The whole number typed in ``text`` (decimal digits of any script), else None.

    Args:
        text: what was typed; spaces around it are ignored.
        signed: accept a leading ``-`` or ``+``.
    """
    text = text.strip()
    sign = 1
    if signed and text[:1] in ("-", "+"):
        sign, text = (-1 if text[0] == "-" else 1), text[1:]
    digits = decimal_digits(text) if text == text.strip() else None  # "- 3" is no number
    return sign * int(digits) if digits is not None else None


def read_id(text: str) -> int | None:
    """A database id typed or carried in ``text`` (1 up to ``MAX_ID``), else None."""
    number = read_number(text)
    return number if number is not None and fits_id(number) else None


def fits_id(number: int) -> bool:
    """Whether ``number`` can be an id in the database (a positive BIGINT)."""
    return 1 <= number <= MAX_ID
