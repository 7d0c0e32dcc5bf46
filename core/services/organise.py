"""The organise page's actions on an ideas round: bulk decisions, merging a cluster into one
idea with the facilitator's wording, themes as objects, and undo of the last action.

Every action reuses the moderation handlers per idea (so the moderation log, the rating items
and the ratings change exactly as a single decision would) and stores, in ``organise_actions``,
a snapshot of what it changed; :func:`undo` puts that back. Only the round's newest action not
undone yet can be undone, and only while the ideas it changed are still as it left them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.domain import commands as c
from core.domain import model
from core.domain.errors import InvalidInput, UnknownItem
from core.domain.screening import is_held
from core.services import moderation
from core.services.handlers import Handler
from core.storage.uow import UnitOfWork

MAX_BULK = 1000  # ideas one action may change
THEME_LENGTH = 60
APPROVED = model.ContributionStatus.APPROVED.value
MERGED = model.ContributionStatus.MERGED.value
REJECTED = model.ContributionStatus.REJECTED.value


async def _round(uow: UnitOfWork, round_id: int) -> model.Round:
    rnd = await uow.projects.round(round_id)
    if rnd is None or rnd.kind != model.RoundKind.IDEAS:
        raise UnknownItem("round")
    return rnd


async def _ideas(uow: UnitOfWork, round_id: int, idea_ids: tuple[int, ...]) -> dict[int, Any]:
    """The chosen ideas, all of this round (else refused), in the order given."""
    ids = list(dict.fromkeys(idea_ids))
    if not ids:
        raise InvalidInput("none_selected")
    if len(ids) > MAX_BULK:
        raise InvalidInput("too_many", limit=MAX_BULK)
    await _round(uow, round_id)
    found = await uow.organise.ideas(ids)
    if len(found) != len(ids):
        raise UnknownItem("idea")
    if any(idea["round_id"] != round_id for idea in found.values()):
        raise InvalidInput("other_round")
    return {i: found[i] for i in ids}


async def _record(
    uow: UnitOfWork, cmd: Any, kind: str, undo: dict[str, Any], ideas: list[int] | None = None
) -> int:
    """Store an undoable action; ``ideas`` are checked to be unchanged before it is undone.
    ``count`` (the ideas it changed) lets a page name it without reading the whole snapshot."""
    shot = undo.get("snapshot") or {}
    undo["count"] = len(shot.get("ideas", [])) or len(
        undo.get("theme_deleted", {}).get("ideas", [])
    )
    if ideas:
        undo["after"] = {str(k): v for k, v in (await uow.organise.statuses(list(ideas))).items()}
    return await uow.organise.add_action(cmd.round_id, cmd.user_id, kind, undo, uow.clock())


async def approve_ideas(cmd: c.ApproveIdeas, uow: UnitOfWork) -> int:
    """Approve the chosen ideas (merged ones are refused); returns how many changed."""
    ideas = await _ideas(uow, cmd.round_id, cmd.idea_ids)
    if any(idea["status"] == MERGED for idea in ideas.values()):
        raise InvalidInput("merged")
    todo = [i for i, idea in ideas.items() if idea["status"] != APPROVED]
    if not todo:
        return 0
    shot = await uow.organise.snapshot(todo)
    for idea_id in todo:
        await moderation.approve(c.ApproveContribution("idea", idea_id, cmd.user_id), uow)
    await _record(uow, cmd, "approve", {"snapshot": shot}, todo)
    return len(todo)


async def reject_ideas(cmd: c.RejectIdeas, uow: UnitOfWork) -> int:
    """Reject the chosen ideas with one reason; returns how many changed."""
    ideas = await _ideas(uow, cmd.round_id, cmd.idea_ids)
    if any(idea["status"] == MERGED for idea in ideas.values()):
        raise InvalidInput("merged")
    todo = [i for i, idea in ideas.items() if idea["status"] != REJECTED]
    if not todo:
        return 0
    shot = await uow.organise.snapshot(todo)
    reason = cmd.reason.strip() or "-"
    for idea_id in todo:
        await moderation.reject(c.RejectContribution("idea", idea_id, reason, cmd.user_id), uow)
    await _record(uow, cmd, "reject", {"snapshot": shot}, todo)
    return len(todo)


async def merge_cluster(cmd: c.MergeCluster, uow: UnitOfWork) -> int:
    """Merge the chosen ideas into the survivor, which gets the facilitator's wording.

    Each idea is merged as :func:`core.services.moderation.merge` does (its ratings move to
    the survivor, it keeps its own words, linked in ``idea_merges``). Returns the survivor.
    """
    ideas = await _ideas(uow, cmd.round_id, (cmd.survivor_id, *cmd.idea_ids))
    if len(ideas) < 2:
        raise InvalidInput("merge_few")
    survivor = ideas[cmd.survivor_id]
    if survivor["status"] != APPROVED or is_held(survivor["flags"] or [], survivor["status"]):
        raise InvalidInput("survivor")
    if any(idea["status"] == MERGED for idea in ideas.values()):
        raise InvalidInput("merged")
    wording = model.clean_text(cmd.wording)
    shot = await uow.organise.snapshot(list(ideas), ratings=True)
    for idea_id in ideas:
        if idea_id != cmd.survivor_id:
            await moderation.merge(c.MergeIdeas(idea_id, cmd.survivor_id, cmd.user_id), uow)
    await uow.organise.set_wording(cmd.survivor_id, wording)
    await _record(uow, cmd, "merge", {"snapshot": shot}, list(ideas))
    return cmd.survivor_id


def clean_theme(name: str) -> str:
    """A theme's name, spaces tidied and case kept; refused when empty or too long."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidInput("theme_empty")
    if len(cleaned) > THEME_LENGTH:
        raise InvalidInput("theme_long", limit=THEME_LENGTH)
    return cleaned


