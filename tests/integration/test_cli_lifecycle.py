"""A project's whole life on the command line: templates, copy, close, archive, delete."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.cli import cli_environment, run_cli
from tests.conftest import _reset_postgres
from tests.factories import project_toml

ROUNDS = """
[[rounds]]
key = "ideeen"
kind = "ideas"
question = "Wat wil je?"
state = "open"
"""


@pytest.fixture
def cli(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    if database_url.startswith("postgresql"):
        asyncio.run(_reset_postgres(database_url))
    cli_environment(monkeypatch, database_url, tmp_path)
    return run_cli


def test_a_project_from_a_template_is_copied_saved_as_template_and_deleted(cli):
    listed = cli("project", "templates")
    assert listed.returncode == 0, listed.stderr
    assert [line.split("\t")[0] for line in listed.stdout.splitlines()] == [
        "omgevingsvisie",
        "armoedebeleid",
        "energiewijk",
    ]
    made = cli("project", "new", "--template", "armoedebeleid", "--code", "rond",
               "--organisation", "gemeente-test")  # fmt: skip
    assert made.returncode == 0 and made.stdout.strip() == "ROND", made.stderr
    copied = cli("project", "copy", "ROND", "ROND2", "--title", "Rondkomen in Zuid")
    assert copied.returncode == 0 and copied.stdout.strip() == "ROND2", copied.stderr
    saved = cli("project", "save-template", "ROND2", "--name", "Ons format")
    assert saved.returncode == 0 and saved.stdout.strip() == "own:1", saved.stderr
    assert "own:1\tgemeente-test\tOns format" in cli("project", "templates").stdout
    assert cli("project", "delete", "rond2").returncode == 0
    assert cli("project", "delete-template", "own:1").returncode == 0
    projects = cli("project", "list").stdout
    assert "ROND\tdraft" in projects and "ROND2" not in projects


def test_a_running_project_is_refused_deletion_then_closed_and_archived(cli, tmp_path: Path):
    plan = tmp_path / "plan.toml"
    plan.write_text(project_toml("LOOPT", ROUNDS), encoding="utf-8")
    assert cli("project", "import", str(plan)).returncode == 0
    refused = cli("project", "delete", "LOOPT")
    assert refused.returncode == 1
    assert "a round of LOOPT has opened, so it cannot be deleted" in refused.stderr
    early = cli("project", "archive", "LOOPT")
    assert early.returncode == 1 and "close it first" in early.stderr
    assert cli("project", "close", "LOOPT").returncode == 0
    assert cli("project", "archive", "LOOPT").returncode == 0
    assert "LOOPT\tclosed" in cli("project", "list").stdout
    taken = cli("project", "copy", "LOOPT", "LOOPT")
    assert taken.returncode == 1 and "project.code: This code is already in use." in taken.stderr
