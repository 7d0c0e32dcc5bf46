"""Typed answers are understood at every step: words, variants, numbers, labels, commands."""

from __future__ import annotations

import pytest

from core.dialogue import understanding as u
from core.dialogue.engine import step
from core.dialogue.intents import IntentName, parse_intent
from core.domain import commands as c
from core.messages import Incoming
from tests.unit.core.test_engine import answers, ctx, in_step

MORE = in_step(
    "idea_more",
    round_id=10,
    options=["idea:10:more", "idea:10:done"],
    labels=["Ja, nog een", "Nee, verder"],
)


@pytest.mark.parametrize("typed", ["Nee", "nee, verder", "NEE!", "neen", "nope", "👎", "No"])
def test_no_at_another_idea_moves_on_instead_of_taking_it_as_an_idea(typed: str):
    result = step(ctx(), MORE, Incoming.message(typed))
    assert answers(result) == []
    assert c.MarkRoundFinished(7, 10) in result.commands
    assert not any("Je idee" in r.text for r in result.replies)
    assert result.state is not None and result.state.step != "idea_confirm"


@pytest.mark.parametrize("typed", ["ja", "Jawel", "yes", "ok", "👍", "Ja, graag"])
def test_yes_at_another_idea_asks_for_the_next_idea(typed: str):
    result = step(ctx(), MORE, Incoming.message(typed))
    assert result.state is not None and result.state.step == "idea_text"
    assert "Wat wil je?" in result.replies[-1].text


@pytest.mark.parametrize("typed", ["6", "3", "٣", "12."])
def test_a_stray_number_at_another_idea_is_asked_again_not_sent_as_an_idea(typed: str):
    result = step(ctx(), MORE, Incoming.message(typed))
    assert result.commands == []
    assert result.state is not None and result.state.step == "idea_more"
    assert "Kies een van de antwoorden" in result.replies[0].text
    assert result.replies[-1].text == "Heb je nog een idee?"


def test_a_bare_yes_where_an_idea_is_asked_is_no_idea():
    state = in_step(
        "idea_text", round_id=10, options=["idea:10:done"], labels=["Deze ronde overslaan"]
    )
    result = step(ctx(), state, Incoming.message("ok"))
    assert result.commands == []
    assert result.state is not None and result.state.step == "idea_text"
    assert "Kies een van de antwoorden" in result.replies[0].text


def test_a_real_idea_at_another_idea_is_still_confirmed():
    result = step(ctx(), MORE, Incoming.message("Nee tegen meer parkeerplaatsen"))
    assert result.state is not None and result.state.step == "idea_confirm"
    assert result.state.draft == "Nee tegen meer parkeerplaatsen"


FORGET = in_step(
    "forget_confirm",
    resume_step="idea_text",
    round_id=10,
    options=["forget:yes", "forget:no"],
    labels=["Ja, wis alles", "Nee, bewaren"],
)


@pytest.mark.parametrize("typed", ["Ja", "ja", "jawel", "yes", "ok", "👍", "1", "ja, wis alles"])
def test_yes_typed_at_the_erase_question_erases_and_says_so(typed: str):
    result = step(ctx(), FORGET, Incoming.message(typed))
    assert result.commands == [c.ForgetResident("p" * 64)]
    assert result.state is None  # nothing kept of the conversation
    assert [r.text for r in result.replies] == [
        "Alles is gewist. Typ START om opnieuw mee te doen."
    ]


def test_the_erase_button_says_the_same():
    result = step(ctx(), FORGET, Incoming.choice("forget:yes"))
    assert result.state is None
    assert result.replies[-1].text == "Alles is gewist. Typ START om opnieuw mee te doen."


@pytest.mark.parametrize("typed", ["nee", "Nee hoor", "no", "2"])
def test_no_typed_at_the_erase_question_keeps_everything(typed: str):
    result = step(ctx(), FORGET, Incoming.message(typed))
    assert result.commands == []
    assert result.state is not None and result.state.step == "idea_text"
    assert "Er is niets gewist" in result.replies[0].text


