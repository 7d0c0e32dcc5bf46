"""Recording facilitators' and admins' actions in the audit log, in the action's transaction.

The message bus calls :func:`record` after every command's handler, before the commit: a
command that names a user (``user_id``) and is listed in ``ACTIONS`` leaves one entry, written
in the same transaction, so an action that is rolled back leaves none. Only ids, keys and
field names go into an entry, never what a resident wrote (see ``core.domain.audit``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from core.domain import commands as c
from core.domain import model
from core.domain.audit import AuditEntry
from core.storage.uow import UnitOfWork

Describe = Callable[[Any, UnitOfWork, Any], Awaitable[AuditEntry | None]]


async def record(command: c.Command, uow: UnitOfWork, result: Any) -> None:
    """Add the audit entry of ``command`` when it is a person's action worth recording."""
    describe = _DESCRIBE.get(type(command))
    user_id = getattr(command, "user_id", None)
    if describe is None or user_id is None:
        return
    entry = await describe(command, uow, result)
    if entry is None:
        return
    found = await uow.accounts.by_id(user_id)
    entry.user_id = user_id
    entry.actor = found[0].email if found else ""
    entry.created_at = uow.clock()
    await uow.audit.add(entry)


COMMAND_LINE = "command line"


async def note_command_line(
    uow: UnitOfWork, action: str, target: str, organisation_id: int | None = None, **detail: Any
) -> None:
    """Record an account change made with ``inspraak user ...`` (no user is signed in)."""
    entry = AuditEntry(action, None, COMMAND_LINE, organisation_id, None, target, detail)
    entry.created_at = uow.clock()
    await uow.audit.add(entry)


def _of_project(action: str, project: model.Project | None, **detail: Any) -> AuditEntry:
    if project is None:
        return AuditEntry(action, detail=detail)
    target = f"project:{project.code}"
    if detail.get("round"):
        target = f"round:{project.code}/{detail['round']}"
    return AuditEntry(action, None, "", project.organisation_id, project.id, target, detail)


def _project_result(action: str) -> Describe:
    """Projects and rounds edited through the project file's rules: the handler returns the
    project (an import: the project and notes)."""

    async def describe(cmd: Any, uow: UnitOfWork, result: Any) -> AuditEntry:
        project = result[0] if isinstance(result, tuple) else getattr(result, "project", result)
        detail: dict[str, Any] = {}
        if isinstance(cmd, c.EditRound) and hasattr(result, "changed"):
            detail["fields"] = list(result.changed)
            if result.corrected:
                detail["corrected_items"] = list(result.corrected)
        if isinstance(cmd, c.UpdateProject):
            detail["fields"] = sorted(str(k) for k in cmd.project)
        if isinstance(cmd, c.EditRound | c.DeleteRound):
            detail["round"] = cmd.key
        if isinstance(cmd, c.AddRound):
            detail["round"] = str(cmd.round.get("key", ""))
        return _of_project(action, project, **detail)

    return describe


def _round_action(action: str) -> Describe:
    """Opening, closing, publishing and broadcasts: the command names the round by id."""

    async def describe(cmd: Any, uow: UnitOfWork, result: Any) -> AuditEntry:
        rnd = await uow.projects.round(cmd.round_id)
        project = await uow.projects.get(rnd.project_id) if rnd is not None else None
        detail: dict[str, Any] = {"round_id": cmd.round_id, "round": rnd.key if rnd else ""}
        if isinstance(cmd, c.SendReminder):
            detail["number"] = cmd.number
        if isinstance(cmd, c.PromptRound | c.SendReminder) and isinstance(result, int):
            detail["queued"] = result
        if isinstance(cmd, c.UnpublishResults) and isinstance(result, int):
            detail["withdrawn"] = result
        if isinstance(cmd, c.ImportIdeas) and isinstance(result, dict):
            detail.update(added=result["added"], waiting=result["waiting"])
        if isinstance(cmd, c.ApplyShortlist) and isinstance(result, list):
            detail["items"] = len(result)
        return _of_project(action, project, **detail)

    return describe


