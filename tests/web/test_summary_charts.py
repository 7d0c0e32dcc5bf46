"""The charts a council reads (issue 16): the priority matrix with a scale, quadrants in words,
numbered points and a table with the same figures; distribution bars with their counts; every
chart an SVG with a title and a description in the page's language."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime

import sqlalchemy as sa

from core.services.project_file import import_project, parse_project_file
from core.storage import tables as t
from inspraak.bootstrap import Container
from tests.factories import project_toml
from tests.web.conftest import client_for, login, make_user

ITEMS = [
    "Schaduw op het plein",
    "Meer bankjes",
    "Een waterpartij",
    "Fietsenstalling bij de bieb",
    "Speeltuin opknappen",
    "Bomen langs de Dorpsstraat",
    "Minder parkeerplaatsen",
    "Een pannaveld",
    "Betere verlichting in het park",
    "Een buurtmoestuin",
    "Drempels in de Kerklaan",
    "Een hondenuitlaatplek",
]
ROUNDS = f"""
[[rounds]]
key = "prioriteit"
kind = "rating"
question = "Wat moet de gemeente eerst doen?"
items = {ITEMS!r}
criteria = ["Belang", "Haalbaarheid"]
scale = [1, 5]
state = "open"

[[rounds]]
key = "stellingen"
kind = "statements"
question = "Wat vind je hiervan?"
statements = ["Het plein moet autovrij worden.", "De markt moet blijven."]
state = "open"
""".replace("'", '"')
RESIDENTS = 14


async def build_matrix(container: Container, code: str = "PLEIN") -> None:
    """Project ``code``: 14 residents rate 12 items on importance and feasibility (the first
    items best; two items the same on both, so their points coincide) and vote on two
    statements (the first: 9 agree, 3 disagree, 2 pass)."""
    dice = random.Random(16)
    moment = datetime(2026, 3, 5, tzinfo=UTC)
    async with container.uow() as uow:
        project, _ = await import_project(uow, parse_project_file(project_toml(code, ROUNDS)))
        conn = uow.conn
        rating, statements = await uow.projects.rounds(project.id or 0)
        for rnd in (rating, statements):
            await conn.execute(
                t.rounds.update()
                .where(t.rounds.c.id == rnd.id)
                .values(results_published_at=moment, opens_at=moment)
            )
        ids = dict((await conn.execute(sa.select(t.items.c.text, t.items.c.id))).all())
        residents = [
            await conn.scalar(
                t.residents.insert()
                .values(
                    pseudonym=f"p-{n}",
                    project_id=project.id,
                    channel="web",
                    consent_at=moment,
                    wijk="Centrum",
                    age_band="30-44",
                )
                .returning(t.residents.c.id)
            )
            for n in range(RESIDENTS)
        ]
        for rank, text in enumerate(ITEMS):
            for resident in residents:
                importance = 5 - rank // 3 if rank < 10 else 3
                feasible = (rank % 4) + 2 if rank < 10 else 3
                for criterion, score in enumerate((importance, feasible)):
                    wobble = dice.choice((-1, 0, 0, 1)) if rank < 10 else 0
                    await conn.execute(
                        t.ratings.insert().values(
                            round_id=rating.id,
                            item_id=ids[text],
                            resident_id=resident,
                            criterion=criterion,
                            score=min(5, max(1, score + wobble)),
                        )
                    )
        first = ids["Het plein moet autovrij worden."]
        for resident, value in zip(residents, [1] * 9 + [-1] * 3 + [0] * 2, strict=True):
            await conn.execute(
                t.votes.insert().values(
                    round_id=statements.id, item_id=first, resident_id=resident, value=value
                )
            )
        await uow.commit()


def matrix_svg(html: str) -> str:
    found = re.search(r'<svg class="chart matrix-chart".*?</svg>', html, re.S)
    assert found, "no priority matrix on the page"
    return found.group(0)


async def test_the_matrix_has_a_scale_with_a_decimal_comma_and_quadrants_in_dutch(
    container: Container,
):
    await build_matrix(container)
    async with client_for(container) as client:
        html = (await client.get("/p/PLEIN")).text

    svg = matrix_svg(html)
    ticks = re.findall(r'<g class="ticks".*?</g>', svg, re.S)[0]
    assert re.findall(r">(\d,\d)</text>", ticks).count("2,5") == 2  # both axes, 1,0 to 5,0
    assert ">1,0</text>" in ticks and ">5,0</text>" in ticks and "." not in ticks.split(">")[-2]
    assert "Belang →" in svg and "Haalbaarheid →" in svg
    words = " ".join(re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg))
    for quadrant in (
        "Belangrijk en haalbaar: eerst doen",
        "Belangrijk, moeilijk haalbaar",
        "Minder belangrijk, makkelijk haalbaar",
        "Minder belangrijk, moeilijk haalbaar",
    ):
        assert quadrant in words


async def test_every_point_is_numbered_and_the_table_gives_the_same_figures(
    container: Container,
):
    await build_matrix(container)
    async with client_for(container) as client:
        html = (await client.get("/p/PLEIN")).text

    svg = matrix_svg(html)
    labels = re.findall(r'<text class="point-label"[^>]*>(\d+)</text>', svg)
    assert sorted(map(int, labels)) == list(range(1, 11))  # the summary's ten best items
    assert svg.count("<circle") == 10
    table = re.search(r'<table class="compact matrix-table">.*?</table>', html, re.S)
    assert table, "no table beside the matrix"
    assert "Cijfers van de prioriteitenmatrix: het gemiddelde per onderwerp" in table.group(0)
    parts = re.findall(r'<th colspan="4" scope="colgroup">([^<]*)</th>', table.group(0))
    assert parts[0] == "Belangrijk en haalbaar: eerst doen" and len(parts) == len(set(parts))
    first = re.search(r"<tr><td>1</td>.*?</tr>", table.group(0), re.S)
    assert first and "Schaduw op het plein" in first.group(0)
    cells = re.findall(r"<td>([^<]*)</td>", first.group(0))
    assert re.fullmatch(r"\d,\d", cells[1].strip()) and re.fullmatch(r"\d,\d", cells[2].strip())
    assert f"({RESIDENTS} antwoorden)" in first.group(0)
    assert len(re.findall(r"<tr><td>\d+</td>", table.group(0))) == 10
    assert "De nummers horen bij de tabel hieronder." in html


async def test_the_matrix_is_an_svg_with_a_title_and_a_description_in_words(
    container: Container,
):
    await build_matrix(container)
    async with client_for(container) as client:
        dutch = (await client.get("/p/PLEIN")).text
        english = (await client.get("/p/PLEIN?lang=en")).text

    svg = matrix_svg(dutch)
    assert 'role="img"' in svg
    assert 'aria-labelledby="matrix-prioriteit-t matrix-prioriteit-d"' in svg
    title = re.search(r'<title id="matrix-prioriteit-t">([^<]*)</title>', svg)
    desc = re.search(r'<desc id="matrix-prioriteit-d">([^<]*)</desc>', svg)
    assert title and title.group(1) == "Prioriteitenmatrix: Belang tegenover Haalbaarheid"
    assert desc and "De lijnen bij 3,0 verdelen de grafiek in vier delen." in desc.group(1)
    assert "Belangrijk en haalbaar: eerst doen:" in desc.group(1)
    first = r"1\. Schaduw op het plein: Belang \d,\d, Haalbaarheid \d,\d\."
    assert re.search(first, desc.group(1))
    assert "Priority matrix: Belang against Haalbaarheid" in matrix_svg(english)
    assert "Important and feasible: do first" in matrix_svg(english)


async def test_distribution_bars_show_their_counts(container: Container):
    await build_matrix(container)
    await make_user(container, "beheer@voorbeeld.nl", "admin")
    async with client_for(container) as client:
        summary = (await client.get("/p/PLEIN")).text
        assert (await login(client, "beheer@voorbeeld.nl")).status_code == 303
        results = (await client.get("/manage/projects/PLEIN/results")).text

    votebar = re.search(r'<svg class="chart votebar".*?</svg>', summary, re.S)
    assert votebar, "no votes chart"
    assert "<title>eens 9, oneens 3, weet niet 2</title>" in votebar.group(0)
    assert re.findall(r'<text class="on-dark"[^>]*>(\d+)</text>', votebar.group(0)) == ["9", "3"]
    assert 'fill="url(#hatch-' in votebar.group(0)  # disagree is hatched, not only red
    histogram = re.search(r'<svg class="chart histogram".*?</svg>', results, re.S)
    assert histogram, "no score histogram on the results page"
    counts = re.findall(r'<text class="count"[^>]*>(\d+)</text>', histogram.group(0))
    scores = re.findall(r'<text class="score"[^>]*>(\d+)</text>', histogram.group(0))
    assert scores == ["1", "2", "3", "4", "5"] and sum(map(int, counts)) == RESIDENTS
    assert "<title>" in histogram.group(0) and "score 5: " in histogram.group(0)
    assert results.count('class="chart matrix-chart"') == 1  # the same matrix for facilitators


async def test_a_round_with_one_criterion_has_no_matrix(container: Container):
    from tests.web.test_summary_council import build

    await build(container, published=True)
    async with client_for(container) as client:
        html = (await client.get("/p/RAAD")).text

    assert "matrix-chart" not in html and "Schaduw op het plein" in html


def test_the_matrix_holds_the_thirty_best_items_and_names_its_parts_for_any_criteria():
    from core.analysis.charts import Quadrant
    from core.i18n import gettext_for
    from core.views.results import ItemResult, stats_from_histogram
    from web.charts import MOST, matrix_for

    def item(n: int) -> ItemResult:
        scores = [stats_from_histogram({1 + n % 5: 12}, 1, 5), stats_from_histogram({3: 12}, 1, 5)]
        return ItemResult(n, f"Item {n}", scores)

    items = [item(n) for n in range(40)]
    found = matrix_for(items, ["Haalbaarheid", "Belang"], (1, 5), catalog=gettext_for("nl"))
    assert found is not None
    matrix, texts, shown = found.matrix, found.texts, found.items
    assert len(shown) == MOST == len(matrix.points) and matrix.numbered and not found.few
    assert texts[Quadrant.X_ONLY] == "Minder belangrijk, makkelijk haalbaar"  # feasible on x
    assert texts[Quadrant.Y_ONLY] == "Belangrijk, moeilijk haalbaar"
    other = matrix_for(items, ["Kosten", "Draagvlak"], (1, 5), catalog=gettext_for("nl"))
    assert (
        other is not None and other.texts[Quadrant.X_ONLY] == "Hoog op Kosten, laag op Draagvlak"
    )
    assert matrix_for(items, ["Belang"], (1, 5), catalog=gettext_for("nl")) is None
    six = stats_from_histogram({4: 6}, 1, 5)  # six answers: too few to go by
    with_few = [items[0], ItemResult(99, "Weinig", [six, six])]
    checked = matrix_for(with_few, ["Belang", "Haalbaarheid"], (1, 5), catalog=gettext_for("nl"))
    assert checked is not None and checked.few == {2}
