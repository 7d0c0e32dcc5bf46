"""Facilitator forms refuse what cannot be: a message beside the field, what was typed kept."""

from __future__ import annotations

import re
import tomllib

import httpx
import sqlalchemy as sa

from core.storage import tables as t
from inspraak.bootstrap import Container
from tests.factories import project_toml
from tests.web.conftest import csrf

NEW_ROUND = "/manage/projects/DEMO/rounds/new"


def error_beside(html: str, field: str) -> str:
    """The error message shown beside ``field`` ('' when there is none)."""
    found = re.search(rf'<p class="error" id="e-{field}">(.*?)</p>', html, re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)).strip() if found else ""


async def post_round(client: httpx.AsyncClient, lang: str = "nl", **fields: str) -> httpx.Response:
    data = {"csrf": await csrf(client), "key": "extra", "kind": "ideas", "question": "Wat?"}
    return await client.post(f"{NEW_ROUND}?lang={lang}", data={**data, **fields})


async def test_a_reminder_longer_than_a_timedelta_is_refused_beside_the_field(
    signed_in: httpx.AsyncClient,
):
    for typed in ("P99999999999D", "PT99999999999H", "P" + "9" * 40 + "W"):
        response = await post_round(signed_in, reminders=typed)
        assert response.status_code == 400, typed
        # reminders are explained in people's terms now (issue 18), the file's form beside them
        assert "geef elke herinnering als een heel aantal" in error_beside(
            response.text, "reminders"
        )
        assert f'value="{typed}"' in response.text
    year = await post_round(signed_in, lang="en", reminders="P400D")
    assert "at most a year" in error_beside(year.text, "reminders")


async def test_dates_outside_the_calendar_are_refused_beside_the_field(
    signed_in: httpx.AsyncClient,
):
    for typed in ("0001-01-01T00:00", "9999-12-31T23:59", "1899-05-01T10:00"):
        response = await post_round(signed_in, opens_at=typed)
        assert response.status_code == 400, typed
        assert "tussen de jaren 2000 en 2999" in error_beside(response.text, "opens_at")
        assert f'value="{typed}"' in response.text
    english = await post_round(signed_in, lang="en", closes_at="0001-01-01T00:00")
    assert "between the years 2000 and 2999" in error_beside(english.text, "closes_at")
    unreadable = await post_round(signed_in, closes_at="10000-01-01T00:00")
    assert unreadable.status_code == 400 and error_beside(unreadable.text, "closes_at")
    assert 'value="10000-01-01T00:00"' in unreadable.text


async def test_numbers_out_of_range_or_not_numbers_are_refused_beside_the_field(
    signed_in: httpx.AsyncClient,
):
    huge = await post_round(signed_in, max_per_resident="99999999999999999999")
    assert huge.status_code == 400
    assert "1000" in error_beside(huge.text, "max_per_resident")
    for typed in ("²", "1e3", "-"):
        response = await post_round(signed_in, max_per_resident=typed)
        assert response.status_code == 400, typed
        assert error_beside(response.text, "max_per_resident"), typed
    scale = await post_round(
        signed_in, kind="rating", items="Bomen\nBankjes", scale_low="99999999999999999999",
        scale_high="²",
    )  # fmt: skip
    assert scale.status_code == 400 and error_beside(scale.text, "scale_low")


async def test_a_number_in_arabic_indic_digits_is_read(signed_in: httpx.AsyncClient, demo):
    response = await post_round(signed_in, max_per_resident="٣")  # 3
    assert response.status_code == 303, response.text
    async with demo.uow() as uow:
        project = await uow.projects.by_code("DEMO")
        extra = [r for r in await uow.projects.rounds(project.id) if r.key == "extra"]
    assert extra[0].max_per_resident == 3


async def test_a_line_of_only_invisible_characters_is_refused_beside_the_field(
    signed_in: httpx.AsyncClient,
):
    response = await post_round(
        signed_in, kind="statements", question="", statements="Meer bomen\n\u200b\u200b\nx"
    )
    assert response.status_code == 400
    assert "zichtbare tekst" in error_beside(response.text, "statements")


