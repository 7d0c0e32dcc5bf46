"""Simulated residents fill the demo through the real dialogue, and what they leave behind is
what a council reads: every round answered, opinion groups to find, and an opinion-group sheet
in the officials' workbook."""

from __future__ import annotations

import io
import random
import re
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from config.settings import Settings
from core.storage import tables as t
from core.storage.db import create_all
from inspraak.bootstrap import Container, bootstrap, load_demo_if_empty
from inspraak.cli import main
from inspraak.simulation import simulate
from tests.factories import TestClock
from tests.web.conftest import client_for, login, make_user


async def _counts(container: Container) -> dict[str, int]:
    async with container.reading() as uow:
        counts = {}
        for table in (t.residents, t.ideas, t.ratings, t.votes, t.feedback):
            counts[table.name] = int(await uow.conn.scalar(sa.select(sa.func.count(table.c.id))))
        return counts


async def test_simulated_residents_answer_every_round_through_the_dialogue(demo: Container):
    report = await simulate(demo, "DEMO", 30, seed=3)

    counts = await _counts(demo)
    assert counts["residents"] == report.residents == 30
    assert counts["ideas"] == report.answers["idea"] > 0
    assert counts["ratings"] == report.answers["rating"] > 0
    assert counts["votes"] == report.answers["vote"] > 0
    assert counts["feedback"] == report.answers["feedback"] > 0
    async with demo.reading() as uow:
        consented = await uow.conn.scalar(
            sa.select(sa.func.count()).where(t.residents.c.consent_at.is_not(None))
        )
        wijken = {w for (w,) in await uow.conn.execute(sa.select(t.residents.c.wijk))}
    assert consented == 30  # they agreed to take part, as the dialogue asks
    assert {"Oosterwijk-Noord", "Oosterwijk-Zuid"} <= wijken  # postcodes read into wijken
    assert counts["feedback"] < counts["residents"]  # some stop before the last round
    async with demo.reading() as uow:
        supports = await uow.conn.scalar(sa.select(sa.func.count()).select_from(t.idea_supports))
    # offered an idea like theirs, some supported it instead of sending the same again
    assert supports == report.answers["support"] > 0


async def test_running_it_again_with_the_same_seed_adds_nothing(demo: Container):
    await simulate(demo, "DEMO", 5, seed=11)
    before = await _counts(demo)
    await simulate(demo, "DEMO", 5, seed=11)  # the same residents come back, already done
    assert await _counts(demo) == before and before["residents"] == 5


async def _answers(container: Container) -> list[tuple[object, ...]]:
    async with container.reading() as uow:
        rows = await uow.conn.execute(
            sa.select(t.ratings.c.item_id, t.ratings.c.criterion, t.ratings.c.score).order_by(
                t.ratings.c.id
            )
        )
        votes = await uow.conn.execute(
            sa.select(t.votes.c.item_id, t.votes.c.value).order_by(t.votes.c.id)
        )
        return [tuple(r) for r in rows] + [tuple(v) for v in votes]


async def test_the_same_seed_gives_the_same_answers_in_a_fresh_database(
    demo: Container, settings: Settings, tmp_path: Path, clock: TestClock
):
    """A report made from a simulation is the same on every machine: which items a resident is
    shown among equally answered ones follows the seed too (it once followed the process)."""
    if not settings.database_url.startswith("sqlite"):
        pytest.skip("a second database is a second SQLite file")
    await simulate(demo, "DEMO", 12, seed=5)
    other = bootstrap(
        settings.model_copy(update={"database_url": f"sqlite+aiosqlite:///{tmp_path}/b.db"}),
        clock=clock,
    )
    await create_all(other.engine)
    try:
        await load_demo_if_empty(other)
        random.seed(99)  # the process's own randomness must not matter
        await simulate(other, "DEMO", 12, seed=5)
        first, second = await _answers(demo), await _answers(other)
    finally:
        await other.close()
    assert len(first) > 50
    assert first == second