def test_a_stray_answer_at_the_erase_question_asks_it_again():
    result = step(ctx(), FORGET, Incoming.message("hmm"))
    assert result.commands == []
    assert result.state is not None and result.state.step == "forget_confirm"
    assert [o.data for o in result.replies[-1].options] == ["forget:yes", "forget:no"]


RATE = in_step(
    "rate",
    round_id=11,
    item_id=100,
    options=[f"rt:11:100:0:{n}" for n in range(1, 11)] + ["rt:11:100:0:s"],
    labels=[str(n) for n in range(1, 11)] + ["Overslaan"],
)


@pytest.mark.parametrize(
    ("typed", "score"),
    [("7", 7), ("ik geef een 7", 7), ("Een 8 van de 10", 8), ("9/10", 9), ("٧", 7),
     ("３", 3), ("10!", 10)],
)  # fmt: skip
def test_a_score_is_read_in_any_script_and_inside_a_sentence(typed: str, score: int):
    result = step(ctx(), RATE, Incoming.message(typed))
    assert result.commands == [c.RateItem(7, 11, 100, 0, score)]


@pytest.mark.parametrize("typed", ["11", "ik geef een 7 of 8", "2²", "7e", "ja"])
def test_a_number_off_the_scale_or_unclear_is_no_score(typed: str):
    result = step(ctx(), RATE, Incoming.message(typed))
    assert result.commands == []


@pytest.mark.parametrize("typed", ["overslaan", "Sla over", "skip", "OVERSLAAN."])
def test_skip_is_understood_on_a_scale(typed: str):
    result = step(ctx(), RATE, Incoming.message(typed))
    assert result.commands == [] and result.state is not None
    assert result.state.skipped_in(11) == [100]


VOTE = in_step(
    "vote",
    round_id=12,
    item_id=200,
    options=["st:12:200:a", "st:12:200:d", "st:12:200:p", "st:12:200:s"],
    labels=["Eens", "Oneens", "Weet niet", "Overslaan"],
)


@pytest.mark.parametrize(
    ("typed", "value"),
    [("eens", 1), ("Mee eens", 1), ("ja", 1), ("agree", 1), ("oneens", -1),
     ("niet mee eens", -1), ("Nee", -1), ("weet ik niet", 0), ("geen idee", 0),
     ("weet niet", 0), ("Wéét niet!", 0)],
)  # fmt: skip
def test_statements_understand_agree_disagree_and_dont_know(typed: str, value: int):
    result = step(ctx(), VOTE, Incoming.message(typed))
    assert answers(result) == [c.CastVote(7, 12, 200, value)]


CONSENT = in_step(
    "consent", options=["consent:yes", "consent:no"], labels=["Ja, ik doe mee", "Nee, liever niet"]
)


@pytest.mark.parametrize("typed", ["ja", "Ja hoor, ik doe mee", "akkoord", "OK", "👍🏽", "yes"])
def test_consent_is_given_by_a_typed_yes(typed: str):
    result = step(ctx(resident=None), CONSENT, Incoming.message(typed))
    assert [type(cmd) for cmd in result.commands] == [c.GiveConsent]


@pytest.mark.parametrize("typed", ["nee", "Nee, dank je", "liever niet", "no thanks"])
def test_consent_is_refused_by_a_typed_no(typed: str):
    result = step(ctx(resident=None), CONSENT, Incoming.message(typed))
    assert result.commands == [] and result.state is not None and result.state.project is None


AGE = in_step(
    "profile_age",
    options=["age:<18", "age:18-29", "age:30-44", "age:45-64", "age:65+", "age:skip"],
    labels=["jonger dan 18", "18–29", "30–44", "45–64", "65 of ouder", "Overslaan"],
)


