"""The facilitator's forms: whatever is typed in any field, a checked edit or field errors."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from core.services.project_spec import InvalidProjectFile, validate_file
from tests.properties.strategies import FAST, TRICKY, typed
from web import forms

PROJECT = {"code": "DEMO", "title": "Groen", "organisation": "gemeente-test"}
_fields = st.one_of(
    typed,
    st.sampled_from(["1", "5", "10", "٣", "0", "P2D", "PT12H, P1D", "2026-12-01T09:00",
                     "9999-12-31T23:59", "0001-01-01T00:00", "ideeen", "rating", "statements",
                     "feedback", "ideas", "open", "draft", "Noord: 5041, 5042"]),
)  # fmt: skip


def round_form(kind: str) -> st.SearchStrategy[dict[str, str]]:
    return st.fixed_dictionaries(
        {"key": st.sampled_from(["extra", "x" * 61, "Extra!", ""]), "kind": st.just(kind)},
        optional={name: _fields for name in forms.ROUND_FIELDS if name not in ("key", "kind")},
    )


rounds = st.sampled_from(["ideas", "rating", "statements", "feedback", "poll"]).flatmap(round_form)
project_forms = st.fixed_dictionaries(
    {},
    optional={name: _fields for name in (*forms.PROJECT_FIELDS, "quiet_start", "quiet_end",
                                         "wijken", "ask_profile", "listed")},
)  # fmt: skip
IDEAS = {"key": "ideeen", "kind": "ideas", "question": "Wat?"}


def check(data: dict, round_index: int | None) -> None:
    """Validate a file as an edit would: it passes, or errors can be shown beside fields."""
    try:
        validate_file(data, round_index)
    except InvalidProjectFile as error:
        for lang in ("nl", "en"):
            shown = forms.field_errors(error, lang)
            assert shown and all(
                all(isinstance(m, str) and m for m in ms) for ms in shown.values()
            )


@FAST
@given(form=rounds)
def test_any_round_form_is_checked_or_refused_beside_its_fields(form: dict[str, str]):
    data = forms.round_data(forms.form_text(form))
    check({"project": PROJECT, "rounds": [IDEAS, data]}, 1)
    assert isinstance(forms.round_form(data), dict)  # what was typed can be shown again


@FAST
@given(form=project_forms)
def test_any_project_form_is_checked_or_refused_beside_its_fields(form: dict[str, str]):
    data = forms.project_data(forms.form_text(form), PROJECT)
    check({"project": data, "rounds": [IDEAS]}, None)
    assert isinstance(forms.project_form(data), dict)


@FAST
@given(text=st.lists(st.sampled_from(TRICKY + ["a", "b", "\n"]), max_size=8).map("".join))
def test_line_breaks_from_a_browser_never_reach_the_stored_form(text: str):
    cleaned = forms.form_text({"intro": text, "statements": text})
    assert "\r" not in cleaned["intro"] and "\r" not in cleaned["statements"]
