"""Project files (TOML): parse with line numbers, import and export.

The rules live in ``core.services.project_spec``; an import is the ``ImportProject`` command,
checked whole before anything is written and run in one transaction, so a bad file changes
nothing.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from core.domain import commands as c
from core.domain import model
from core.domain.errors import ProjectFileError
from core.i18n import N_, Said, gettext_for
from core.services.project_problems import key_of, problem_message
from core.services.project_spec import ProjectFile, file_data
from core.services.projects import import_file
from core.storage.uow import UnitOfWork


@dataclass(frozen=True)
class FileProblem:
    """One problem of a project file, where it is: a line (when it can be found), a key, and
    pydantic's error item (``None`` for a file that is not TOML at all)."""

    line: int | None
    key: str = ""
    item: Mapping[str, Any] | None = None
    column: int | None = None


class UnreadableProjectFile(ProjectFileError):
    """A project file that is not TOML or breaks a rule; ``describe`` says so in a language
    (``str`` is English, for logs)."""

    def __init__(self, name: str, problems: list[FileProblem]) -> None:
        self.name = name
        self.problems = problems
        super().__init__("\n".join(self.lines("en")))

    def lines(self, language: str) -> list[str]:
        """Each problem as a sentence in ``language``, naming the file, line and key."""
        _ = gettext_for(language).gettext
        said = []
        for problem in self.problems:
            values: dict[str, Any] = {"file": self.name, "line": problem.line, "key": problem.key}
            if problem.item is None:
                values["column"] = problem.column
                msgid = (
                    N_("{file}, line {line}, column {column}: this is not valid TOML")
                    if problem.line
                    else N_("{file}: this is not valid TOML")
                )
            else:
                values["problem"] = problem_message(problem.item, language)
                msgid = (
                    N_("{file}, line {line}, key {key}: {problem}")
                    if problem.line
                    else N_("{file}, key {key}: {problem}")
                )
            said.append(_(msgid).format(**values))
        return said

    def describe(self, language: str) -> str:
        return "\n".join(self.lines(language))


# tomllib (Python 3.11) keeps the position only in its message: "... (at line 3, column 8)"
_TOML_AT = re.compile(r"\(at line (\d+), column (\d+)\)$")


def parse_project_file(text: str, name: str = "project file") -> ProjectFile:
    """Parse and validate a project file; errors name the key and its line."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        at = _TOML_AT.search(str(error))
        line, column = (int(at.group(1)), int(at.group(2))) if at else (None, None)
        raise UnreadableProjectFile(name, [FileProblem(line, column=column)]) from error
    try:
        return ProjectFile.model_validate(data)
    except ValidationError as error:
        problems = sorted(
            (
                FileProblem(_line_of(text, item["loc"]), key_of(item["loc"]) or "(top)", item)
                for item in error.errors()
            ),
            key=lambda problem: problem.line or 0,  # in the order they are in the file
        )
        raise UnreadableProjectFile(name, problems) from error


def _line_of(text: str, loc: tuple[Any, ...]) -> int | None:
    """Find the line of a validation error's location in the TOML text (best effort).

    tomllib keeps no positions, so this walks the text: the table header for the section
    (``[project]`` or the n-th ``[[rounds]]``), then the first line that assigns the key.
    """
    lines = text.splitlines()
    if not loc:
        return None
    section = str(loc[0])
    start, end = 0, len(lines)
    if section == "rounds" and len(loc) > 1 and isinstance(loc[1], int):
        headers = [i for i, line in enumerate(lines) if line.strip() == "[[rounds]]"]
        if loc[1] < len(headers):
            start = headers[loc[1]]
            later = [
                i for i, line in enumerate(lines) if i > start and line.lstrip().startswith("[")
            ]
            end = later[0] if later else len(lines)
        key_index = 2
    else:
        header = next((i for i, line in enumerate(lines) if line.strip() == f"[{section}]"), None)
        if header is None:
            return None
        start = header
        later = [i for i, line in enumerate(lines) if i > start and line.lstrip().startswith("[")]
        end = later[0] if later else len(lines)
        key_index = 1
    if len(loc) > key_index:
        key = str(loc[key_index])
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for i in range(start, end):
            if pattern.match(lines[i]):
                return i + 1
    return start + 1


async def import_project(
    uow: UnitOfWork, spec: ProjectFile, user_id: int | None = None
) -> tuple[model.Project, list[Said]]:
    """Create or update the project and its rounds in the caller's unit of work (which commits);
    return it with notes for the user. ``user_id``: whose rights to check (``None``: any)."""
    return await import_file(c.ImportProject(spec.model_dump(), user_id), uow)


async def export_project(uow: UnitOfWork, code: str) -> str:
    """Write a project back as a TOML project file (the web area offers it for download)."""
    project = await uow.projects.by_code(code)
    if project is None or project.id is None:
        raise ProjectFileError(f"no project {code}")
    data = await file_data(uow, project)
    out = ["[project]"] + [f"{k} = {toml_value(v)}" for k, v in data["project"].items()]
    for rnd in data["rounds"]:
        out += ["", "[[rounds]]"] + [f"{k} = {toml_value(v)}" for k, v in rnd.items()]
    return "\n".join(out) + "\n"


# TOML basic strings: these must be escaped; every other control character as \uXXXX.
_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def _escape(ch: str) -> str:
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    if ch < " " or "\x7f" <= ch <= "\x9f":
        return f"\\u{ord(ch):04X}"
    return ch


def _q(text: str) -> str:
    return '"' + "".join(_escape(ch) for ch in text) + '"'


def toml_value(value: Any) -> str:
    """``value`` written as a TOML value (strings with every control character escaped)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return _q(value)
    if isinstance(value, datetime):
        return _q(value.isoformat())
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        pairs = ", ".join(f"{_q(str(k))} = {toml_value(v)}" for k, v in value.items())
        return "{ " + pairs + " }" if pairs else "{}"
    raise TypeError(type(value))
