"""The dialogue state as stored: the same as ``dataclasses.asdict`` gives, and a copy."""

from __future__ import annotations

from dataclasses import asdict

from core.dialogue.state import State, StepName


def a_state_in_the_middle_of_a_rating_round() -> State:
    state = State(project="DEMO", step=StepName.RATE, language="en", round_id=3, item_id=7)
    state.skip(3, 5)
    state.options = ["rt:3:7:0:1", "rt:3:7:0:2"]
    state.labels = ["1", "2"]
    state.resume_step = StepName.IDEA_TEXT
    return state


def test_a_stored_state_holds_every_field_as_asdict_gives_it():
    state = a_state_in_the_middle_of_a_rating_round()
    assert state.to_dict() == asdict(state)
    assert State.from_dict(state.to_dict()) == state


def test_changing_a_stored_state_leaves_the_state_as_it_was():
    state = a_state_in_the_middle_of_a_rating_round()
    stored = state.to_dict()
    stored["skipped"]["3"].append(6)
    stored["options"].append("rt:3:7:0:3")
    stored["labels"].clear()
    assert state.skipped == {"3": [5]}
    assert state.options == ["rt:3:7:0:1", "rt:3:7:0:2"]
    assert state.labels == ["1", "2"]


def test_fields_a_newer_version_stored_are_ignored_when_read():
    assert State.from_dict({"step": "rate", "unknown": 1}).step == StepName.RATE
