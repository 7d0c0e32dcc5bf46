"""The ``inspraak`` command line: its commands in this process (``tests/cli.py``), and once as
the installed script, which must start without loading the channels or the analysis."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli import cli_environment, run_cli
from tests.conftest import SECRET, _reset_postgres
from tests.factories import project_toml

ROUNDS = """
[[rounds]]
key = "ideeen"
kind = "ideas"
question = "Wat wil je?"

[[rounds]]
key = "stellingen"
kind = "statements"
statements = ["Meer groen", "Minder auto's"]
state = "open"
"""


@pytest.fixture
def cli(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    if database_url.startswith("postgresql"):
        asyncio.run(_reset_postgres(database_url))
    cli_environment(monkeypatch, database_url, tmp_path)
    return run_cli


def test_import_open_vote_and_results_from_the_command_line(cli, tmp_path: Path):
    plan = tmp_path / "plan.toml"
    plan.write_text(project_toml("GROENWEST", ROUNDS), encoding="utf-8")
    imported = cli("project", "import", str(plan))
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.strip() == "GROENWEST"
    opened = cli("round", "open", "GROENWEST", "ideeen")
    assert opened.returncode == 0 and "is running" in opened.stdout
    results = json.loads(cli("results", "GROENWEST", "--format", "json").stdout)
    assert [r["key"] for r in results["rounds"]] == ["ideeen", "stellingen"]
    assert results["rounds"][0]["open"] is True
    assert [i["text"] for i in results["rounds"][1]["items"]] == ["Meer groen", "Minder auto's"]
    table = list(
        csv.DictReader(io.StringIO(cli("results", "GROENWEST", "--format", "csv").stdout))
    )
    assert {row["text"] for row in table} == {"Meer groen", "Minder auto's"}
    closed = cli("round", "close", "GROENWEST", "ideeen")
    assert "is closed" in closed.stdout
    again = cli("project", "import", str(plan))
    assert again.returncode == 0 and "updated project GROENWEST" in again.stderr


def test_a_bad_file_is_refused_with_key_and_line_and_changes_nothing(cli, tmp_path: Path):
    plan = tmp_path / "plan.toml"
    text = project_toml("KAPOT", ROUNDS.replace('kind = "ideas"', 'kind = "idee"'))
    plan.write_text(text)
    line = text.splitlines().index('kind = "idee"') + 1
    result = cli("project", "import", str(plan))
    assert result.returncode == 1
    assert f"plan.toml, line {line}, key rounds.0.kind" in result.stderr
    assert "Traceback" not in result.stderr
    assert cli("project", "list").stdout == ""


def test_unknown_projects_and_rounds_get_a_clear_message(cli):
    missing = cli("results", "NOPE")
    assert missing.returncode == 1 and "no project with code NOPE" in missing.stderr
    no_round = cli("round", "open", "NOPE", "x")
    assert no_round.returncode == 1 and "Traceback" not in no_round.stderr


def test_api_tokens_are_listed_and_revoked_from_the_command_line(cli):
    created = cli("user", "create", "--email", "beheer@voorbeeld.nl", "--role", "admin")
    assert created.returncode == 0, created.stderr
    assert cli("user", "token", "--email", "beheer@voorbeeld.nl").stdout.startswith("insp_")
    listed = cli("user", "tokens", "--email", "beheer@voorbeeld.nl")
    assert listed.returncode == 0 and "last used never" in listed.stdout
    token_id = listed.stdout.split("\t")[0]

    revoked = cli("user", "revoke-token", "--email", "beheer@voorbeeld.nl", "--id", token_id)

    assert revoked.returncode == 0 and "revoked" in revoked.stdout
    assert cli("user", "tokens", "--email", "beheer@voorbeeld.nl").stdout == ""
    again = cli("user", "revoke-token", "--email", "beheer@voorbeeld.nl", "--id", token_id)
    assert again.returncode == 1 and "has no token" in again.stdout


def test_an_account_is_disabled_and_enabled_from_the_command_line(cli):
    cli("user", "create", "--email", "kim@voorbeeld.nl", "--role", "admin")
    disabled = cli("user", "disable", "--email", "kim@voorbeeld.nl")
    assert disabled.returncode == 0 and "kim@voorbeeld.nl disabled" in disabled.stdout
    assert cli("user", "list").stdout.strip().endswith("\tdisabled")
    assert cli("user", "enable", "--email", "kim@voorbeeld.nl").returncode == 0
    assert "disabled" not in cli("user", "list").stdout
    unknown = cli("user", "disable", "--email", "nobody@voorbeeld.nl")
    assert unknown.returncode == 1 and "Traceback" not in unknown.stderr


def test_help_lists_the_commands_and_a_group_without_an_action_exits_2(cli):
    shown = cli("--help")
    assert shown.returncode == 0
    for command in ("serve", "project", "round", "results", "user", "import-polis", "bot"):
        assert command in shown.stdout
    bare = cli("project")
    assert bare.returncode == 2 and "usage: inspraak" in bare.stdout
    assert cli("round", "open", "GROENWEST").returncode == 2  # argparse: a missing argument


HEAVY = (
    "aiogram",
    "sklearn",
    "scipy",
    "numpy",
    "fastapi",
    "starlette",
    "uvicorn",
    "jinja2",
    "apscheduler",
)


def test_the_installed_script_starts_without_the_channels_or_the_analysis(tmp_path: Path):
    """The console script of ``[project.scripts]`` runs ``project list`` on a new database;
    Python's import log shows it loaded none of the heavy libraries it does not need."""
    script = Path(sys.executable).with_name("inspraak")
    env = {
        **os.environ,
        "INSPRAAK_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/cli.db",
        "INSPRAAK_SECRET_KEY": SECRET,
        "INSPRAAK_DATA_DIR": str(tmp_path / "var"),
        "PYTHONPROFILEIMPORTTIME": "1",
    }
    ran = subprocess.run(
        [str(script), "project", "list"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout == ""
    imported = {
        line.rsplit("|", 1)[1].strip().split(".")[0]
        for line in ran.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert "inspraak" in imported and "sqlalchemy" in imported  # the log is read right
    assert imported.isdisjoint(HEAVY), sorted(imported & set(HEAVY))


def test_round_actions_say_what_they_do_and_refuse_what_does_not_fit(cli, tmp_path: Path):
    plan = tmp_path / "plan.toml"
    plan.write_text(project_toml("GROENWEST", ROUNDS), encoding="utf-8")
    assert cli("project", "import", str(plan)).returncode == 0
    refused = cli("round", "publish", "GROENWEST", "ideeen")
    assert refused.returncode == 1
    assert "cannot publish round ideeen: it is draft" in refused.stderr
    assert cli("round", "close", "GROENWEST", "ideeen").returncode == 1
    opened = cli("round", "open", "GROENWEST", "ideeen", "--yes")
    assert opened.returncode == 0
    assert "round ideeen opens now; 0 residents get a message" in opened.stderr
    published = cli("round", "publish", "GROENWEST", "ideeen")
    assert published.returncode == 0 and "messages queued" in published.stdout
    assert "the results of round ideeen become public" in published.stderr
    again = cli("round", "publish", "GROENWEST", "ideeen")
    assert again.returncode == 1 and "results published" in again.stderr
    taken = cli("round", "unpublish", "GROENWEST", "ideeen")
    assert taken.returncode == 0 and "taken back" in taken.stdout


def test_the_command_line_speaks_dutch_in_a_dutch_terminal(cli, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("LANGUAGE", "")  # a Dutch shell sets LANG
    monkeypatch.setenv("LANG", "nl_NL.UTF-8")
    helped = cli("--help")
    assert helped.stdout.startswith("gebruik: inspraak")
    assert "start de webapp en elk ingeschakeld kanaal" in helped.stdout
    assert "usage" not in helped.stdout and "options" not in helped.stdout
    missing = cli("user", "create")
    assert missing.returncode == 2
    assert "fout: deze argumenten zijn verplicht: --email, --role" in missing.stderr

    plan = tmp_path / "plan.toml"
    plan.write_text(project_toml("GROENWEST", ROUNDS), encoding="utf-8")
    assert cli("project", "import", str(plan)).returncode == 0
    refused = cli("round", "publish", "GROENWEST", "ideeen")
    assert "kan ronde ideeen niet publiceren (stand: concept)" in refused.stderr
    opened = cli("round", "open", "GROENWEST", "ideeen", "--yes")
    assert "ronde ideeen opent nu; 0 bewoners krijgen een bericht" in opened.stderr
    assert "ronde ideeen van GROENWEST: loopt" in opened.stdout
    unknown = cli("round", "open", "NERGENS", "ideeen")
    assert unknown.stderr == "inspraak: geen project met code NERGENS\n"
    # refusals are sentences in the terminal's language, never a code or pydantic's English
    broken = tmp_path / "kapot.toml"
    broken.write_text('[project]\ncode = "twee woorden"\ntitle = "x"\norganisation = "g"\n')
    refused = cli("project", "import", str(broken))
    assert refused.stderr == (
        "inspraak: kapot.toml, regel 2, sleutel project.code: "
        "Gebruik 2 tot 40 letters, cijfers, - of _.\n"
    )
    no_user = cli("user", "disable", "--email", "niemand@gemeente.nl")
    assert no_user.stderr == "inspraak: Er is geen account met dit e-mailadres.\n"
    bad_mail = cli("user", "create", "--email", "geen-adres", "--role", "admin")
    assert bad_mail.stderr == "inspraak: Vul een e-mailadres in, zoals naam@gemeente.nl.\n"
    template = cli(
        "project", "new", "--template", "nergens", "--code", "NIEUW", "--organisation", "g"
    )
    assert template.stderr.startswith("inspraak: Dat sjabloon bestaat niet")
    updated = cli("project", "import", str(plan))
    assert "project GROENWEST bijgewerkt" in updated.stderr
    slug = cli("user", "create", "--email", "a@gemeente.nl", "--role", "viewer",
               "--organisation", "Gemeente Oost!")  # fmt: skip
    assert slug.stderr == (
        "inspraak: Gebruik kleine letters, cijfers en -, en begin met een letter of cijfer.\n"
    )
    negative = cli("round", "remind", "GROENWEST", "ideeen", "--number", "-1")
    assert "argument --number: '-1' is geen heel getal van 0 of meer" in negative.stderr
    comma = cli("organise", "GROENWEST", "ideeen", "--suggest", "--strictness", "0,7")
    assert comma.returncode == 0 and "(strengheid 0,70)" in comma.stdout
    assert "GROENWEST\tactive\t" in cli("project", "list").stdout  # for scripts: as stored

    monkeypatch.setenv("LANG", "C.UTF-8")  # any other terminal: English
    assert cli("--help").stdout.startswith("usage: inspraak")
    assert re.fullmatch(r"inspraak \d+\.\d+\.\d+\S*\n", cli("--version").stdout)


@pytest.mark.parametrize(
    ("setting", "said"),
    [
        ("INSPRAAK_PORT=abc", "INSPRAAK_PORT: Geef een heel getal."),
        (
            "INSPRAAK_ENVIRONMENT=productie",
            "INSPRAAK_ENVIRONMENT: Kies een van de mogelijkheden. ('development' or 'production')",
        ),
        ("INSPRAAK_SECURITY_CONTACT=bla", "INSPRAAK_SECURITY_CONTACT moet een e-mailadres zijn"),
        ("INSPRAAK_TRUSTED_PROXIES=10.0.0.0/8,ergens", "ergens is geen adres of netwerk"),
    ],
)
def test_a_bad_setting_is_named_and_no_secret_is_repeated(cli, monkeypatch, setting, said):
    """Pydantic's own text repeats every setting for a rule over several of them: the secret
    key and a bot's token would land on the terminal and in the service's log."""
    monkeypatch.setenv("LANGUAGE", "nl")
    monkeypatch.setenv("INSPRAAK_TELEGRAM_TOKEN", "123456:GEHEIM-TOKEN-VAN-DE-BOT")
    name, value = setting.split("=", 1)
    monkeypatch.setenv(name, value)
    refused = cli("project", "list")
    assert refused.returncode == 1
    assert refused.stderr.startswith("inspraak: fout in de instellingen: ")
    assert said in refused.stderr
    for secret in ("GEHEIM", SECRET, "input_value", "pydantic.dev"):
        assert secret not in refused.stderr


def test_a_database_that_cannot_be_used_is_said_without_a_traceback(cli, monkeypatch):
    monkeypatch.setenv("LANGUAGE", "nl")
    monkeypatch.setenv("INSPRAAK_DATABASE_URL", "postgresql://inspraak:geheim@127.0.0.1:1/x")
    refused = cli("project", "list")
    assert refused.returncode == 1
    assert refused.stderr.startswith("inspraak: de database is niet te gebruiken (")
    assert refused.stderr.endswith("; controleer INSPRAAK_DATABASE_URL\n")
    assert "Traceback" not in refused.stderr and "geheim" not in refused.stderr


def test_a_backup_is_a_checked_copy_that_inspraak_can_run_on(
    cli, database_url, tmp_path, monkeypatch
):
    plan = tmp_path / "plan.toml"
    plan.write_text(project_toml("GROENWEST", ROUNDS), encoding="utf-8")
    assert cli("project", "import", str(plan)).returncode == 0
    copy = tmp_path / "kopie.db"
    made = cli("db", "backup", str(copy))
    if database_url.startswith("postgresql"):
        assert made.returncode == 1 and "pg_dump" in made.stderr and not copy.exists()
        return
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith(f"{copy}: a checked copy of ")
    assert "keep the secret key" in made.stderr
    again = cli("db", "backup", str(copy))  # never over an earlier backup
    assert again.returncode == 1 and "exists already" in again.stderr
    monkeypatch.setenv("INSPRAAK_DATABASE_URL", f"sqlite+aiosqlite:///{copy}")  # restored: it runs
    listed = cli("project", "list")
    assert listed.returncode == 0 and listed.stdout.startswith("GROENWEST\t")
    audit = sqlite3.connect(database_url.split(":///", 1)[1])
    actions = [row[0] for row in audit.execute("SELECT action FROM audit_log")]
    assert actions.count("database.backup") == 1
