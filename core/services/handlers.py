"""Command handlers: one async function per command, run inside a unit of work."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from core.domain import commands as c
from core.domain import events as e
from core.domain import model
from core.domain import wijken as wijk_table
from core.domain.errors import (
    InvalidInput,
    LimitReached,
    NotConsented,
    UnknownItem,
    UnknownProject,
)
from core.domain.numbers import decimal_digits
from core.domain.screening import flags
from core.services.account_commands import ACCOUNT_HANDLERS
from core.services.idea_import import IMPORT_HANDLERS
from core.services.lifecycle import LIFECYCLE_HANDLERS
from core.services.projects import PROJECT_HANDLERS
from core.services.shortlist import SHORTLIST_HANDLERS, apply_on_opening
from core.storage.uow import UnitOfWork

Handler = Callable[[Any, UnitOfWork], Awaitable[Any]]


async def give_consent(cmd: c.GiveConsent, uow: UnitOfWork) -> int:
    """Create the resident for this project (once) and keep how to reach them."""
    now = uow.clock()
    existing = await uow.residents.get(cmd.pseudonym, cmd.project_id)
    if existing is not None:
        resident_id = existing.id
        assert resident_id is not None
        await uow.residents.update(resident_id, status=model.ResidentStatus.ACTIVE.value)
    else:
        resident = model.Resident(
            pseudonym=cmd.pseudonym,
            project_id=cmd.project_id,
            channel=cmd.channel,
            consent_at=now,
            language=cmd.language,
            created_at=now,
        )
        resident_id = await uow.residents.add(resident)
        uow.emit(e.ResidentJoined(resident_id, cmd.project_id))
    if cmd.address:
        await uow.residents.save_contact(
            cmd.pseudonym, cmd.channel, cmd.address, now, bot_id=cmd.bot_id
        )
    return resident_id


async def set_profile(cmd: c.SetProfile, uow: UnitOfWork) -> None:
    """Store the optional profile: the neighbourhood (from a 4-digit postcode) and age band."""
    resident = await uow.residents.by_id(cmd.resident_id)
    if resident is None:
        raise NotConsented()
    values: dict[str, Any] = {}
    if cmd.postcode is not None:
        postcode = decimal_digits(cmd.postcode)
        if postcode is None or len(postcode) != 4 or postcode.startswith("0"):
            raise InvalidInput("postcode")
        project = await uow.projects.get(resident.project_id)
        values["wijk"] = wijk_for(project.settings if project else {}, postcode)
    if cmd.age_band is not None:
        if cmd.age_band not in model.AGE_BANDS:
            raise InvalidInput("age_band")
        values["age_band"] = cmd.age_band
    if values:
        await uow.residents.update(cmd.resident_id, **values)


def wijk_for(settings: dict[str, Any], postcode: str) -> str:
    """Map a postcode onto a neighbourhood named in the project's ``wijken`` table.

    Without a table (or for a postcode outside it) the 4-digit postcode area itself is the
    neighbourhood: it is coarse enough not to identify anyone.
    """
    return wijk_table.wijk_for(settings.get("wijken") or {}, postcode) or postcode


async def set_language(cmd: c.SetLanguage, uow: UnitOfWork) -> None:
    await uow.residents.update_pseudonym(cmd.pseudonym, language=cmd.language)


async def unsubscribe(cmd: c.Unsubscribe, uow: UnitOfWork) -> None:
    await uow.residents.update_pseudonym(cmd.pseudonym, status=model.ResidentStatus.STOPPED.value)


async def resubscribe(cmd: c.Resubscribe, uow: UnitOfWork) -> None:
    await uow.residents.update_pseudonym(cmd.pseudonym, status=model.ResidentStatus.ACTIVE.value)


async def _open_round(uow: UnitOfWork, round_id: int, kind: model.RoundKind) -> model.Round:
    rnd = await uow.projects.round(round_id)
    if rnd is None or rnd.kind != kind:
        raise UnknownItem("round")
    rnd.require_open(uow.clock())
    return rnd


async def submit_idea(cmd: c.SubmitIdea, uow: UnitOfWork) -> int:
    """Store an idea; it reaches the rounds that draw on this one through their shortlist.

    Under pre-moderation, and whenever its text is flagged (personal details, a link,
    profanity), the idea waits for a facilitator.
    """
    rnd = await _open_round(uow, cmd.round_id, model.RoundKind.IDEAS)
    text = model.clean_text(cmd.text)
    limit = rnd.max_per_resident
    if (
        limit is not None
        and await uow.contributions.count_ideas(rnd.id or 0, cmd.resident_id) >= limit
    ):
        raise LimitReached("ideas", limit=limit)
    project = await uow.projects.get(rnd.project_id)
    premoderated = bool(project and project.settings.get("moderation") == "pre")
    found = flags(text)
    waits = premoderated or bool(found)  # a flagged idea is held whatever the mode
    status = model.ContributionStatus.NEW if waits else model.ContributionStatus.APPROVED
    idea = model.Idea(
        rnd.id or 0, cmd.resident_id, text, status, created_at=uow.clock(), flags=found
    )
    idea_id = await uow.contributions.add_idea(idea)
    uow.emit(e.IdeaSubmitted(idea_id, rnd.id or 0))
    return idea_id


async def support_idea(cmd: c.SupportIdea, uow: UnitOfWork) -> bool:
    """Record a resident's support for an idea of an open ideas round, once per resident.

    A merged idea's support goes to the idea it was merged into. Supporting one's own idea
    (or an idea one already supports) changes nothing. Support is not an idea: it does not
    count against the round's maximum of ideas per resident. Returns whether it was new.
    """
    await _open_round(uow, cmd.round_id, model.RoundKind.IDEAS)
    target = await uow.supports.target(cmd.round_id, cmd.idea_id, cmd.resident_id)
    if target is None:
        raise UnknownItem("idea")
    if target.own or target.supported:
        return False
    return await uow.supports.add(target.idea_id, cmd.resident_id, uow.clock())


async def _answerable(
    uow: UnitOfWork, round_id: int, item_id: int, kind: model.RoundKind
) -> model.Round:
    """The open round of ``kind`` that ``item_id`` belongs to, checked in one query."""
    found = await uow.projects.item_and_round(item_id)
    if found is None:
        raise UnknownItem("item")
    item, rnd = found
    if rnd.id != round_id or rnd.kind != kind or not item.active:
        raise UnknownItem("item")
    rnd.require_open(uow.clock())
    return rnd


async def rate_item(cmd: c.RateItem, uow: UnitOfWork) -> None:
    rnd = await _answerable(uow, cmd.round_id, cmd.item_id, model.RoundKind.RATING)
    if not 0 <= cmd.criterion < len(rnd.criteria_or_default):
        raise UnknownItem("criterion")
    rnd.check_score(cmd.score)
    rating = model.Rating(
        rnd.id or 0, cmd.item_id, cmd.resident_id, cmd.criterion, cmd.score, uow.clock()
    )
    await uow.contributions.upsert_rating(rating)


async def cast_vote(cmd: c.CastVote, uow: UnitOfWork) -> None:
    rnd = await _answerable(uow, cmd.round_id, cmd.item_id, model.RoundKind.STATEMENTS)
    try:
        value = model.VoteValue(cmd.value)
    except ValueError as error:
        raise InvalidInput("vote") from error
    vote = model.Vote(rnd.id or 0, cmd.item_id, cmd.resident_id, value, uow.clock())
    await uow.contributions.upsert_vote(vote)


async def give_feedback(cmd: c.GiveFeedback, uow: UnitOfWork) -> None:
    rnd = await _open_round(uow, cmd.round_id, model.RoundKind.FEEDBACK)
    if cmd.score is not None:
        rnd.check_score(cmd.score)
    text = model.clean_text(cmd.text) if cmd.text.strip() else ""
    feedback = model.Feedback(
        rnd.id or 0, cmd.resident_id, cmd.score, text, created_at=uow.clock(), flags=flags(text)
    )
    await uow.contributions.upsert_feedback(feedback)


async def mark_started(cmd: c.MarkRoundStarted, uow: UnitOfWork) -> None:
    await uow.contributions.mark_progress(cmd.round_id, cmd.resident_id, "started_at", uow.clock())


async def mark_finished(cmd: c.MarkRoundFinished, uow: UnitOfWork) -> None:
    await uow.contributions.mark_progress(
        cmd.round_id, cmd.resident_id, "finished_at", uow.clock()
    )


async def open_round(cmd: c.OpenRound, uow: UnitOfWork) -> model.Round:
    rnd = await uow.projects.round(cmd.round_id)
    if rnd is None:
        raise UnknownItem("round")
    rnd.require_action(model.RoundAction.OPEN, uow.clock())
    if rnd.state != model.RoundState.OPEN:
        await apply_on_opening(uow, rnd)
        rnd.open(uow.clock())
        await uow.projects.update_round(rnd)
        uow.emit(e.RoundOpened(cmd.round_id))
    return rnd


async def close_round(cmd: c.CloseRound, uow: UnitOfWork) -> model.Round:
    rnd = await uow.projects.round(cmd.round_id)
    if rnd is None:
        raise UnknownItem("round")
    rnd.require_action(model.RoundAction.CLOSE, uow.clock())
    if rnd.state != model.RoundState.CLOSED:
        rnd.close(uow.clock())
        await uow.projects.update_round(rnd)
        uow.emit(e.RoundClosed(cmd.round_id))
    return rnd


# --- reachability ---


async def mark_blocked(cmd: c.MarkBlocked, uow: UnitOfWork) -> None:
    """Mark every active resident of this pseudonym blocked (stopped ones stay stopped)."""
    status = model.ResidentStatus
    await uow.residents.change_status(cmd.pseudonym, status.ACTIVE.value, status.BLOCKED.value)


async def mark_reachable(cmd: c.MarkReachable, uow: UnitOfWork) -> None:
    """Make a pseudonym's blocked residents active again (a STOP is only undone by START)."""
    status = model.ResidentStatus
    await uow.residents.change_status(cmd.pseudonym, status.BLOCKED.value, status.ACTIVE.value)


