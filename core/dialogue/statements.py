"""A statements round: agree, disagree or don't know on each statement, or skip it."""

from __future__ import annotations

from core.dialogue import buttons as b
from core.dialogue.context import RoundView
from core.dialogue.intents import Message
from core.dialogue.turn import Turn, counter, first_of_round, option, others_options
from core.domain import commands as c
from core.messages import IncomingKind

_VOTES = {"a": 1, "d": -1, "p": 0}


def ask(turn: Turn, rnd: RoundView, item_id: int, text: str) -> None:
    head = turn._("Statement {counter}", counter=counter(turn, rnd))
    if rnd.question and first_of_round(turn, rnd):
        head = f"{turn.local(rnd.question)}\n\n{head}"
    options = [
        option(turn._("Agree"), b.Vote(rnd.id, item_id, "a")),
        option(turn._("Disagree"), b.Vote(rnd.id, item_id, "d")),
        option(turn._("Don't know"), b.Vote(rnd.id, item_id, "p")),
        option(turn._("Skip"), b.Vote(rnd.id, item_id, "s")),
    ]
    turn.say(f"{head}\n\n{turn.local(text)}", options, columns=2)


def vote(turn: Turn, message: Message) -> None:
    """The step: an answer (or Skip) to the current statement."""
    if message.incoming.kind != IncomingKind.CHOICE:
        turn.not_a_choice()
        return
    action = message.action
    rnd = turn.round_choice(action if isinstance(action, b.Vote) else None)
    if rnd is None:
        return
    assert isinstance(action, b.Vote)
    item_id, answer = action.item_id, action.answer
    if item_id != turn.state.item_id:
        turn.stale(rnd)
        return
    if answer == "s":
        turn.state.skip(rnd.id, item_id)
        turn.ack(turn._("Skipped."))
    else:
        assert turn.resident_id is not None
        turn.do(c.CastVote(turn.resident_id, rnd.id, item_id, _VOTES[answer]))
        labels = {"a": turn._("Agree"), "d": turn._("Disagree"), "p": turn._("Don't know")}
        turn.ack(turn._("Your answer: {answer}", answer=labels[answer]))
        turn.answered[rnd.id] = turn.answered.get(rnd.id, 0) + 1
    turn.answered_now.add(item_id)
    if not turn.prompt_round(rnd):
        turn.say(
            turn._("That was the last statement of this round. Thank you!"),
            others_options(turn, rnd),
        )
        turn.next_round()
