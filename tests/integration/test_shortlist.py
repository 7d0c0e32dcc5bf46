"""The shortlist: a rating or statements round gets one item per organised idea, never one per
duplicate, and results say how many ideas and residents each item stands for."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from core import views
from core.domain import commands as c
from core.domain.errors import InvalidInput
from core.services.idea_file import InvalidIdeaFile
from core.services.project_file import export_project, import_project, parse_project_file
from core.storage import tables as t
from core.views.shortlist import shortlist
from inspraak.bootstrap import Container

PAPER = Path(__file__).parents[1] / "fixtures" / "ideas" / "paper.csv"
# 48 ideas of which 11 distinct: the finding of the issue (45 items, one idea thrice in the top)
DISTINCT = [
    "Meer bomen in de Dorpsstraat",
    "Een speeltuin bij de school",
    "Bankjes bij de vijver",
    "Een zebrapad bij de bakker",
    "Minder parkeerplaatsen, meer groen",
    "Een moestuin achter het buurthuis",
    "Drinkwaterpunt in het park",
    "Meer prullenbakken in het park",
    "Geveltuinen in alle straten",
    "Een hondenuitlaatveld",
    "Fietsenrekken bij het station",
]
COPIES = [8, 7, 5, 5, 4, 4, 4, 4, 3, 2, 2]  # 48 in all


async def _rounds(container: Container, code: str = "DEMO") -> dict[str, int]:
    async with container.uow() as uow:
        project = await uow.projects.by_code(code)
        return {r.key: r.id or 0 for r in await uow.projects.rounds(project.id or 0)}


async def _submit_48(container: Container) -> dict[str, list[int]]:
    """48 residents each send one idea; the same words come back as on paper."""
    rounds = await _rounds(container)
    async with container.uow() as uow:
        project_id = (await uow.projects.by_code("DEMO")).id
    ids: dict[str, list[int]] = {}
    n = 0
    for text, copies in zip(DISTINCT, COPIES, strict=True):
        for _ in range(copies):
            who = await container.bus.handle(c.GiveConsent(f"r{n}", project_id, "web", "nl"))
            idea = await container.bus.handle(c.SubmitIdea(who, rounds["ideeen"], text))
            ids.setdefault(text, []).append(idea)
            n += 1
    return ids


async def _organise(container: Container, ids: dict[str, list[int]]) -> None:
    for first, *rest in ids.values():
        for other in rest:
            await container.bus.handle(c.MergeIdeas(other, first))


async def _idea_items(container: Container, round_id: int) -> dict[int, tuple[bool, str]]:
    async with container.uow() as uow:
        items = await uow.projects.items(round_id, active_only=False)
    return {i.idea_id: (i.active, i.text) for i in items if i.idea_id}


async def test_forty_eight_ideas_of_eleven_kinds_become_eleven_items(demo: Container):
    ids = await _submit_48(demo)
    rating = (await _rounds(demo))["beoordelen"]
    assert await _idea_items(demo, rating) == {}  # approval alone makes no item any more

    await _organise(demo, ids)
    made = await demo.bus.handle(c.ApplyShortlist(rating, (), None))

    assert [(m.text, m.ideas, m.supporters) for m in made] == [
        (text, copies, copies) for text, copies in zip(DISTINCT, COPIES, strict=True)
    ]
    items = await _idea_items(demo, rating)
    assert sorted(items) == sorted(first for first, *_ in ids.values())
    assert all(active for active, _ in items.values())


async def test_the_top_ten_lists_every_idea_once_with_its_backing(demo: Container):
    ids = await _submit_48(demo)
    rounds = await _rounds(demo)
    await _organise(demo, ids)
    await demo.bus.handle(c.ApplyShortlist(rounds["beoordelen"], (), None))
    async with demo.uow() as uow:
        project_id = (await uow.projects.by_code("DEMO")).id
        items = await uow.projects.items(rounds["beoordelen"])
    for n in range(8):
        who = await demo.bus.handle(c.GiveConsent(f"rater{n}", project_id, "web", "nl"))
        for item in items:
            await demo.bus.handle(c.RateItem(who, rounds["beoordelen"], item.id or 0, 0, 4))
    await demo.bus.handle(c.PublishResults(rounds["beoordelen"]))

    async with demo.reading() as uow:
        summary = await views.public_summary(uow, "DEMO", demo.clock())
        results = await views.project_results(uow, "DEMO", demo.clock())
    (rated,) = [r for r in summary.rounds if r.key == "beoordelen"]
    texts = [i.text for i in rated.items]
    assert len(texts) == len(set(texts)) == 10
    trees = next(i for i in rated.items if i.text == DISTINCT[0])
    assert (trees.ideas, trees.supporters) == (8, 8)
    (result,) = [r for r in results.to_json()["rounds"] if r["key"] == "beoordelen"]
    by_text = {i["text"]: i for i in result["items"]}
    assert (by_text[DISTINCT[1]]["ideas"], by_text[DISTINCT[1]]["supporters"]) == (7, 7)
    assert by_text["Meer bomen in de Dorpsstraat voor schaduw in de zomer"]["ideas"] is None


async def test_support_counts_each_resident_once_and_those_who_chose_it_in_the_chat(
    demo: Container,
):
    rounds = await _rounds(demo)
    async with demo.uow() as uow:
        project_id = (await uow.projects.by_code("DEMO")).id
    anna, bob, cas = [
        await demo.bus.handle(c.GiveConsent(name, project_id, "web", "nl"))
        for name in ("anna", "bob", "cas")
    ]
    first = await demo.bus.handle(c.SubmitIdea(anna, rounds["ideeen"], "Meer bomen"))
    again = await demo.bus.handle(c.SubmitIdea(anna, rounds["ideeen"], "Nog meer bomen"))
    other = await demo.bus.handle(c.SubmitIdea(bob, rounds["ideeen"], "Bomen planten"))
    await demo.bus.handle(c.MergeIdeas(again, first))
    await demo.bus.handle(c.MergeIdeas(other, first))
    async with demo.uow() as uow:
        await uow.conn.execute(t.idea_supports.insert().values(idea_id=other, resident_id=cas))
        await uow.conn.execute(t.idea_supports.insert().values(idea_id=first, resident_id=bob))
        await uow.commit()

    async with demo.reading() as uow:
        (only,) = await shortlist(uow, rounds["ideeen"])
    assert (only.idea_id, only.ideas, only.supporters) == (first, 3, 3)  # anna, bob, cas


async def test_themes_and_top_choose_the_items_and_the_choice_is_kept(demo: Container):
    ids = await _submit_48(demo)
    rating = (await _rounds(demo))["beoordelen"]
    await _organise(demo, ids)
    trees, playground, benches = (ids[text][0] for text in DISTINCT[:3])
    await demo.bus.handle(c.TagIdea(trees, ("Groen",)))
    await demo.bus.handle(c.TagIdea(ids[DISTINCT[8]][1], ("Groen",)))  # merged into its first
    await demo.bus.handle(c.TagIdea(playground, ("Spelen",)))

    made = await demo.bus.handle(c.ApplyShortlist(rating, ("groen",), None))
    assert [m.text for m in made] == [DISTINCT[0], DISTINCT[8]]
    made = await demo.bus.handle(c.ApplyShortlist(rating, (), 2))
    assert [m.idea_id for m in made] == [trees, playground]
    again = await demo.bus.handle(c.ApplyShortlist(rating))  # the stored choice
    assert [m.idea_id for m in again] == [trees, playground]
    async with demo.uow() as uow:
        rnd = await uow.projects.round(rating)
    assert rnd.settings["shortlist"]["top"] == 2 and rnd.settings["shortlist"]["themes"] == []
    items = await _idea_items(demo, rating)
    assert items[ids[DISTINCT[8]][0]] == (False, DISTINCT[8])  # off the list: hidden, kept
    assert benches not in items
    with pytest.raises(InvalidInput):
        await demo.bus.handle(c.ApplyShortlist(rating, (), 0))


async def test_reapplying_is_idempotent_and_keeps_answers(demo: Container):
    ids = await _submit_48(demo)
    rating = (await _rounds(demo))["beoordelen"]
    await _organise(demo, ids)
    await demo.bus.handle(c.ApplyShortlist(rating, (), None))
    items = await _idea_items(demo, rating)
    async with demo.uow() as uow:
        project_id = (await uow.projects.by_code("DEMO")).id
        last = ids[DISTINCT[10]][0]
        (item,) = [i for i in await uow.projects.items(rating) if i.idea_id == last]
    who = await demo.bus.handle(c.GiveConsent("rater", project_id, "web", "nl"))
    await demo.bus.handle(c.RateItem(who, rating, item.id or 0, 0, 5))

    await demo.bus.handle(c.ApplyShortlist(rating, (), None))
    assert await _idea_items(demo, rating) == items
    await demo.bus.handle(c.ApplyShortlist(rating, (), 3))  # the rated one drops off ...
    await demo.bus.handle(c.ApplyShortlist(rating, (), None))  # ... and comes back
    assert await _idea_items(demo, rating) == items
    async with demo.uow() as uow:
        count = await uow.conn.scalar(sa.select(sa.func.count()).select_from(t.items))
        ratings = await uow.conn.scalar(
            sa.select(sa.func.count()).where(t.ratings.c.item_id == item.id)
        )
    assert ratings == 1
    assert count == 6 + 11 + 5  # six fixed DEMO items, eleven ideas, five statements


async def test_a_round_opens_with_its_shortlist_and_then_takes_no_new_ideas_on_its_own(
    container: Container,
):
    async with container.uow() as uow:
        await import_project(uow, parse_project_file(PROJECT.replace("shortlist = {", "#")))
        await uow.commit()
    rounds = await _rounds(container, "LIJST")
    async with container.uow() as uow:
        project_id = (await uow.projects.by_code("LIJST")).id
    who = await container.bus.handle(c.GiveConsent("a", project_id, "web", "nl"))
    first = await container.bus.handle(c.SubmitIdea(who, rounds["ideeen"], "Meer bomen"))
    assert await _idea_items(container, rounds["stemmen"]) == {}

    await container.bus.handle(c.OpenRound(rounds["stemmen"]))
    assert await _idea_items(container, rounds["stemmen"]) == {first: (True, "Meer bomen")}

    later = await container.bus.handle(c.SubmitIdea(who, rounds["ideeen"], "Een speeltuin"))
    await container.bus.handle(c.CloseRound(rounds["stemmen"]))
    await container.bus.handle(c.OpenRound(rounds["stemmen"]))  # reopened: no reshuffle
    assert later not in await _idea_items(container, rounds["stemmen"])
    await container.bus.handle(c.ApplyShortlist(rounds["stemmen"]))  # the facilitator's act
    assert (await _idea_items(container, rounds["stemmen"]))[later] == (True, "Een speeltuin")


PROJECT = """
[project]
code = "LIJST"
title = "Shortlist"
organisation = "gemeente-test"

