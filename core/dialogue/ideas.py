"""An ideas round: type an idea, confirm it, and give another one or move on.

When ideas like the one typed are already in the round (the conversation service puts them in
the context), they are offered first: "Do you mean one of these?". Choosing one supports it
instead of sending a new idea; "No, my idea is different" sends the resident's own. The typed
text waits in the state (``draft``) meanwhile, so nothing is lost.
"""

from __future__ import annotations

from core.dialogue import buttons as b
from core.dialogue.context import RoundView, SimilarView
from core.dialogue.held import with_held_note
from core.dialogue.intents import Message
from core.dialogue.state import StepName
from core.dialogue.turn import Turn, option, short
from core.dialogue.understanding import Meaning, meaning
from core.domain import commands as c
from core.domain.errors import InvalidInput
from core.domain.model import MAX_TEXT_LENGTH, clean_text
from core.messages import IncomingKind, Option

LABEL_LENGTH = 60  # a similar idea's button: WhatsApp shows 24 characters and 72 below them
BODY_LENGTH = 160  # a similar idea in the message's text: four fit a WhatsApp body (1,024)


def means_different(text: str) -> bool:
    """Whether a typed answer to "do you mean one of these?" means "no, mine is different"."""
    return bool(meaning(text) & {Meaning.DIFFERENT, Meaning.NO})


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
        f"{turn.local(rnd.question)}\n\n{extra}",
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
    if turn.ctx.similar:
        offer_similar(turn, rnd, draft, turn.ctx.similar)
    else:
        confirm(turn, rnd, draft)


def offer_similar(
    turn: Turn, rnd: RoundView, draft: str, similar: tuple[SimilarView, ...]
) -> None:
    """Ask "do you mean one of these?" with the similar ideas and "no, mine is different"."""
    _ = turn._
    turn.goto(StepName.IDEA_SIMILAR, draft=draft)
    listed = "\n".join(
        f"{n}. \u201c{short(idea.text, BODY_LENGTH)}\u201d" for n, idea in enumerate(similar, 1)
    )
    if len(similar) == 1:
        intro = _("Another resident already sent an idea like it:")
        question = _("Do you mean this idea? Choose it and you support it.")
    else:
        intro = _("Other residents already sent ideas like it:")
        question = _("Do you mean one of these? Choose one and you support it.")
    outro = _("Or choose \u201cNo, my idea is different\u201d and we save your own idea.")
    options: list[Option] = [
        option(short(idea.text, LABEL_LENGTH), b.Support(rnd.id, idea.id)) for idea in similar
    ]
    options.append(option(_("No, my idea is different"), b.Idea(rnd.id, "new")))
    turn.say(
        _("Your idea: \u201c{idea}\u201d", idea=short(draft, BODY_LENGTH))
        + f"\n\n{intro}\n{listed}\n\n{question}\n{outro}",
        options,
        columns=1,
    )


def idea_similar(turn: Turn, message: Message) -> None:
    """The answer to "do you mean one of these?": a similar idea, "different", or a new text."""
    draft = turn.state.draft
    if message.incoming.kind == IncomingKind.TEXT:
        rnd = turn.current_round()
        if draft and rnd is not None and rnd.is_open and means_different(message.incoming.text):
            _send(turn, rnd, draft)
        else:
            idea_text(turn, message)  # a new text replaces the draft
        return
    if message.incoming.kind == IncomingKind.CHOICE:
        _choice(turn, message)
        return
    turn.not_a_choice()


def _support(turn: Turn, rnd: RoundView, idea_id: int) -> None:
    """Support the chosen idea once (never one's own), then ask for another idea."""
    chosen = next((s for s in turn.ctx.similar if s.id == idea_id), None)
    _ = turn._
    if chosen is None:  # rejected, merged away or erased since it was offered
        turn.say(_("That idea can no longer be supported. Nothing was saved."))
        turn.reprompt()
        return
    if chosen.own:
        turn.ack(_("That is your own idea, so it already counts. Thank you!"))
    elif chosen.supported:
        turn.ack(_("You already support this idea. Your support counts once."))
    else:
        assert turn.resident_id is not None
        turn.do(c.SupportIdea(turn.resident_id, rnd.id, chosen.id))
        turn.ack(
            _(
                "Thank you! You now support the idea \u201c{idea}\u201d.",
                idea=short(chosen.text, BODY_LENGTH),
            )
        )
    ask_more(turn, rnd)


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
    rnd = turn.round_choice(action if isinstance(action, b.Idea | b.Support) else None)
    if rnd is None:
        return
    step_name = turn.state.step
    if isinstance(action, b.Support):
        if step_name in (StepName.IDEA_SIMILAR, StepName.IDEA_MORE):
            _support(turn, rnd, action.idea_id)  # again after supporting: kind, counted once
        else:
            turn.stale(rnd)
        return
    assert isinstance(action, b.Idea)
    sending = {"send": StepName.IDEA_CONFIRM, "new": StepName.IDEA_SIMILAR}
    if sending.get(action.action) == step_name and turn.state.draft:
        _send(turn, rnd, turn.state.draft)
    elif action.action == "edit" and step_name in (StepName.IDEA_CONFIRM, StepName.IDEA_SIMILAR):
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
