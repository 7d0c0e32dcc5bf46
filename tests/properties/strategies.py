"""Hypothesis strategies for what arrives from outside: typed text, button data, form fields.

The settings keep the suite fast and its runs repeatable: a fixed number of examples, drawn
from a fixed seed (``derandomize``), and no per-example deadline on a shared machine.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

MAX_ID = 2**63 - 1  # the largest BIGINT id

FAST = settings(max_examples=150, deadline=None, derandomize=True, database=None)
FAST_IO = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# What people type: any text (no lone surrogates, which no channel can deliver), with the
# almost-numbers and line breaks that broke things before mixed in often.
TRICKY = ["²", "³", "¹²", "①", "٣", "３", "½", "Ⅻ", "0", "-1", "1e3", "\r\n", "\r", "\x00",
          "\u200b", "P99999999999D", "0001-01-01T00:00", "99999999999999999999", " ",
          "🌳"]  # fmt: skip
typed = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=60),
    st.lists(st.sampled_from(TRICKY), max_size=4).map("".join),
    st.sampled_from(["start", "hulp", "stop", "vergeet", "taal en", "mijn gegevens", "1", "2",
                     "Ja, ik doe mee", "anderen", "start DEMO", "5041"]),
)  # fmt: skip

_numbers = st.one_of(
    st.integers(min_value=-3, max_value=300),
    st.sampled_from([MAX_ID, MAX_ID + 1, 2**64, 10**30]),
).map(str)
_WORDS = ["a", "d", "p", "s", "send", "edit", "more", "done", "yes", "no", "skip", "DEMO", "",
          "²", "٣"]  # fmt: skip
_part = st.one_of(_numbers, st.sampled_from(_WORDS))
_HEADS = ["join", "start", "go", "stop", "consent", "profile", "age", "idea", "rt", "st", "fb",
          "others", "forget", "lang", "nonsense"]  # fmt: skip
button_data = st.one_of(
    st.builds(
        lambda head, parts: ":".join([head, *parts]),
        st.sampled_from(_HEADS),
        st.lists(_part, max_size=5),
    ),
    st.text(max_size=80),
)
