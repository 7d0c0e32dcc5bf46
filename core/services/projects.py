"""Editing projects and rounds: one handler per command, for the web, the API, files and CLI.

Every edit builds the project file it would leave behind, checks it whole by the project
file's rules (``InvalidProjectFile`` when one is broken: the unit of work is not committed, so
nothing changes) and writes it; the authorisation policy decides who may edit which project.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from core.domain import commands as c
from core.domain import model, policy
from core.domain.accounts import User
from core.domain.errors import InvalidInput, UnknownItem, UnknownProject
from core.domain.events import ProjectScheduleChanged
from core.domain.policy import NotAllowed, Permission
from core.domain.texts import base, translations_of
from core.i18n import N_, Said
from core.services.project_spec import (
    SETTINGS_KEYS,
    InvalidProjectFile,
    ProjectFile,
    ProjectSpec,
    RoundSpec,
    file_data,
    merge_project,
    round_texts,
    validate_file,
)
from core.services.round_guards import refuse_answered_changes, refuse_kind_change
from core.services.shortlist import apply_on_opening
from core.storage.uow import UnitOfWork

CODE_TAKEN = {"loc": ("project", "code"), "type": "code_taken", "msg": "code in use", "ctx": {}}


async def create_project(cmd: c.CreateProject, uow: UnitOfWork) -> model.Project:
    """Create a project without rounds in an organisation the user may edit."""
    data = {"project": dict(cmd.project), "rounds": []}
    code = model.Project.normalise_code(str(cmd.project.get("code", "")))
    if await uow.projects.by_code(code) is not None:
        raise InvalidProjectFile([CODE_TAKEN], data)
    spec = validate_file(data)
    await _require_organisation(uow, await _user(uow, cmd.user_id), spec.project)
    project, _ = await apply_file(uow, spec)
    return project


async def update_project(cmd: c.UpdateProject, uow: UnitOfWork) -> model.Project:
    """Change a project's fields; its rounds and its code stay."""
    user = await _user(uow, cmd.user_id)
    project = await _editable(uow, cmd.code, user)
    data = await file_data(uow, project)
    data["project"] = {**merge_project(data["project"], cmd.project), "code": project.code}
    spec = validate_file(data)
    await _require_organisation(uow, user, spec.project)
    project, _ = await apply_file(uow, spec)
    return project


async def add_round(cmd: c.AddRound, uow: UnitOfWork) -> model.Project:
    """Add a round after the project's last one."""
    project = await _editable(uow, cmd.code, await _user(uow, cmd.user_id))
    data = await file_data(uow, project)
    data["rounds"].append(dict(cmd.round))
    project, _ = await apply_file(uow, validate_file(data, len(data["rounds"]) - 1))
    return project


@dataclass(frozen=True)
class RoundEdited:
    """What an edit of a round changed, for the audit log: field names and corrected items."""

    project: model.Project
    changed: tuple[str, ...]
    corrected: tuple[int, ...]


async def edit_round(cmd: c.EditRound, uow: UnitOfWork) -> RoundEdited:
    """Replace a round's fields; its key stays. A round with answers keeps its kind, scale
    and criteria; its question, items and times may be corrected."""
    project = await _editable(uow, cmd.code, await _user(uow, cmd.user_id))
    data = await file_data(uow, project)
    index = _index(data, cmd.key)
    before = dict(data["rounds"][index])
    texts = await _item_texts(uow, project, cmd.key)
    data["rounds"][index] = {**cmd.round, "key": cmd.key}
    await refuse_kind_change(uow, project, data, index)
    project, _ = await apply_file(uow, validate_file(data, index), data, index)
    after = (await file_data(uow, project))["rounds"][index]
    changed = sorted(k for k in {*before, *after} if before.get(k) != after.get(k))
    now = await _item_texts(uow, project, cmd.key)
    corrected = sorted(i for i, text in texts.items() if i in now and now[i] != text)
    return RoundEdited(project, tuple(changed), tuple(corrected))


async def _item_texts(uow: UnitOfWork, project: model.Project, key: str) -> dict[int, str]:
    rnd = next(r for r in await uow.projects.rounds(project.id or 0) if r.key == key)
    return {i.id or 0: i.text for i in await uow.projects.items(rnd.id or 0)}


async def delete_round(cmd: c.DeleteRound, uow: UnitOfWork) -> model.Project:
    """Remove a round that never opened and that no other round draws its items from."""
    project = await _editable(uow, cmd.code, await _user(uow, cmd.user_id))
    data = await file_data(uow, project)
    index = _index(data, cmd.key)
    rnd = next(r for r in await uow.projects.rounds(project.id or 0) if r.key == cmd.key)
    if rnd.state not in (model.RoundState.DRAFT, model.RoundState.SCHEDULED):
        raise InvalidInput("round_started")
    del data["rounds"][index]
    spec = validate_file(data)
    await uow.projects.delete_round(rnd.id or 0)
    project, _ = await apply_file(uow, spec)
    return project


