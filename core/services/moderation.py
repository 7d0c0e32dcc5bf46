"""Moderation: approve, reject, correct, merge, tag.

Pre-moderation (``project.settings["moderation"] == "pre"``): a new idea waits with status
``new`` and can be shortlisted only when approved. Post-moderation: ideas are approved on
arrival; the facilitator reviews them afterwards and a rejection takes them out of the rating
rounds again. Approved ideas reach a rating or statements round through its shortlist
(:mod:`core.services.shortlist`), never one by one. Every decision is written to the moderation
log.

Whatever the mode, a contribution flagged on arrival (personal details, a link, profanity; see
:mod:`core.domain.screening`) is held: an idea stays ``new`` outside the rating rounds. Approving
releases it. Correcting checks the corrected text again and stores its flags; under
post-moderation a held idea whose corrected text has no flags left is released as if approved
(under pre-moderation it still waits for approval, like every idea there).
"""

from __future__ import annotations

from typing import Any

from core.domain import commands as c
from core.domain import events as e
from core.domain import model
from core.domain.errors import InvalidInput, UnknownItem
from core.domain.screening import flags, is_held
from core.services.erasure import redact_quotes
from core.services.handlers import Handler
from core.storage.uow import UnitOfWork

KINDS = ("idea", "feedback")
MAX_THEMES = 5


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise InvalidInput("kind")
    return kind


async def _load(uow: UnitOfWork, kind: str, contribution_id: int) -> dict[str, Any]:
    found = await uow.moderation.contribution(_kind(kind), contribution_id)
    if found is None:
        raise UnknownItem(kind)
    return found


async def approve(cmd: c.ApproveContribution, uow: UnitOfWork) -> None:
    """Approve a contribution; an approved idea becomes rateable in the rounds that use it."""
    repo = uow.moderation
    found = await _load(uow, cmd.kind, cmd.contribution_id)
    if found["status"] == model.ContributionStatus.MERGED.value:
        raise InvalidInput("merged")
    await repo.set_status(cmd.kind, cmd.contribution_id, model.ContributionStatus.APPROVED.value)
    if cmd.kind == "idea":
        await repo.set_idea_items_active(cmd.contribution_id, True)
        uow.emit(e.IdeaApproved(cmd.contribution_id, found["round_id"]))
    await repo.log(
        found["project_id"], cmd.user_id, cmd.kind, cmd.contribution_id, "approve", uow.clock()
    )


async def reject(cmd: c.RejectContribution, uow: UnitOfWork) -> None:
    """Reject a contribution with a reason; a rejected idea leaves the rating rounds."""
    repo = uow.moderation
    found = await _load(uow, cmd.kind, cmd.contribution_id)
    reason = model.clean_text(cmd.reason, limit=500)
    await repo.set_status(cmd.kind, cmd.contribution_id, model.ContributionStatus.REJECTED.value)
    if cmd.kind == "idea":
        await repo.set_idea_items_active(cmd.contribution_id, False)
    await repo.log(
        found["project_id"],
        cmd.user_id,
        cmd.kind,
        cmd.contribution_id,
        "reject",
        uow.clock(),
        reason=reason,
    )
    uow.emit(e.ContributionRejected(cmd.kind, cmd.contribution_id))


async def correct(cmd: c.CorrectContribution, uow: UnitOfWork) -> None:
    """Correct a text; the rating items made from an idea change with it.

    The corrected text is checked again: a held idea whose correction removed what held it is
    released under post-moderation. The log records who corrected what, never the text before
    or after (a resident's words); transcripts and messages that quoted the text before now
    quote the correction.
    """
    repo = uow.moderation
    found = await _load(uow, cmd.kind, cmd.contribution_id)
    text = model.clean_text(cmd.text)
    await repo.set_text(cmd.kind, cmd.contribution_id, text)
    await _check_again(uow, cmd.kind, found, text)
    if text != found["text"]:  # what others were shown before reads as corrected now
        await redact_quotes(uow, [found["text"]], {found["project_id"]}, replacement=text)
    await repo.log(
        found["project_id"],
        cmd.user_id,
        cmd.kind,
        cmd.contribution_id,
        "correct",
        uow.clock(),
    )


