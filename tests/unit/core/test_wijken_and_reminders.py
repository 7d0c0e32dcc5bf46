"""The wijken table's rules and reminders in people's terms, without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.domain import reminders, wijken
from core.services.project_spec import InvalidProjectFile, validate_file

PROJECT = {"code": "PARK", "title": "Park", "organisation": "gemeente-test"}


def test_a_name_with_postcodes_but_no_colon_says_what_was_meant():
    found = wijken.problems({"Noord-Oost 1033, 1034": []})
    assert [(p.msgid, p.values["meant"]) for p in found] == [
        ("{wijk} has no postcodes; did you mean \u201c{meant}\u201d?", "Noord-Oost: 1033, 1034")
    ]


def test_postcodes_must_be_four_digits_and_in_one_wijk_only():
    found = wijken.problems({"Noord": ["5041", "0999", "50411"], "Zuid": ["5041"], "": ["5050"]})
    assert [p.values.get("postcode") for p in found] == ["0999", "50411", "5041", None]
    assert found[-1].msgid == "give a name for the wijk with postcodes {postcodes}"


def test_a_project_file_with_a_wijk_without_postcodes_is_refused():
    with pytest.raises(InvalidProjectFile) as refused:
        validate_file({"project": {**PROJECT, "wijken": {"Noord-Oost 1033, 1034": []}}})
    assert refused.value.problems[0]["loc"] == ("project", "wijken")
    good = validate_file(
        {"project": {**PROJECT, "wijken": {" Noord ": ["\u0665\u0660\u0664\u0661"]}}}
    )
    assert good.project.wijken == {"Noord": ["5041"]}


@pytest.mark.parametrize(
    ("text", "amount", "unit", "anchor"),
    [("P2D", 2, "days", "open"), ("PT12H", 12, "hours", "open"),
     ("P1DT6H", 30, "hours", "open"), ("-P1D", 1, "days", "close"), ("P2W", 2, "weeks", "open"),
     ("-PT90M", 90, "minutes", "close")],
)  # fmt: skip
def test_a_reminder_reads_as_amount_unit_and_anchor(text, amount, unit, anchor):
    found = reminders.parse(text)
    assert (found.amount, found.unit, found.anchor) == (amount, unit, anchor)
    assert reminders.parse(found.to_iso()) == found


def test_a_reminder_falls_within_the_round_or_not_at_all():
    opens = datetime(2026, 12, 1, 9, tzinfo=UTC)
    closes = opens + timedelta(days=7)
    assert reminders.due("-P1D", opens, closes) == closes - timedelta(days=1)
    assert reminders.due("-P1D", None, closes) == closes - timedelta(days=1)
    assert reminders.due("-P1D", opens, None) is None
    assert reminders.due("-P7D", opens, closes) is None
    assert reminders.due("P7D", opens, closes) is None
    with pytest.raises(ValueError):
        reminders.parse("P0D")


def test_a_wijken_file_adds_up_inhabitants_and_names_a_wrong_line():
    found = wijken.read_file(
        "wijk;postcode;inwoners\nNoord;5041;1.200\nNoord;5042;800\nZuid;5043 5044;\n"
    )
    assert found.problems == []
    assert found.table == {"Noord": ["5041", "5042"], "Zuid": ["5043", "5044"]}
    assert found.people == {"Noord": 2000}
    wrong = wijken.read_file("wijk,postcodes,inwoners\nNoord,5041,veel\n")
    assert wrong.problems == [(2, "{value} is not a number of inhabitants", {"value": "veel"})]
