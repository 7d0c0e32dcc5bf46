"""Domain rules on plain objects."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.domain.errors import InvalidInput
from core.domain.model import Round, RoundKind, RoundState, clean_text, parse_duration
from core.i18n import gettext_for, normalise_language
from core.messages import Option, Reply, numbered_text

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


def test_clean_text_strips_control_and_zero_width_characters_but_keeps_markup_as_text():
    assert clean_text("\u200bHallo\u0000 <script>x</script>\u2060 ") == "Hallo <script>x</script>"


@pytest.mark.parametrize(("raw", "detail"), [("", "empty"), (" \u200b\t", "empty"),
                                             ("a" * 1001, "too_long")])  # fmt: skip
def test_clean_text_refuses_empty_and_overlong_text(raw: str, detail: str):
    with pytest.raises(InvalidInput) as error:
        clean_text(raw)
    assert error.value.detail == detail


def test_a_scheduled_round_is_open_between_its_opening_and_closing_time():
    rnd = Round(1, "r", RoundKind.IDEAS, state=RoundState.SCHEDULED,
                opens_at=NOW, closes_at=NOW + timedelta(days=1))  # fmt: skip
    assert not rnd.is_open(NOW - timedelta(seconds=1))
    assert rnd.is_open(NOW)
    assert not rnd.is_open(NOW + timedelta(days=1))


def test_a_draft_round_is_never_open_and_a_closed_round_stays_closed():
    assert not Round(1, "r", RoundKind.IDEAS, opens_at=NOW).is_open(NOW)
    rnd = Round(1, "r", RoundKind.IDEAS, state=RoundState.OPEN)
    rnd.close(NOW)
    assert not rnd.is_open(NOW - timedelta(days=1))
    rnd.open(NOW + timedelta(hours=1))
    assert rnd.is_open(NOW + timedelta(hours=2))


@pytest.mark.parametrize(
    ("text", "delta"),
    [
        ("P2D", timedelta(days=2)),
        ("PT12H", timedelta(hours=12)),
        ("P1DT6H30M", timedelta(days=1, hours=6, minutes=30)),
        ("P1W", timedelta(weeks=1)),
    ],
)
def test_reminder_durations_parse(text: str, delta: timedelta):
    assert parse_duration(text) == delta


@pytest.mark.parametrize("text", ["2D", "P", "P1M", "PT", "soon"])
def test_bad_durations_are_refused(text: str):
    with pytest.raises(ValueError):
        parse_duration(text)


def test_options_become_numbered_text_for_channels_without_buttons():
    reply = Reply("Kies", (Option("Eens", "a"), Option("Oneens", "b")))
    assert numbered_text(reply) == "Kies\n\n1. Eens\n2. Oneens"


def test_option_data_longer_than_64_bytes_is_refused():
    with pytest.raises(ValueError):
        Option("x", "é" * 33)


def test_dutch_is_the_default_and_english_is_complete():
    assert normalise_language("en-GB") == "en"
    assert normalise_language("de") == "nl"
    assert gettext_for("nl").gettext("Skip") == "Overslaan"
    assert gettext_for("en").gettext("Skip") == "Skip"


def test_clean_text_keeps_every_kind_of_line_break_as_a_newline():
    assert clean_text("Een\r\ntwee\rdrie\nvier") == "Een\ntwee\ndrie\nvier"


def test_a_duration_too_long_for_any_calendar_is_refused_not_overflowed():
    for text in ("P99999999999D", "PT99999999999H", "P" + "9" * 40 + "W"):
        with pytest.raises(ValueError, match="too long"):
            parse_duration(text)
    assert parse_duration("P٢D").days == 2  # Arabic-Indic 2
