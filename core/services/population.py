"""Population figures of a project: set from the web area's table or a CBS file."""

from __future__ import annotations

from typing import Any

from core.domain import commands as c
from core.domain import model, policy
from core.domain.errors import UnknownProject
from core.domain.policy import NotAllowed, Permission
from core.domain.population import Figures, check
from core.i18n import N_
from core.services.projects import update_project
from core.storage.uow import UnitOfWork
from core.views.population import figures

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
            raise NotAllowed(N_("Unknown user."))
        user = found[0]
    policy.require(user, Permission.EDIT, project.organisation_id)
    figures = Figures(dict(cmd.figures.get("wijk", {})), dict(cmd.figures.get("age_band", {})))
    check(figures, project.settings.get("wijken") or {})
    source = cmd.source if cmd.source in SOURCES else "form"
    await uow.population.replace(project.id, figures, source, uow.clock())
    return figures


async def import_wijken(cmd: c.ImportWijken, uow: UnitOfWork) -> Figures:
    """Set the wijken table as any project edit (checked by the project file's rules), then
    the inhabitants per wijk: the file's, or the ones kept for wijken that stay."""
    wijken = {name: list(codes) for name, codes in cmd.wijken.items()}
    project = await update_project(c.UpdateProject(cmd.code, {"wijken": wijken}, cmd.user_id), uow)
    assert project.id is not None
    current = await figures(uow, project.id)
    kept = {name: n for name, n in current.wijk.items() if name in wijken}
    people = {name: n for name, n in cmd.people.items() if name in wijken} or kept
    found = Figures(people, dict(current.age_band))
    check(found, wijken)
    await uow.population.replace(project.id, found, "file" if cmd.people else "form", uow.clock())
    return found


POPULATION_HANDLERS: dict[type[c.Command], Any] = {
    c.SetPopulation: set_population,
    c.ImportWijken: import_wijken,
}
