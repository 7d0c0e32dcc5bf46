""" "How do others think?" after a statements or a rating round (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from core.domain import commands as c
from core.services.project_file import import_project, parse_project_file
from core.views import others
from inspraak.bootstrap import Container
from tests.factories import ChatResident, project_toml

ROUNDS = """
[[rounds]]
key = "stellingen"
kind = "statements"
question = "Eens of oneens?"
statements = ["Meer bomen in de straat.", "Minder parkeerplaatsen.", "Een autovrije zondag.",
              "Meer bankjes in het park.", "Een buurtmoestuin."]
state = "open"
live_results = true
"""

RATING = """
[[rounds]]
key = "cijfers"
kind = "rating"
question = "Hoe belangrijk vind je dit?"
items = ["Schaduw", "Bankjes"]
scale = [1, 5]
state = "open"
live_results = true
"""


async def load(container: Container, rounds: str) -> None:
    async with container.uow() as uow:
        await import_project(uow, parse_project_file(project_toml("BUURT", rounds), "t.toml"))
        await uow.commit()


def camp_answer(camp: int, text: str) -> str:
    """Camp 0 agrees on the green statements and disagrees on the rest; camp 1 the reverse;
    everyone agrees with the benches."""
    if "bankjes" in text:
        return "Eens"
    green = "bomen" in text or "moestuin" in text
    return "Eens" if green == (camp == 0) else "Oneens"


async def join(resident: ChatResident) -> None:
    await resident.start("BUURT")
    await resident.press("Ja, ik doe mee")
    await resident.say("hallo")


async def vote_through(resident: ChatResident, camp: int) -> None:
    await join(resident)
    while "Stelling" in resident.question.text:
        await resident.press(camp_answer(camp, resident.question.text))


async def test_with_sixteen_residents_a_resident_sees_their_group_and_where_they_differ(
    container: Container,
):
    await load(container, ROUNDS)
    for n in range(15):
        await vote_through(ChatResident(container.conversations, f"r{n}"), camp=n % 2)
    eva = ChatResident(container.conversations, "eva")
    await join(eva)
    while "Stelling" in eva.question.text:
        text = eva.question.text
        await eva.press("Oneens" if "bankjes" in text else camp_answer(0, text))
    assert "Dat was de laatste stelling" in eva.texts()

    await eva.press("Hoe denken anderen?")

    reply = eva.texts()
    assert "Tot nu toe deden 16 bewoners mee." in reply
    assert "dichtst bij een groep van 9 bewoners (van 2 meningsgroepen)" in reply
    assert "Waar jij anders denkt dan de meeste bewoners:" in reply
    assert "Meer bankjes in het park." in reply
    assert "jij bent het oneens, 94% eens" in reply


async def test_typing_anderen_asks_the_same_and_the_analysis_is_cached(container: Container):
    await load(container, ROUNDS)
    residents = [ChatResident(container.conversations, f"r{n}") for n in range(12)]
    for n, resident in enumerate(residents):
        await vote_through(resident, camp=n % 2)
    await residents[0].say("anderen")
    assert "Tot nu toe deden 12 bewoners mee." in residents[0].texts()
    await residents[1].say("anderen")
    assert container.analyses.computed == 1  # nobody voted in between: one analysis


async def test_with_fewer_than_ten_residents_there_is_nothing_to_compare_yet(
    container: Container,
):
    await load(container, ROUNDS)
    residents = [ChatResident(container.conversations, f"r{n}") for n in range(9)]
    for n, resident in enumerate(residents):
        await vote_through(resident, camp=n % 2)

    await residents[-1].press("Hoe denken anderen?")

    assert "nog niet genoeg bewoners meegedaan (tot nu toe 9)" in residents[-1].texts()
    assert container.analyses.computed == 0


async def test_the_minimum_told_is_the_one_the_analysis_applies(
    container: Container, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(others, "MIN_PARTICIPANTS", 3)
    await load(container, ROUNDS)
    residents = [ChatResident(container.conversations, f"r{n}") for n in range(2)]
    for n, resident in enumerate(residents):
        await vote_through(resident, camp=n % 2)

    await residents[-1].press("Hoe denken anderen?")

    assert "(tot nu toe 2)" in residents[-1].texts()
    assert "zodra minstens 3 bewoners meededen" in residents[-1].texts()


async def test_typing_the_number_of_the_button_is_the_same_as_pressing_it(
    container: Container, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(others, "MIN_PARTICIPANTS", 3)
    await load(container, ROUNDS)
    resident = ChatResident(container.conversations, "r0")
    await vote_through(resident, camp=0)
    assert [o.label for o in resident.question.options] == ["Hoe denken anderen?"]

    await resident.say("1")

    assert "(tot nu toe 1)" in resident.texts()


async def test_before_finishing_a_round_the_resident_is_told_to_finish_first(
    container: Container,
):
    await load(container, ROUNDS)
    ann = ChatResident(container.conversations, "ann")
    await join(ann)
    await ann.say("anderen")
    assert "Als je een ronde met stellingen of cijfers hebt afgerond" in ann.texts()
    assert "Stelling" in ann.question.text  # and the question comes again


async def test_after_a_rating_round_a_resident_sees_their_scores_against_the_average(
    container: Container,
):
    await load(container, RATING)
    for n in range(10):
        resident = ChatResident(container.conversations, f"r{n}")
        await join(resident)
        for _ in range(2):
            await resident.press("4" if n < 9 else "1")
    last = resident
    assert "Dat was de laatste van deze ronde" in last.texts()

    await last.press("Hoe denken anderen?")

    reply = last.texts()
    assert "Tot nu toe deden 10 bewoners mee." in reply
    assert "Jouw cijfers vergeleken met het gemiddelde van iedereen:" in reply
    assert "Bankjes: jij 1, gemiddeld 3.7" in reply
    assert "Schaduw: jij 1, gemiddeld 3.7" in reply


async def test_without_live_results_a_running_round_keeps_how_others_think_to_itself(
    container: Container, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(others, "MIN_PARTICIPANTS", 3)
    await load(container, ROUNDS.replace("live_results = true", ""))
    for n in range(4):
        resident = ChatResident(container.conversations, f"r{n}")
        await join(resident)
        for _ in range(5):
            await resident.press(camp_answer(n % 2, resident.question.text))
    assert "Dat was de laatste stelling van deze ronde" in resident.texts()
    assert "Hoe denken anderen?" not in [o.label for r in resident.last for o in r.options]

    await resident.say("anderen")

    reply = resident.texts()
    assert "zodra de organisatie ze publiceert" in reply
    assert "bewoners" not in reply and "Stelling" not in reply

    async with container.uow() as uow:
        project = await uow.projects.by_code("BUURT")
        (rnd,) = await uow.projects.rounds(project.id or 0)  # type: ignore[union-attr]
    await container.bus.handle(c.PublishResults(rnd.id or 0))
    await resident.say("anderen")
    assert "(tot nu toe 4)" in resident.texts()  # shown now, however few took part