async def _theme(uow: UnitOfWork, round_id: int, theme_id: int) -> dict[str, Any]:
    found = await uow.organise.theme(theme_id)
    if found is None or found["round_id"] != round_id:
        raise UnknownItem("theme")
    return found


async def _free_name(uow: UnitOfWork, round_id: int, name: str, theme_id: int = 0) -> str:
    cleaned = clean_theme(name)
    other = await uow.organise.theme_named(round_id, cleaned)
    if other is not None and other != theme_id:
        raise InvalidInput("theme_exists")
    return cleaned


async def create_theme(cmd: c.CreateTheme, uow: UnitOfWork) -> int:
    """Make a theme in the round (its name unique whatever the case); returns its id."""
    await _round(uow, cmd.round_id)
    name = await _free_name(uow, cmd.round_id, cmd.name)
    theme_id = await uow.organise.add_theme(cmd.round_id, name, uow.clock())
    await _record(uow, cmd, "theme_create", {"theme_created": theme_id})
    return theme_id


async def rename_theme(cmd: c.RenameTheme, uow: UnitOfWork) -> int:
    """Rename a theme (case kept); its ideas keep it."""
    found = await _theme(uow, cmd.round_id, cmd.theme_id)
    name = await _free_name(uow, cmd.round_id, cmd.name, cmd.theme_id)
    await uow.organise.rename_theme(cmd.theme_id, name)
    undo = {"theme_renamed": {"id": cmd.theme_id, "name": found["name"]}}
    await _record(uow, cmd, "theme_rename", undo)
    return cmd.theme_id


async def delete_theme(cmd: c.DeleteTheme, uow: UnitOfWork) -> int:
    """Delete a theme; its ideas stay, without it. Returns how many ideas had it."""
    found = await _theme(uow, cmd.round_id, cmd.theme_id)
    ideas = await uow.organise.delete_theme(cmd.theme_id)
    created = found["created_at"].isoformat() if found["created_at"] else None
    gone = {"id": cmd.theme_id, "name": found["name"], "created_at": created, "ideas": ideas}
    undo = {"theme_deleted": gone}
    await _record(uow, cmd, "theme_delete", undo)
    return len(ideas)


