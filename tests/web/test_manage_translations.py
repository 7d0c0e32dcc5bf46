"""Translations on the round and project forms: shown, saved as the project file's tables,
refused beside the field when a line has no Dutch text."""

from __future__ import annotations

from core.domain.texts import stored
from core.services.project_file import export_project, parse_project_file
from inspraak.bootstrap import Container
from tests.web.conftest import csrf_of

STATEMENTS_FORM = "/manage/projects/DEMO/rounds/stellingen"


async def _round(demo: Container, key: str):
    async with demo.uow() as uow:
        project = await uow.projects.by_code("DEMO")
        return next(r for r in await uow.projects.rounds(project.id) if r.key == key)


async def test_the_round_form_shows_the_translations_per_language(signed_in, demo):
    page = (await signed_in.get(STATEMENTS_FORM)).text
    assert "Vertalingen voor bewoners (optioneel)" in page
    assert 'name="question__en"' in page
    assert "Do you agree or disagree with these statements?</textarea>" in page
    assert "Parking spaces may make way for greenery.\nThe municipality should help" in page
    assert 'name="statements__ar" rows="5" lang="ar" dir="rtl"' in page
    assert "Stellingen in andere talen" in page


async def test_a_saved_round_form_keeps_each_language_and_exports_it(signed_in, demo):
    page = (await signed_in.get(STATEMENTS_FORM)).text
    response = await signed_in.post(
        STATEMENTS_FORM,
        data={"csrf": csrf_of(page), "kind": "statements", "state": "open",
              "question": "Eens of oneens?", "question__en": "Agree or disagree?",
              "question__uk": "Згоден чи ні?",
              "statements": "Meer bomen.\nMinder auto's.\nMeer bankjes.",
              "statements__en": "More trees.\n\nMore benches.",
              "statements__pl": "Więcej drzew."},
    )  # fmt: skip
    assert response.status_code == 303, response.text
    rnd = await _round(demo, "stellingen")
    assert rnd.question == "Eens of oneens?"
    texts = stored(rnd.settings)
    assert texts["question"] == {"en": "Agree or disagree?", "uk": "Згоден чи ні?"}
    assert texts["items"] == {
        "Meer bomen.": {"en": "More trees.", "pl": "Więcej drzew."},
        "Meer bankjes.": {"en": "More benches."},
    }
    async with demo.uow() as uow:
        spec = parse_project_file(await export_project(uow, "DEMO"))
    statements = next(r for r in spec.rounds if r.key == "stellingen").statements
    assert statements == [
        {"nl": "Meer bomen.", "en": "More trees.", "pl": "Więcej drzew."},
        "Minder auto's.",
        {"nl": "Meer bankjes.", "en": "More benches."},
    ]
    page = (await signed_in.get(STATEMENTS_FORM)).text
    assert "More trees.\n\nMore benches.</textarea>" in page  # the empty line kept in place


async def test_a_translation_without_its_dutch_line_is_refused_beside_the_field(signed_in, demo):
    page = (await signed_in.get(STATEMENTS_FORM)).text
    response = await signed_in.post(
        STATEMENTS_FORM,
        data={"csrf": csrf_of(page), "kind": "statements", "state": "open",
              "question": "Eens of oneens?", "statements": "Meer bomen.",
              "statements__en": "More trees.\nOne line too many."},
    )  # fmt: skip
    assert response.status_code == 400
    assert 'id="e-statements"' in response.text
    assert "een tekst in meerdere talen heeft een Nederlandse tekst (nl) nodig" in response.text
    assert "One line too many.</textarea>" in response.text  # what was typed stays
    assert (await _round(demo, "stellingen")).question.startswith("Ben je het eens")


async def test_the_project_form_saves_the_intro_per_language(signed_in, demo):
    page = (await signed_in.get("/manage/projects/DEMO/edit")).text
    assert "The municipality is working on a new environmental vision" in page
    response = await signed_in.post(
        "/manage/projects/DEMO/edit",
        data={"csrf": csrf_of(page), "title": "Groen", "language": "tr",
              "status": "active", "moderation": "post", "quiet_start": "21:00",
              "quiet_end": "09:00", "intro": "Denk mee.", "intro__tr": "Fikrini paylaş."},
    )  # fmt: skip
    assert response.status_code == 303, response.text
    async with demo.uow() as uow:
        project = await uow.projects.by_code("DEMO")
    assert project.intro == "Denk mee." and project.language == "tr"
    assert stored(project.settings) == {"intro": {"tr": "Fikrini paylaş."}}
