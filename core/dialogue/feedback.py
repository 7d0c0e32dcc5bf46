"""A feedback round: a score on the round's scale, then an optional comment."""

from __future__ import annotations

from core.dialogue import buttons as b
from core.dialogue.context import RoundView
from core.dialogue.held import with_held_note
from core.dialogue.intents import Message
from core.dialogue.state import StepName
from core.dialogue.turn import Turn, columns_for, option, scale_text, score_options
from core.domain import commands as c
from core.domain.errors import InvalidInput
from core.domain.model import clean_text
from core.messages import IncomingKind


def prompt(turn: Turn, rnd: RoundView) -> bool:
    """Ask for a score; return False when the resident gave feedback on this round already."""
    if rnd.has_feedback:
        turn.finish_round(rnd)
        return False
    turn.goto(StepName.FEEDBACK_SCORE, score=None)
    options = score_options(turn, rnd, lambda n: b.Feedback(rnd.id, n))
    choose = turn._("Choose a score")
    turn.say(
        f"{turn.local(rnd.question)}\n\n{choose} ({scale_text(turn, rnd)})",
        options,
        columns=columns_for(options),
    )
    return True


def ask_comment(turn: Turn, rnd: RoundView) -> None:
    turn.goto(StepName.FEEDBACK_TEXT)
    turn.say(
        turn._("Would you like to explain? Type your comment, or choose Skip."),
        [option(turn._("Skip"), b.Feedback(rnd.id, None))],
    )


# -- the steps ------------------------------------------------------------------------------


def feedback_score(turn: Turn, message: Message) -> None:
    if message.incoming.kind != IncomingKind.CHOICE:
        turn.not_a_choice()
        return
    action = message.action
    rnd = turn.round_choice(action if isinstance(action, b.Feedback) else None)
    if rnd is None:
        return
    assert isinstance(action, b.Feedback) and turn.resident_id is not None
    if action.score is None:
        turn.goto(StepName.FEEDBACK_TEXT, score=None)
    else:
        score = action.score
        if not rnd.scale_min <= score <= rnd.scale_max:
            turn.stale(rnd)
            return
        turn.do(c.GiveFeedback(turn.resident_id, rnd.id, score, ""))
        turn.state.score = score
        turn.ack(turn._("Your score: {score}", score=score))
    ask_comment(turn, rnd)


def feedback_text(turn: Turn, message: Message) -> None:
    rnd = turn.current_round()
    if rnd is None or not rnd.is_open:
        turn.stale(rnd)
        return
    assert turn.resident_id is not None
    if message.incoming.kind == IncomingKind.CHOICE:
        action = message.action
        if turn.round_choice(action if isinstance(action, b.Feedback) else None) is None:
            return
        assert isinstance(action, b.Feedback)
        if action.score is not None:
            turn.stale(rnd)
            return
        if turn.state.score is None:
            turn.do(c.GiveFeedback(turn.resident_id, rnd.id, None, ""))
        turn.ack(turn._("OK."))
    else:
        try:
            text = clean_text(message.incoming.text)
        except InvalidInput as error:
            turn.explain_invalid(error)
            ask_comment(turn, rnd)
            return
        turn.do(c.GiveFeedback(turn.resident_id, rnd.id, turn.state.score, text))
        turn.ack(with_held_note(turn, turn._("Thank you for your comment!"), text))
    turn.finish_round(rnd)
    turn.state.score = None
    turn.next_round()
