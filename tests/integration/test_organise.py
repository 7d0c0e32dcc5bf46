"""The organise step's actions: merging a group into one idea with a wording, themes as
objects, bulk decisions, and undo that puts everything back."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core import views
from core.domain import commands as c
from core.domain.errors import InvalidInput, UnknownItem
from core.storage import tables as t
from core.views.organise import Filters, organise_board, select_ideas
from tests.integration.test_moderation import idea_items, resident, setup


async def round_with_ideas(demo, texts, moderation="post"):
    project_id, rounds = await setup(demo, moderation)
    ideas_round = rounds["ideeen"].id
    ids = []
    for n, text in enumerate(texts):
        rid = await resident(demo, project_id, f"r{n}")
        ids.append(await demo.bus.handle(c.SubmitIdea(rid, ideas_round, text)))
    # the rating round's items, as the facilitator fixes the shortlist (every approved idea)
    await demo.bus.handle(c.ApplyShortlist(rounds["beoordelen"].id, themes=(), top=None))
    return project_id, rounds, ids


async def state(demo, ids):
    """Everything an organise action may change about these ideas, to compare before/after."""
    async with demo.uow() as uow:
        conn = uow.conn
        ideas = (await conn.execute(
            sa.select(t.ideas.c.id, t.ideas.c.status, t.ideas.c.wording)
            .where(t.ideas.c.id.in_(ids)).order_by(t.ideas.c.id)
        )).all()  # fmt: skip
        items = (await conn.execute(
            sa.select(t.items.c.id, t.items.c.idea_id, t.items.c.active, t.items.c.text)
            .where(t.items.c.idea_id.in_(ids)).order_by(t.items.c.id)
        )).all()  # fmt: skip
        ratings = (await conn.execute(
            sa.select(t.ratings.c.id, t.ratings.c.item_id, t.ratings.c.resident_id,
                      t.ratings.c.score).order_by(t.ratings.c.id)
        )).all()  # fmt: skip
        merges = (await conn.execute(sa.select(t.idea_merges).order_by("idea_id"))).all()
        themes = (await conn.execute(sa.select(t.idea_themes).order_by("idea_id"))).all()
    return ideas, items, ratings, merges, themes


async def test_a_group_becomes_one_idea_with_the_chosen_wording_and_undo_restores_all(demo):
    project_id, rounds, ids = await round_with_ideas(
        demo, ["Meer bomen", "Meer boompjes aub", "Bomen planten in de wijk"]
    )
    keep, dup, third = ids
    rating = rounds["beoordelen"].id
    items = await idea_items(demo, rating)
    voter = await resident(demo, project_id, "voter")
    await demo.bus.handle(c.RateItem(voter, rating, items[keep][0], 0, 5))
    await demo.bus.handle(c.RateItem(voter, rating, items[dup][0], 0, 1))
    await demo.bus.handle(c.AssignTheme(rounds["ideeen"].id, (dup,), "Groen", user_id=None))
    before = await state(demo, ids)

    survivor = await demo.bus.handle(
        c.MergeCluster(rounds["ideeen"].id, tuple(ids), keep, "Meer bomen in de wijk", None)
    )

    assert survivor == keep
    async with demo.reading() as uow:
        board = await organise_board(uow, rounds["ideeen"].id)
    assert board.ideas[keep].wording == "Meer bomen in de wijk"
    assert board.ideas[keep].represents == 3 and board.ideas[keep].residents == 3
    assert board.ideas[dup].status == "merged" and board.ideas[dup].into == keep
    assert board.ideas[dup].text == "Meer boompjes aub"  # the original words are kept
    assert (await idea_items(demo, rating))[dup][1] is False
    assert board.last is not None and board.last.kind == "merge" and board.last.ideas == 3

    await demo.bus.handle(c.UndoOrganise(rounds["ideeen"].id, board.last.id, None))

    assert await state(demo, ids) == before
    async with demo.reading() as uow:
        board = await organise_board(uow, rounds["ideeen"].id)
    assert board.ideas[keep].represents == 1 and board.ideas[keep].wording is None
    assert board.last is not None and board.last.kind == "tag"  # the action before it


async def test_undo_of_a_bulk_approval_puts_ideas_back_in_the_queue(demo):
    _, rounds, ids = await round_with_ideas(demo, ["Een speeltuin", "Meer bankjes"], "pre")
    rating = rounds["beoordelen"].id
    before = await state(demo, ids)
    assert await demo.bus.handle(c.ApproveIdeas(rounds["ideeen"].id, tuple(ids), None)) == 2
    assert all(active for _, active, _ in (await idea_items(demo, rating)).values())
    # a double submit changes nothing and leaves no second action
    assert await demo.bus.handle(c.ApproveIdeas(rounds["ideeen"].id, tuple(ids), None)) == 0
    async with demo.reading() as uow:
        last = (await organise_board(uow, rounds["ideeen"].id)).last
    await demo.bus.handle(c.UndoOrganise(rounds["ideeen"].id, last.id, None))
    ideas, *_ = await state(demo, ids)
    assert [status for _, status, _ in ideas] == ["new", "new"]
    assert not any(active for _, active, _ in (await idea_items(demo, rating)).values())
    assert before[0] == ideas
    with pytest.raises(InvalidInput, match="undo_gone"):  # undoing twice is refused
        await demo.bus.handle(c.UndoOrganise(rounds["ideeen"].id, last.id, None))


async def test_bulk_rejection_takes_the_ideas_out_and_is_logged_per_idea(demo):
    project_id, rounds, ids = await round_with_ideas(demo, ["Alles asfalteren", "Parkeerdak"])
    await demo.bus.handle(c.RejectIdeas(rounds["ideeen"].id, tuple(ids), "buiten het plan", None))
    async with demo.reading() as uow:
        log = await views.moderation_log(uow, project_id)
    assert sorted(e["target_id"] for e in log if e["action"] == "reject") == sorted(ids)
    assert not any(a for _, a, _ in (await idea_items(demo, rounds["beoordelen"].id)).values())


async def test_themes_keep_their_case_can_be_renamed_deleted_and_filtered(demo):
    _, rounds, ids = await round_with_ideas(demo, ["Meer bomen", "Fietspad", "Bankjes"])
    rid = rounds["ideeen"].id
    theme = await demo.bus.handle(c.CreateTheme(rid, "  Groen   in de Wijk ", None))
    with pytest.raises(InvalidInput, match="theme_exists"):
        await demo.bus.handle(c.CreateTheme(rid, "groen in de wijk", None))
    with pytest.raises(InvalidInput, match="theme_long"):
        await demo.bus.handle(c.CreateTheme(rid, "x" * 61, None))
    await demo.bus.handle(c.AssignTheme(rid, (ids[0], ids[2]), "GROEN IN DE WIJK", user_id=None))
    await demo.bus.handle(c.AssignTheme(rid, (ids[1],), "Verkeer", user_id=None))
    await demo.bus.handle(c.RenameTheme(rid, theme, "Groen & Klimaat", None))
    async with demo.reading() as uow:
        board = await organise_board(uow, rid)
    assert [(th.name, th.ideas) for th in board.themes] == [("Groen & Klimaat", 2), ("Verkeer", 1)]
    assert [i.id for i in select_ideas(board, Filters(theme=theme))] == [ids[0], ids[2]]
    await demo.bus.handle(c.DeleteTheme(rid, theme, None))
    async with demo.reading() as uow:
        board = await organise_board(uow, rid)
        last = board.last
    assert [th.name for th in board.themes] == ["Verkeer"]
    await demo.bus.handle(c.UndoOrganise(rid, last.id, None))  # the theme and its ideas return
    async with demo.reading() as uow:
        board = await organise_board(uow, rid)
    assert [(th.id, th.name, th.ideas) for th in board.themes][0] == (theme, "Groen & Klimaat", 2)


async def test_search_finds_words_in_the_text_and_in_the_wording(demo):
    _, rounds, ids = await round_with_ideas(demo, ["Meer bomen", "Meer Bomen!", "Fietspad"])
    rid = rounds["ideeen"].id
    await demo.bus.handle(c.MergeCluster(rid, tuple(ids[:2]), ids[0], "Groene Lindelaan", None))
    async with demo.reading() as uow:
        board = await organise_board(uow, rid)
    assert [i.id for i in select_ideas(board, Filters(q="lindelaan"))] == [ids[0]]
    assert [i.id for i in select_ideas(board, Filters(q="BOMEN", status="merged"))] == [ids[1]]


async def test_bad_input_is_refused_with_a_reason(demo):
    _, rounds, ids = await round_with_ideas(demo, ["Meer bomen", "Meer boompjes"])
    rid, other = rounds["ideeen"].id, rounds["beoordelen"].id
    with pytest.raises(UnknownItem):
        await demo.bus.handle(c.ApproveIdeas(rid, (ids[0], 999_999), None))
    with pytest.raises(UnknownItem):  # not an ideas round
        await demo.bus.handle(c.ApproveIdeas(other, (ids[0],), None))
    with pytest.raises(InvalidInput, match="none_selected"):
        await demo.bus.handle(c.RejectIdeas(rid, (), "", None))
    with pytest.raises(InvalidInput, match="empty"):
        await demo.bus.handle(c.MergeCluster(rid, tuple(ids), ids[0], "   ", None))
    with pytest.raises(InvalidInput, match="merge_few"):
        await demo.bus.handle(c.MergeCluster(rid, (ids[0],), ids[0], "Bomen", None))
    await demo.bus.handle(c.MergeCluster(rid, tuple(ids), ids[0], "Bomen", None))
    with pytest.raises(InvalidInput, match="merged"):  # a double submit
        await demo.bus.handle(c.MergeCluster(rid, tuple(ids), ids[0], "Bomen", None))


async def test_an_idea_of_another_round_is_refused(demo):
    project_id, rounds, ids = await round_with_ideas(demo, ["Meer bomen"])
    async with demo.uow() as uow:
        from core.domain import model

        other = await uow.projects.add_round(
            model.Round(project_id, "meer", model.RoundKind.IDEAS)
        )
        await uow.commit()
    with pytest.raises(InvalidInput, match="other_round"):
        await demo.bus.handle(c.ApproveIdeas(other, (ids[0],), None))
