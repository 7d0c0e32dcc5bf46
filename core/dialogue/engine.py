"""The conversation engine: ``step(context, state, incoming) -> Step``.

Pure and channel-agnostic: no I/O, no clock, no randomness of its own. The flow is a table
(``FLOW``) from the current step to the function that handles an answer in it; the global
intents (help, stop, language, my data, forget, start, go, others) work from every step before
the table is consulted (``INTENTS``). Every option the engine offers carries short data written
by the button codec (:mod:`core.dialogue.buttons`) and checked again when it comes back, so a
stale or forged button changes nothing.

The flows live in a module per concern: :mod:`~core.dialogue.joining` (project list, consent,
profile), :mod:`~core.dialogue.ideas`, :mod:`~core.dialogue.rating`,
:mod:`~core.dialogue.statements`, :mod:`~core.dialogue.feedback`,
:mod:`~core.dialogue.commands` (help, stop, language, my data, forget, go) and
:mod:`~core.dialogue.others`. This module wires them together.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from core.dialogue import buttons as b
from core.dialogue import (
    commands,
    feedback,
    ideas,
    items,
    joining,
    notify,
    others,
    rating,
    statements,
)
from core.dialogue.context import Context, RoundView
from core.dialogue.intents import Intent, IntentName, Message, in_state, parse_intent, read
from core.dialogue.state import State, StepName
from core.dialogue.turn import Step, Turn, short
from core.domain import commands as c
from core.domain.model import RoundKind
from core.i18n import resident_language
from core.messages import Incoming, IncomingKind

__all__ = ["FLOW", "INTENTS", "Intent", "Message", "Step", "parse_intent", "read", "step"]

Handler = Callable[[Turn, Message], None]

# Steps inside a round: they answer for a resident, so a state left there by someone who no
# longer takes part (their data erased, their project changed) starts again from joining.
_MEMBERS_ONLY = frozenset(
    {StepName.IDEA_TEXT, StepName.IDEA_CONFIRM, StepName.IDEA_SIMILAR, StepName.IDEA_MORE,
     StepName.RATE,
     StepName.VOTE, StepName.FEEDBACK_SCORE, StepName.FEEDBACK_TEXT, StepName.NOTIFY_EMAIL}
)  # fmt: skip


def step(ctx: Context, state: State, incoming: Incoming | Message) -> Step:
    """Handle one incoming message and return the new state, the replies and the commands.

    Args:
        ctx: what the engine may know about the world for this step.
        state: the resident's dialogue state (not changed; the new one is returned).
        incoming: the message, or the :class:`Message` the caller already read from it.
    """
    state = replace(state, skipped=dict(state.skipped))
    if ctx.resident is None and state.step in _MEMBERS_ONLY:  # no longer taking part: rejoin
        state = State(project=state.project, language=state.language)
    message = in_state(incoming, state) if isinstance(incoming, Message) else read(incoming, state)
    if state.language is None:
        if ctx.resident is not None:
            state.language = ctx.resident.language
        elif message.incoming.language_hint:
            state.language = resident_language(message.incoming.language_hint)
    turn = Turn(ctx, state, _NAVIGATOR)
    if ctx.resident is not None and ctx.resident.status == "blocked":
        turn.do(c.MarkReachable(ctx.pseudonym))  # they wrote, so they unblocked us
    if message.intent is not None:
        INTENTS[message.intent.name](turn, message)
    elif message.stray:  # "6" or "ok" where an idea is asked: no idea, ask again
        turn.not_a_choice()
    else:
        FLOW.get(state.step, joining.idle)(turn, message)
    return turn.result()


class _Navigator:
    """Moving on: asks each round kind's flow for its question."""

    PROMPTS: dict[RoundKind, Callable[[Turn, RoundView], bool]] = {
        RoundKind.IDEAS: ideas.prompt,
        RoundKind.RATING: items.prompt,
        RoundKind.STATEMENTS: items.prompt,
        RoundKind.FEEDBACK: feedback.prompt,
    }

    def prompt_round(self, turn: Turn, rnd: RoundView) -> bool:
        return self.PROMPTS.get(rnd.kind, feedback.prompt)(turn, rnd)

    def reprompt(self, turn: Turn) -> None:
        """Ask the current question again (after help, a stray message, or on return)."""
        s = turn.state
        project = turn.ctx.project
        if project is None or s.step in (StepName.IDLE, StepName.CHOOSE_PROJECT):
            joining.offer_projects(turn)
        elif s.step == StepName.CONSENT:
            joining.ask_consent(turn, project)
        elif s.step == StepName.PROFILE_POSTCODE:
            joining.ask_postcode(turn)
        elif s.step == StepName.PROFILE_AGE:
            joining.ask_age(turn)
        elif s.step == StepName.NOTIFY_EMAIL:
            notify.ask_email(turn)
        elif s.step == StepName.FORGET_CONFIRM:
            commands.ask_forget(turn)
        elif s.step == StepName.LANGUAGE:
            commands.ask_language(turn)
        else:
            self._reprompt_round(turn)

    def nothing_left(self, turn: Turn) -> None:
        notify.nothing_left(turn)

    def _reprompt_round(self, turn: Turn) -> None:
        s = turn.state
        rnd = turn.current_round()
        if s.step == StepName.DONE or rnd is None:
            turn.next_round()
            return
        if not rnd.is_open:
            question = short(turn.local(rnd.question) or rnd.key)
            turn.say(turn._("The round \u201c{question}\u201d is closed now.", question=question))
            turn.next_round()
            return
        if s.step in (StepName.RATE, StepName.VOTE) and s.item_id is not None:
            text = turn.ctx.item_texts.get(s.item_id, s.item_text)
            if text is not None:
                items.ask(turn, rnd, s.item_id, text, s.criterion)
                return
        if s.step == StepName.IDEA_SIMILAR and s.draft and turn.ctx.similar:
            ideas.offer_similar(turn, rnd, s.draft, turn.ctx.similar)
        elif s.step in (StepName.IDEA_CONFIRM, StepName.IDEA_SIMILAR) and s.draft:
            ideas.confirm(turn, rnd, s.draft)  # nothing similar any more: send or change
        elif s.step == StepName.IDEA_MORE:
            ideas.ask_more(turn, rnd)
        elif s.step == StepName.FEEDBACK_TEXT and s.score is not None:
            feedback.ask_comment(turn, rnd)
        else:
            turn.prompt_round(rnd)


