"""Whole dialogues through the conversation service and real storage (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core import views
from core.dialogue import intents
from core.domain import commands as c
from core.messages import Incoming
from core.storage import tables as t
from inspraak.bootstrap import Container
from tests.factories import ChatResident
from tests.web.test_chat_refused_answer import closed_elsewhere


async def _count(container: Container, table: sa.Table, **where: object) -> int:
    async with container.uow() as uow:
        query = sa.select(sa.func.count()).select_from(table)
        for column, value in where.items():
            query = query.where(table.c[column] == value)
        return int(await uow.conn.scalar(query))


async def _results(container: Container) -> views.ProjectResults:
    async with container.uow() as uow:
        results = await views.project_results(uow, "DEMO", container.clock())
    assert results is not None
    return results


async def test_a_resident_goes_through_every_round_kind_and_results_show_it(demo: Container):
    anna = ChatResident(demo.conversations, "anna")
    await anna.start("DEMO")
    assert "Welkom bij" in anna.texts()
    await anna.press("Ja, ik doe mee")
    await anna.say("5043")
    await anna.press("30–44")
    assert "Wat zou jij veranderen" in anna.texts()
    await anna.say("Een pluktuin bij de bibliotheek")
    await anna.press("Versturen")
    await anna.press("Nee, verder")
    # rating round: 7 items (6 fixed + the new idea), two criteria each, at most 6 per resident
    for _ in range(6):
        assert "Belang" in anna.question.text
        await anna.press("4")
        assert "Haalbaarheid" in anna.question.text
        await anna.press("2")
    assert "Stelling" in anna.texts()
    for answer in ("Eens", "Oneens", "Weet niet", "Overslaan", "Eens"):
        await anna.press(answer)
    assert "rapportcijfer" in anna.texts()
    await anna.press("8")
    await anna.say("Graag ook meer bankjes.")
    assert "Je hebt alles beantwoord" in anna.texts()

    results = await _results(demo)
    by_key = {r.key: r for r in results.rounds}
    assert [i["text"] for i in by_key["ideeen"].ideas] == ["Een pluktuin bij de bibliotheek"]
    rated = [i for i in by_key["beoordelen"].items if i.criteria[0].n]
    assert len(rated) == 6
    assert all(i.criteria[0].mean == 4 and i.criteria[1].mean == 2 for i in rated)
    votes = by_key["stellingen"].items
    assert sum(i.agree for i in votes) == 2
    assert sum(i.disagree for i in votes) == 1
    assert sum(i.passed for i in votes) == 1
    assert by_key["reactie"].feedback is not None and by_key["reactie"].feedback.mean == 8
    assert by_key["reactie"].comments == ["Graag ook meer bankjes."]
    assert results.residents == 1
    async with demo.uow() as uow:
        resident = (await uow.residents.for_pseudonym(anna.pseudonym))[0]
    assert resident.wijk == "Oosterwijk-Zuid" and resident.age_band == "30-44"


async def test_nothing_but_the_dialogue_state_is_stored_before_consent(demo: Container):
    bob = ChatResident(demo.conversations, "bob")
    await bob.start("DEMO")
    await bob.say("Mijn naam is Bob de Vries, 06-12345678")
    assert await _count(demo, t.residents) == 0
    assert await _count(demo, t.contacts) == 0
    await bob.press("Nee, liever niet")
    assert "niets over je bewaard" in bob.texts()
    assert await _count(demo, t.residents) == 0
    async with demo.uow() as uow:
        state = await uow.dialogue.load(bob.pseudonym)
    assert state is not None and "Bob" not in str(state)


async def test_rating_offers_items_with_the_fewest_ratings_first(demo: Container):
    first = ChatResident(demo.conversations, "first")
    await first.join()
    await first.press("Nee, verder") if "Heb je nog" in first.texts() else None
    await first.press("Deze ronde overslaan")
    rated_by_first = set()
    for _ in range(3):
        rated_by_first.add(first.question.options[0].data.split(":")[2])
        await first.press("3")
        await first.press("3")
    second = ChatResident(demo.conversations, "second")
    await second.join()
    await second.press("Deze ronde overslaan")
    offered = second.question.options[0].data.split(":")[2]
    assert offered not in rated_by_first


async def test_a_double_tapped_button_is_counted_once(demo: Container):
    cas = ChatResident(demo.conversations, "cas")
    await cas.join()
    await cas.press("Deze ronde overslaan")
    data = cas.option("5")
    await cas.choose(data)
    replies = await cas.choose(data)
    assert "al beantwoord" in replies[0].text
    assert await _count(demo, t.ratings) == 1


async def test_a_forged_or_foreign_button_changes_nothing(demo: Container):
    dirk = ChatResident(demo.conversations, "dirk")
    await dirk.join()
    for forged in ("rt:9999:1:0:5", "st:1:1:a", "fb:4:11", "x" * 64, "rt:2:1:0:99", "::::"):
        replies = await dirk.choose(forged)
        assert replies, forged
    assert await _count(demo, t.ratings) == 0
    assert await _count(demo, t.votes) == 0
    assert await _count(demo, t.feedback) == 0


async def test_an_answer_in_a_closed_round_gets_a_friendly_reply_and_is_not_stored(
    demo: Container,
):
    eva = ChatResident(demo.conversations, "eva")
    await eva.join()
    await eva.press("Deze ronde overslaan")
    data = eva.option("4")
    round_id = int(data.split(":")[1])
    await demo.bus.handle(c.CloseRound(round_id))
    replies = await eva.choose(data)
    assert "gesloten" in replies[0].text
    assert await _count(demo, t.ratings) == 0
    assert "Stelling" in eva.texts()  # moved on to the next open round


async def test_a_refused_answer_delivered_again_is_not_answered_again(demo: Container):
    """A refusal is an answer too: the channel's redelivery of the same update (a webhook
    retried, a web form sent twice) is recognised, although the step itself was undone."""
    eva = ChatResident(demo.conversations, "eva")
    await eva.join()
    await eva.press("Deze ronde overslaan")
    data = eva.option("4")
    await closed_elsewhere(demo, "beoordelen")  # the stored round refuses the score
    first = await eva.send(Incoming.choice(data), dedupe_key="update-7")
    again = await eva.send(Incoming.choice(data), dedupe_key="update-7")
    assert "gesloten" in first[0].text and again == []
    assert await _count(demo, t.ratings) == 0


async def test_an_overlong_idea_is_refused_and_nothing_is_kept(demo: Container):
    fem = ChatResident(demo.conversations, "fem")
    await fem.join()
    replies = await fem.say("x" * 5000)
    assert "5000 tekens" in replies[0].text and "1000" in replies[0].text
    assert await _count(demo, t.ideas) == 0
    await fem.say("\u200b\u0007 Kort idee\u200d ")
    assert "“Kort idee”" in fem.texts()
    await fem.press("Versturen")
    async with demo.uow() as uow:
        assert list(await uow.conn.scalars(sa.select(t.ideas.c.text))) == ["Kort idee"]


async def test_an_empty_message_gets_a_reply(demo: Container):
    gijs = ChatResident(demo.conversations, "gijs")
    await gijs.join()
    replies = await gijs.say("   ")
    assert "leeg bericht" in replies[0].text


async def test_an_unknown_project_code_lists_the_open_projects(demo: Container):
    hans = ChatResident(demo.conversations, "hans")
    await hans.start("NOPE")
    assert "Ik ken geen project" in hans.texts()
    assert hans.option("Groen en leefbaar Oosterwijk") == "join:DEMO"
    await hans.press("Groen en leefbaar Oosterwijk")
    assert "Ga je akkoord?" in hans.texts()


async def test_a_resident_who_comes_back_resumes_where_they_were(demo: Container):
    ilse = ChatResident(demo.conversations, "ilse")
    await ilse.join()
    await ilse.press("Deze ronde overslaan")
    question = ilse.question.text
    await ilse.press("4")
    follow_up = ilse.question.text
    assert follow_up != question
    replies = await ilse.say("hallo")  # days later
    assert replies[-1].text == follow_up
    replies = await ilse.start()
    assert "Welkom terug" in replies[0].text and replies[-1].text == follow_up


async def test_help_stop_and_language_work_from_any_step(demo: Container):
    jan = ChatResident(demo.conversations, "jan")
    await jan.join()
    question = jan.question.text
    replies = await jan.say("help")
    assert "HULP" in replies[0].text and replies[-1].text == question
    await jan.say("taal")
    await jan.press("English")
    assert "English" in jan.last[0].text
    # the question in the project's English text (the DEMO has one since issue 17)
    assert "What would you change to make Oosterwijk greener and nicer?" in jan.texts()
    assert "Type your idea" in jan.texts()
    await jan.say("stop")
    async with demo.uow() as uow:
        (resident,) = await uow.residents.for_pseudonym(jan.pseudonym)
    assert resident.status.value == "stopped" and resident.language == "en"
    await jan.start()
    async with demo.uow() as uow:
        (resident,) = await uow.residents.for_pseudonym(jan.pseudonym)
    assert resident.status.value == "active"


async def test_my_data_shows_what_is_stored_and_forget_erases_it(demo: Container):
    kim = ChatResident(demo.conversations, "kim")
    await kim.join(postcode="5041")
    await kim.say("Bloemen op de rotonde")
    await kim.press("Versturen")
    await kim.press("Nee, verder")
    await kim.press("5")
    await kim.press("5")
    replies = await kim.say("mijn gegevens")
    text = replies[0].text
    assert "Bloemen op de rotonde" in text and "Oosterwijk-Noord" in text
    assert "Gegeven scores: 2" in text
    await kim.say("vergeet")
    await kim.press("Nee, bewaren")
    assert await _count(demo, t.ideas) == 1
    await kim.say("vergeet")
    await kim.press("Ja, wis alles")
    assert "gewist" in kim.texts()
    for table in (t.residents, t.ideas, t.ratings, t.round_progress, t.dialogue_states):
        assert await _count(demo, table) == 0, table.name
    assert await _count(demo, t.items) == 11  # 6 fixed items, 5 statements; the idea went


async def test_my_data_gives_the_consent_time_in_amsterdam_time_in_dutch(demo: Container):
    kim = ChatResident(demo.conversations, "kim")
    await kim.join(postcode="5041")  # the test clock stands at 2 December 2026, 10:00 UTC
    text = (await kim.say("mijn gegevens"))[0].text
    assert "Toestemming gegeven: 2 dec 2026 11:00" in text and "UTC" not in text


async def test_a_typed_number_picks_the_numbered_option(demo: Container):
    lot = ChatResident(demo.conversations, "lot")
    await lot.start("DEMO")
    await lot.say("1")  # "1. Ja, ik doe mee" on a channel without buttons
    assert "postcode" in lot.texts()


async def test_a_message_seen_before_is_ignored(demo: Container):
    max_ = ChatResident(demo.conversations, "max")
    first = await max_.send(Incoming.start("DEMO"), dedupe_key="update-1")
    again = await max_.send(Incoming.start("DEMO"), dedupe_key="update-1")
    assert first and again == []


async def test_ideas_stop_at_the_maximum_per_resident(demo: Container):
    noor = ChatResident(demo.conversations, "noor")
    await noor.join()
    for n in range(3):
        await noor.say(f"Idee nummer {n}")
        await noor.press("Versturen")
        if n < 2:
            await noor.press("Ja, nog een")
    assert "Belang" in noor.question.text
    assert await _count(demo, t.ideas) == 3


async def test_a_message_is_read_once_and_that_reading_is_handed_on(
    demo: Container, monkeypatch: pytest.MonkeyPatch
):
    readings: list[Incoming] = []
    original = intents._intent

    def counting(incoming: Incoming, action: object) -> object:
        readings.append(incoming)
        return original(incoming, action)  # type: ignore[arg-type]

    monkeypatch.setattr(intents, "_intent", counting)
    ans = ChatResident(demo.conversations, "ans")
    await ans.join()
    readings.clear()

    await ans.say("mijn gegevens")  # the service, the context and the engine all use it
    assert "Pseudoniem" in ans.texts()
    data = ans.question.options[-1].data
    await ans.choose(data)

    assert readings == [Incoming.message("mijn gegevens"), Incoming.choice(data)]