async def import_file(cmd: c.ImportProject, uow: UnitOfWork) -> tuple[model.Project, list[Said]]:
    """Create or update a project and its rounds from a project file; return notes for the user."""
    spec = validate_file(cmd.file)
    user = await _user(uow, cmd.user_id)
    existing = await uow.projects.by_code(model.Project.normalise_code(spec.project.code))
    await _require_organisation(uow, user, spec.project)
    if existing is not None:
        policy.require(user, Permission.EDIT, existing.organisation_id)
    return await apply_file(uow, spec, cmd.file)


PROJECT_HANDLERS: dict[type[c.Command], Any] = {
    c.CreateProject: create_project,
    c.UpdateProject: update_project,
    c.AddRound: add_round,
    c.EditRound: edit_round,
    c.DeleteRound: delete_round,
    c.ImportProject: import_file,
}


async def _user(uow: UnitOfWork, user_id: int | None) -> User | None:
    if user_id is None:
        return None
    found = await uow.accounts.by_id(user_id)
    if found is None:
        raise NotAllowed(N_("Unknown user."))
    return found[0]


async def _editable(uow: UnitOfWork, code: str, user: User | None) -> model.Project:
    project = await uow.projects.by_code(model.Project.normalise_code(code))
    if project is None:
        raise UnknownProject(code)
    policy.require(user, Permission.EDIT, project.organisation_id)
    return project


async def _require_organisation(uow: UnitOfWork, user: User | None, spec: ProjectSpec) -> None:
    """Refuse a project in an organisation whose projects this user may not edit."""
    if not policy.chooses_organisation(user):
        organisation_id = await uow.projects.organisation(spec.organisation)
        policy.require(user, Permission.EDIT, organisation_id)


def _index(data: Mapping[str, Any], key: str) -> int:
    found = next((i for i, r in enumerate(data["rounds"]) if r["key"] == key), None)
    if found is None:
        raise UnknownItem("round")
    return found


async def apply_file(
    uow: UnitOfWork,
    spec: ProjectFile,
    data: Mapping[str, Any] | None = None,
    round_index: int | None = None,
) -> tuple[model.Project, list[Said]]:
    """Write a checked project file: the project, then its rounds in the file's order.

    A round with answers keeps its kind, scale and criteria (``InvalidProjectFile`` before
    anything is written). Rounds the file lacks are kept (with a note); the scheduler hears
    that the times changed.
    """
    before = await uow.projects.by_code(model.Project.normalise_code(spec.project.code))
    await refuse_answered_changes(uow, before, spec, data, round_index)
    project, notes = await _save_project(uow, spec.project)
    assert project.id is not None
    if spec.project.wijken:  # residents who gave a postcode before its wijk was listed
        await uow.residents.place_in_wijken(project.id, spec.project.wijken)
    existing = {r.key: r for r in await uow.projects.rounds(project.id)}
    for position, rs in enumerate(spec.rounds):
        notes += await _save_round(uow, project, existing.pop(rs.key, None), rs, position)
    for key in existing:
        notes.append(
            Said(
                N_(
                    "round {key} is no longer in the file; it was kept (remove it in the web area)"
                ),
                {"key": key},
            )
        )
    uow.emit(ProjectScheduleChanged(project.id))
    return project, notes


async def _save_project(uow: UnitOfWork, p: ProjectSpec) -> tuple[model.Project, list[Said]]:
    org_id = await uow.projects.organisation(p.organisation, p.organisation_name)
    code = model.Project.normalise_code(p.code)
    settings = {key: getattr(p, key) for key in SETTINGS_KEYS}
    settings["quiet_hours"] = list(p.quiet_hours)
    intro = base(p.intro)
    settings["texts"] = {"intro": translations_of(p.intro)} if translations_of(p.intro) else {}
    project = await uow.projects.by_code(code)
    if project is None:
        project = model.Project(
            code=code,
            title=p.title,
            organisation_id=org_id,
            intro=intro,
            language=p.language,
            status=model.ProjectStatus(p.status),
            settings=settings,
            created_at=uow.clock(),
            retention_days=p.retention_days,
        )
        _set_status(project, model.ProjectStatus(p.status), uow.clock())
        await uow.projects.add(project)
        return project, [Said(N_("created project {code}"), {"code": code})]
    project.title, project.intro, project.language = p.title, intro, p.language
    project.organisation_id = org_id
    _set_status(project, model.ProjectStatus(p.status), uow.clock())
    project.retention_days = p.retention_days
    project.settings = {**project.settings, **settings}
    await uow.projects.update(project)
    return project, [Said(N_("updated project {code}"), {"code": code})]


def _set_status(project: model.Project, status: model.ProjectStatus, now: datetime) -> None:
    """Change the status; closing starts the retention period, reopening stops it."""
    closed = model.ProjectStatus.CLOSED
    if status == closed and (project.status != closed or project.closed_at is None):
        project.closed_at = now
    elif status != closed:
        project.closed_at = None
        project.settings = {k: v for k, v in project.settings.items() if k != "archived"}
    project.status = status


