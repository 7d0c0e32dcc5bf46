"""An ideas round: type an idea, confirm it, and give another one or move on."""

from __future__ import annotations

from core.dialogue import buttons as b
from core.dialogue.context import RoundView
from core.dialogue.held import with_held_note
from core.dialogue.intents import Message
from core.dialogue.state import StepName
from core.dialogue.turn import Turn, option
from core.domain import commands as c
from core.domain.errors import InvalidInput
from core.domain.model import MAX_TEXT_LENGTH, clean_text
from core.messages import IncomingKind


def prompt(turn: Turn, rnd: RoundView) -> bool:
    """Ask for an idea; return False when the resident gave the most the round allows."""
    limit = rnd.max_per_resident
    given = turn.answered.get(rnd.id, 0)
    if limit is not None and given >= limit:
        turn.finish_round(rnd)
        return False
    turn.goto(StepName.IDEA_TEXT, draft=None)
    extra = turn._(
        "Type your idea in one message (at most {limit} characters).", limit=MAX_TEXT_LENGTH
    )
    turn.say(
        f"{rnd.question}\n\n{extra}",
        [option(turn._("Skip this round"), b.Idea(rnd.id, "done"))],
    )
    return True


def confirm(turn: Turn, rnd: RoundView, draft: str) -> None:
    turn.goto(StepName.IDEA_CONFIRM, draft=draft)
    turn.say(
        turn._("Your idea:\n\u201c{idea}\u201d\n\nShall I send it?", idea=draft),
        [
            option(turn._("Send"), b.Idea(rnd.id, "send")),
            option(turn._("Change"), b.Idea(rnd.id, "edit")),
        ],
    )


def ask_more(turn: Turn, rnd: RoundView) -> None:
    turn.goto(StepName.IDEA_MORE, draft=None)
    turn.say(
        turn._("Do you have another idea?"),
        [
            option(turn._("Yes, another one"), b.Idea(rnd.id, "more")),
            option(turn._("No, continue"), b.Idea(rnd.id, "done")),
        ],
    )


# -- the steps ------------------------------------------------------------------------------


def idea_text(turn: Turn, message: Message) -> None:
    rnd = turn.current_round()
    if rnd is None or not rnd.is_open:
        turn.stale(rnd)
        return
    if message.incoming.kind == IncomingKind.CHOICE:
        _choice(turn, message)
        return
    try:
        draft = clean_text(message.incoming.text)
    except InvalidInput as error:
        turn.explain_invalid(error)
        turn.reprompt()
        return
    confirm(turn, rnd, draft)


def idea_confirm(turn: Turn, message: Message) -> None:
    if message.incoming.kind == IncomingKind.TEXT:
        idea_text(turn, message)  # a new text replaces the draft
        return
    if message.incoming.kind == IncomingKind.CHOICE:
        _choice(turn, message)
        return
    turn.not_a_choice()


def idea_more(turn: Turn, message: Message) -> None:
    if message.incoming.kind == IncomingKind.TEXT:
        idea_text(turn, message)  # typing straight away means another idea
        return
    _choice(turn, message)


def _choice(turn: Turn, message: Message) -> None:
    action = message.action
    rnd = turn.round_choice(action if isinstance(action, b.Idea) else None)
    if rnd is None:
        return
    assert isinstance(action, b.Idea)
    step_name = turn.state.step
    if action.action == "send" and step_name == StepName.IDEA_CONFIRM and turn.state.draft:
        _send(turn, rnd, turn.state.draft)
    elif action.action == "edit" and step_name == StepName.IDEA_CONFIRM:
        turn.goto(StepName.IDEA_TEXT, draft=None)
        turn.ack(turn._("Type your idea again."))
    elif action.action == "more" and step_name == StepName.IDEA_MORE:
        turn.prompt_round(rnd)
    elif action.action == "done" and step_name in (StepName.IDEA_MORE, StepName.IDEA_TEXT):
        turn.finish_round(rnd)
        turn.ack(turn._("OK."))
        turn.next_round()
    else:
        turn.stale(rnd)


def _send(turn: Turn, rnd: RoundView, draft: str) -> None:
    assert turn.resident_id is not None
    turn.do(c.SubmitIdea(turn.resident_id, rnd.id, draft))
    turn.answered[rnd.id] = turn.answered.get(rnd.id, 0) + 1
    turn.ack(with_held_note(turn, turn._("Thank you! Your idea has been saved."), draft))
    limit = rnd.max_per_resident
    if limit is not None and turn.answered[rnd.id] >= limit:
        turn.finish_round(rnd)
        turn.next_round()
    else:
        ask_more(turn, rnd)
