"""Projects and their rounds, from the web area, the API, project files and the command
line: make and change them, their whole life (close, archive, copy, templates), their
population and wijken, and which bot serves them.

A project's fields and a round's fields come as a project file's tables (``[project]``,
``[[rounds]]``), as given: the handler checks them by the project file's rules, in the
context of the whole project, and changes nothing when one is broken. ``user_id`` names who
asks, for the authorisation policy; ``None`` is the system itself (the command line).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from core.domain.commands.base import Command


@dataclass(frozen=True)
class BindProject(Command):
    """Make a project belong to a bot (``bot_id=None``: the default bot)."""

    project_code: str
    bot_id: int | None


@dataclass(frozen=True)
class CreateProject(Command):
    project: Mapping[str, Any]
    user_id: int | None = None


@dataclass(frozen=True)
class UpdateProject(Command):
    """Change a project's fields; fields not given keep their value, the code stays."""

    code: str
    project: Mapping[str, Any]
    user_id: int | None = None


@dataclass(frozen=True)
class AddRound(Command):
    code: str
    round: Mapping[str, Any]
    user_id: int | None = None


@dataclass(frozen=True)
class EditRound(Command):
    """Replace a round's fields (its key stays)."""

    code: str
    key: str
    round: Mapping[str, Any]
    user_id: int | None = None


@dataclass(frozen=True)
class DeleteRound(Command):
    """Remove a round that has not opened yet (and that no other round draws items from)."""

    code: str
    key: str
    user_id: int | None = None


@dataclass(frozen=True)
class ImportProject(Command):
    """Create or update a project and its rounds from a whole project file's data."""

    file: Mapping[str, Any]
    user_id: int | None = None


@dataclass(frozen=True)
class DeleteProject(Command):
    """Remove a project no resident has joined and none of whose rounds has opened."""

    code: str
    user_id: int | None = None


@dataclass(frozen=True)
class CloseProject(Command):
    """Close a project: open rounds close, planned rounds stop, the retention period starts."""

    code: str
    user_id: int | None = None


@dataclass(frozen=True)
class ArchiveProject(Command):
    """Put a closed project in the archive (``archived``) or take it out again."""

    code: str
    archived: bool = True
    user_id: int | None = None


@dataclass(frozen=True)
class CopyProject(Command):
    """A new draft project with the rounds, texts and settings of ``code``; no answers."""

    code: str
    new_code: str
    title: str = ""
    user_id: int | None = None


@dataclass(frozen=True)
class SaveTemplate(Command):
    """Keep a project's rounds, texts and settings as a template of its organisation."""

    code: str
    name: str
    description: str = ""
    user_id: int | None = None


@dataclass(frozen=True)
class DeleteTemplate(Command):
    """Remove one of an organisation's own templates."""

    template_id: int
    user_id: int | None = None


@dataclass(frozen=True)
class CreateFromTemplate(Command):
    """A new draft project from a template: ``template`` is a shipped template's name or
    ``own:<id>``; ``project`` holds at least ``code`` and ``organisation``, maybe ``title``."""

    template: str
    project: Mapping[str, Any]
    user_id: int | None = None


@dataclass(frozen=True)
class SetPopulation(Command):
    """Replace a project's population figures: people per wijk and per age band.

    ``figures`` maps "wijk" and "age_band" to {group: people}; ``source`` is "form" or "cbs".
    """

    code: str
    figures: Mapping[str, Mapping[str, int]]
    source: str = "form"
    user_id: int | None = None


@dataclass(frozen=True)
class ImportWijken(Command):
    """Replace a project's wijken (name -> 4-digit postcodes) from a file, and with them the
    inhabitants per wijk when the file gives them (the age bands' figures stay)."""

    code: str
    wijken: Mapping[str, Sequence[str]]
    people: Mapping[str, int]
    user_id: int | None = None
