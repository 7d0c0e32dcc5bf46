"""Numbers, moments and stored values read as Dutch readers expect: a decimal comma, Amsterdam
time with Dutch month names, and a Dutch word for every state, kind and status."""

from __future__ import annotations

from datetime import UTC, datetime

from core.i18n import format_number, format_when, gettext_for, local_time
from core.labels import LABELS, label


def test_numbers_get_a_decimal_comma_in_dutch_and_a_point_in_english():
    assert format_number(5.433, "nl", 2) == "5,43"
    assert format_number(1278.5, "nl") == "1.278,5"
    assert format_number(5.433, "en", 2) == "5.43"
    assert format_number(None, "nl") == "\u2013"


def test_moments_are_amsterdam_time_in_summer_and_winter():
    assert format_when(datetime(2026, 12, 2, 10, 0, tzinfo=UTC), "nl") == "2 dec 2026 11:00"
    assert format_when(datetime(2026, 7, 1, 10, 0), "nl") == "1 jul 2026 12:00"  # naive is UTC
    assert format_when(datetime(2026, 3, 1, 10, 0, tzinfo=UTC), "en") == "1 Mar 2026 11:00"
    moment = local_time(datetime(2026, 12, 2, 10, 0, 5, 123456, tzinfo=UTC))
    assert (moment.hour, moment.second, moment.microsecond) == (11, 5, 0)


def test_every_stored_value_has_a_dutch_label_that_differs_from_the_english_word():
    dutch = gettext_for("nl")
    for group, values in LABELS.items():
        for value in values:
            shown = label(value, group, dutch)
            assert shown and shown != value, (group, value)
    assert label("scheduled", "round_state", dutch) == "gepland"
    assert label("something-new", "round_state", dutch) == "something-new"
