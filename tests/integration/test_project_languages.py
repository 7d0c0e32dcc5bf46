"""Project texts in the residents' languages: given per language in the project file, written
back on export, shown to each resident in their language (Dutch where missing), while results
keep the project's Dutch text."""

from __future__ import annotations

import tomllib

import pytest

from core import views
from core.domain.errors import ProjectFileError
from core.services.project_file import export_project, import_project, parse_project_file
from core.services.project_spec import InvalidProjectFile, validate_file
from inspraak.bootstrap import Container
from tests.factories import ChatResident

FILE = """
[project]
code = "TALEN"
title = "Talen"
organisation = "gemeente-test"

[project.intro]
nl = "Denk mee over het park."
en = "Help plan the park."
tr = "Park için fikrini paylaş."

[[rounds]]
key = "ideeen"
kind = "ideas"
question = { nl = "Wat mist er in het park?", en = "What is missing in the park?" }
state = "open"

[[rounds]]
key = "stellingen"
kind = "statements"
question = "Ben je het eens?"
statements = [
  { nl = "Meer bankjes.", en = "More benches.", pl = "Więcej ławek." },
  "Minder auto's.",
]
state = "open"
"""


def _file(**changes: object) -> dict:
    data = tomllib.loads(FILE)
    data["rounds"][0].update(changes)
    return data


def test_a_text_is_a_plain_string_or_a_table_of_languages_with_dutch():
    spec = parse_project_file(FILE)
    assert spec.project.intro == {
        "nl": "Denk mee over het park.",
        "en": "Help plan the park.",
        "tr": "Park için fikrini paylaş.",
    }
    assert spec.rounds[1].question == "Ben je het eens?"
    assert spec.rounds[1].statements == [
        {"nl": "Meer bankjes.", "en": "More benches.", "pl": "Więcej ławek."},
        "Minder auto's.",
    ]
    # a table of Dutch alone, or with empty translations (a form's blank fields), is a string
    only_dutch = validate_file(_file(question={"nl": "Wat mist er?", "en": " "}))
    assert only_dutch.rounds[0].question == "Wat mist er?"


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ({"en": "What is missing?"}, "needs its Dutch text (nl)"),
        ({"nl": "", "en": "What is missing?"}, "needs its Dutch text (nl)"),
        ({"nl": "Wat mist er?", "de": "Was fehlt?"}, "unknown language de"),
    ],
)
def test_a_table_without_dutch_or_with_an_unknown_language_is_refused(question, message):
    with pytest.raises(InvalidProjectFile) as refused:
        validate_file(_file(question=question))
    assert message in str(refused.value.problems[0]["msg"])


def test_the_error_names_the_key_and_line_in_a_file():
    text = FILE.replace('en = "What is missing in the park?"', 'fr = "Que manque-t-il ?"')
    with pytest.raises(ProjectFileError) as refused:
        parse_project_file(text, "talen.toml")
    assert "rounds.0.question" in str(refused.value) and "unknown language fr" in str(
        refused.value
    )


def test_the_same_dutch_statement_twice_is_refused_whatever_its_translations():
    data = tomllib.loads(FILE)
    data["rounds"][1]["statements"] = [{"nl": "Meer bankjes.", "en": "A"}, "Meer bankjes."]
    with pytest.raises(InvalidProjectFile):
        validate_file(data)


async def test_export_writes_the_languages_back_and_reads_the_same(container: Container):
    async with container.uow() as uow:
        await import_project(uow, parse_project_file(FILE))
        await uow.commit()
        exported = await export_project(uow, "TALEN")
    again = parse_project_file(exported)
    given = parse_project_file(FILE)
    assert again.project.intro == given.project.intro
    assert [r.question for r in again.rounds] == [r.question for r in given.rounds]
    assert again.rounds[1].statements == given.rounds[1].statements
    # dropping a translation from the file drops it from the project
    plain = FILE.replace(', en = "More benches.", pl = "Więcej ławek."', "")
    async with container.uow() as uow:
        await import_project(uow, parse_project_file(plain))
        await uow.commit()
        exported = await export_project(uow, "TALEN")
    assert parse_project_file(exported).rounds[1].statements == ["Meer bankjes.", "Minder auto's."]


async def _joined(container: Container, name: str, language: str) -> tuple[ChatResident, str]:
    """A resident who chose ``language`` before consenting, and the welcome they read then."""
    resident = ChatResident(container.conversations, name)
    await resident.start("TALEN")
    welcome = "\n".join(r.text for r in await resident.say(f"taal {language}"))
    await resident.press(
        {"nl": "Ja, ik doe mee", "en": "Yes, I take part", "tr": "Evet, katılıyorum"}[language]
    )
    return resident, welcome


async def test_each_resident_reads_their_language_and_dutch_where_it_is_missing(
    container: Container,
):
    async with container.uow() as uow:
        await import_project(uow, parse_project_file(FILE))
        await uow.commit()

    english, welcome = await _joined(container, "emma", "en")
    assert "Help plan the park." in welcome and "Denk mee" not in welcome
    await english.press("Skip")
    await english.press("Skip")
    assert "What is missing in the park?" in english.texts()
    assert "Wat mist er" not in english.texts()
    await english.press("Skip this round")
    assert "Ben je het eens?" in english.texts()  # no English question: the Dutch one
    shown = english.question.text
    assert "More benches." in shown or "Minder auto's." in shown

    turkish, welcome = await _joined(container, "emre", "tr")
    assert "Park için fikrini paylaş." in welcome
    await turkish.press("Geç")
    await turkish.press("Geç")
    assert "Wat mist er in het park?" in turkish.texts()  # Turkish words, the Dutch question
    assert "Fikrini tek bir mesajda yaz" in turkish.texts()

    _, welcome = await _joined(container, "daan", "nl")
    assert "Denk mee over het park." in welcome and "Help plan" not in welcome


async def test_results_keep_the_dutch_text_of_an_english_residents_answer(demo: Container):
    emma = ChatResident(demo.conversations, "emma")
    await emma.start("DEMO")
    await emma.say("language en")
    await emma.press("Yes, I take part")
    await emma.press("Skip")
    await emma.press("Skip")
    assert "What would you change to make Oosterwijk greener" in emma.texts()
    await emma.press("Skip this round")
    assert "How important and how feasible" in emma.texts()
    assert "Importance" in emma.question.text
    item = emma.question.text
    await emma.press("4")
    assert "Feasibility" in emma.question.text
    async with demo.uow() as uow:
        results = await views.project_results(uow, "DEMO", demo.clock())
    assert results is not None
    rating = next(r for r in results.rounds if r.key == "beoordelen")
    assert rating.question == "Hoe belangrijk en hoe haalbaar vind je deze ideeën?"
    rated = [i.text for i in rating.items if i.criteria[0].n]
    assert len(rated) == 1 and rated[0] not in item  # the Dutch text, not the English one shown
