"""The facilitator sees a round's shortlist before it opens, fixes it, and imports ideas from
paper in the web area (all or nothing, problems named by line and column)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from core.domain import commands as c
from core.storage import tables as t
from inspraak.bootstrap import Container
from tests.web.conftest import csrf

PAPER = Path(__file__).parents[1] / "fixtures" / "ideas" / "paper.csv"
SHORTLIST = "/manage/projects/DEMO/rounds/beoordelen/shortlist"
IMPORT = "/manage/import-ideas/DEMO/ideeen"


async def _round(demo: Container, key: str):
    async with demo.uow() as uow:
        project = await uow.projects.by_code("DEMO")
        return next(r for r in await uow.projects.rounds(project.id) if r.key == key)


async def _ideas(demo: Container) -> dict[str, int]:
    """Five residents: bomen three times (merged into one), a speeltuin, and one held idea."""
    rnd = await _round(demo, "ideeen")
    async with demo.uow() as uow:
        project = await uow.projects.by_code("DEMO")
    ids = {}
    for n, text in enumerate(["Meer bomen", "Meer bomen", "Meer bomen!", "Een speeltuin"]):
        who = await demo.bus.handle(c.GiveConsent(f"w{n}", project.id, "web", "nl"))
        ids[f"{text}-{n}"] = await demo.bus.handle(c.SubmitIdea(who, rnd.id, text))
    who = await demo.bus.handle(c.GiveConsent("w9", project.id, "web", "nl"))
    ids["held"] = await demo.bus.handle(c.SubmitIdea(who, rnd.id, "Bel me op 0612345678"))
    for key in ("Meer bomen-1", "Meer bomen!-2"):
        await demo.bus.handle(c.MergeIdeas(ids[key], ids["Meer bomen-0"]))
    return ids


async def test_the_preview_lists_one_item_per_cluster_with_its_backing_in_dutch(signed_in, demo):
    await _ideas(demo)
    page = await signed_in.get(SHORTLIST)
    assert page.status_code == 200
    text = page.text
    assert "Shortlist voor ronde beoordelen" in text
    assert text.count('<th scope="row">Meer bomen</th>') == 1
    assert "<td>3</td><td>3</td>" in text  # three residents, three original ideas
    assert "Een speeltuin" in text and "0612345678" not in text
    assert "Shortlist vastzetten" in text
    assert "2 items" in text


async def test_fixing_the_shortlist_makes_the_items_and_is_audited(signed_in, demo):
    ids = await _ideas(demo)
    token = await csrf(signed_in, SHORTLIST)
    done = await signed_in.post(SHORTLIST, data={"csrf": token, "top": "1"})
    assert done.status_code == 303 and done.headers["location"].endswith("shortlist?applied=1")
    rnd = await _round(demo, "beoordelen")
    async with demo.uow() as uow:
        items = [i for i in await uow.projects.items(rnd.id) if i.idea_id]
        audit = (await uow.conn.execute(sa.select(t.audit_log.c.action))).scalars().all()
    assert [(i.idea_id, i.text) for i in items] == [(ids["Meer bomen-0"], "Meer bomen")]
    assert rnd.settings["shortlist"]["top"] == 1
    assert "round.shortlist" in audit
    again = await signed_in.get(f"{SHORTLIST}?applied=1")
    assert "De shortlist staat vast" in again.text


async def test_a_bad_top_number_is_explained_and_changes_nothing(signed_in, demo):
    await _ideas(demo)
    token = await csrf(signed_in, SHORTLIST)
    refused = await signed_in.post(SHORTLIST, data={"csrf": token, "top": "veel"})
    assert refused.status_code == 400
    assert "Geef een getal van 1 tot en met 500" in refused.text
    rnd = await _round(demo, "beoordelen")
    assert "shortlist" not in rnd.settings or rnd.settings["shortlist"]["applied_at"]


async def test_opening_a_round_without_a_shortlist_shows_the_list_first(signed_in, demo):
    rnd = await _round(demo, "beoordelen")
    async with demo.uow() as uow:  # a round that has not opened yet and has no shortlist
        await uow.conn.execute(
            t.rounds.update().where(t.rounds.c.id == rnd.id).values(state="draft", settings={})
        )
        await uow.commit()
    await _ideas(demo)
    token = await csrf(signed_in, "/manage/projects/DEMO")
    asked = await signed_in.post(
        "/manage/projects/DEMO/rounds/beoordelen/open", data={"csrf": token}
    )
    assert asked.status_code == 303 and asked.headers["location"].endswith("shortlist?open=1")
    assert (await _round(demo, "beoordelen")).state.value == "draft"  # not opened yet
    shown = await signed_in.get(asked.headers["location"])
    assert "Shortlist vastzetten en ronde openen" in shown.text
    opened = await signed_in.post(SHORTLIST, data={"csrf": token, "open": "1", "top": ""})
    assert opened.status_code == 303
    rnd = await _round(demo, "beoordelen")
    assert rnd.state.value == "open"
    async with demo.uow() as uow:
        texts = sorted(i.text for i in await uow.projects.items(rnd.id) if i.idea_id)
    assert texts == ["Een speeltuin", "Meer bomen"]


async def test_a_round_without_items_from_has_no_shortlist(signed_in, demo):
    page = await signed_in.get("/manage/projects/DEMO/rounds/stellingen/shortlist")
    assert page.status_code == 404


async def test_a_paper_file_is_imported_in_the_web_area(signed_in, demo):
    form = await signed_in.get(IMPORT)
    assert form.status_code == 200 and "Ideeën importeren in ronde ideeen" in form.text
    token = await csrf(signed_in, IMPORT)
    done = await signed_in.post(
        IMPORT,
        data={"csrf": token},
        files={"file": ("papier.csv", PAPER.read_bytes(), "text/csv")},
    )
    assert done.status_code == 200
    assert "300 ideeën geïmporteerd." in done.text
    assert "Shortlist voor ronde beoordelen" in done.text  # where to go next
    async with demo.uow() as uow:
        count = await uow.conn.scalar(sa.select(sa.func.count()).select_from(t.ideas))
        audit = (await uow.conn.execute(sa.select(t.audit_log))).mappings().all()
    assert count == 300
    (entry,) = [a for a in audit if a["action"] == "ideas.import"]
    assert entry["detail"]["added"] == 300 and entry["target"] == "round:DEMO/ideeen"
    board = await signed_in.get("/manage/projects/DEMO")
    assert "Op papier / bijeenkomst" in board.text


async def test_a_bad_file_names_line_and_column_in_dutch_and_adds_nothing(signed_in, demo):
    token = await csrf(signed_in, IMPORT)
    bad = "text;wijk\nMeer groen;Oosterwijk-Noord\n;Oosterwijk-Zuid\nSpeeltuin;Westwijk\n"
    refused = await signed_in.post(
        IMPORT, data={"csrf": token}, files={"file": ("x.csv", bad.encode(), "text/csv")}
    )
    assert refused.status_code == 400
    assert "Er is niets geïmporteerd" in refused.text
    assert "Regel 3, kolom text: de tekst is leeg" in refused.text
    assert "Regel 4, kolom wijk: onbekende wijk Westwijk" in refused.text
    empty = await signed_in.post(IMPORT, data={"csrf": token})
    assert empty.status_code == 400 and "Kies het CSV-bestand" in empty.text
    async with demo.uow() as uow:
        assert await uow.conn.scalar(sa.select(sa.func.count()).select_from(t.ideas)) == 0


async def test_importing_needs_the_form_token_and_an_ideas_round(signed_in, demo):
    forged = await signed_in.post(
        IMPORT, files={"file": ("x.csv", b"text\nMeer groen\n", "text/csv")}
    )
    assert forged.status_code == 403
    assert (await signed_in.get("/manage/import-ideas/DEMO/beoordelen")).status_code == 404
    token = await csrf(signed_in, IMPORT)
    huge = b"text\n" + b"Meer groen\n" * 700_000  # 7.7 MB
    too_big = await signed_in.post(
        IMPORT, data={"csrf": token}, files={"file": ("x.csv", huge, "text/csv")}
    )
    assert too_big.status_code == 413


async def test_a_statements_round_can_take_its_items_from_ideas_in_the_round_form(signed_in, demo):
    token = await csrf(signed_in, "/manage/projects/DEMO/rounds/new")
    form = await signed_in.get("/manage/projects/DEMO/rounds/new")
    assert "Items uit een ideeënronde (beoordelings- en stellingenrondes)" in form.text
    made = await signed_in.post(
        "/manage/projects/DEMO/rounds/new",
        data={"csrf": token, "key": "eens", "kind": "statements", "question": "Eens?",
              "items_from": "ideeen", "statements": ""},
    )  # fmt: skip
    assert made.status_code == 303, made.text
    rnd = await _round(demo, "eens")
    assert rnd.items_from == "ideeen" and rnd.state.value == "draft"
    await _ideas(demo)
    page = await signed_in.get("/manage/projects/DEMO/rounds/eens/shortlist")
    assert page.status_code == 200 and "Meer bomen" in page.text
    refused = await signed_in.post(
        "/manage/projects/DEMO/rounds/new",
        data={"csrf": token, "key": "leeg", "kind": "statements", "question": "Eens?"},
    )
    assert refused.status_code == 400
    assert "een stellingenronde heeft stellingen of items_from nodig" in refused.text


async def test_the_pages_read_wholly_in_english_when_asked(signed_in, demo):
    await _ideas(demo)
    listed = await signed_in.get(f"{SHORTLIST}?lang=en")
    assert "Shortlist for round beoordelen" in listed.text and "Fix the shortlist" in listed.text
    assert "Bewoners erachter" not in listed.text and "Supporters" in listed.text
    form = await signed_in.get(f"{IMPORT}?lang=en")
    assert "Import ideas into round ideeen" in form.text and "Voorbeeld" not in form.text
