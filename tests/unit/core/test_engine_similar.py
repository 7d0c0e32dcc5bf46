"""The pure engine's "do you mean one of these?" step: similar ideas offered before an idea is
stored, support instead of a new idea, and the resident's own text never lost."""

from __future__ import annotations

from dataclasses import replace

import pytest

from core.dialogue.context import SimilarView
from core.dialogue.engine import step
from core.domain import commands as c
from core.messages import MAX_OPTION_DATA_BYTES, Incoming
from tests.unit.core.test_engine import ctx, in_step

BANKJES = SimilarView(501, "Meer bankjes in het Oosterpark")
BOMEN = SimilarView(502, "Bomen in de Dorpsstraat voor schaduw")


def offered(*similar: SimilarView):
    """The step after typing an idea while ``similar`` ideas are in the round."""
    state = in_step("idea_text", round_id=10)
    return step(ctx(similar=similar), state, Incoming.message("Bankjes in het park graag"))


def test_a_typed_idea_like_others_asks_do_you_mean_one_of_these_and_stores_nothing():
    result = offered(BANKJES, BOMEN)
    assert result.commands == []
    assert result.state is not None and result.state.step == "idea_similar"
    assert result.state.draft == "Bankjes in het park graag"  # kept while they choose
    question = result.replies[-1]
    assert "Bedoel je een van deze?" in question.text
    assert "1. \u201cMeer bankjes in het Oosterpark\u201d" in question.text
    assert [o.label for o in question.options] == [
        "Meer bankjes in het Oosterpark",
        "Bomen in de Dorpsstraat voor schaduw",
        "Nee, mijn idee is anders",
    ]
    assert [o.data for o in question.options] == ["sup:10:501", "sup:10:502", "idea:10:new"]


def test_one_similar_idea_is_asked_about_in_the_singular():
    question = offered(BANKJES).replies[-1]
    assert "Bedoel je dit idee?" in question.text and "een van deze" not in question.text


def test_nothing_similar_leaves_the_flow_unchanged():
    result = offered()
    assert result.state is not None and result.state.step == "idea_confirm"
    assert [o.label for o in result.replies[-1].options] == ["Versturen", "Aanpassen"]


def test_choosing_a_similar_idea_supports_it_instead_of_storing_a_new_one():
    first = offered(BANKJES, BOMEN)
    assert first.state is not None
    chosen = step(ctx(similar=(BANKJES,)), first.state, Incoming.choice("sup:10:501"))
    assert chosen.commands == [c.SupportIdea(7, 10, 501)]
    assert (
        "Je steunt nu het idee \u201cMeer bankjes in het Oosterpark\u201d"
        in chosen.replies[0].text
    )
    assert chosen.state is not None and chosen.state.step == "idea_more"
    assert chosen.replies[-1].text == "Heb je nog een idee?"


@pytest.mark.parametrize("typed", ["1", "Meer bankjes in het Oosterpark"])
def test_a_similar_idea_can_be_chosen_by_typing_its_number_or_label(typed: str):
    first = offered(BANKJES, BOMEN)
    assert first.state is not None
    chosen = step(ctx(similar=(BANKJES,)), first.state, Incoming.message(typed))
    assert chosen.commands == [c.SupportIdea(7, 10, 501)]


@pytest.mark.parametrize("answer", ["3", "Nee, mijn idee is anders", "anders", "Nee."])
def test_no_my_idea_is_different_stores_the_typed_idea(answer: str):
    first = offered(BANKJES, BOMEN)
    assert first.state is not None
    if answer == "Nee, mijn idee is anders":
        sent = step(ctx(), first.state, Incoming.choice("idea:10:new"))
    else:
        sent = step(ctx(), first.state, Incoming.message(answer))
    assert sent.commands == [c.SubmitIdea(7, 10, "Bankjes in het park graag")]
    assert "Je idee is bewaard" in sent.replies[0].text


@pytest.mark.parametrize(
    ("chosen", "said"),
    [
        (replace(BANKJES, supported=True), "Je steunt dit idee al. Je steun telt één keer mee."),
        (replace(BANKJES, own=True), "Dat is je eigen idee, dus het telt al mee."),
    ],
)
def test_supporting_twice_or_ones_own_idea_is_said_kindly_and_counts_once(chosen, said):
    first = offered(BANKJES)
    assert first.state is not None
    again = step(ctx(similar=(chosen,)), first.state, Incoming.choice("sup:10:501"))
    assert again.commands == []
    assert said in again.replies[0].text
    assert again.state is not None and again.state.step == "idea_more"


def test_pressing_a_similar_idea_again_after_supporting_it_is_kind_too():
    after = in_step("idea_more", round_id=10)
    again = step(
        ctx(similar=(replace(BANKJES, supported=True),)), after, Incoming.choice("sup:10:501")
    )
    assert again.commands == [] and "al" in again.replies[0].text


def test_an_idea_no_longer_offered_is_not_supported_and_the_draft_stays():
    first = offered(BANKJES)
    assert first.state is not None
    gone = step(ctx(), first.state, Incoming.choice("sup:10:501"))
    assert gone.commands == []
    assert "niet meer steunen" in gone.replies[0].text
    assert gone.state is not None and gone.state.draft == "Bankjes in het park graag"


def test_a_new_text_while_similar_are_offered_replaces_the_draft():
    first = offered(BANKJES)
    assert first.state is not None
    retyped = step(ctx(), first.state, Incoming.message("Een zebrapad bij de school"))
    assert retyped.state is not None and retyped.state.step == "idea_confirm"
    assert retyped.state.draft == "Een zebrapad bij de school"


def test_help_asks_again_with_the_same_ideas_and_keeps_the_draft():
    first = offered(BANKJES)
    assert first.state is not None
    helped = step(ctx(similar=(BANKJES,)), first.state, Incoming.message("help"))
    assert helped.state is not None and helped.state.draft == "Bankjes in het park graag"
    assert "Bedoel je dit idee?" in helped.replies[-1].text
    # nothing similar any more: the draft is simply confirmed
    later = step(ctx(), first.state, Incoming.message("help"))
    assert later.state is not None and later.state.step == "idea_confirm"
    assert "Bankjes in het park graag" in later.replies[-1].text


def test_a_support_button_of_another_step_changes_nothing():
    stale = step(ctx(similar=(BANKJES,)), in_step("idea_confirm", round_id=10, draft="x"),
                 Incoming.choice("sup:10:501"))  # fmt: skip
    assert stale.commands == []


def test_long_ideas_are_shortened_in_buttons_and_their_data_stays_short():
    long = SimilarView(2**63 - 1, "Een heel lang idee over bomen " * 20)
    question = offered(long).replies[-1]
    label = question.options[0].label
    assert len(label) <= 60 and label.endswith("\u2026")
    assert all(len(o.data.encode()) <= MAX_OPTION_DATA_BYTES for o in question.options)
    assert len(question.text) < 1024  # fits a WhatsApp interactive message's body


def test_the_english_wording():
    state = in_step("idea_text", round_id=10)
    result = step(ctx(similar=(BANKJES,)), replace(state, language="en"), Incoming.message("x y"))
    text = result.replies[-1].text
    assert "Do you mean this idea?" in text
    assert result.replies[-1].options[-1].label == "No, my idea is different"