async def _save_round(
    uow: UnitOfWork,
    project: model.Project,
    rnd: model.Round | None,
    rs: RoundSpec,
    position: int,
) -> list[Said]:
    """Write one round of the file; returns notes (items corrected in place)."""
    now = uow.clock()
    scale = rs.scale or ((1, 10) if rs.kind == "feedback" else (1, 5))
    values: dict[str, Any] = {
        "kind": model.RoundKind(rs.kind),
        "position": position,
        "question": base(rs.question),
        "items_from": rs.items_from,
        "scale_min": scale[0],
        "scale_max": scale[1],
        "criteria": [base(c) for c in rs.criteria],
        "max_per_resident": rs.max_per_resident,
        "opens_at": rs.opens_at.astimezone(UTC) if rs.opens_at else None,
        "closes_at": rs.closes_at.astimezone(UTC) if rs.closes_at else None,
        "reminders": list(rs.reminders),
        "settings": _round_settings(rnd, rs),
    }
    if rnd is None:
        rnd = model.Round(project_id=project.id or 0, key=rs.key, **values)
        rnd.state = _initial_state(rs, now)
        await uow.projects.add_round(rnd)
    else:
        for key, value in values.items():
            setattr(rnd, key, value)
        if rs.state is not None:
            rnd.state = model.RoundState(rs.state)
        elif rnd.state in (model.RoundState.DRAFT, model.RoundState.SCHEDULED):
            rnd.state = _initial_state(rs, now)
        await uow.projects.update_round(rnd)
    assert rnd.id is not None
    texts = rs.items if rs.kind == "rating" else rs.statements
    notes = (
        await _sync_items(uow, rnd, [base(text) for text in texts]) if texts is not None else []
    )
    if rnd.state == model.RoundState.OPEN:  # opened by the file: its shortlist is fixed now
        await apply_on_opening(uow, rnd)
    return notes


def _round_settings(rnd: model.Round | None, rs: RoundSpec) -> dict[str, Any]:
    """The round's settings with the file's switches; a shortlist choice the file leaves out
    (the round form has none) stays as the facilitator made it."""
    settings = {**(rnd.settings if rnd else {}), "live_results": rs.live_results}
    settings["texts"] = round_texts(rs)  # the file's translations replace the ones before
    if rs.shortlist is not None:
        before = settings.get("shortlist") or {}
        settings["shortlist"] = {
            "themes": list(rs.shortlist.themes),
            "top": rs.shortlist.top,
            "applied_at": before.get("applied_at"),
        }
    return settings


def _initial_state(spec: RoundSpec, now: datetime) -> model.RoundState:
    if spec.state is not None:
        return model.RoundState(spec.state)
    if spec.closes_at is not None and spec.closes_at <= now:
        return model.RoundState.CLOSED
    if spec.opens_at is not None:
        return model.RoundState.SCHEDULED
    return model.RoundState.DRAFT


async def _sync_items(uow: UnitOfWork, rnd: model.Round, texts: list[str]) -> list[Said]:
    """Make the round's fixed items match the file; removed ones are hidden, answers kept.

    Once residents answered the round, a text changed in place (the list keeps its length and
    that line differs) is a correction of that item: it keeps its number and its answers (to
    replace an item, remove its line and add the new one). Returns notes naming corrections.
    """
    round_id = rnd.id or 0
    stored = await uow.projects.items(round_id, active_only=False)
    current = {i.text: i for i in stored}
    shown = sorted((i for i in stored if i.active and i.idea_id is None), key=_position)
    corrections: dict[int, model.Item] = {}
    if len(shown) == len(texts) and await uow.contributions.respondents(round_id):
        corrections = _corrections(shown, texts)
    notes = []
    for position, text in enumerate(texts):
        item = current.pop(text, None)
        if item is None and position in corrections:
            item = corrections[position]
            current.pop(item.text, None)
            await uow.projects.set_item_active(item.id or 0, True, text=text)
            notes.append(
                Said(N_("item {id} of round {key} corrected"), {"id": item.id, "key": rnd.key})
            )
        elif item is None:
            await uow.projects.add_item(model.Item(round_id, text, position))
        elif not item.active or item.position != position:
            await uow.projects.set_item_active(item.id or 0, True)
    for item in current.values():
        if item.idea_id is None and item.active:
            await uow.projects.set_item_active(item.id or 0, False)
    return notes


def _position(item: model.Item) -> int:
    return item.position


def _corrections(shown: list[model.Item], texts: list[str]) -> dict[int, model.Item]:
    """Positions whose text changed in place, with the item found there before."""
    before = {item.text for item in shown}
    after = set(texts)
    return {
        position: item
        for position, (item, text) in enumerate(zip(shown, texts, strict=True))
        if item.text != text and item.text not in after and text not in before
    }
