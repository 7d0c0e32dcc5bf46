"""Typed numbers: decimal digits of any script are numbers; superscripts and the like are not."""

from __future__ import annotations

import pytest

from core.dialogue.engine import step
from core.dialogue.intents import resolve_typed_option
from core.domain import commands as c
from core.domain.numbers import MAX_ID, read_id, read_number
from core.messages import Incoming
from tests.unit.core.test_engine import ctx, in_step


@pytest.mark.parametrize(
    ("text", "number"),
    [("3", 3), (" 12 ", 12), ("٣", 3), ("۳", 3), ("३", 3), ("３", 3), ("٤٢", 42), ("007", 7)],
)
def test_decimal_digits_of_any_script_are_read_as_numbers(text: str, number: int):
    assert read_number(text) == number


@pytest.mark.parametrize("text", ["²", "³", "²³", "①", "Ⅻ", "½", "", " ", "1 2", "1.5", "-3", "+3",
                                  "3²", "1_000", "x", "9" * 31])  # fmt: skip
def test_superscripts_fractions_and_other_non_decimal_text_is_no_number(text: str):
    assert read_number(text) is None


def test_signs_are_read_only_where_a_sign_is_allowed():
    assert read_number("-3", signed=True) == -3 and read_number("+٣", signed=True) == 3
    assert read_number("- 3", signed=True) is None and read_number("-", signed=True) is None


def test_an_id_is_positive_and_fits_a_bigint():
    assert read_id(str(MAX_ID)) == MAX_ID
    assert read_id(str(MAX_ID + 1)) is None and read_id("0") is None
    assert read_id("99999999999999999999") is None


VOTE = in_step("vote", round_id=12, item_id=200, options=["st:12:200:a", "st:12:200:d"],
               labels=["Eens", "Oneens"])  # fmt: skip


@pytest.mark.parametrize("typed", ["²", "³", "²³", "①", "2²"])
def test_a_typed_superscript_is_not_understood_and_stores_nothing(typed: str):
    result = step(ctx(), VOTE, Incoming.message(typed))
    assert result.commands == []
    assert result.state is not None and result.state.item_id == 200
    assert result.replies


@pytest.mark.parametrize("typed", ["٢", "۲", "２", "2."])
def test_a_typed_digit_of_another_script_picks_the_numbered_option(typed: str):
    result = step(ctx(), VOTE, Incoming.message(typed))
    assert result.commands[0] == c.CastVote(7, 12, 200, -1)


@pytest.mark.parametrize("data", ["rt:99999999999999999999:100:0:7", f"st:12:{2**63}:a"])
def test_button_data_with_an_id_beyond_a_bigint_is_unknown(data: str):
    result = step(ctx(), VOTE, Incoming.choice(data))
    assert result.commands == [] and result.replies


def test_a_score_typed_in_arabic_indic_digits_is_the_score_with_that_label():
    scores = [f"fb:14:{n}" for n in range(11)]  # a 0-10 scale: the label "3" is option 4
    state = in_step("feedback_score", round_id=14, options=scores,
                    labels=[str(n) for n in range(11)])  # fmt: skip
    assert resolve_typed_option(state, Incoming.message("٣")).data == "fb:14:3"
    assert resolve_typed_option(state, Incoming.message("3")).data == "fb:14:3"
