"""Rounds with items to answer one by one: rating rounds and statements rounds."""

from __future__ import annotations

from core.dialogue import rating, statements
from core.dialogue.context import RoundView
from core.dialogue.state import StepName
from core.dialogue.turn import Turn
from core.domain.model import RoundKind


def prompt(turn: Turn, rnd: RoundView) -> bool:
    """Ask about the round's next item; return False when the round has nothing left."""
    limit = rnd.max_per_resident
    answered = turn.answered.get(rnd.id, 0)
    if limit is not None and answered >= limit:
        turn.finish_round(rnd)
        return False
    item = _next_item(turn, rnd)
    if item is None:
        turn.finish_round(rnd)
        return False
    item_id, text = item
    turn.goto(
        StepName.RATE if rnd.kind == RoundKind.RATING else StepName.VOTE,
        item_id=item_id,
        item_text=text,
        criterion=0,
        draft=None,
    )
    ask(turn, rnd, item_id, text, 0)
    return True


def ask(turn: Turn, rnd: RoundView, item_id: int, text: str, criterion: int) -> None:
    """Ask about one item (on one criterion, in a rating round)."""
    if rnd.kind == RoundKind.STATEMENTS:
        statements.ask(turn, rnd, item_id, text)
    else:
        rating.ask(turn, rnd, item_id, text, criterion)


def _next_item(turn: Turn, rnd: RoundView) -> tuple[int, str] | None:
    skipped = set(turn.state.skipped_in(rnd.id)) | turn.answered_now
    return next(
        (cand for cand in turn.ctx.candidates.get(rnd.id, ()) if cand[0] not in skipped), None
    )