def _moderation(action: str) -> Describe:
    """A moderation decision, by the contribution's number: no text, no reason."""

    async def describe(cmd: Any, uow: UnitOfWork, result: Any) -> AuditEntry:
        if isinstance(cmd, c.MergeIdeas):
            kind, number = "idea", cmd.idea_id
            detail: dict[str, Any] = {"idea_id": cmd.idea_id, "into_id": cmd.into_id}
        else:
            kind = "idea" if isinstance(cmd, c.TagIdea) else cmd.kind
            number = cmd.idea_id if isinstance(cmd, c.TagIdea) else cmd.contribution_id
            detail = {"kind": kind, "contribution_id": number}
        if isinstance(cmd, c.TagIdea):
            detail["themes"] = len(cmd.themes)
        row = await uow.moderation.contribution(kind, number)
        project = await uow.projects.get(row["project_id"]) if row else None
        entry = _of_project(action, project, **detail)
        entry.target = f"{kind}:{number}"
        return entry

    return describe


def _organise(action: str) -> Describe:
    """An action of the organise page: the round, and how many ideas by number."""

    async def describe(cmd: Any, uow: UnitOfWork, result: Any) -> AuditEntry:
        rnd = await uow.projects.round(cmd.round_id)
        project = await uow.projects.get(rnd.project_id) if rnd else None
        detail: dict[str, Any] = {"round": rnd.key if rnd else ""}
        if hasattr(cmd, "idea_ids"):
            detail["ideas"] = len(set(cmd.idea_ids))
        if isinstance(cmd, c.MergeCluster):
            detail["survivor_id"] = cmd.survivor_id
        if isinstance(cmd, c.RenameTheme | c.DeleteTheme):
            detail["theme_id"] = cmd.theme_id
        if isinstance(cmd, c.CreateTheme | c.AssignTheme):
            detail["theme_id"] = result
        if isinstance(cmd, c.UndoOrganise):
            detail.update(action_id=cmd.action_id, undone=result)
        action_name = "organise.untag" if isinstance(cmd, c.AssignTheme) and cmd.remove else action
        return _of_project(action_name, project, **detail)

    return describe


def _account(action: str) -> Describe:
    """A change to one's own account; a wrong current password or unknown token is no change."""

    async def describe(cmd: Any, uow: UnitOfWork, result: Any) -> AuditEntry | None:
        if isinstance(cmd, c.ChangePassword | c.RevokeApiToken) and not result:
            return None
        detail = {"token_id": cmd.token_id} if isinstance(cmd, c.RevokeApiToken) else {}
        found = await uow.accounts.by_id(cmd.user_id)
        organisation_id = found[0].organisation_id if found else None
        return AuditEntry(action, None, "", organisation_id, None, f"user:{cmd.user_id}", detail)

    return describe


def _managed(action: str) -> Describe:
    """An admin's change to someone's account: the handler returns the account."""

    async def describe(cmd: Any, uow: UnitOfWork, result: Any) -> AuditEntry:
        if isinstance(cmd, c.SetUserDisabled) and not cmd.disabled:
            action_name = "account.enable"
        else:
            action_name = action
        detail = {"email": result.email, "role": result.role.value}
        target = f"user:{result.id}"
        return AuditEntry(action_name, None, "", result.organisation_id, None, target, detail)

    return describe


def _organisation(action: str) -> Describe:
    async def describe(
        cmd: c.UpdatePrivacySettings | c.SetLogo, uow: UnitOfWork, result: Any
    ) -> AuditEntry:
        organisation = await uow.projects.organisation_by_slug(cmd.organisation)
        org_id = organisation.id if organisation else None
        return AuditEntry(action, None, "", org_id, None, f"organisation:{cmd.organisation}")

    return describe


async def _lifecycle(cmd: Any, uow: UnitOfWork, result: Any) -> AuditEntry | None:
    """A project deleted, closed, archived, copied or made from a template; a template saved
    or deleted. The project is the handler's result (a saved template: the command's)."""
    action = _LIFECYCLE[type(cmd)]
    if isinstance(cmd, c.ArchiveProject) and not cmd.archived:
        action = "project.unarchive"
    if isinstance(cmd, c.SaveTemplate):
        project = await uow.projects.by_code(model.Project.normalise_code(cmd.code))
        return _of_project(action, project, template_id=result)
    if isinstance(cmd, c.DeleteTemplate):
        org = result["organisation_id"]
        return AuditEntry(action, None, "", org, None, f"template:{cmd.template_id}")
    detail: dict[str, Any] = {}
    if isinstance(cmd, c.CopyProject):
        detail["from"] = model.Project.normalise_code(cmd.code)
    if isinstance(cmd, c.CreateFromTemplate):
        detail["template"] = cmd.template
    return _of_project(action, result, **detail)


