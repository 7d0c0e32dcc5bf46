"""The shortlist: a rating or statements round's items made from its organised ideas round.

Ideas no longer become items one by one as they are approved (48 ideas of which 11 distinct
made 45 items). The facilitator organises the ideas round (merges what is the same, themes),
looks at the list the round would get (:mod:`core.views.shortlist`) and fixes it: one item per
merged cluster and per approved idea merged with nothing, optionally only some themes and the
N most supported. The choice is kept in ``rounds.settings["shortlist"]``.

Applying is idempotent: items are keyed by their idea, an item that drops off the list is
hidden (its answers stay) and comes back if the idea returns. A round opened without a fixed
shortlist gets its stored choice applied at that moment; once it is open, nothing changes its
items behind the residents' backs: new ideas reach it only when the facilitator applies the
shortlist again (a merge still folds two items into one, see ``core.services.moderation``).
"""

from __future__ import annotations

from typing import Any

from core.domain import commands as c
from core.domain import model
from core.domain.errors import InvalidInput, UnknownItem
from core.storage.uow import UnitOfWork
from core.views.shortlist import Candidate, shortlist

MAX_TOP = 500
DRAWS = (model.RoundKind.RATING, model.RoundKind.STATEMENTS)


def choice(rnd: model.Round) -> dict[str, Any]:
    """The round's stored shortlist choice: ``themes``, ``top`` and ``applied_at`` (or None)."""
    stored = rnd.settings.get("shortlist")
    stored = stored if isinstance(stored, dict) else {}
    top = stored.get("top")
    return {
        "themes": [str(name) for name in stored.get("themes") or []],
        "top": int(top) if isinstance(top, int) and top > 0 else None,
        "applied_at": stored.get("applied_at"),
    }


def applied(rnd: model.Round) -> bool:
    """Whether the facilitator (or the round's opening) fixed this round's shortlist."""
    return choice(rnd)["applied_at"] is not None


async def source_round(uow: UnitOfWork, rnd: model.Round) -> model.Round:
    """The ideas round that ``rnd`` draws its items from."""
    if rnd.kind not in DRAWS or not rnd.items_from:
        raise InvalidInput("no_items_from")
    for other in await uow.projects.rounds(rnd.project_id):
        if other.key == rnd.items_from and other.kind == model.RoundKind.IDEAS:
            return other
    raise UnknownItem("round")


def _checked(themes: tuple[str, ...] | list[str], top: int | None) -> tuple[list[str], int | None]:
    if top is not None and not 1 <= top <= MAX_TOP:
        raise InvalidInput("top", low=1, high=MAX_TOP)
    names = [" ".join(name.split())[:60] for name in themes]
    return list(dict.fromkeys(name for name in names if name)), top


async def apply(
    uow: UnitOfWork, rnd: model.Round, themes: list[str], top: int | None
) -> list[Candidate]:
    """Make ``rnd``'s idea items match the shortlist for this choice; store the choice."""
    assert rnd.id is not None
    source = await source_round(uow, rnd)
    chosen = await shortlist(uow, source.id or 0, themes, top)
    current = {
        i.idea_id: i for i in await uow.projects.items(rnd.id, active_only=False) if i.idea_id
    }
    fixed = len([i for i in await uow.projects.items(rnd.id) if i.idea_id is None])
    for position, candidate in enumerate(chosen, start=fixed):
        item = current.pop(candidate.idea_id, None)
        if item is None:
            await uow.projects.add_item(
                model.Item(rnd.id, candidate.text, position, idea_id=candidate.idea_id)
            )
        elif not item.active or item.text != candidate.text:
            await uow.projects.set_item_active(item.id or 0, True, text=candidate.text)
    for item in current.values():
        if item.active:
            await uow.projects.set_item_active(item.id or 0, False)
    stored = {"themes": themes, "top": top, "applied_at": uow.clock().isoformat()}
    rnd.settings = {**rnd.settings, "shortlist": stored}
    await uow.projects.update_round(rnd)
    return chosen


async def apply_shortlist(cmd: c.ApplyShortlist, uow: UnitOfWork) -> list[Candidate]:
    """Fix a round's items from its ideas round (the facilitator's explicit action)."""
    rnd = await uow.projects.round(cmd.round_id)
    if rnd is None:
        raise UnknownItem("round")
    stored = choice(rnd)
    themes, top = _checked(
        stored["themes"] if cmd.themes is None else cmd.themes,
        stored["top"] if cmd.themes is None and cmd.top is None else cmd.top,
    )
    return await apply(uow, rnd, themes, top)


async def apply_on_opening(uow: UnitOfWork, rnd: model.Round) -> None:
    """A round that draws on ideas opens with its stored choice when none was fixed yet."""
    if rnd.kind in DRAWS and rnd.items_from and not applied(rnd):
        stored = choice(rnd)
        await apply(uow, rnd, stored["themes"], stored["top"])


SHORTLIST_HANDLERS: dict[type[c.Command], Any] = {c.ApplyShortlist: apply_shortlist}
