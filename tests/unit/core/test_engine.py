"""The pure dialogue engine: no database, just context, state and messages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.dialogue.context import Context, OthersView, ProjectView, ResidentView, RoundView
from core.dialogue.engine import FLOW, parse_intent, step
from core.dialogue.state import State
from core.domain import commands as c
from core.domain.model import RoundKind
from core.messages import Incoming

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
PROJECT = ProjectView(1, "DEMO", "Groen in West", "Intro.", "nl", ask_profile=False)
RESIDENT = ResidentView(7, "active", "nl")
IDEAS = RoundView(10, "ideeen", RoundKind.IDEAS, "Wat wil je?", True, max_per_resident=2)
RATING = RoundView(11, "rate", RoundKind.RATING, "Beoordeel", True, 1, 10, ("Belang", "Kosten"),
                   total=2)  # fmt: skip
VOTES = RoundView(12, "st", RoundKind.STATEMENTS, "", True, total=1)
CLOSED = RoundView(13, "oud", RoundKind.STATEMENTS, "", False, total=1)


def ctx(resident: ResidentView | None = RESIDENT, **kw: object) -> Context:
    values: dict[str, object] = {
        "now": NOW,
        "pseudonym": "p" * 64,
        "channel": "test",
        "project": PROJECT,
        "resident": resident,
        "rounds": (IDEAS, RATING, VOTES),
        "candidates": {11: ((100, "Bomen"), (101, "Bankjes")), 12: ((200, "Stelling A"),)},
        "item_texts": {100: "Bomen", 101: "Bankjes", 200: "Stelling A"},
        "open_projects": (("DEMO", "Groen in West"),),
    }
    values.update(kw)
    return Context(**values)  # type: ignore[arg-type]


def answers(result: object) -> list[c.Command]:
    """The commands that store something a resident said (not progress bookkeeping)."""
    bookkeeping = (c.MarkRoundStarted, c.MarkRoundFinished)
    return [cmd for cmd in result.commands if not isinstance(cmd, bookkeeping)]  # type: ignore[attr-defined]


def in_step(name: str, **kw: object) -> State:
    return State(project="DEMO", step=name, language="nl", **kw)  # type: ignore[arg-type]


def test_joining_asks_consent_and_stores_nothing_before_it():
    result = step(ctx(resident=None), State(), Incoming.start("demo"))
    assert result.commands == []
    assert result.state is not None and result.state.step == "consent"
    assert [o.data for o in result.replies[-1].options] == ["consent:yes", "consent:no"]


def test_consent_yes_gives_consent_with_the_address_and_no_keeps_nothing():
    state = in_step("consent")
    yes = step(ctx(resident=None, address="42"), state, Incoming.choice("consent:yes"))
    assert yes.commands == [c.GiveConsent("p" * 64, 1, "test", "nl", "42")]
    no = step(ctx(resident=None), state, Incoming.choice("consent:no"))
    assert no.commands == [] and no.state is not None and no.state.project is None


def test_rating_asks_every_criterion_before_the_next_item():
    state = in_step("rate", round_id=11, item_id=100, criterion=0)
    first = step(ctx(), state, Incoming.choice("rt:11:100:0:7"))
    assert first.commands == [c.RateItem(7, 11, 100, 0, 7)]
    assert first.state is not None and first.state.criterion == 1
    assert "Kosten" in first.replies[-1].text
    second = step(ctx(), first.state, Incoming.choice("rt:11:100:1:3"))
    assert second.commands == [c.RateItem(7, 11, 100, 1, 3)]
    assert second.state is not None and second.state.item_id == 101


def test_a_ten_point_scale_has_two_rows_of_five_and_a_skip():
    result = step(ctx(), in_step("done"), Incoming.message("x"))
    result = step(ctx(), in_step("rate", round_id=11, item_id=100), Incoming.message("help"))
    question = result.replies[-1]
    assert [o.label for o in question.options][:10] == [str(n) for n in range(1, 11)]
    assert question.options[-1].label == "Overslaan" and question.columns == 5


@pytest.mark.parametrize(
    "data",
    ["rt:11:101:0:7", "rt:11:100:1:7", "rt:12:100:0:7", "rt:11:100:0:11", "rt:11:100:0",
     "st:11:100:a", "nonsense", "rt:x:y:z:w"],
)  # fmt: skip
def test_a_stale_or_forged_rating_button_changes_nothing(data: str):
    state = in_step("rate", round_id=11, item_id=100, criterion=0)
    result = step(ctx(), state, Incoming.choice(data))
    assert answers(result) == []
    assert result.state is not None and result.state.item_id == 100
    assert result.replies


def test_a_choice_for_a_closed_round_says_so():
    state = in_step("vote", round_id=13, item_id=300)
    result = step(
        ctx(rounds=(IDEAS, RATING, VOTES, CLOSED)), state, Incoming.choice("st:13:300:a")
    )
    assert answers(result) == []
    assert "gesloten" in result.replies[0].text


def test_a_typed_digit_or_label_picks_the_option_last_offered():
    state = in_step("vote", round_id=12, item_id=200, options=["st:12:200:a", "st:12:200:d"],
                    labels=["Eens", "Oneens"])  # fmt: skip
    by_number = step(ctx(), state, Incoming.message("2"))
    assert by_number.commands[0] == c.CastVote(7, 12, 200, -1)
    by_label = step(ctx(), state, Incoming.message("eens"))
    assert by_label.commands[0] == c.CastVote(7, 12, 200, 1)


def test_an_idea_is_confirmed_before_it_is_submitted():
    state = in_step("idea_text", round_id=10)
    draft = step(ctx(), state, Incoming.message("  Meer <b>bomen</b>\u200b "))
    assert draft.commands == [] and draft.state is not None
    assert draft.state.draft == "Meer <b>bomen</b>"
    sent = step(ctx(), draft.state, Incoming.choice("idea:10:send"))
    assert sent.commands == [c.SubmitIdea(7, 10, "Meer <b>bomen</b>")]


def test_an_idea_over_the_limit_is_refused_with_its_length():
    result = step(ctx(), in_step("idea_text", round_id=10), Incoming.message("a" * 1001))
    assert result.commands == []
    assert "1001" in result.replies[0].text and "1000" in result.replies[0].text


@pytest.mark.parametrize("name", sorted(FLOW))
def test_help_works_from_every_step_and_keeps_the_step(name: str):
    state = in_step(name, round_id=10)
    result = step(ctx(), state, Incoming.message("hulp"))
    assert result.state is not None and result.state.step in (
        name,
        "idea_text",
        "done",
        "choose_project",
    )
    assert "STOP" in result.replies[0].text


@pytest.mark.parametrize("name", sorted(FLOW))
def test_forget_asks_for_confirmation_from_every_step(name: str):
    result = step(ctx(), in_step(name, round_id=10), Incoming.command("vergeet"))
    assert result.commands == []
    assert result.state is not None and result.state.step == "forget_confirm"
    erased = step(ctx(), result.state, Incoming.choice("forget:yes"))
    assert erased.commands == [c.ForgetResident("p" * 64)] and erased.state is None


def test_stop_unsubscribes_and_language_switches_the_texts():
    stopped = step(ctx(), in_step("done"), Incoming.message("STOP"))
    assert stopped.commands == [c.Unsubscribe("p" * 64)]
    english = step(ctx(), in_step("done"), Incoming.message("taal en"))
    assert answers(english) == [c.SetLanguage("p" * 64, "en")]
    assert english.state is not None and english.state.language == "en"
    assert "English" in english.replies[0].text


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("START DEMO", ("start", "demo")),
        ("/start", ("start", "")),
        ("Mijn gegevens", ("mydata", "")),
        ("vergeet mij", ("forget", "")),
        ("language en", ("language", "en")),
        ("hallo", None),
    ],
)
def test_intents_are_recognised_in_typed_text(text: str, intent: tuple[str, str] | None):
    found = parse_intent(Incoming.message(text))
    assert (found.name, found.arg) == intent if intent else found is None


def test_too_few_others_names_the_minimum_the_analysis_gave():
    view = OthersView(12, RoundKind.STATEMENTS, 4, enough=False, minimum=25)
    result = step(ctx(others=view), in_step("done"), Incoming.message("anderen"))
    assert "(tot nu toe 4)" in result.replies[0].text
    assert "minstens 25 bewoners" in result.replies[0].text


def test_how_others_think_waits_until_the_results_are_published_or_shown_live():
    hidden = OthersView(12, RoundKind.STATEMENTS, 0, enough=False, hidden=True)
    result = step(ctx(others=hidden), in_step("done"), Incoming.message("anderen"))
    assert "zodra de organisatie ze publiceert" in result.replies[0].text
    assert "bewoners" not in result.replies[0].text
    state = in_step("vote", round_id=12, item_id=200, options=["st:12:200:a"])
    for shown in (False, True):
        votes = RoundView(12, "st", RoundKind.STATEMENTS, "", True, total=1, results_shown=shown)
        after = step(ctx(rounds=(IDEAS, RATING, votes)), state, Incoming.choice("st:12:200:a"))
        buttons = [o.data for r in after.replies for o in r.options]
        assert ("others:12" in buttons) is shown, buttons
