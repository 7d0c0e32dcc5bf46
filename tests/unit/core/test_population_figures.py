"""Population figures: typed in a table or read from CBS's StatLine CSV of wijken and buurten."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.domain.population import (
    AGE_NOT_FROM_CBS,
    CbsFileError,
    Figures,
    InvalidPopulation,
    check,
    parse_figure,
    read_cbs,
    read_form,
)

CBS = Path(__file__).resolve().parents[2] / "fixtures" / "cbs" / "kerncijfers_wijken_buurten.csv"
WIJKEN = ["Centrum", "Noord", "Zuid", "Oost"]


def cbs_text() -> str:
    return CBS.read_text(encoding="utf-8")


def test_a_cbs_file_gives_people_per_matching_wijk():
    found = read_cbs(cbs_text(), WIJKEN)
    assert found.figures.wijk == {"Centrum": 8000, "Noord": 7000, "Zuid": 5000}
    assert found.unmatched == ["Wijk 04 Haven"]
    assert found.missing == ["Oost"]


def test_a_cbs_file_gives_only_the_age_bands_that_line_up_summed_over_the_wijken():
    found = read_cbs(cbs_text(), WIJKEN)
    assert found.figures.age_band == {"45-64": 2000 + 1900 + 1500, "65+": 1300 + 1400 + 1000}
    assert found.age_from == "wijken"
    assert set(found.age_not_imported) == {"<18", "18-29", "30-44"} == set(AGE_NOT_FROM_CBS)


def test_columns_are_found_whatever_number_another_edition_gives_them():
    renumbered = re.sub(r'_(\d+)"', lambda m: f'_{int(m.group(1)) + 40}"', cbs_text())
    assert "AantalInwoners_45" in renumbered
    assert read_cbs(renumbered, WIJKEN).figures == read_cbs(cbs_text(), WIJKEN).figures


def test_without_matching_wijken_the_age_bands_come_from_the_gemeente_row():
    found = read_cbs(cbs_text(), ["Elders"])
    assert found.figures.wijk == {}
    assert found.figures.age_band == {"45-64": 5600, "65+": 4100}
    assert found.age_from == "gemeente"


def test_a_figure_cbs_keeps_secret_is_left_out_not_read_as_zero():
    zuid = '"WK999903  ";"1";"    5000"'
    assert zuid in cbs_text()
    text = cbs_text().replace(zuid, '"WK999903  ";"1";"       ."')
    found = read_cbs(text, WIJKEN)
    assert "Zuid" not in found.figures.wijk
    assert "Zuid" in found.missing


def test_a_file_without_the_cbs_columns_is_refused():
    with pytest.raises(CbsFileError) as raised:
        read_cbs("naam;inwoners\nCentrum;8000\n", WIJKEN)
    assert raised.value.params == {"name": "WijkenEnBuurten"}


@pytest.mark.parametrize(
    ("text", "value"), [("1250", 1250), ("1.250", 1250), (" 12 500 ", 12500), ("", None), ("0", 0)]
)
def test_figures_may_be_typed_with_thousands_separators(text, value):
    assert parse_figure(text) == value


@pytest.mark.parametrize("text", ["-5", "12,5", "veel", "1e4", "99999999999"])
def test_a_figure_that_is_no_whole_number_of_people_is_refused(text):
    with pytest.raises(ValueError):
        parse_figure(text)


def test_the_form_reads_every_group_and_names_each_wrong_field():
    figures, problems = read_form(
        ["Centrum", "Noord"],
        {"wijk-0": "8.000", "wijk-1": "heel veel", "age_band-4": "3700"},
    )
    assert figures == Figures({"Centrum": 8000}, {"65+": 3700})
    assert list(problems) == [("wijk", "Noord")]


def test_figures_for_groups_outside_the_project_or_below_zero_are_refused():
    with pytest.raises(InvalidPopulation) as raised:
        check(Figures({"Elders": 10, "Centrum": -1}, {"90+": 5}), ["Centrum"])
    assert set(raised.value.problems) == {
        ("wijk", "Elders"),
        ("wijk", "Centrum"),
        ("age_band", "90+"),
    }
