"""The house rules: core knows no channel, web framework or scheduler; channels know no web;
the web knows no channel. Walks every import statement of every module."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

FORBIDDEN = {
    "core": {
        "bots",
        "web",
        "inspraak",
        "aiogram",
        "fastapi",
        "starlette",
        "jinja2",
        "apscheduler",
    },
    "bots": {"web", "inspraak"},
    "web": {"bots", "inspraak"},
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def violations(package: str) -> list[str]:
    problems = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for module in imported_modules(path):
            top = module.split(".")[0]
            if top in FORBIDDEN[package]:
                problems.append(f"{path.relative_to(ROOT)} imports {module}")
            if package == "bots" and top == "bots":
                own = path.relative_to(ROOT / "bots").parts[0]
                other = module.split(".")[1] if "." in module else ""
                if other and other != own:
                    problems.append(f"{path.relative_to(ROOT)} imports another channel {module}")
    return problems


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_keeps_to_the_import_rules(package: str):
    assert violations(package) == []


def test_the_rule_checker_catches_a_forbidden_import(tmp_path: Path, monkeypatch):
    fake_root = tmp_path
    (fake_root / "core").mkdir()
    (fake_root / "core" / "bad.py").write_text("from web.app import create_app\nimport aiogram\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", fake_root)
    assert sorted(violations("core")) == [
        "core/bad.py imports aiogram",
        "core/bad.py imports web.app",
    ]
