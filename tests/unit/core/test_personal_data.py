"""Personal details in residents' texts are recognised by their rules; ordinary numbers pass."""

from __future__ import annotations

import pytest

from core.domain.model import ContributionStatus
from core.domain.personal_data import personal_data
from core.domain.screening import flags, is_held, shown_to_others


@pytest.mark.parametrize(
    "text",
    [
        "Bel me op 0612345678",
        "bel 06-12345678 na zessen",
        "mijn nummer: 06 12 34 56 78",
        "06.12.34.56.78",
        "tel: 06 - 123 456 78",
        "+31 6 12345678",
        "+31 (0)20 123 4567",
        "0031612345678",
        "020-1234567 (thuis)",
        "(020) 123 4567",
        "010.123.4567",
        "+44 20 7946 0958",
        "0044 20 7946 0958",
        "+32 470 12 34 56",
    ],
)
def test_phone_numbers_are_found_in_every_notation(text):
    assert personal_data(text) == ["phone"]


@pytest.mark.parametrize(
    "text",
    [
        "Ik woon op 1234 AB 12, kom gerust langs",
        "1234AB 12a",
        "postcode 1234 ab 12",
        "Dorpsstraat 12, 1234 AB Utrecht",
        "3511 BK 7-bis",
    ],
)
def test_a_postcode_with_a_house_number_is_an_address(text):
    assert personal_data(text) == ["postcode"]


def test_email_iban_and_bsn_are_found():
    assert personal_data("mail jan.de.vries+inspraak@example.org") == ["email"]
    assert personal_data("Stort op NL91 ABNA 0417 1643 00 graag") == ["iban"]
    assert personal_data("iban NL91ABNA0417164300") == ["iban"]
    assert personal_data("BE71 0961 2345 6769") == ["iban"]
    assert personal_data("mijn bsn is 123456782") == ["bsn"]
    assert personal_data("BSN 1234.56.782") == ["bsn"]


@pytest.mark.parametrize(
    "text",
    [
        "30 km/u in de hele wijk",
        "Begin in 2025, klaar in 2030",
        "3 bomen erbij en 12 struiken",
        "in 2025 de 3 bomen vervangen",
        "Het kost EUR 1.250.000",
        "Het kost € 123.456.782",  # nine digits that pass the eleven-test, but an amount
        "begroting 123456782 euro",
        "Meer bomen in 2026, 500 stuks per jaar",
        "een rekensom: 123456789",  # nine digits, eleven-test fails
        "NL91 ABNA 0417 1643 01",  # IBAN check digits wrong
        "postcode 3511 zonder nummer",
        "In 1500 km 12 keer rijden",
        "Bel de gemeente op 14 020 of 0800-1234",  # numbers of organisations
        "op 06-12-2025 om 14:00 uur",
        "A4 papier en co2 neutraal in 2030",
        "tussen 1 en 3 uur, 2 x per week",
    ],
)
def test_ordinary_numbers_are_not_personal_details(text):
    assert personal_data(text) == []


def test_flags_add_links_and_profanity_after_personal_details():
    assert flags("Bel me op 06-12345678") == ["phone"]
    assert flags("kut plan, mail a@b.nl of zie www.test.nl") == ["email", "link", "profanity"]
    assert flags("mail jan@example.org") == ["email"]  # an e-mail address is no link
    assert flags("Meer bomen in 2026, 500 stuks per jaar") == []


def test_a_flagged_contribution_is_held_until_approved():
    new, approved = ContributionStatus.NEW, ContributionStatus.APPROVED
    assert is_held(["phone"], new) and not is_held(["phone"], approved)
    assert not is_held([], new)
    assert not shown_to_others("Bel 0612345678", ["phone"], new)
    assert shown_to_others("Bel 0612345678", ["phone"], "approved")
    # a row stored before flags were kept: its text decides
    assert not shown_to_others("Bel 0612345678", [], new)
    assert shown_to_others("Meer bomen", [], new)
    assert not shown_to_others("Meer bomen", [], ContributionStatus.REJECTED)