_NAVIGATOR = _Navigator()


def _done(turn: Turn, message: Message) -> None:
    """Between rounds: any message moves on; a button of an earlier question is stale."""
    if isinstance(message.action, b.Notify):
        notify.choose(turn, message)
        return
    if message.incoming.kind == IncomingKind.CHOICE:
        turn.stale(turn.ctx.round(b.round_of(message.action)))
        return
    turn.next_round()


INTENTS: dict[IntentName, Handler] = {
    IntentName.START: commands.start,
    IntentName.HELP: commands.help_,
    IntentName.STOP: commands.stop,
    IntentName.LANGUAGE: commands.language,
    IntentName.MYDATA: commands.my_data,
    IntentName.FORGET: commands.forget,
    IntentName.OTHERS: others.others,
    IntentName.GO: commands.go,
}

FLOW: dict[StepName, Handler] = {
    StepName.IDLE: joining.idle,
    StepName.CHOOSE_PROJECT: joining.choose_project,
    StepName.CONSENT: joining.consent,
    StepName.PROFILE_POSTCODE: joining.profile_postcode,
    StepName.PROFILE_AGE: joining.profile_age,
    StepName.IDEA_TEXT: ideas.idea_text,
    StepName.IDEA_CONFIRM: ideas.idea_confirm,
    StepName.IDEA_SIMILAR: ideas.idea_similar,
    StepName.IDEA_MORE: ideas.idea_more,
    StepName.RATE: rating.rate,
    StepName.VOTE: statements.vote,
    StepName.FEEDBACK_SCORE: feedback.feedback_score,
    StepName.FEEDBACK_TEXT: feedback.feedback_text,
    StepName.DONE: _done,
    StepName.FORGET_CONFIRM: commands.forget_confirm,
    StepName.LANGUAGE: commands.choose_language,
    StepName.NOTIFY_EMAIL: notify.notify_email,
}
