"""A rating round: score each item on every criterion of the round, or skip it."""

from __future__ import annotations

from core.dialogue import buttons as b
from core.dialogue.context import RoundView
from core.dialogue.intents import Message
from core.dialogue.turn import (
    Turn,
    columns_for,
    counter,
    first_of_round,
    others_options,
    scale_text,
    score_options,
)
from core.domain import commands as c
from core.messages import IncomingKind


def ask(turn: Turn, rnd: RoundView, item_id: int, text: str, criterion: int) -> None:
    criteria = rnd.criteria or ("",)
    if not 0 <= criterion < len(criteria):  # the round lost criteria while this item was rated
        criterion = 0
        if turn.state.item_id == item_id:
            turn.state.criterion = 0
    name = turn.local(criteria[criterion])
    if name:
        question = turn._("How do you score this on: {criterion}?", criterion=name)
    else:
        question = turn._("What score do you give this?")
    options = score_options(turn, rnd, lambda n: b.Rate(rnd.id, item_id, criterion, n))
    first = criterion == 0 and first_of_round(turn, rnd)
    intro = f"{turn.local(rnd.question)}\n\n" if rnd.question and first else ""
    turn.say(
        f"{intro}{counter(turn, rnd)} {turn.local(text)}\n\n{question} ({scale_text(turn, rnd)})",
        options,
        columns=columns_for(options),
    )


def rate(turn: Turn, message: Message) -> None:
    """The step: a score (or Skip) for the current item on the current criterion."""
    action = message.action
    if message.incoming.kind != IncomingKind.CHOICE:
        turn.not_a_choice()
        return
    rnd = turn.round_choice(action if isinstance(action, b.Rate) else None)
    if rnd is None:
        return
    assert isinstance(action, b.Rate)
    item_id, criterion, score = action.item_id, action.criterion, action.score
    if item_id != turn.state.item_id or criterion != turn.state.criterion:
        turn.stale(rnd)
        return
    criteria = rnd.criteria or ("",)
    if score is None:
        turn.state.skip(rnd.id, item_id)
        turn.ack(turn._("Skipped."))
    else:
        if not rnd.scale_min <= score <= rnd.scale_max or criterion >= len(criteria):
            turn.stale(rnd)
            return
        assert turn.resident_id is not None
        turn.do(c.RateItem(turn.resident_id, rnd.id, item_id, criterion, score))
        label = turn.local(criteria[criterion])
        turn.ack(f"{label}: {score}" if label else turn._("Your score: {score}", score=score))
        if criterion + 1 < len(criteria):
            turn.state.criterion = criterion + 1
            text = turn.ctx.item_texts.get(item_id, turn.state.item_text or "")
            ask(turn, rnd, item_id, text, criterion + 1)
            return
        turn.answered[rnd.id] = turn.answered.get(rnd.id, 0) + 1
    turn.answered_now.add(item_id)
    if not turn.prompt_round(rnd):
        turn.say(
            turn._("That was the last one of this round. Thank you!"), others_options(turn, rnd)
        )
        turn.next_round()