async def test_textarea_line_breaks_are_stored_as_newlines_and_export_as_valid_toml(
    signed_in: httpx.AsyncClient, demo: Container
):
    page = await signed_in.get("/manage/projects/DEMO/edit")
    assert page.status_code == 200
    saved = await signed_in.post(
        "/manage/projects/DEMO/edit",
        data={"csrf": await csrf(signed_in), "title": "Groen", "language": "nl",
              "status": "active", "moderation": "post", "intro": 'Regel 1\r\nRegel "2"\rRegel\t3',
              "quiet_start": "21:00", "quiet_end": "09:00",
              "wijken": "Noord: 5041\r\nZuid: 5042"},
    )  # fmt: skip
    assert saved.status_code == 303, saved.text
    added = await post_round(signed_in, question="Wat?\r\nEn waarom?", key="waarom")
    assert added.status_code == 303, added.text
    async with demo.uow() as uow:
        project = await uow.projects.by_code("DEMO")
        rounds = {r.key: r for r in await uow.projects.rounds(project.id)}
    assert project.intro == 'Regel 1\nRegel "2"\nRegel\t3'
    assert project.settings["wijken"] == {"Noord": ["5041"], "Zuid": ["5042"]}
    assert rounds["waarom"].question == "Wat?\nEn waarom?"
    for path in ("/manage/projects/DEMO/edit", "/manage/projects/DEMO/rounds/waarom"):
        assert (await signed_in.get(path)).status_code == 200, path
    exported = await signed_in.get("/manage/projects/DEMO/export.toml")
    data = tomllib.loads(exported.text)
    assert data["project"]["intro"] == project.intro


async def test_values_stored_before_the_rules_do_not_break_the_pages(
    signed_in: httpx.AsyncClient, demo: Container
):
    async with demo.uow() as uow:
        project = await uow.projects.by_code("DEMO")
        settings = {**project.settings, "quiet_hours": ["25:00", "x"]}
        await uow.conn.execute(
            sa.update(t.projects)
            .where(t.projects.c.id == project.id)
            .values(intro="Oud\r\nmet\x0bstuurtekens\x1f", settings=settings)
        )
        await uow.conn.execute(
            sa.update(t.rounds)
            .where(t.rounds.c.project_id == project.id, t.rounds.c.key == "ideeen")
            .values(question="Vraag\r\nmet\rregels", reminders=["P99999999999D"])
        )
        await uow.commit()
    for path in ("/manage/projects/DEMO/edit", "/manage/projects/DEMO/rounds/ideeen",
                 "/manage/projects/DEMO/rounds/new", "/manage/projects/DEMO"):  # fmt: skip
        assert (await signed_in.get(path)).status_code == 200, path
    exported = await signed_in.get("/manage/projects/DEMO/export.toml")
    data = tomllib.loads(exported.text)
    # the Dutch text as stored, beside the DEMO's English translation
    assert data["project"]["intro"]["nl"] == "Oud\r\nmet\x0bstuurtekens\x1f"
    refused = await signed_in.post(
        "/manage/projects/DEMO/rounds/ideeen",
        data={"csrf": await csrf(signed_in), "kind": "ideas", "question": "Vraag",
              "reminders": "P2D"},
    )  # fmt: skip
    assert refused.status_code == 400  # the stored quiet hours are shown to be fixed


async def test_a_project_file_with_values_out_of_range_is_refused_with_a_reason(
    signed_in: httpx.AsyncClient,
):
    rounds = """
[[rounds]]
key = "ideeen"
kind = "ideas"
question = "Wat?"
opens_at = 0001-01-01T00:00:00+14:00
closes_at = 9999-12-31T23:59:00-12:00
reminders = ["P99999999999D"]
max_per_resident = 99999999999999999999
"""
    text = project_toml("GRENS", rounds).replace("gemeente-test", "gemeente-voorbeeld")
    files = {"file": ("grens.toml", text.encode(), "application/toml")}
    response = await signed_in.post(
        "/manage/projects/import", data={"csrf": await csrf(signed_in)}, files=files
    )
    assert response.status_code == 400
    for key in ("opens_at", "closes_at", "reminders", "max_per_resident"):
        assert f"sleutel rounds.0.{key}:" in response.text, key  # said in the page's language
    assert "should" not in response.text and "Input" not in response.text


async def test_a_nul_character_in_a_form_field_is_dropped_not_a_database_error(
    signed_in: httpx.AsyncClient, demo: Container
):
    token = await csrf(signed_in)
    edited = await signed_in.post(
        "/manage/projects/DEMO/edit",
        data={"csrf": token, "title": "Gro\x00en", "intro": "Uit\x00leg", "language": "nl",
              "status": "active", "moderation": "post", "quiet_start": "21:00",
              "quiet_end": "09:00"},
    )  # fmt: skip
    assert edited.status_code == 303, edited.text
    added = await post_round(signed_in, kind="statements", question="", statements="A\x00\nB")
    assert added.status_code == 303, added.text
    async with demo.uow() as uow:
        project = await uow.projects.by_code("DEMO")
    assert (project.title, project.intro) == ("Groen", "Uitleg")
