""" "How do others think?" is a button whenever it is available, and the help names it."""

from __future__ import annotations

from core.services.project_file import import_project, parse_project_file
from inspraak.bootstrap import Container
from tests.factories import ChatResident, project_toml

RATING = """
[[rounds]]
key = "cijfers"
kind = "rating"
question = "Hoe belangrijk vind je dit?"
items = ["Schaduw", "Bankjes"]
scale = [1, 5]
state = "open"
live_results = {live}
"""


async def rated_everything(container: Container, live: bool) -> ChatResident:
    rounds = RATING.format(live="true" if live else "false")
    async with container.uow() as uow:
        await import_project(uow, parse_project_file(project_toml("BUURT", rounds), "t.toml"))
        await uow.commit()
    anna = ChatResident(container.conversations, "anna")
    await anna.start("BUURT")
    await anna.press("Ja, ik doe mee")
    await anna.say("hallo")
    while anna.last[-1].options and anna.last[-1].options[0].label == "1":  # a score
        await anna.press("4")
    return anna


async def test_a_resident_who_answered_everything_gets_the_button_to_see_how_others_think(
    container: Container,
):
    anna = await rated_everything(container, live=True)
    done = anna.last[-1]  # "you have answered everything there is for now"
    assert [o.label for o in done.options] == ["Hoe denken anderen?"]

    await anna.say("hallo")  # later, between rounds: the same offer again
    assert [o.label for o in anna.last[-1].options] == ["Hoe denken anderen?"]
    await anna.press("Hoe denken anderen?")
    assert "bewoners" in anna.texts()  # too few took part yet: the view says how many


async def test_no_button_while_the_results_of_the_round_are_not_shown(container: Container):
    anna = await rated_everything(container, live=False)
    assert "Dank je wel" in anna.texts()
    assert all(not reply.options for reply in anna.last)


async def test_the_help_tells_how_to_see_how_others_think(container: Container):
    anna = await rated_everything(container, live=True)
    await anna.say("help")
    assert "ANDEREN \u2013 hoe anderen denken" in anna.texts()
    await anna.say("language")
    await anna.press("English")
    await anna.say("help")
    assert "OTHERS \u2013 how others think" in anna.texts()