async def bind_project(cmd: c.BindProject, uow: UnitOfWork) -> None:
    project = await uow.projects.by_code(cmd.project_code)
    if project is None:
        raise UnknownProject(cmd.project_code)
    if cmd.bot_id is not None and await uow.bots.get(cmd.bot_id) is None:
        raise UnknownItem("bot")
    project.bot_id = cmd.bot_id
    await uow.projects.update(project)


COMMAND_HANDLERS: dict[type[c.Command], Handler] = {
    c.GiveConsent: give_consent,
    c.SetProfile: set_profile,
    c.SetLanguage: set_language,
    c.Unsubscribe: unsubscribe,
    c.Resubscribe: resubscribe,
    c.SubmitIdea: submit_idea,
    c.SupportIdea: support_idea,
    c.RateItem: rate_item,
    c.CastVote: cast_vote,
    c.GiveFeedback: give_feedback,
    c.MarkRoundStarted: mark_started,
    c.MarkRoundFinished: mark_finished,
    c.OpenRound: open_round,
    c.CloseRound: close_round,
    c.MarkBlocked: mark_blocked,
    c.MarkReachable: mark_reachable,
    c.BindProject: bind_project,
    **PROJECT_HANDLERS,
    **LIFECYCLE_HANDLERS,
    **SHORTLIST_HANDLERS,
    **IMPORT_HANDLERS,
    **ACCOUNT_HANDLERS,
}
