"""The population table in the web area: validated figures, a CBS import, and participation
beside them on the dashboard."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from core.storage import tables as t
from tests.web.conftest import csrf_of, login, make_user

PAGE = "/manage/projects/DEMO/population"
CBS = Path(__file__).resolve().parents[1] / "fixtures" / "cbs" / "kerncijfers_wijken_buurten.csv"


@pytest.fixture(autouse=True)
async def without_figures(demo):
    """The demo without its made-up figures: these tests enter their own."""
    async with demo.uow() as uow:
        await uow.conn.execute(sa.delete(t.population))
        await uow.commit()


async def stored(demo) -> dict[tuple[str, str], tuple[int, str]]:
    async with demo.reading() as uow:
        rows = await uow.conn.execute(sa.select(t.population))
        return {(r.dimension, r.group_name): (r.people, r.source) for r in rows}


def demo_cbs_file() -> bytes:
    """The fixture with two of its wijken named as the demo project's."""
    text = CBS.read_text(encoding="utf-8")
    text = text.replace("Wijk 01 Centrum", "Wijk 01 Oosterwijk-Noord")
    text = text.replace("Wijk 02 Noord", "Wijk 02 Oosterwijk-Zuid")
    return text.encode("utf-8-sig")


async def test_a_wrong_figure_gets_a_message_beside_its_field_and_nothing_is_saved(
    signed_in, demo
):
    before = await stored(demo)  # the demo's made-up figures
    page = await signed_in.get(PAGE)
    assert page.status_code == 200 and "Inwoners per wijk" in page.text
    response = await signed_in.post(
        PAGE, data={"csrf": csrf_of(page.text), "wijk-0": "heel veel", "wijk-1": "2000"}
    )
    assert response.status_code == 400
    assert 'id="f-wijk-0"' in response.text and 'aria-invalid="true"' in response.text
    assert 'id="e-wijk-0"' in response.text
    assert "Vul een heel aantal inwoners in, bijvoorbeeld 1250." in response.text
    assert await stored(demo) == before


async def test_figures_are_saved_and_the_dashboard_shows_rates_and_the_score(signed_in, demo):
    page = await signed_in.get(PAGE)
    response = await signed_in.post(
        PAGE,
        data={"csrf": csrf_of(page.text), "wijk-0": "8.000", "wijk-1": "2000", "age_band-4": ""},
    )
    assert response.status_code == 303
    assert await stored(demo) == {
        ("wijk", "Oosterwijk-Noord"): (8000, "form"),
        ("wijk", "Oosterwijk-Zuid"): (2000, "form"),
    }
    live = (await signed_in.get("/manage/projects/DEMO/live")).text
    assert "Wie deed mee, vergeleken met wie er woont" in live
    assert "Oosterwijk-Noord" in live and "8.000" in live


async def test_a_cbs_file_fills_the_wijken_and_the_age_bands_that_line_up(signed_in, demo):
    page = await signed_in.get(PAGE)
    response = await signed_in.post(
        f"{PAGE}/cbs",
        data={"csrf": csrf_of(page.text)},
        files={"file": ("kwb.csv", demo_cbs_file(), "text/csv")},
    )
    assert response.status_code == 200, response.text
    assert await stored(demo) == {
        ("wijk", "Oosterwijk-Noord"): (8000, "cbs"),
        ("wijk", "Oosterwijk-Zuid"): (7000, "cbs"),
        ("age_band", "45-64"): (3900, "cbs"),
        ("age_band", "65+"): (2700, "cbs"),
    }
    assert "Uit het CBS-bestand gelezen: 2 wijken." in response.text
    assert "Wijk 03 Zuid" in response.text  # named as left out
    assert "vallen niet samen met de leeftijdsgroepen" in response.text


async def test_a_file_that_is_not_from_cbs_gets_a_friendly_message(signed_in, demo):
    page = await signed_in.get(PAGE)
    response = await signed_in.post(
        f"{PAGE}/cbs",
        data={"csrf": csrf_of(page.text)},
        files={"file": ("x.csv", b"naam,inwoners\nNoord,10\n", "text/csv")},
    )
    assert response.status_code == 400
    assert "Dit is geen CBS-bestand met wijken en buurten" in response.text
    assert await stored(demo) == {}


async def test_switching_reweighting_on_shows_reweighted_results_explained(signed_in, demo):
    page = await signed_in.get(PAGE)
    data = {"csrf": csrf_of(page.text), "wijk-0": "8000", "wijk-1": "2000", "reweight": "wijk"}
    assert (await signed_in.post(PAGE, data=data)).status_code == 303
    live = (await signed_in.get("/manage/projects/DEMO/live")).text
    assert "Resultaten herwogen naar wijk" in live
    assert "antwoorden uit een groep die minder meedeed tellen zwaarder" in live


async def test_a_viewer_may_not_change_the_figures(client, demo):
    await make_user(demo, "kijker@voorbeeld.nl", "viewer", "gemeente-voorbeeld")
    await login(client, "kijker@voorbeeld.nl")
    assert (await client.get(PAGE)).status_code == 403


async def test_the_public_summary_shows_the_rates_without_the_facilitators_hints(
    signed_in, demo, client
):
    page = await signed_in.get(PAGE)
    data = {"csrf": csrf_of(page.text), "wijk-0": "8000", "wijk-1": "2000", "reweight": "wijk"}
    assert (await signed_in.post(PAGE, data=data)).status_code == 303
    publish = "/manage/projects/DEMO/rounds/stellingen/publish"
    assert (await signed_in.post(publish, data={"csrf": data["csrf"]})).status_code == 303
    summary = (await client.get("/p/DEMO")).text
    assert "Wie deed mee, vergeleken met wie er woont" in summary
    assert "Representativiteitsscore" in summary or "Nog geen score" in summary
    assert "Resultaten herwogen naar wijk" in summary
    assert "Zoek eerst" not in summary and "/population" not in summary


async def test_importing_without_a_file_asks_for_one(signed_in, demo):
    page = await signed_in.get(PAGE)
    response = await signed_in.post(f"{PAGE}/cbs", data={"csrf": csrf_of(page.text)})
    assert response.status_code == 400
    assert "Kies het CSV-bestand dat je bij CBS StatLine hebt gedownload." in response.text
