"""Population figures of a project: set from the web area's table or a CBS file."""

from __future__ import annotations

from typing import Any

from core.domain import commands as c
from core.domain import model, policy
from core.domain.errors import UnknownProject
from core.domain.policy import NotAllowed, Permission
from core.domain.population import Figures, check
from core.storage.uow import UnitOfWork

SOURCES = ("form", "cbs")


async def set_population(cmd: c.SetPopulation, uow: UnitOfWork) -> Figures:
    """Replace the project's figures after checking them whole (nothing changes if one is bad)."""
    project = await uow.projects.by_code(model.Project.normalise_code(cmd.code))
    if project is None or project.id is None:
        raise UnknownProject(cmd.code)
    user = None
    if cmd.user_id is not None:
        found = await uow.accounts.by_id(cmd.user_id)
        if found is None:
            raise NotAllowed("unknown user")
        user = found[0]
    policy.require(user, Permission.EDIT, project.organisation_id)
    figures = Figures(dict(cmd.figures.get("wijk", {})), dict(cmd.figures.get("age_band", {})))
    check(figures, project.settings.get("wijken") or {})
    source = cmd.source if cmd.source in SOURCES else "form"
    await uow.population.replace(project.id, figures, source, uow.clock())
    return figures


POPULATION_HANDLERS: dict[type[c.Command], Any] = {c.SetPopulation: set_population}
