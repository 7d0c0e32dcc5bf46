"""``import-polis``, ``analyse`` and ``export-polis`` on the shared Pol.is conversations, on SQLite
and PostgreSQL, through the real command line."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from sklearn.metrics import adjusted_rand_score

from config.settings import Settings
from core.services.polis.files import read_conversation, read_participant_groups
from core.storage import migrate
from core.storage import tables as t
from core.storage.db import create_engine
from inspraak.cli import main
from tests.conftest import _reset_postgres

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "polis"
MIN_ARI = {"brexit-consensus": 0.87, "scoop-hivemind.biodiversity": 0.90}


@pytest.fixture
def cli(settings: Settings, monkeypatch: pytest.MonkeyPatch):
    """Run ``inspraak`` with the test database; returns (exit status, stdout, stderr)."""
    if settings.database_url.startswith("postgresql"):
        asyncio.run(_reset_postgres(settings.database_url))
    monkeypatch.setenv("INSPRAAK_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("INSPRAAK_SECRET_KEY", settings.secret_key.get_secret_value())
    monkeypatch.setenv("INSPRAAK_DATA_DIR", str(settings.data_dir))
    migrate.upgrade(settings.database_url)

    def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
        status = main(list(argv))
        out, err = capsys.readouterr()
        return status, out, err

    return run


def count_rows(url: str, *tables: sa.Table) -> dict[str, int]:
    async def counting() -> dict[str, int]:
        engine = create_engine(url, poolclass=sa.pool.NullPool)
        try:
            async with engine.connect() as conn:
                return {
                    table.name: int(
                        await conn.scalar(sa.select(sa.func.count()).select_from(table)) or 0
                    )
                    for table in tables
                }
        finally:
            await engine.dispose()

    return asyncio.run(counting())


@pytest.mark.parametrize("name", sorted(MIN_ARI))
def test_import_analyse_export_round_trips_a_polis_conversation(
    name: str, cli, capsys, settings: Settings, tmp_path: Path
) -> None:
    status, out, err = cli(capsys, "import-polis", str(FIXTURES / name), "--project", "POLIS")
    assert status == 0, err
    assert out.strip() == "POLIS"

    status, out, err = cli(capsys, "analyse", "POLIS", "--round", "polis", "--format", "json")
    assert status == 0, err
    data = json.loads(out)
    assert set(data) == {
        "participants_clustered",
        "groups",
        "consensus",
        "representative",
        "group_aware_consensus",
    }
    ours = {member: g["id"] for g in data["groups"] for member in g["members"]}
    polis = read_participant_groups(FIXTURES / name / "participants-votes.csv")
    both = [p for p, g in polis.items() if g is not None and p in ours]
    ari = adjusted_rand_score([polis[p] for p in both], [ours[p] for p in both])
    assert ari >= MIN_ARI[name]
    assert all(isinstance(key, str) for key in data["group_aware_consensus"])

    out_dir = tmp_path / "export"
    status, _, err = cli(
        capsys, "export-polis", "POLIS", "--round", "polis", "--out", str(out_dir)
    )
    assert status == 0, err
    original, exported = read_conversation(FIXTURES / name), read_conversation(out_dir)
    triples = {(v.voter_id, v.statement_id, v.value) for v in original.votes}
    assert {(v.voter_id, v.statement_id, v.value) for v in exported.votes} == triples
    assert exported.moderated_out_ids == original.moderated_out_ids
    assert [s.text for s in exported.statements] == [s.text for s in original.statements]
    groups = read_participant_groups(out_dir / "participants-votes.csv")
    assert {p: g for p, g in groups.items() if g is not None} == ours


def test_a_malformed_vote_names_file_line_and_column_and_imports_nothing(
    cli, capsys, settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "broken"
    shutil.copytree(FIXTURES / "brexit-consensus", folder)
    lines = (folder / "votes.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    lines[99] = lines[99].rsplit(",", 1)[0] + ",yes\n"
    (folder / "votes.csv").write_text("".join(lines), encoding="utf-8")

    status, out, err = cli(capsys, "import-polis", str(folder), "--project", "BROKEN")

    assert status == 1
    assert 'votes.csv line 100, column "vote": expected 1, 0 or -1, got "yes"' in err
    assert count_rows(settings.database_url, t.projects, t.residents, t.votes) == {
        "projects": 0,
        "residents": 0,
        "votes": 0,
    }


def test_a_failure_halfway_through_the_import_leaves_nothing_behind(
    cli, capsys, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_pseudonym(*args: object) -> str:
        raise RuntimeError("disk full")

    monkeypatch.setattr("core.services.polis.transfer.make_pseudonym", broken_pseudonym)
    with pytest.raises(RuntimeError, match="disk full"):
        cli(capsys, "import-polis", str(FIXTURES / "brexit-consensus"), "--project", "HALF")
    counts = count_rows(settings.database_url, t.projects, t.rounds, t.items, t.residents)
    assert counts == {"projects": 0, "rounds": 0, "items": 0, "residents": 0}


def test_importing_twice_into_the_same_project_code_is_refused(cli, capsys) -> None:
    folder = str(FIXTURES / "brexit-consensus")
    assert cli(capsys, "import-polis", folder, "--project", "TWICE")[0] == 0
    status, _, err = cli(capsys, "import-polis", folder, "--project", "TWICE")
    assert status == 1
    assert "project TWICE exists already" in err


def test_imported_voters_are_pseudonymous_residents_of_the_imported_channel(
    cli, capsys, settings: Settings
) -> None:
    from core.services.conversation import make_pseudonym

    assert (
        cli(capsys, "import-polis", str(FIXTURES / "brexit-consensus"), "--project", "BX")[0] == 0
    )

    async def first_resident() -> tuple[str, str, str]:
        engine = create_engine(settings.database_url, poolclass=sa.pool.NullPool)
        try:
            async with engine.connect() as conn:
                row = (
                    await conn.execute(
                        sa.select(
                            t.residents.c.pseudonym,
                            t.residents.c.channel,
                            t.residents.c.external_id,
                        ).where(t.residents.c.external_id == "0")
                    )
                ).one()
                return row.pseudonym, row.channel, row.external_id
        finally:
            await engine.dispose()

    pseudonym, channel, external_id = asyncio.run(first_resident())
    secret = settings.secret_key.get_secret_value()
    assert (pseudonym, channel) == (make_pseudonym(secret, "imported", "0"), "imported")
    assert external_id == "0"


def test_analyse_loads_neither_scikit_learn_nor_the_import_machinery(tmp_path: Path) -> None:
    # Start-up is most of the ``analyse`` process: scikit-learn (with SciPy and pandas) and the
    # dialogue engine behind ``import-polis`` made it slower than red-dwarf's whole run.
    env = dict(os.environ)
    env["INSPRAAK_DATA_DIR"] = str(tmp_path)
    env["INSPRAAK_DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path}/cli.db"
    env.pop("INSPRAAK_SECRET_KEY", None)
    folder = str(FIXTURES / "brexit-consensus")
    subprocess.run(
        [sys.executable, "-m", "inspraak", "import-polis", folder, "--project", "BREXIT"],
        env=env,
        check=True,
        capture_output=True,
    )
    code = (
        "import sys\n"
        "from inspraak.cli import main\n"
        "assert main(['analyse', 'BREXIT']) == 0\n"
        "heavy = ('sklearn', 'scipy', 'pandas', 'core.dialogue.engine', 'aiogram', 'fastapi')\n"
        "print(sorted(m for m in heavy if m in sys.modules), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
    )
    assert json.loads(done.stdout)["participants_clustered"] == 189
    assert done.stderr.strip().splitlines()[-1] == "[]"
