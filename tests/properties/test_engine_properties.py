"""The dialogue engine answers whatever arrives, in every step, and never fails."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from core.dialogue.engine import step
from core.dialogue.state import State, StepName
from core.messages import Incoming
from tests.properties.strategies import FAST, button_data, typed
from tests.unit.core.test_engine import CLOSED, IDEAS, PROJECT, RATING, RESIDENT, VOTES, ctx

incoming = st.one_of(
    typed.map(Incoming.message),
    button_data.map(Incoming.choice),
    st.builds(Incoming.command, st.sampled_from(["start", "help", "taal", "vergeet", "x"]), typed),
    typed.map(Incoming.start),
)
_ids = st.sampled_from([None, 10, 11, 12, 13, 100, 101, 200, 2**63 - 1])
states = st.builds(
    State,
    project=st.sampled_from(["DEMO", None, "OTHER"]),
    step=st.sampled_from(list(StepName)),
    language=st.sampled_from(["nl", "en", None]),
    round_id=_ids,
    item_id=_ids,
    item_text=st.one_of(st.none(), typed),
    criterion=st.integers(min_value=0, max_value=3),
    draft=st.one_of(st.none(), typed),
    score=st.one_of(st.none(), st.integers(min_value=-1, max_value=11)),
    postcode=st.sampled_from([None, "5041", "٥٠٤١"]),
    options=st.lists(button_data, max_size=6),
    labels=st.lists(typed, max_size=6),
)
residents = st.sampled_from([RESIDENT, None, RESIDENT.__class__(7, "stopped", "en")])
worlds = st.fixed_dictionaries(
    {
        "resident": residents,
        "project": st.sampled_from([PROJECT, None]),
        "rounds": st.sampled_from([(IDEAS, RATING, VOTES), (), (CLOSED,), (VOTES, CLOSED)]),
    }
)


GONE = {"resident": None, "project": PROJECT, "rounds": (IDEAS, RATING, VOTES)}


@FAST
@given(state=states, message=incoming, world=worlds)
@example(State("DEMO", StepName.FEEDBACK_TEXT, "nl", round_id=10), Incoming.message(""), GONE)
def test_every_step_answers_any_message_without_failing(state, message, world):
    result = step(ctx(**world), state, message.sanitised())
    assert result.state is None or isinstance(result.state, State)
    assert result.replies or result.commands or result.state is not None


@FAST
@given(state=states, text=typed)
def test_a_typed_text_is_read_the_same_way_twice(state, text):
    message = Incoming.message(text).sanitised()
    first = step(ctx(), state, message)
    second = step(ctx(), state, message)
    assert first.commands == second.commands


@pytest.mark.parametrize("name", ["idea_text", "idea_confirm", "rate", "vote", "feedback_score",
                                  "feedback_text"])  # fmt: skip
def test_a_state_left_in_a_round_by_someone_no_longer_taking_part_starts_at_joining(name: str):
    state = State("DEMO", StepName(name), "nl", round_id=10, item_id=100)
    result = step(ctx(resident=None), state, Incoming.message("Meer bomen"))
    assert result.commands == []
    assert result.state is not None and result.state.step in ("consent", "choose_project")


def test_a_criterion_the_round_no_longer_has_is_asked_again_from_the_first():
    state = State("DEMO", StepName.RATE, "nl", round_id=10, item_id=100, criterion=5)
    result = step(ctx(), state, Incoming.message("hoi"))
    assert result.state is not None and result.state.criterion == 0
    again = step(ctx(), result.state, Incoming.message("hoi"))
    assert again.replies  # asked again, not a server error
