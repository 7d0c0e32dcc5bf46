"""Core names no channel except as data: no branch of core tests a channel's name.

Channel behaviour (WhatsApp's window and templates, Telegram's bots) lives in bots/ behind the
ports of core/channels.py and core/outbox/ports.py.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
CHANNEL_NAMES = {"telegram", "whatsapp"}


def _names_a_channel(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and node.value.lower() in CHANNEL_NAMES
    if isinstance(node, ast.Set | ast.Tuple | ast.List):
        return any(_names_a_channel(element) for element in node.elts)
    return False


def channel_branches(root: Path) -> list[str]:
    """Every comparison in ``root/core`` against a channel's name, as ``path:line``."""
    found = []
    for path in sorted((root / "core").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Compare) and any(
                _names_a_channel(side) for side in (node.left, *node.comparators)
            ):
                found.append(f"{path.relative_to(root)}:{node.lineno}")
    return found


def test_core_never_branches_on_a_channel_name():
    assert channel_branches(ROOT) == []


def test_the_checker_catches_a_branch_on_a_channel_name(tmp_path: Path):
    (tmp_path / "core").mkdir()
    (tmp_path / "core" / "bad.py").write_text(
        'def f(channel):\n    if channel == "whatsapp":\n        return 1\n'
        '    return channel in {"web", "Telegram"}\n'
    )
    assert channel_branches(tmp_path) == ["core/bad.py:2", "core/bad.py:4"]
