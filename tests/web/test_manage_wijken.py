"""Wijken as data: a checked table in the project form, and residents placed by its postcodes."""

from __future__ import annotations

import sqlalchemy as sa

from core.storage import tables as t
from inspraak.bootstrap import Container
from tests.factories import ChatResident
from tests.web.conftest import csrf_of

EDIT = "/manage/projects/DEMO/edit"
WIJKEN = "/manage/projects/DEMO/wijken"
FIELDS = {
    "title": "Groen en leefbaar Oosterwijk", "language": "nl", "status": "active",
    "moderation": "post", "ask_profile": "on", "quiet_start": "21:00", "quiet_end": "09:00",
}  # fmt: skip


async def _wijken(container: Container) -> dict[str, list[str]]:
    async with container.uow() as uow:
        project = await uow.projects.by_code("DEMO")
    assert project is not None
    return dict(project.settings["wijken"])


async def test_the_project_form_shows_the_wijken_as_a_table_of_rows(signed_in):
    page = (await signed_in.get(EDIT)).text
    assert 'name="wijken-0-name" value="Oosterwijk-Noord"' in page
    assert 'name="wijken-0-postcodes" value="5041, 5042"' in page
    assert 'name="wijken-2-name" value=""' in page  # empty rows to add a wijk without script
    assert "Naam van wijk 1" in page and "Postcodes van wijk 1" in page


async def test_a_wijk_without_its_colon_is_refused_with_a_message_beside_its_row(signed_in, demo):
    page = await signed_in.get(EDIT)
    response = await signed_in.post(
        EDIT,
        data={**FIELDS, "csrf": csrf_of(page.text), "wijken-0-name": "Oosterwijk-Noord",
              "wijken-0-postcodes": "5041, 5042", "wijken-1-name": "Noord-Oost 1033, 1034",
              "wijken-1-postcodes": ""},
    )  # fmt: skip
    assert response.status_code == 400
    text = response.text
    assert 'id="e-wijken-1"' in text and 'aria-describedby="e-wijken-1"' in text
    assert "Noord-Oost 1033, 1034 heeft geen postcodes" in text
    assert "Noord-Oost: 1033, 1034" in text  # what was probably meant
    assert 'value="Noord-Oost 1033, 1034"' in text  # what was typed stays
    assert await _wijken(demo) == {
        "Oosterwijk-Noord": ["5041", "5042"],
        "Oosterwijk-Zuid": ["5043", "5044"],
    }


async def test_the_same_slip_in_the_one_line_text_is_refused_too(signed_in, demo):
    page = await signed_in.get(EDIT)
    response = await signed_in.post(
        EDIT, data={**FIELDS, "csrf": csrf_of(page.text), "wijken": "Noord-Oost 1033, 1034"}
    )
    assert response.status_code == 400 and "heeft geen postcodes" in response.text


async def test_wrong_postcodes_and_a_postcode_in_two_wijken_are_named(signed_in):
    page = await signed_in.get(EDIT)
    response = await signed_in.post(
        EDIT,
        data={**FIELDS, "csrf": csrf_of(page.text), "wijken-0-name": "Noord",
              "wijken-0-postcodes": "5041, 504", "wijken-1-name": "Zuid",
              "wijken-1-postcodes": "5041"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "Noord: 504 is geen postcode van 4 cijfers" in response.text
    assert "postcode 5041 ligt zowel in Noord als in Zuid" in response.text


async def test_a_corrected_table_places_residents_and_my_data_names_their_wijk(signed_in, demo):
    kim = ChatResident(demo.conversations, "kim")
    await kim.join(postcode="1033")  # not in any wijk of DEMO yet
    before = (await kim.say("mijn gegevens"))[0].text
    assert "Wijk: 1033" not in before and "Postcodegebied: 1033" in before
    page = await signed_in.get(EDIT)
    response = await signed_in.post(
        EDIT,
        data={**FIELDS, "csrf": csrf_of(page.text), "wijken-0-name": "Oosterwijk-Noord",
              "wijken-0-postcodes": "5041 5042", "wijken-1-name": "Noord-Oost",
              "wijken-1-postcodes": "1033, 1034", "wijken-2-name": "", "wijken-2-postcodes": ""},
    )  # fmt: skip
    assert response.status_code == 303, response.text
    assert await _wijken(demo) == {
        "Oosterwijk-Noord": ["5041", "5042"],
        "Noord-Oost": ["1033", "1034"],
    }
    after = (await kim.say("mijn gegevens"))[0].text
    assert "Wijk: Noord-Oost" in after


async def _figures(container: Container) -> dict[tuple[str, str], int]:
    async with container.uow() as uow:
        rows = await uow.conn.execute(sa.select(t.population))
        return {(r.dimension, r.group_name): r.people for r in rows}


async def _upload(client, text: str):
    page = await client.get(EDIT)
    files = {"file": ("wijken.csv", text.encode(), "text/csv")}
    return await client.post(WIJKEN, data={"csrf": csrf_of(page.text)}, files=files)


async def test_a_wijken_file_sets_the_table_and_the_inhabitants_per_wijk(signed_in, demo):
    text = (
        "wijk;postcode;inwoners\n"
        "Oosterwijk-Noord;5041;4.200\nOosterwijk-Noord;5042;3800\n"
        "Noord-Oost;1033 1034;6100\n"
    )
    response = await _upload(signed_in, text)
    assert response.status_code == 303, response.text
    assert await _wijken(demo) == {
        "Oosterwijk-Noord": ["5041", "5042"],
        "Noord-Oost": ["1033", "1034"],
    }
    figures = await _figures(demo)
    assert figures[("wijk", "Oosterwijk-Noord")] == 8000
    assert figures[("wijk", "Noord-Oost")] == 6100
    page = (await signed_in.get(response.headers["location"])).text
    assert "De wijken zijn ingelezen: 2 wijken." in page
    population = (await signed_in.get("/manage/projects/DEMO/population")).text
    assert "Noord-Oost" in population and "6100" in population


async def test_a_wijken_file_with_a_wrong_line_changes_nothing_and_names_the_line(signed_in, demo):
    text = "wijk,postcodes,inwoners\nNoord-Oost 1033 1034,,100\nZuid,5043,veel\n"
    response = await _upload(signed_in, text)
    assert response.status_code == 400
    assert "Regel 3: veel is geen aantal inwoners" in response.text
    assert 'id="e-wijken-file"' in response.text and "Er is niets veranderd." in response.text
    assert await _wijken(demo) == {
        "Oosterwijk-Noord": ["5041", "5042"],
        "Oosterwijk-Zuid": ["5043", "5044"],
    }
    slip = await _upload(signed_in, "wijk,postcodes\nNoord-Oost 1033 1034,\n")
    assert slip.status_code == 400 and "heeft geen postcodes" in slip.text
    header = await _upload(signed_in, "naam;inwoners\nNoord;100\n")
    assert header.status_code == 400 and "de kolommen wijk en postcodes" in header.text
