"""Every text a facilitator can give survives a TOML export and import, whatever it holds."""

from __future__ import annotations

import tomllib

from hypothesis import given, settings
from hypothesis import strategies as st

from core.services.project_file import export_project, import_project, parse_project_file
from core.services.project_spec import ProjectFile
from inspraak.bootstrap import Container

TRICKY = [
    "Regel 1\nRegel 2",
    "Zeg \"ja\" of 'nee'",
    "C:\\pad\\naar\\bestand \\n geen regel",
    "  spaties eromheen  ",
    "tab\there",
    "Ünïcödé — “quotes” 🌳 ٣٤ 中文",
    "\u2028line separator and \u0085 next line",
    "bell\x07 and escape\x1b and delete\x7f",
    '#no comment = "x" ]]',
    "${template} {{ jinja }} %s",
]


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.text(st.characters(exclude_categories=("Cs",))))
def test_any_text_is_written_as_a_toml_string_that_reads_back_the_same(text: str):
    from core.services.project_file import toml_value

    assert tomllib.loads(f"value = {toml_value(text)}")["value"] == text


def tricky_file() -> dict:
    project = {
        "code": "RONDJE", "title": " | ".join(TRICKY[:4]) + "\r\nna een browser",
        "organisation": "gemeente-test", "organisation_name": TRICKY[1] + TRICKY[2],
        "intro": "\r\n".join(TRICKY), "ask_profile": True,
        "wijken": {TRICKY[1]: ["5041", "5042"], TRICKY[5]: ["9999"]},
        "whatsapp_template": {"name": TRICKY[2], "languages": [TRICKY[4]]},
    }  # fmt: skip
    rounds = [
        {"key": "ideeen", "kind": "ideas", "question": "\r".join(TRICKY)},
        {"key": "cijfers", "kind": "rating", "question": TRICKY[3], "items": TRICKY[:6],
         "criteria": [TRICKY[5], TRICKY[8]], "scale": [0, 10]},
        {"key": "stellingen", "kind": "statements", "statements": TRICKY},
        {"key": "reactie", "kind": "feedback", "question": TRICKY[9] + "\r\n" + TRICKY[2],
         "scale": [1, 10]},
    ]  # fmt: skip
    return {"project": project, "rounds": rounds}


def texts(spec: ProjectFile) -> dict:
    """Every text field of a project file, for comparing two of them."""
    data = spec.model_dump(mode="json")
    for rnd in data["rounds"]:
        rnd.pop("state", None)  # an import schedules rounds; the export says so
    return data


async def test_every_text_field_survives_export_and_import(container: Container):
    given_file = ProjectFile.model_validate(tricky_file())
    assert "\r" not in given_file.project.intro and "\r" not in given_file.project.title
    async with container.uow() as uow:
        await import_project(uow, given_file)
        await uow.commit()
        exported = await export_project(uow, "RONDJE")
    read_back = parse_project_file(exported)
    assert texts(read_back) == texts(given_file)
    assert read_back.project.intro == "\n".join(TRICKY)
    async with container.uow() as uow:
        await import_project(uow, read_back)
        await uow.commit()
        assert await export_project(uow, "RONDJE") == exported