@pytest.mark.parametrize(
    ("typed", "band"),
    [("ik ben 35", "30-44"), ("72", "65+"), ("18-29", "18-29"), ("2", "18-29"),
     ("65 of ouder", "65+"), ("Jonger dan 18", "<18")],
)  # fmt: skip
def test_an_age_is_understood_as_its_band(typed: str, band: str):
    result = step(ctx(), AGE, Incoming.message(typed))
    assert answers(result) == [c.SetProfile(7, None, band)]


CONFIRM = in_step(
    "idea_confirm",
    round_id=10,
    draft="Meer bomen",
    options=["idea:10:send", "idea:10:edit"],
    labels=["Versturen", "Aanpassen"],
)


@pytest.mark.parametrize("typed", ["ja", "versturen", "Verstuur", "ok", "1"])
def test_an_idea_is_sent_by_a_typed_yes(typed: str):
    result = step(ctx(), CONFIRM, Incoming.message(typed))
    assert answers(result) == [c.SubmitIdea(7, 10, "Meer bomen")]


def test_language_is_chosen_by_its_name_in_either_language():
    state = in_step(
        "language", resume_step="done", options=["lang:nl", "lang:en"],
        labels=["Nederlands", "English"],
    )  # fmt: skip
    for typed in ("engels", "English", "2", "en"):
        result = step(ctx(), state, Incoming.message(typed))
        assert c.SetLanguage("p" * 64, "en") in result.commands, typed


@pytest.mark.parametrize(
    ("typed", "name"),
    [("Help!", "help"), ("?", "help"), ("HULP", "help"), ("Vergeet mij!", "forget"),
     ("wis alles", "forget"), ("Stop.", "stop"), ("mijn gegevens", "mydata"),
     ("Hoe denken anderen?", "others"), ("Taal", "language"), ("START", "start")],
)  # fmt: skip
def test_commands_are_understood_with_any_case_and_punctuation(typed: str, name: str):
    intent = parse_intent(Incoming.message(typed))
    assert intent is not None and intent.name == IntentName(name)


@pytest.mark.parametrize("typed", ["nee", "aanpassen", "wijzig"])
def test_an_idea_is_typed_again_after_a_typed_no_or_change(typed: str):
    result = step(ctx(), CONFIRM, Incoming.message(typed))
    assert result.commands == []
    assert result.state is not None and result.state.step == "idea_text"


def test_a_command_word_works_at_a_step_with_options():
    result = step(ctx(), MORE, Incoming.message("Vergeet mij"))
    assert result.state is not None and result.state.step == "forget_confirm"


def test_the_tables_are_extended_by_adding_rows():
    u.WORDS["xx"] = {u.Meaning.YES: ("jooo",)}
    try:
        u.rebuild()
        assert u.meaning("Jooo!") == {u.Meaning.YES}
    finally:
        del u.WORDS["xx"]
        u.rebuild()
    assert u.meaning("jooo") == set()


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("Evet!", u.Meaning.YES), ("hayır", u.Meaning.NO), ("Hayir", u.Meaning.NO),
        ("نعم", u.Meaning.YES), ("لا", u.Meaning.NO), ("Tak", u.Meaning.YES),
        ("nie", u.Meaning.NO), ("Так", u.Meaning.YES), ("ні", u.Meaning.NO),
        ("katılmıyorum", u.Meaning.DISAGREE), ("nie wiem", u.Meaning.DONT_KNOW),
    ],
)  # fmt: skip
def test_yes_and_no_in_the_four_further_resident_languages(typed: str, meant: u.Meaning):
    assert meant in u.meaning(typed)


def test_normalise_drops_case_accents_punctuation_and_skin_tones():
    assert u.normalise("  Wéét   NIET?! ") == "weet niet"
    assert u.normalise("👍🏾") == "👍"
    assert u.normalise("²") == "²"  # no compatibility folding: a superscript is no digit
