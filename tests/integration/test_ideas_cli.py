"""``inspraak ideas import`` and ``inspraak round shortlist``: paper ideas into a round, all or
nothing, and the rating round's items fixed from them; results say what each item stands for."""

from __future__ import annotations

import json
from pathlib import Path

from tests.factories import project_toml
from tests.integration.test_cli import cli  # noqa: F401 - the fixture
from tests.integration.test_cli_audit import audit_rows

PAPER = Path(__file__).parents[1] / "fixtures" / "ideas" / "paper.csv"
ROUNDS = """
[[rounds]]
key = "ideeen"
kind = "ideas"
question = "Wat wil je?"
state = "open"

[[rounds]]
key = "cijfers"
kind = "rating"
question = "Hoe belangrijk?"
items_from = "ideeen"
"""


def _project(cli, tmp_path: Path) -> None:  # noqa: F811
    plan = tmp_path / "plan.toml"
    plan.write_text(project_toml("PAPIER", ROUNDS), encoding="utf-8")
    assert cli("project", "import", str(plan)).returncode == 0


def test_paper_ideas_are_imported_shortlisted_opened_and_counted(cli, tmp_path, database_url):  # noqa: F811
    _project(cli, tmp_path)
    done = cli("ideas", "import", "papier", "ideeen", str(PAPER))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "imported 300 ideas into ideeen; 0 wait for review"

    listed = cli("round", "shortlist", "PAPIER", "cijfers", "--top", "5")
    lines = listed.stdout.strip().splitlines()
    assert len(lines) == 5
    idea_id, supporters, ideas, text = lines[0].split("\t")
    assert int(supporters) == int(ideas) == 1  # not organised yet: one resident each
    fixed = cli("round", "shortlist", "PAPIER", "cijfers", "--top", "5", "--apply")
    assert fixed.stdout == listed.stdout
    assert cli("round", "shortlist", "PAPIER", "cijfers").stdout == listed.stdout  # kept
    zero = cli("round", "shortlist", "PAPIER", "cijfers", "--top", "0")
    assert zero.returncode == 1 and "--top must be between 1 and 500" in zero.stderr
    assert cli("round", "open", "PAPIER", "cijfers").returncode == 0

    results = json.loads(cli("results", "PAPIER", "--format", "json").stdout)
    assert results["residents_by_channel"] == {"import": 300}
    (rating,) = [r for r in results["rounds"] if r["key"] == "cijfers"]
    assert [(i["text"], i["ideas"], i["supporters"]) for i in rating["items"]][0][1:] == (1, 1)
    assert len(rating["items"]) == 5
    actions = [r["action"] for r in audit_rows(database_url)]
    assert actions == ["ideas.import"]


def test_a_bad_file_is_refused_with_line_and_column_and_adds_nothing(cli, tmp_path):  # noqa: F811
    _project(cli, tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_bytes("text;wijk\nMeer groen;\n;Noord\n".encode("cp1252"))
    refused = cli("ideas", "import", "PAPIER", "ideeen", str(bad))
    assert refused.returncode == 1
    assert "nothing was imported" in refused.stderr
    assert "Line 3, column text: the text is empty" in refused.stderr
    results = json.loads(cli("results", "PAPIER", "--format", "json").stdout)
    assert results["rounds"][0]["ideas"] == [] and results["residents"] == 0
    missing = cli("ideas", "import", "PAPIER", "ideeen", str(tmp_path / "nope.csv"))
    assert missing.returncode == 1 and "cannot read" in missing.stderr
    wrong = cli("ideas", "import", "PAPIER", "cijfers", str(PAPER))
    assert wrong.returncode == 1 and "not an ideas round" in wrong.stderr