async def _check_again(uow: UnitOfWork, kind: str, found: dict[str, Any], text: str) -> None:
    """Store the flags of a corrected text; release a held idea they no longer hold back."""
    now_flags = flags(text)
    await uow.moderation.set_flags(kind, found["id"], now_flags)
    if kind != "idea" or now_flags or found["status"] != model.ContributionStatus.NEW.value:
        return
    project = await uow.projects.get(found["project_id"])
    if project is None or project.settings.get("moderation") == "pre":
        return
    await uow.moderation.set_status(kind, found["id"], model.ContributionStatus.APPROVED.value)
    uow.emit(e.IdeaApproved(found["id"], found["round_id"]))


async def merge(cmd: c.MergeIdeas, uow: UnitOfWork) -> int:
    """Fold one idea into another of the same round; its ratings move to the survivor.

    A resident who rated both keeps only the rating of the surviving idea, so nobody is counted
    twice. Returns the number of ratings moved.
    """
    repo = uow.moderation
    source = await repo.idea(cmd.idea_id)
    target = await repo.idea(cmd.into_id)
    if source is None or target is None:
        raise UnknownItem("idea")
    if cmd.idea_id == cmd.into_id or source.round_id != target.round_id:
        raise InvalidInput("merge")
    if model.ContributionStatus.MERGED in (source.status, target.status):
        raise InvalidInput("merged")
    if target.status == model.ContributionStatus.REJECTED:
        raise InvalidInput("rejected")
    if is_held(target.flags, target.status):
        raise InvalidInput("held")  # its text would reach the rating rounds unreviewed
    rnd = await uow.projects.round(source.round_id)
    assert rnd is not None
    moved = 0
    for other in await uow.projects.rounds(rnd.project_id):
        from_item = await repo.item_for_idea(other.id or 0, cmd.idea_id)
        if from_item is None:
            continue
        await uow.projects.add_item_for_idea(other.id or 0, cmd.into_id, target.shown_text)
        to_item = await repo.item_for_idea(other.id or 0, cmd.into_id)
        assert to_item is not None
        moved += await repo.move_ratings(from_item, to_item)
        source_item = await uow.projects.item(from_item)
        if source_item is not None and source_item.active:  # the cluster stays on the list
            await uow.projects.set_item_active(to_item, True)
        await uow.projects.set_item_active(from_item, False)
    await repo.set_status("idea", cmd.idea_id, model.ContributionStatus.MERGED.value)
    await repo.record_merge(cmd.idea_id, cmd.into_id)
    await repo.log(
        rnd.project_id,
        cmd.user_id,
        "idea",
        cmd.idea_id,
        "merge",
        uow.clock(),
        into=cmd.into_id,
        moved=moved,
    )
    uow.emit(e.IdeasMerged(cmd.idea_id, cmd.into_id))
    return moved


def clean_themes(themes: tuple[str, ...] | list[str]) -> list[str]:
    """Lower-case, trimmed, unique themes of at most 60 characters."""
    cleaned: list[str] = []
    for theme in themes:
        text = " ".join(theme.split()).lower()[:60]
        if text and text not in cleaned:
            cleaned.append(text)
    if len(cleaned) > MAX_THEMES:
        raise InvalidInput("themes", limit=MAX_THEMES)
    return cleaned


async def tag(cmd: c.TagIdea, uow: UnitOfWork) -> list[str]:
    """Set the themes of an idea (replacing the old ones)."""
    found = await _load(uow, "idea", cmd.idea_id)
    themes = clean_themes(cmd.themes)
    repo = uow.moderation
    await repo.set_themes(cmd.idea_id, themes)
    await repo.log(
        found["project_id"], cmd.user_id, "idea", cmd.idea_id, "tag", uow.clock(), themes=themes
    )
    return themes


MODERATION_HANDLERS: dict[type[c.Command], Handler] = {
    c.ApproveContribution: approve,
    c.RejectContribution: reject,
    c.CorrectContribution: correct,
    c.MergeIdeas: merge,
    c.TagIdea: tag,
}
