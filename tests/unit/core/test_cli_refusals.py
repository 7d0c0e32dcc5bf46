"""Every refusal the services can raise reads as a sentence on the command line, in the
terminal's language: no bare code (``inspraak: password_too_short``), no pydantic English."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from core.domain.errors import (
    ActionNotAvailable,
    InvalidInput,
    LimitReached,
    UnknownItem,
    UnknownProject,
)
from core.i18n import gettext_for
from core.services.accounts import AccountExists
from core.services.idea_file import InvalidIdeaFile, Problem
from core.services.polis.rounds import TransferError
from core.services.project_file import UnreadableProjectFile, parse_project_file
from core.services.project_spec import InvalidProjectFile, validate_file
from inspraak.cli.refusals import MISSING, REFUSALS, explain

CORE = Path(__file__).resolve().parents[3] / "core"


def _raised(kind: str) -> set[str]:
    """The constant first arguments of ``raise <kind>(...)`` anywhere in core."""
    found = set()
    for path in CORE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            called = node.exc.func
            name = getattr(called, "id", None) or getattr(called, "attr", None)
            first = node.exc.args[0] if node.exc.args else None
            if name == kind and isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.add(first.value)
    return found


def test_every_code_the_services_refuse_with_is_worded():
    codes = _raised("InvalidInput")
    assert len(codes) > 40  # the scan finds them (it would pass on nothing otherwise)
    assert codes <= set(REFUSALS), sorted(codes - set(REFUSALS))
    kinds = _raised("UnknownItem")
    assert {"round", "template", "idea"} <= kinds
    assert kinds <= set(MISSING), sorted(kinds - set(MISSING))


def test_every_worded_refusal_is_dutch_in_the_dutch_catalog():
    dutch = gettext_for("nl")
    for msgid in [*REFUSALS.values(), *MISSING.values()]:
        assert dutch.gettext(msgid) != msgid, msgid


@pytest.fixture
def dutch_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGUAGE", "nl")


@pytest.mark.usefixtures("dutch_terminal")
@pytest.mark.parametrize(
    ("error", "said"),
    [
        (InvalidInput("password_too_short", limit=12), "Gebruik minstens 12 tekens."),
        (InvalidInput("email"), "Vul een e-mailadres in, zoals naam@gemeente.nl."),
        (InvalidInput("unknown_user"), "Er is geen account met dit e-mailadres."),
        (UnknownItem("template"), "Dat sjabloon bestaat niet"),
        (UnknownProject("NERGENS"), "geen project met code NERGENS"),
        (AccountExists("exists", email="a@b.nl"), "Er is al een account met dit e-mailadres."),
        (ActionNotAvailable("close", state="open"), "dat kan nu niet (stand van de ronde: loopt)"),
        (LimitReached("ideas", limit=1000), "hoogstens 1.000 ideeën per bewoner"),
        (
            TransferError("round {key} of {code} is not a statements round", key="a", code="X"),
            "ronde a van X is geen stellingenronde",
        ),
        (InvalidInput("a_code_nobody_worded"), "Dat kan niet."),
    ],
)
def test_a_refusal_is_said_in_dutch(error: Exception, said: str):
    assert said in explain(error)


@pytest.mark.usefixtures("dutch_terminal")
def test_a_project_file_names_line_and_key_in_dutch():
    text = '[project]\ncode = "a b"\ntitle = "Plan"\n'
    with pytest.raises(UnreadableProjectFile) as refused:
        parse_project_file(text, "plan.toml")
    said = explain(refused.value)
    assert "plan.toml, regel 2, sleutel project.code: Gebruik 2 tot 40 letters" in said
    assert "plan.toml, regel 1, sleutel project.organisation: Dit veld is verplicht." in said
    assert "should" not in said and "Field required" not in said
    # str() stays English, for logs
    assert "plan.toml, line 2, key project.code: Use 2 to 40 letters" in str(refused.value)


@pytest.mark.usefixtures("dutch_terminal")
def test_a_file_that_is_not_toml_names_line_and_column():
    with pytest.raises(UnreadableProjectFile) as refused:
        parse_project_file('[project]\ncode = "X"\ntitle = \n', "plan.toml")
    assert explain(refused.value) == "plan.toml, regel 3, kolom 9: dit is geen geldige TOML"


@pytest.mark.usefixtures("dutch_terminal")
def test_a_refused_edit_of_a_file_names_its_keys_in_dutch():
    with pytest.raises(InvalidProjectFile) as refused:
        validate_file({"project": {"code": "X Y", "title": "t", "organisation": "g"}})
    assert explain(refused.value) == "project.code: Gebruik 2 tot 40 letters, cijfers, - of _."


@pytest.mark.usefixtures("dutch_terminal")
def test_an_idea_file_names_line_and_column_in_dutch():
    error = InvalidIdeaFile([Problem(3, "text", "the text is empty")], more=2)
    assert explain(error).splitlines() == [
        "Regel 3, kolom text: de tekst is leeg",
        "… en nog 2 problemen.",
    ]


def test_an_english_terminal_reads_english(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("LANGUAGE", "")
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert explain(InvalidInput("password_too_short", limit=12)) == "Use at least 12 characters."
    assert explain(UnknownItem("round")) == "That round does not exist."