[[rounds]]
key = "ideeen"
kind = "ideas"
question = "Wat moet er beter?"
state = "open"

[[rounds]]
key = "stemmen"
kind = "statements"
question = "Eens of oneens?"
items_from = "ideeen"
shortlist = { themes = ["Groen"], top = 5 }
state = "draft"
"""


async def test_a_statements_round_may_take_its_items_from_ideas_and_keeps_its_choice(
    container: Container,
):
    async with container.uow() as uow:
        await import_project(uow, parse_project_file(PROJECT))
        await uow.commit()
    async with container.uow() as uow:
        exported = await export_project(uow, "LIJST")
    again = parse_project_file(exported).rounds[1]
    assert again.items_from == "ideeen" and again.statements is None
    assert again.shortlist is not None
    assert (again.shortlist.themes, again.shortlist.top) == (["Groen"], 5)
    with pytest.raises(Exception, match="a shortlist needs items_from"):
        parse_project_file(PROJECT.replace('items_from = "ideeen"\n', 'statements = ["A"]\n'))


async def test_a_few_hundred_paper_ideas_are_imported_organised_and_rated(demo: Container):
    rounds = await _rounds(demo)
    result = await demo.bus.handle(c.ImportIdeas(rounds["ideeen"], PAPER.read_bytes()))

    assert result == {"added": 300, "waiting": 0}
    async with demo.reading() as uow:
        rows = (
            await uow.conn.execute(
                sa.select(t.ideas.c.text, t.ideas.c.source, t.residents.c.channel)
                .join(t.residents, t.residents.c.id == t.ideas.c.resident_id)
                .where(t.ideas.c.round_id == rounds["ideeen"])
            )
        ).all()
        contacts = await uow.conn.scalar(sa.select(sa.func.count()).select_from(t.contacts))
        results = await views.project_results(uow, "DEMO", demo.clock())
    assert len(rows) == 300 and {r.channel for r in rows} == {"import"}
    assert {r.source for r in rows} == {"bijeenkomst 12 mei", "papier", "import"}
    assert contacts == 0  # nobody imported can be reached
    assert results.residents_by_channel == {"import": 300}

    by_text: dict[str, list[int]] = {}
    async with demo.reading() as uow:
        for idea in await uow.contributions.ideas_of_round(rounds["ideeen"], True):
            by_text.setdefault(idea.text, []).append(idea.id or 0)
    await _organise(demo, by_text)
    await demo.bus.handle(c.ApplyShortlist(rounds["beoordelen"], (), 20))
    await demo.bus.handle(c.CloseRound(rounds["beoordelen"]))
    await demo.bus.handle(c.OpenRound(rounds["beoordelen"]))
    items = await _idea_items(demo, rounds["beoordelen"])
    assert len([a for a, _ in items.values() if a]) == 20
    texts = [text for active, text in items.values() if active]
    assert len(set(texts)) == 20


async def test_a_bad_file_adds_nothing_and_names_line_and_column(demo: Container):
    rounds = await _rounds(demo)
    data = b"text;wijk\nMeer groen;Oosterwijk-Noord\nEen speeltuin;Westwijk\n"
    with pytest.raises(InvalidIdeaFile) as caught:
        await demo.bus.handle(c.ImportIdeas(rounds["ideeen"], data))
    assert str(caught.value).startswith("line 3, column wijk: unknown wijk Westwijk")
    async with demo.reading() as uow:
        ideas = await uow.conn.scalar(sa.select(sa.func.count()).select_from(t.ideas))
        residents = await uow.conn.scalar(sa.select(sa.func.count()).select_from(t.residents))
    assert (ideas, residents) == (0, 0)
    with pytest.raises(InvalidInput):
        await demo.bus.handle(c.ImportIdeas(rounds["beoordelen"], b"text\nMeer groen\n"))


async def test_imported_ideas_get_the_chats_checks(demo: Container):
    rounds = await _rounds(demo)
    async with demo.uow() as uow:
        project = await uow.projects.by_code("DEMO")
        project.settings["moderation"] = "pre"
        await uow.projects.update(project)
        await uow.commit()
    data = b"text\nMeer groen\nBel me: 0612345678\n"
    result = await demo.bus.handle(c.ImportIdeas(rounds["ideeen"], data))
    assert result == {"added": 2, "waiting": 2}
    async with demo.reading() as uow:
        found = await uow.contributions.ideas_of_round(rounds["ideeen"], False)
    assert [(i.status.value, i.flags) for i in found] == [("new", []), ("new", ["phone"])]


async def test_merging_a_listed_item_into_an_idea_off_the_list_keeps_the_cluster_listed(
    demo: Container,
):
    ids = await _submit_48(demo)
    rating = (await _rounds(demo))["beoordelen"]
    await _organise(demo, ids)
    trees, playground = ids[DISTINCT[0]][0], ids[DISTINCT[1]][0]
    await demo.bus.handle(c.ApplyShortlist(rating, (), 2))
    await demo.bus.handle(c.ApplyShortlist(rating, (), 1))  # the playground drops off
    assert (await _idea_items(demo, rating))[playground][0] is False

    await demo.bus.handle(c.MergeIdeas(trees, playground))

    items = await _idea_items(demo, rating)
    assert items[playground] == (True, DISTINCT[1]) and items[trees][0] is False
