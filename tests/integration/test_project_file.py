"""Project files: validation with key and line, create-or-update, nothing changed on error."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from config.settings import Settings
from core.domain.errors import ProjectFileError
from core.services.project_file import export_project, import_project, parse_project_file
from core.storage import tables as t
from core.storage.db import create_all
from inspraak.bootstrap import Container, bootstrap
from tests.factories import project_toml

ROUNDS = """
[[rounds]]
key = "ideeen"
kind = "ideas"
question = "Wat wil je?"
opens_at = "2026-12-01T09:00:00+01:00"
closes_at = "2026-12-07T21:00:00+01:00"
reminders = ["P2D"]

[[rounds]]
key = "beoordelen"
kind = "rating"
items_from = "ideeen"
items = ["Bomen", "Bankjes"]
scale = [1, 5]
criteria = ["Belang", "Haalbaarheid"]

[[rounds]]
key = "stellingen"
kind = "statements"
statements = ["A", "B"]
"""


def test_an_error_names_the_key_and_its_line():
    text = project_toml(rounds=ROUNDS.replace("scale = [1, 5]", "scale = [5, 1]"))
    with pytest.raises(ProjectFileError) as error:
        parse_project_file(text, "plan.toml")
    line = text.splitlines().index("scale = [5, 1]") + 1
    assert f"plan.toml, line {line}, key rounds.1.scale" in str(error.value)


@pytest.mark.parametrize(
    ("change", "expected"),
    [(('kind = "ideas"', 'kind = "poll"'), "rounds.0.kind"),
     (('items_from = "ideeen"', 'items_from = "later"'), "earlier ideas round"),
     (('reminders = ["P2D"]', 'reminders = ["twee dagen"]'), "rounds.0.reminders"),
     (("+01:00\"\ncloses", "\"\ncloses"), "time zone"),
     (('statements = ["A", "B"]', 'statements = []'), "needs statements"),
     (("[project]", "[project]\nbogus = 1"), "project.bogus")],
)  # fmt: skip
def test_bad_files_are_refused_with_a_reason(change: tuple[str, str], expected: str):
    text = project_toml(rounds=ROUNDS).replace(*change)
    with pytest.raises(ProjectFileError, match=expected):
        parse_project_file(text)


def test_broken_toml_names_the_line():
    with pytest.raises(ProjectFileError, match="line 3"):
        parse_project_file('[project]\ncode = "X"\ntitle = \n')


async def test_import_creates_then_updates_and_export_round_trips(container: Container):
    spec = parse_project_file(project_toml(rounds=ROUNDS))
    async with container.uow() as uow:
        project, notes = await import_project(uow, spec)
        await uow.commit()
    assert project.code == "TEST" and [str(note) for note in notes] == ["created project TEST"]
    changed = ROUNDS.replace('["Bomen", "Bankjes"]', '["Bomen", "Fietspaden"]')
    async with container.uow() as uow:
        _, notes = await import_project(uow, parse_project_file(project_toml(rounds=changed)))
        await uow.commit()
        rounds = await uow.projects.rounds(project.id or 0)
        items = await uow.projects.items(rounds[1].id or 0)
        exported = await export_project(uow, "TEST")
    assert [str(note) for note in notes] == ["updated project TEST"]
    assert [r.key for r in rounds] == ["ideeen", "beoordelen", "stellingen"]
    assert rounds[0].state.value == "scheduled" and rounds[0].reminders == ["P2D"]
    assert sorted(i.text for i in items) == ["Bomen", "Fietspaden"]
    again = parse_project_file(exported)
    assert again.project.code == "TEST"
    assert [r.key for r in again.rounds] == ["ideeen", "beoordelen", "stellingen"]
    assert again.rounds[1].criteria == ["Belang", "Haalbaarheid"]


async def test_a_failing_import_changes_nothing(container: Container):
    spec = parse_project_file(project_toml(rounds=ROUNDS))
    with pytest.raises(RuntimeError):
        async with container.uow() as uow:
            await import_project(uow, spec)
            raise RuntimeError("crash before commit")
    async with container.uow() as uow:
        assert await uow.conn.scalar(sa.select(sa.func.count()).select_from(t.projects)) == 0


async def test_export_keeps_the_organisation_name_and_a_fresh_database_gets_it_back(
    container: Container, tmp_path: Path
):
    named = project_toml(rounds=ROUNDS).replace(
        'organisation = "gemeente-test"',
        'organisation = "gemeente-test"\norganisation_name = "Gemeente \\"Test\\" aan Zee"',
    )
    async with container.uow() as uow:
        await import_project(uow, parse_project_file(named))
        await uow.commit()
        exported = await export_project(uow, "TEST")

    assert 'organisation_name = "Gemeente \\"Test\\" aan Zee"' in exported
    spec = parse_project_file(exported)
    assert spec.project.organisation_name == 'Gemeente "Test" aan Zee'

    other = bootstrap(
        Settings(
            database_url=f"sqlite+aiosqlite:///{tmp_path}/fresh.db",
            secret_key="another-secret-key-that-is-long-enough-0123",
            data_dir=tmp_path,
            _env_file=None,  # type: ignore[call-arg]
        )
    )
    await create_all(other.engine)
    try:
        async with other.uow() as uow:
            project, _ = await import_project(uow, spec)
            await uow.commit()
            name = await uow.projects.organisation_name(project.organisation_id)
            again = await export_project(uow, "TEST")
    finally:
        await other.close()
    assert name == 'Gemeente "Test" aan Zee'
    assert again == exported


async def test_an_organisation_without_its_own_name_exports_only_its_slug(container: Container):
    async with container.uow() as uow:
        await import_project(uow, parse_project_file(project_toml(rounds=ROUNDS)))
        await uow.commit()
        exported = await export_project(uow, "TEST")
    assert 'organisation = "gemeente-test"' in exported
    assert "organisation_name" not in exported