_LIFECYCLE: dict[type[c.Command], str] = {
    c.DeleteProject: "project.delete",
    c.CloseProject: "project.close",
    c.ArchiveProject: "project.archive",
    c.CopyProject: "project.copy",
    c.CreateFromTemplate: "project.from_template",
    c.SaveTemplate: "template.save",
    c.DeleteTemplate: "template.delete",
}


async def _export(cmd: c.RecordExport, uow: UnitOfWork, result: Any) -> AuditEntry:
    project = await uow.projects.by_code(cmd.project_code) if cmd.project_code else None
    entry = _of_project("export", project, export=cmd.export, round=cmd.round_key)
    if project is None:
        entry.target = cmd.export
    return entry


async def _population(cmd: c.SetPopulation, uow: UnitOfWork, result: Any) -> AuditEntry:
    """Which groups got a figure and where from; the figures themselves are public data."""
    project = await uow.projects.by_code(model.Project.normalise_code(cmd.code))
    groups = {dimension: len(cmd.figures.get(dimension, {})) for dimension in ("wijk", "age_band")}
    return _of_project("population.update", project, source=cmd.source, groups=groups)


async def _wijken(cmd: c.ImportWijken, uow: UnitOfWork, result: Any) -> AuditEntry:
    """How many wijken and inhabitant figures a file gave (public data, no residents)."""
    project = await uow.projects.by_code(model.Project.normalise_code(cmd.code))
    return _of_project("wijken.import", project, wijken=len(cmd.wijken), figures=len(cmd.people))


_DESCRIBE: dict[type[c.Command], Describe] = {
    c.CreateProject: _project_result("project.create"),
    c.UpdateProject: _project_result("project.update"),
    c.ImportProject: _project_result("project.import"),
    c.AddRound: _project_result("round.add"),
    c.EditRound: _project_result("round.edit"),
    c.DeleteRound: _project_result("round.delete"),
    c.OpenRound: _round_action("round.open"),
    c.CloseRound: _round_action("round.close"),
    c.PublishResults: _round_action("round.publish"),
    c.UnpublishResults: _round_action("round.unpublish"),
    c.ApplyShortlist: _round_action("round.shortlist"),
    c.ImportIdeas: _round_action("ideas.import"),
    c.PromptRound: _round_action("broadcast.prompt"),
    c.SendReminder: _round_action("broadcast.reminder"),
    c.ApproveContribution: _moderation("moderation.approve"),
    c.RejectContribution: _moderation("moderation.reject"),
    c.CorrectContribution: _moderation("moderation.correct"),
    c.MergeIdeas: _moderation("moderation.merge"),
    c.TagIdea: _moderation("moderation.tag"),
    c.ApproveIdeas: _organise("organise.approve"),
    c.RejectIdeas: _organise("organise.reject"),
    c.MergeCluster: _organise("organise.merge"),
    c.AssignTheme: _organise("organise.tag"),
    c.CreateTheme: _organise("organise.theme_create"),
    c.RenameTheme: _organise("organise.theme_rename"),
    c.DeleteTheme: _organise("organise.theme_delete"),
    c.UndoOrganise: _organise("organise.undo"),
    c.ChangePassword: _account("account.password"),
    c.InviteUser: _managed("account.invite"),
    c.ResendInvitation: _managed("account.invite"),
    c.UpdateUser: _managed("account.update"),
    c.SetUserDisabled: _managed("account.disable"),
    c.RemoveUser: _managed("account.remove"),
    c.IssueApiToken: _account("account.token_issue"),
    c.RevokeApiToken: _account("account.token_revoke"),
    c.UpdatePrivacySettings: _organisation("organisation.privacy"),
    c.SetLogo: _organisation("organisation.logo"),
    c.RecordExport: _export,  # type: ignore[dict-item]
    c.SetPopulation: _population,  # type: ignore[dict-item]
    c.ImportWijken: _wijken,  # type: ignore[dict-item]
    **dict.fromkeys(_LIFECYCLE, _lifecycle),
}

AUDITED = frozenset(_DESCRIBE)
