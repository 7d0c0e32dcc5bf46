"""What opening, closing, publishing or taking back a round will do, counted before it is done.

The web area's confirmation pages and the command line show the same figures, from the same
queries the handlers use to pick whom a message goes to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from core.domain import model
from core.services.broadcast import PROMPT_ONLY, PUSHLESS_CHANNELS
from core.storage.uow import UnitOfWork
from core.views.round_actions import (
    ResultsMessages,
    Waiting,
    results_messages,
    waiting_for_moderation,
)


@dataclass
class ActionPreview:
    """One action on one round, as it stands now."""

    action: model.RoundAction
    round: model.Round
    phase: model.RoundState
    available: bool  # the action applies to the round's state
    reach: int = 0  # residents who get a message now (prompt or results)
    unfinished: int = 0  # invited or started and not finished (closing stops them)
    respondents: int = 0  # residents who answered
    waiting: Waiting = field(default_factory=Waiting)  # not yet moderated (publishing)
    messages: ResultsMessages = field(default_factory=ResultsMessages)  # taking back
    project_draft: bool = False  # a draft project shows nothing publicly, published or not


async def preview_action(
    uow: UnitOfWork,
    project: model.Project,
    rnd: model.Round,
    action: model.RoundAction,
    now: datetime,
) -> ActionPreview:
    """Count what ``action`` on ``rnd`` would do at ``now``, changing nothing."""
    project_id, round_id = project.id or 0, rnd.id or 0
    preview = ActionPreview(
        action,
        rnd,
        rnd.phase(now),
        action in rnd.actions(now),
        respondents=await uow.contributions.respondents(round_id),
        project_draft=project.status == model.ProjectStatus.DRAFT,
    )
    if not preview.available:
        return preview
    if action == model.RoundAction.OPEN:
        found = await uow.broadcasts.unprompted(project_id, round_id, PUSHLESS_CHANNELS)
        preview.reach = len(found)
    elif action == model.RoundAction.CLOSE:
        found = await uow.broadcasts.unfinished(project_id, round_id, frozenset())
        preview.unfinished = len(found)
    elif action == model.RoundAction.PUBLISH:
        preview.reach = len(await uow.broadcasts.participants(project_id, rnd, PROMPT_ONLY))
        moderation = str(project.settings.get("moderation") or "post")
        preview.waiting = await waiting_for_moderation(uow, round_id, moderation)
    else:
        preview.messages = await results_messages(uow, round_id)
    return preview
