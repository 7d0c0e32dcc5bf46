"""Personal details in a resident's text: phone numbers, e-mail addresses, postcode with house
number, bank account numbers (IBAN) and citizen service numbers (BSN).

Pure: text in, the kinds found out, in a fixed order. A contribution with any of them is held
back from other residents and from every page until a facilitator approves or corrects it.

Numbers are recognised by their rules, not by their look, so that ordinary numbers ("30 km/u",
"in 2025", "3 bomen", "EUR 1.250.000") pass:

- phone: ``phonenumbers``' matcher (region NL) accepts only numbers that are valid for their
  country, written with spaces, dots, dashes or brackets, with ``+``/``00`` or without; service
  numbers of organisations (0800, 0900, 14 0xx, 088) are not personal and pass;
- IBAN: the country's length and the mod-97 check (``stdnum.iban``);
- BSN: nine digits (also 3-3-3 or 4-2-3 with dots or spaces) that pass the eleven-test
  (``stdnum.nl.bsn``), unless the number reads as an amount (``€``, ``EUR``, ``euro`` beside it);
- postcode with house number: ``1234 AB 12``, ``1234AB 12a``, ``12, 1234 AB``; lower-case
  letters after a space count only when they are not a common short word ("in 2025 de 3 ...").
"""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import PhoneNumberType
from stdnum import iban as stdnum_iban
from stdnum.nl import bsn as stdnum_bsn

PHONE = "phone"
EMAIL = "email"
POSTCODE = "postcode"
IBAN = "iban"
BSN = "bsn"
KINDS = (PHONE, EMAIL, POSTCODE, IBAN, BSN)

REGION = "NL"
# Numbers of organisations, not of a person: free, paid, shared-cost and company numbers.
_NOT_PERSONAL = frozenset(
    {
        PhoneNumberType.TOLL_FREE,
        PhoneNumberType.PREMIUM_RATE,
        PhoneNumberType.SHARED_COST,
        PhoneNumberType.UAN,
    }
)

EMAIL_PATTERN = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

_LETTERS = r"(?!SA|SD|SS|sa|sd|ss)[A-Za-z]{2}"
_POSTCODE_THEN_NUMBER = re.compile(
    rf"(?<![\w.,])[1-9]\d{{3}}(?P<gap> ?)(?P<letters>{_LETTERS})\b[ ,]*(?:nr\.? ?)?\d{{1,5}}"
    r"(?: ?[-/]? ?[A-Za-z]\b|\b)"
)
_NUMBER_THEN_POSTCODE = re.compile(
    rf"\b\d{{1,5}} ?[A-Za-z]?, ?[1-9]\d{{3}}(?P<gap> ?)(?P<letters>{_LETTERS})\b"
)
# Two-letter words and units that may follow a four-digit number in ordinary text.
_WORD_LIST = """
al as at be bv by cm de do dm en er gr hm in is it je ka kg km
me mg ml mm na nu of oh ok om on op or so te to tm up us we ze zo
"""
_SHORT_WORDS = frozenset(_WORD_LIST.split())

_IBAN_START = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}")
_IBAN_TAIL = re.compile(r"(?: ?[A-Za-z0-9]){11,30}")

_BSN = re.compile(
    r"(?<![\w.,])(?:\d{9}|\d{3}([ .])\d{3}\1\d{3}|\d{4}([ .])\d{2}\2\d{3})(?!\w|[.,]\d)"
)
_AMOUNT_BEFORE = re.compile(r"(?:€|eur|euro|fl|ƒ)\s*$", re.I)
_AMOUNT_AFTER = re.compile(r"^\s*(?:€|eur|euro|,-|m2|m²|m3|km|kg|ton)\b", re.I)


def personal_data(text: str) -> list[str]:
    """Return the kinds of personal details in ``text``: phone, email, postcode, iban, bsn."""
    found = []
    if _has_phone(text):
        found.append(PHONE)
    if EMAIL_PATTERN.search(text):
        found.append(EMAIL)
    if _has_postcode_and_number(text):
        found.append(POSTCODE)
    if _has_iban(text):
        found.append(IBAN)
    if _has_bsn(text):
        found.append(BSN)
    return found


def _has_phone(text: str) -> bool:
    for match in phonenumbers.PhoneNumberMatcher(text, REGION):
        if phonenumbers.number_type(match.number) not in _NOT_PERSONAL:
            return True
    return False


def _has_postcode_and_number(text: str) -> bool:
    for pattern in (_POSTCODE_THEN_NUMBER, _NUMBER_THEN_POSTCODE):
        for match in pattern.finditer(text):
            letters = match["letters"]
            if letters.isupper() or not match["gap"] or letters.lower() not in _SHORT_WORDS:
                return True
    return False


def _has_iban(text: str) -> bool:
    """An IBAN starts with a country code and two check digits; try every length it may have."""
    for start in _IBAN_START.finditer(text):
        tail = _IBAN_TAIL.match(text, start.end())
        if tail is None:
            continue
        compact = (start.group() + tail.group()).replace(" ", "").upper()
        if any(stdnum_iban.is_valid(compact[:end]) for end in range(15, len(compact) + 1)):
            return True
    return False


def _has_bsn(text: str) -> bool:
    for match in _BSN.finditer(text):
        if _AMOUNT_BEFORE.search(text[: match.start()]) or _AMOUNT_AFTER.match(
            text[match.end() :]
        ):
            continue
        if stdnum_bsn.is_valid(match.group()):
            return True
    return False
