"""The requests that work from every step: start, help, stop, language, my data, forget, go."""

from __future__ import annotations

from core.dialogue import buttons as b
from core.dialogue import joining
from core.dialogue.intents import Message
from core.dialogue.state import StepName
from core.dialogue.turn import Turn, option, short
from core.domain import commands as c
from core.domain.wijken import is_postcode_area
from core.i18n import LANGUAGE_NAMES, RESIDENT_LANGUAGES, format_when


def start(turn: Turn, message: Message) -> None:
    joining.start(turn, message.intent.arg if message.intent else "")


def help_(turn: Turn, message: Message) -> None:
    turn.say(
        turn._(
            "inspraak asks you short questions from your municipality. Answer with the buttons or "
            "by typing. You can always send:\n"
            "HELP \u2013 this explanation\n"
            "STOP \u2013 no more messages\n"
            "LANGUAGE \u2013 choose your language\n"
            "OTHERS \u2013 how others think (once a round is finished)\n"
            "MY DATA \u2013 see what we store about you\n"
            "FORGET \u2013 erase everything about you\n"
            "START \u2013 continue where you were"
        )
    )
    turn.reprompt()


def stop(turn: Turn, message: Message) -> None:
    turn.do(c.Unsubscribe(turn.ctx.pseudonym))
    turn.say(
        turn._(
            "You have been unsubscribed: we will not send you any more messages. "
            "Your answers stay unless you send FORGET. Send START to take part again."
        )
    )


def language(turn: Turn, message: Message) -> None:
    arg = message.intent.arg if message.intent else ""
    if arg in RESIDENT_LANGUAGES:
        _set_language(turn, arg)
        return
    step = turn.state.step
    turn.state.resume_step = step if step != StepName.LANGUAGE else None
    turn.goto(StepName.LANGUAGE)
    ask_language(turn)


def ask_language(turn: Turn) -> None:
    turn.say(
        turn._("Which language do you prefer?"),
        [option(name, b.Language(code)) for code, name in LANGUAGE_NAMES.items()],
        columns=2,
    )


def _set_language(turn: Turn, code: str) -> None:
    turn.state.language = code
    turn.do(c.SetLanguage(turn.ctx.pseudonym, code))
    if turn.state.step == StepName.LANGUAGE:
        turn.state.step = turn.state.resume_step or StepName.IDLE
        turn.state.resume_step = None
    turn.ack(turn._("I will speak English with you from now on."))
    turn.reprompt()


def my_data(turn: Turn, message: Message) -> None:
    data = turn.ctx.my_data
    _ = turn._
    if data is None or not data.projects:
        turn.say(
            _(
                "We store nothing about you except a pseudonym ({pseudonym}) and where you "
                "are in this conversation.",
                pseudonym=data.pseudonym[:12] if data else "-",
            )
        )
        turn.reprompt()
        return
    lines = [
        _("This is what we store about you:"),
        _("Pseudonym: {pseudonym}", pseudonym=data.pseudonym[:12] + "\u2026"),
        _("Projects: {projects}", projects=", ".join(data.projects)),
        _(
            "Consent given: {when}",
            when=", ".join(format_when(d, turn.state.language) for d in data.consent_at),
        ),
        _("Language: {language}", language=data.language or "-"),
        _neighbourhood(turn, data.wijk),
        _("Age: {age}", age=data.age_band or "-"),
        _("Ideas ({count}):", count=len(data.ideas)),
    ]
    lines += [f"\u2022 {short(idea, 120)}" for idea in data.ideas]
    if data.supported:
        lines.append(_("Ideas of others you support ({count}):", count=len(data.supported)))
        lines += [f"\u2022 {short(idea, 120)}" for idea in data.supported]
    lines.append(_("Ratings given: {count}", count=data.ratings))
    lines.append(_("Votes on statements: {count}", count=data.votes))
    lines.append(_("Feedback ({count}):", count=len(data.feedback)))
    lines += [f"\u2022 {short(text, 120)}" for text in data.feedback]
    if data.email:
        lines.append(_("E-mail to tell you of a new round: {address}", address=data.email))
    elif data.has_contact:
        lines.append(_("To send you messages we also keep your chat address on this channel."))
    lines.append(_("Send FORGET to erase all of this."))
    turn.say("\n".join(lines))
    turn.reprompt()


def _neighbourhood(turn: Turn, wijk: str | None) -> str:
    """The wijk by its name; a postcode that no wijk of the project lists, as a postcode."""
    if is_postcode_area(wijk):
        return turn._("Postcode area: {postcode}", postcode=wijk)
    return turn._("Neighbourhood: {wijk}", wijk=wijk or "-")


def forget(turn: Turn, message: Message) -> None:
    if turn.state.step != StepName.FORGET_CONFIRM:
        turn.state.resume_step = turn.state.step
    turn.goto(StepName.FORGET_CONFIRM)
    ask_forget(turn)


def ask_forget(turn: Turn) -> None:
    turn.say(
        turn._(
            "Do you want us to erase everything we store about you, including your "
            "ideas and answers? This cannot be undone."
        ),
        [
            option(turn._("Yes, erase everything"), b.Forget(True)),
            option(turn._("No, keep it"), b.Forget(False)),
        ],
    )


def go(turn: Turn, message: Message) -> None:
    """Take the resident into the round a prompt or reminder was about (``go:CODE:ROUND``)."""
    action = message.action
    project = turn.ctx.project
    if not isinstance(action, b.Go) or project is None:
        joining.offer_projects(turn)
        return
    if project.code != joining.normalise_code(action.code):
        joining.offer_projects(turn)
        return
    if turn.ctx.resident is None:
        joining.join(turn, project)
        return
    turn.state.project = project.code
    if turn.ctx.resident.status != "active":
        turn.do(c.Resubscribe(turn.ctx.pseudonym))
    rnd = turn.ctx.round(action.round_id)
    if rnd is None or not rnd.is_open:
        turn.say(turn._("That round is closed, so your answer was not saved."))
        turn.leave_round()
        turn.next_round()
        return
    if rnd.id in turn.done_rounds:
        turn.say(turn._("You have already answered this round. Thank you!"))
        turn.leave_round()
        turn.next_round()
        return
    busy = turn.state.step not in (StepName.IDLE, StepName.DONE, StepName.CONSENT)
    if turn.state.round_id == rnd.id and busy:
        turn.reprompt()  # already busy with this round: ask the current question again
        return
    turn.leave_round()
    if not turn.start_round(rnd):
        turn.next_round()


# -- the steps of the side questions --------------------------------------------------------


def forget_confirm(turn: Turn, message: Message) -> None:
    action = message.action
    if isinstance(action, b.Forget) and action.yes:
        turn.do(c.ForgetResident(turn.ctx.pseudonym))
        turn.forgotten = True
        turn.say(turn._("Everything has been erased. Type START to take part again."))
        return
    if isinstance(action, b.Forget):
        turn.state.step = turn.state.resume_step or StepName.IDLE
        turn.state.resume_step = None
        turn.ack(turn._("Nothing was erased."))
        turn.reprompt()
        return
    turn.not_a_choice()


def choose_language(turn: Turn, message: Message) -> None:
    action = message.action
    if isinstance(action, b.Language) and action.code in RESIDENT_LANGUAGES:
        _set_language(turn, action.code)
        return
    turn.not_a_choice()