async def test_the_workbook_has_a_sheet_of_opinion_groups(demo: Container):
    await simulate(demo, "DEMO", 40, seed=1, publish=True)
    admin = await make_user(demo, "beheer@voorbeeld.nl", "admin")
    async with client_for(demo) as client:
        assert (await login(client, admin.email)).status_code == 303
        response = await client.get("/manage/projects/DEMO/results.xlsx")

    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[-1] == "Meningsgroepen"
    sheet = book["Meningsgroepen"]
    assert [c.value for c in sheet[1]] == [
        "Ronde", "Groep", "Bewoners", "Stelling", "Eens (%)", "Oneens (%)", "Betekenis",
    ]  # fmt: skip
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    groups = {row[1] for row in rows}
    assert len(groups) >= 2 and all(row[0] == "stellingen" for row in rows)
    assert all(isinstance(row[2], int) and row[2] > 0 for row in rows)
    meanings = {row[6] for row in rows}
    assert meanings & {"is het vaker eens dan de anderen", "is het vaker oneens dan de anderen"}
    assert "verdeelt de groepen" in meanings


def test_the_command_refuses_a_project_that_is_not_the_demo(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path
):
    monkeypatch.setenv("INSPRAAK_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/x.db")
    assert main(["simulate", "--project", "RAAD"]) == 1
    assert "not the demo project" in capsys.readouterr().err


async def test_rounds_without_set_dates_show_when_they_were_answered(demo: Container, clock):
    """The demo's rounds have no dates of their own: the summary gives the days of their
    first and last answer, and never more residents completing a round than answering it."""
    first_day = clock.now
    await simulate(demo, "DEMO", 12, seed=2)
    clock.now = first_day + timedelta(days=9)
    await simulate(demo, "DEMO", 12, seed=5, publish=True)
    async with client_for(demo) as client:
        html = (await client.get("/p/DEMO")).text

    table = html[html.index("<tbody>", html.index("Beantwoord")) :]
    rows = re.findall(r"<tr><th scope=\"row\">.*?</tr>", table[: table.index("</tbody>")], re.S)
    assert len(rows) == 4
    for row in rows:
        assert "2 december 2026 – 11 december 2026" in row
        answered, completed = map(int, re.findall(r"<td>(\d+)</td>", row))
        assert 0 < completed <= answered
    assert "Periode: 2 december 2026 tot en met 11 december 2026" in html


async def test_the_demo_comes_with_population_figures_so_representativeness_shows(
    demo: Container,
):
    await simulate(demo, "DEMO", 20, seed=4, publish=True)
    async with client_for(demo) as client:
        html = (await client.get("/p/DEMO")).text
    assert "Representativiteitsscore" in html and "6.200" in html  # Oosterwijk-Noord
    # everything happened on the test clock's one day: that day once, not "from X to X"
    assert "Datum: 2 december 2026" in html and "tot en met 2 december" not in html


async def test_the_public_page_never_counts_a_group_of_fewer_than_ten_exactly(demo: Container):
    await simulate(demo, "DEMO", 40, seed=1, publish=True)
    async with client_for(demo) as client:
        html = (await client.get("/p/DEMO")).text
    section = html[html.index('id="rep-h"') :]
    section = section[: section.index("</section>")]
    counts = [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', section)]
    assert counts and all(n == 0 or n >= 10 for n in counts)
    assert "minder dan 10" in section and "onder " in section


async def test_opinion_groups_are_described_in_words(demo: Container):
    await simulate(demo, "DEMO", 40, seed=1, publish=True)
    async with client_for(demo) as client:
        html = (await client.get("/p/DEMO")).text
    words = re.findall(r'<p class="group-words">(.*?)</p>', html, re.S)
    assert len(words) >= 2
    assert all(
        re.search(r"Groep [A-Z]: \d+ van de \d+ bewoners die in een groep vallen", w)
        for w in words
    )
    assert any("vaker dan de anderen eens met “" in w for w in words)
    assert re.search(
        r"De groepen verschillen het meest over “[^”]+”\. Eens: \d+% van Groep A", html
    )
    assert ".”" not in html  # a statement's own full stop is not kept inside the quotes


async def test_the_same_comment_from_two_residents_is_quoted_once(demo: Container):
    await simulate(demo, "DEMO", 40, seed=1, publish=True)
    async with client_for(demo) as client:
        html = (await client.get("/p/DEMO")).text
    section = html[html.index("Wat bewoners schreven") :]
    quotes = re.findall(r"<blockquote>(.*?)</blockquote>", section, re.S)
    texts = [" ".join(q.split()) for q in quotes]
    assert texts and len(texts) == len(set(texts))
