"""Project templates: the ones shipped with inspraak (TOML files in ``core/templates``) and an
organisation's own (a project saved as a template, in ``project_templates``).

A template is a project file's data without what belongs to one project only: no code, no
organisation, no status, and rounds without state or times. Reminders stay, as durations after
opening. A project made from it is a draft in which every round is a draft.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.i18n import N_

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"
OWN_PREFIX = "own:"


@dataclass(frozen=True)
class ShippedTemplate:
    """A template that comes with inspraak: its file name, a name and a description (msgids)."""

    slug: str
    name: str
    description: str

    def data(self) -> dict[str, Any]:
        """The template's project file data (without code and organisation)."""
        with (TEMPLATE_DIR / f"{self.slug}.toml").open("rb") as handle:
            return strip(tomllib.load(handle))


SHIPPED = (
    ShippedTemplate(
        "omgevingsvisie",
        N_("Omgevingsvisie"),
        N_(
            "Four rounds towards a vision for 2040: collect ideas, score the most supported on "
            "importance and feasibility, weigh choices with statements, mark the concept vision."
        ),
    ),
    ShippedTemplate(
        "armoedebeleid",
        N_("Poverty policy"),
        N_(
            "What makes it hard to make ends meet and what helps: bottlenecks, seven measures "
            "to score, statements and a mark for the concept policy. Contributions are read "
            "before they are used."
        ),
    ),
    ShippedTemplate(
        "energiewijk",
        N_("Energy transition in a neighbourhood"),
        N_(
            "A neighbourhood leaving natural gas: concerns and wishes, five heating options "
            "scored on affordability, comfort and trust, statements and a mark for the plan."
        ),
    ),
)


def shipped(slug: str) -> ShippedTemplate | None:
    return next((t for t in SHIPPED if t.slug == slug), None)


PROJECT_ONLY = ("code", "organisation", "organisation_name", "status")
ROUND_ONLY = ("state", "opens_at", "closes_at")


def strip(data: Mapping[str, Any]) -> dict[str, Any]:
    """A project file's data without what belongs to one project: code, organisation, status,
    the rounds' states and times."""
    project = {k: v for k, v in dict(data.get("project", {})).items() if k not in PROJECT_ONLY}
    rounds = [
        {k: v for k, v in dict(r).items() if k not in ROUND_ONLY} for r in data.get("rounds", [])
    ]
    return {"project": project, "rounds": rounds}


def new_project_data(template: Mapping[str, Any], project: Mapping[str, Any]) -> dict[str, Any]:
    """A draft project's file data from a template's and the new project's fields; an empty
    title keeps the template's."""
    base = strip(template)
    given = {k: v for k, v in project.items() if not (k == "title" and not v)}
    base["project"] = {**base["project"], **given, "status": "draft"}
    return base
