"""A project's whole life: delete, close, archive, copy, and templates (one handler each).

Deleting is only for what has not started: a project no resident joined and none of whose
rounds opened. Everything else is closed and archived; personal data then goes after the
retention period (``core.services.erasure``). A copy and a project from a template are drafts
with draft rounds and no answers, checked by the project file's rules like any other edit.
"""

from __future__ import annotations

from typing import Any

from core.domain import commands as c
from core.domain import model, policy
from core.domain.errors import InvalidInput, UnknownItem
from core.domain.events import ProjectScheduleChanged, RoundClosed
from core.domain.policy import Permission
from core.services import templates
from core.services.project_spec import InvalidProjectFile, file_data, validate_file
from core.services.projects import CODE_TAKEN, _editable, _require_organisation, _user, apply_file
from core.storage.uow import UnitOfWork

NOT_STARTED = (model.RoundState.DRAFT, model.RoundState.SCHEDULED)


async def delete_project(cmd: c.DeleteProject, uow: UnitOfWork) -> model.Project:
    """Remove a project that has not started; refuse one that residents joined or that ran."""
    project = await _editable(uow, cmd.code, await _user(uow, cmd.user_id))
    assert project.id is not None
    if await uow.projects.has_residents(project.id):
        raise InvalidInput("project_has_residents")
    if any(r.state not in NOT_STARTED for r in await uow.projects.rounds(project.id)):
        raise InvalidInput("project_started")
    await uow.projects.delete(project.id)
    uow.emit(ProjectScheduleChanged(project.id))
    return project


async def close_project(cmd: c.CloseProject, uow: UnitOfWork) -> model.Project:
    """Close the project: open rounds close now, planned rounds become drafts (they will not
    open), and the retention period starts."""
    user = await _user(uow, cmd.user_id)
    project = await _editable(uow, cmd.code, user)
    policy.require(user, Permission.PUBLISH, project.organisation_id)
    assert project.id is not None
    now = uow.clock()
    for rnd in await uow.projects.rounds(project.id):
        if rnd.state == model.RoundState.OPEN:
            rnd.close(now)
            await uow.projects.update_round(rnd)
            uow.emit(RoundClosed(rnd.id or 0))
        elif rnd.state == model.RoundState.SCHEDULED:
            rnd.state = model.RoundState.DRAFT
            await uow.projects.update_round(rnd)
    if project.status != model.ProjectStatus.CLOSED or project.closed_at is None:
        project.status, project.closed_at = model.ProjectStatus.CLOSED, now
        await uow.projects.update(project)
    uow.emit(ProjectScheduleChanged(project.id))
    return project


async def archive_project(cmd: c.ArchiveProject, uow: UnitOfWork) -> model.Project:
    """Put a closed project in the archive, or take it out; only a closed one can go in."""
    project = await _editable(uow, cmd.code, await _user(uow, cmd.user_id))
    if cmd.archived and project.status != model.ProjectStatus.CLOSED:
        raise InvalidInput("project_not_closed")
    settings = {k: v for k, v in project.settings.items() if k != "archived"}
    if cmd.archived:
        settings["archived"] = True
    project.settings = settings
    await uow.projects.update(project)
    return project


async def copy_project(cmd: c.CopyProject, uow: UnitOfWork) -> model.Project:
    """A new draft project with the rounds, texts and settings of another; no answers."""
    user = await _user(uow, cmd.user_id)
    source = await _editable(uow, cmd.code, user)
    data = await file_data(uow, source)
    fields = {"code": cmd.new_code, "title": cmd.title or data["project"]["title"]}
    fields["organisation"] = data["project"]["organisation"]
    return await _create(uow, user, templates.new_project_data(data, fields))


async def create_from_template(cmd: c.CreateFromTemplate, uow: UnitOfWork) -> model.Project:
    """A new draft project from a shipped template or one of the organisation's own."""
    user = await _user(uow, cmd.user_id)
    template = await _template_data(uow, user, cmd.template)
    return await _create(uow, user, templates.new_project_data(template, cmd.project))


async def save_template(cmd: c.SaveTemplate, uow: UnitOfWork) -> int:
    """Keep a project's rounds, texts and settings as a template of its organisation."""
    user = await _user(uow, cmd.user_id)
    project = await _editable(uow, cmd.code, user)
    name = model.normalise_newlines(cmd.name).strip()
    if not name or len(name) > model.MAX_TITLE_LENGTH:
        raise InvalidInput("template_name")
    data = templates.strip(await file_data(uow, project))
    by = user.email if user else ""  # the command line names no one
    return await uow.templates.add(
        project.organisation_id, name, cmd.description.strip(), data, by, uow.clock()
    )


async def delete_template(cmd: c.DeleteTemplate, uow: UnitOfWork) -> dict[str, Any]:
    """Remove one of an organisation's own templates."""
    found = await uow.templates.get(cmd.template_id)
    if found is None:
        raise UnknownItem("template")
    policy.require(await _user(uow, cmd.user_id), Permission.EDIT, found["organisation_id"])
    await uow.templates.delete(cmd.template_id)
    return found


async def _template_data(uow: UnitOfWork, user: Any, name: str) -> dict[str, Any]:
    if name.startswith(templates.OWN_PREFIX):
        number = name.removeprefix(templates.OWN_PREFIX)
        found = await uow.templates.get(int(number)) if number.isdigit() else None
        if found is None:
            raise UnknownItem("template")
        policy.require(user, Permission.READ, found["organisation_id"])
        return dict(found["data"])
    shipped = templates.shipped(name)
    if shipped is None:
        raise UnknownItem("template")
    return shipped.data()


async def _create(uow: UnitOfWork, user: Any, data: dict[str, Any]) -> model.Project:
    code = model.Project.normalise_code(str(data["project"].get("code", "")))
    if code and await uow.projects.by_code(code) is not None:
        raise InvalidProjectFile([CODE_TAKEN], data)
    spec = validate_file(data)
    await _require_organisation(uow, user, spec.project)
    project, _ = await apply_file(uow, spec)
    return project


LIFECYCLE_HANDLERS: dict[type[c.Command], Any] = {
    c.DeleteProject: delete_project,
    c.CloseProject: close_project,
    c.ArchiveProject: archive_project,
    c.CopyProject: copy_project,
    c.CreateFromTemplate: create_from_template,
    c.SaveTemplate: save_template,
    c.DeleteTemplate: delete_template,
}