async def assign_theme(cmd: c.AssignTheme, uow: UnitOfWork) -> int:
    """Give the chosen ideas a theme, made when the round has none of that name yet (or take
    it off); returns the theme's id."""
    ideas = await _ideas(uow, cmd.round_id, cmd.idea_ids)
    name = clean_theme(cmd.theme)
    theme_id = await uow.organise.theme_named(cmd.round_id, name)
    undo: dict[str, Any] = {}
    if theme_id is None:
        if cmd.remove:
            raise UnknownItem("theme")
        theme_id = await uow.organise.add_theme(cmd.round_id, name, uow.clock())
        undo["theme_created"] = theme_id
    found = await _theme(uow, cmd.round_id, theme_id)
    ids = list(ideas)
    undo["snapshot"] = await uow.organise.snapshot(ids)
    if cmd.remove:
        await uow.organise.unlink_theme(theme_id, ids)
    else:
        await uow.organise.link_theme(theme_id, ids)
    project_id = await _project_id(uow, cmd.round_id)
    action = "untag" if cmd.remove else "tag"
    for idea_id in ids:
        await uow.moderation.log(
            project_id, cmd.user_id, "idea", idea_id, action, uow.clock(), themes=[found["name"]]
        )
    await _record(uow, cmd, action, undo)
    return theme_id


async def _project_id(uow: UnitOfWork, round_id: int) -> int:
    rnd = await _round(uow, round_id)
    return rnd.project_id


async def undo(cmd: c.UndoOrganise, uow: UnitOfWork) -> str:
    """Undo the round's last organise action; returns its kind."""
    await _round(uow, cmd.round_id)
    action = await uow.organise.last_action(cmd.round_id)
    if action is None or action["id"] != cmd.action_id:
        raise InvalidInput("undo_gone")
    data = action["undo"]
    after = {int(k): v for k, v in data.get("after", {}).items()}
    if after and await uow.organise.statuses(list(after)) != after:
        raise InvalidInput("undo_changed")
    await _undo_data(uow, cmd.round_id, data)
    await uow.organise.mark_undone(action["id"], uow.clock())
    project_id = await _project_id(uow, cmd.round_id)
    for idea in data.get("snapshot", {}).get("ideas", []):
        await uow.moderation.log(
            project_id, cmd.user_id, "idea", idea["id"], "undo", uow.clock(), undone=action["kind"]
        )
    return str(action["kind"])


async def _undo_data(uow: UnitOfWork, round_id: int, data: dict[str, Any]) -> None:
    repo = uow.organise
    if "snapshot" in data:
        await repo.restore(data["snapshot"])
    if "theme_created" in data:
        await repo.delete_theme(int(data["theme_created"]))
    if "theme_renamed" in data:
        await repo.rename_theme(int(data["theme_renamed"]["id"]), data["theme_renamed"]["name"])
    if "theme_deleted" in data:
        gone = data["theme_deleted"]
        created = datetime.fromisoformat(gone["created_at"]) if gone["created_at"] else None
        await repo.add_theme(round_id, gone["name"], created, theme_id=int(gone["id"]))
        await repo.link_theme(int(gone["id"]), [int(i) for i in gone["ideas"]])


ORGANISE_HANDLERS: dict[type[c.Command], Handler] = {
    c.ApproveIdeas: approve_ideas,
    c.RejectIdeas: reject_ideas,
    c.MergeCluster: merge_cluster,
    c.CreateTheme: create_theme,
    c.RenameTheme: rename_theme,
    c.DeleteTheme: delete_theme,
    c.AssignTheme: assign_theme,
    c.UndoOrganise: undo,
}
