"""Joining a project: the list of open projects, consent, and the optional profile questions."""

from __future__ import annotations

import re

from core.dialogue import buttons as b
from core.dialogue import notify
from core.dialogue.context import ProjectView
from core.dialogue.intents import Message
from core.dialogue.state import StepName
from core.dialogue.turn import Turn, option, short
from core.domain import commands as c
from core.domain.model import AGE_BANDS, Project
from core.domain.numbers import decimal_digits
from core.messages import IncomingKind

normalise_code = Project.normalise_code

_POSTCODE = re.compile(r"^\s*(\d{4})\s*(?:[a-zA-Z]{2})?\s*$")  # \d: digits of any script


def start(turn: Turn, code: str = "") -> None:
    """Join the project with ``code`` (the one in context), or list the open projects."""
    project = turn.ctx.project
    if code and (project is None or project.code != normalise_code(code)):
        turn.say(
            turn._(
                "I don't know a project with the code \u201c{code}\u201d.", code=short(code, 40)
            )
        )
        offer_projects(turn)
        return
    if project is None:
        offer_projects(turn)
        return
    join(turn, project)


def offer_projects(turn: Turn) -> None:
    turn.goto(StepName.CHOOSE_PROJECT)
    if not turn.ctx.open_projects:
        notify.no_project_open(turn)
        return
    options = [option(title[:60], b.Join(code)) for code, title in turn.ctx.open_projects]
    turn.say(
        turn._("Welcome to inspraak! Which project do you want to take part in?"),
        options,
        columns=1,
    )


def join(turn: Turn, project: ProjectView) -> None:
    """Enter ``project``: ask consent the first time, resume a returning resident."""
    previous = turn.state.project
    turn.state.project = project.code
    if turn.ctx.resident is None:
        if turn.state.language is None:
            turn.state.language = project.language
        turn.goto(StepName.CONSENT, round_id=None, item_id=None, draft=None)
        ask_consent(turn, project)
        return
    if turn.ctx.resident.status != "active":
        turn.do(c.Resubscribe(turn.ctx.pseudonym))
    turn.say(turn._("Welcome back to \u201c{title}\u201d!", title=project.title))
    between = (StepName.IDLE, StepName.CHOOSE_PROJECT, StepName.CONSENT)
    if previous != project.code or turn.state.step in between:
        turn.goto(StepName.DONE, round_id=None, item_id=None, draft=None)
        turn.next_round()
    else:
        turn.reprompt()


def ask_consent(turn: Turn, project: ProjectView) -> None:
    welcome = turn._("Welcome to \u201c{title}\u201d!", title=project.title)
    if project.privacy_url:
        statement = turn._("What we store, why and for how long: {url}", url=project.privacy_url)
    else:
        statement = turn._(
            "What we store, why and for how long is in the privacy statement on the "
            "municipality's website."
        )
    privacy = turn._(
        "To take part we store your answers under a pseudonym. We do not store your name "
        "or number with your answers, results are only published for groups, and you can "
        "see your data (MY DATA) or erase it (FORGET) at any time. Do you agree?"
    )
    text = "\n\n".join(p for p in (welcome, turn.local(project.intro), statement, privacy) if p)
    turn.say(
        text,
        [
            option(turn._("Yes, I take part"), b.Consent(True)),
            option(turn._("No thanks"), b.Consent(False)),
        ],
    )


def ask_postcode(turn: Turn) -> None:
    turn.goto(StepName.PROFILE_POSTCODE)
    turn.say(
        turn._(
            "Two optional questions so the municipality can see which "
            "neighbourhoods took part. What are the 4 digits of your postcode?"
        ),
        [option(turn._("Skip"), b.SkipPostcode())],
    )


def ask_age(turn: Turn) -> None:
    turn.goto(StepName.PROFILE_AGE)
    options = [option(_age_label(turn, band), b.Age(band)) for band in AGE_BANDS]
    options.append(option(turn._("Skip"), b.Age("skip")))
    turn.say(turn._("How old are you?"), options, columns=3)


def _age_label(turn: Turn, band: str) -> str:
    if band.startswith("<"):
        return turn._("under {age}", age=band[1:])
    if band.endswith("+"):
        return turn._("{age} or older", age=band[:-1])
    return band.replace("-", "\u2013")


# -- the steps ------------------------------------------------------------------------------


def idle(turn: Turn, message: Message) -> None:
    if isinstance(message.action, b.Join):
        choose_project(turn, message)
        return
    start(turn)


def choose_project(turn: Turn, message: Message) -> None:
    if isinstance(message.action, b.Join):
        start(turn, message.action.code)
        return
    offer_projects(turn)


def consent(turn: Turn, message: Message) -> None:
    project = turn.ctx.project
    if project is None:
        offer_projects(turn)
        return
    if not isinstance(message.action, b.Consent):
        turn.say(turn._("Please answer with Yes or No first."))
        ask_consent(turn, project)
        return
    if not message.action.yes:
        turn.goto(StepName.IDLE, project=None)
        turn.ack(
            turn._(
                "No problem. We have not stored anything about you. Send START if you "
                "change your mind."
            )
        )
        return
    turn.do(
        c.GiveConsent(
            turn.ctx.pseudonym,
            project.id,
            turn.ctx.channel,
            turn.state.language or project.language,
            turn.ctx.address,
            bot_id=turn.ctx.bot_id,
        )
    )
    turn.ack(turn._("Thank you for taking part!"))
    if project.ask_profile:
        ask_postcode(turn)
    else:
        turn.goto(StepName.DONE)
        turn.say(turn._("Send any message to start."))


def profile_postcode(turn: Turn, message: Message) -> None:
    if isinstance(message.action, b.SkipPostcode):
        turn.state.postcode = None
        ask_age(turn)
        return
    incoming = message.incoming
    match = _POSTCODE.match(incoming.text) if incoming.kind == IncomingKind.TEXT else None
    digits = decimal_digits(match.group(1)) if match else None
    if digits is None or digits.startswith("0"):
        turn.say(
            turn._(
                "That is not a postcode I know. Type the 4 digits (for example 3511) "
                "or choose Skip."
            )
        )
        ask_postcode(turn)
        return
    turn.state.postcode = digits
    ask_age(turn)


def profile_age(turn: Turn, message: Message) -> None:
    action = message.action
    if not isinstance(action, b.Age) or (action.band not in AGE_BANDS and action.band != "skip"):
        turn.not_a_choice()
        return
    band = action.band
    postcode, turn.state.postcode = turn.state.postcode, None
    if turn.resident_id is not None and (postcode or band != "skip"):
        turn.do(c.SetProfile(turn.resident_id, postcode, None if band == "skip" else band))
    turn.ack(turn._("Thank you."))
    turn.next_round()
