"""When nothing is left to answer: when the next round opens, and how the resident hears of it.

Honest per channel: Telegram and WhatsApp push a round's prompt to residents with a contact
there, so they are told so; the web chat cannot push, so a web-chat resident is told to come
back, and offered what can reach them instead: continuing on Telegram or WhatsApp (a join
link that carries them over, made by the web) or an e-mail when a round opens (opt-in; the
address is kept as their contact, shown by MY DATA and erased by FORGET).
"""

from __future__ import annotations

import re
from datetime import datetime

from babel.dates import format_date, format_time

from core.dialogue import buttons as b
from core.dialogue.intents import Message
from core.dialogue.state import StepName
from core.dialogue.turn import Turn, option
from core.domain import commands as c
from core.i18n import local_time, normalise_language
from core.messages import IncomingKind, Option

MAX_EMAIL = 254  # RFC 5321's limit on a forward path
_EMAIL = re.compile(r"[^@\s<>\"',;:()\[\]]+@[^@\s<>\"',;:()\[\]]+\.[^@\s<>\"',;:()\[\]]{2,}")
EMAIL = "email"  # the contact channel of an e-mail address given in the web chat
# how the chat channels a web-chat resident may continue on are called (data, no branches)
CHANNEL_NAMES = {"telegram": "Telegram", "whatsapp": "WhatsApp"}


def next_opening(turn: Turn) -> datetime | None:
    """When the first round the resident has not finished opens, if one is scheduled."""
    times = [
        r.opens_at
        for r in turn.ctx.rounds
        if r.opens_at is not None and not r.is_open and r.id not in turn.done_rounds
    ]
    return min(times) if times else None


def moment(turn: Turn, value: datetime) -> str:
    """A moment in Europe/Amsterdam time, in the resident's language: "zondag 13 december
    2026 om 10:00"."""
    lang = normalise_language(turn.state.language)
    local = local_time(value)
    day = format_date(local.date(), format="full", locale=lang)
    return turn._("{day} at {time}", day=day, time=format_time(local.time(), "HH:mm", locale=lang))


def nothing_left(turn: Turn) -> None:
    """Say that nothing is left to answer now, when the next round opens, and how the
    resident will hear of it (on the web chat: offer the ways that can reach them)."""
    answered = turn.done_rounds or any(r.is_open for r in turn.ctx.rounds)
    if answered:
        lines = [turn._("You have answered everything there is for now. Thank you!")]
    else:
        lines = [turn._("There is no round open to answer right now.")]
    opens = next_opening(turn)
    if opens is not None:
        when = moment(turn, opens)
        lines.append(turn._("The next round opens on {when}.", when=when))
    else:
        lines.append(turn._("No date has been set for a next round yet."))
    options: list[Option] = []
    reach = turn.ctx.reach
    if reach == EMAIL:
        lines.append(turn._("We will send you an e-mail when a new round opens."))
    elif reach is not None:  # a chat channel that pushes
        lines.append(turn._("We will send you a message here when a new round opens."))
    elif turn.ctx.channel == "web":
        options = _ways(turn)
        if options:
            lines.append(
                turn._(
                    "This web chat cannot send you a message, so come back to this page then. "
                    "Or choose how we may let you know:"
                )
            )
        else:
            lines.append(
                turn._("This web chat cannot send you a message, so come back to this page then.")
            )
    turn.say("\n\n".join(lines), [*options, *turn.others_offer()], columns=1)


def no_project_open(turn: Turn) -> None:
    """No project takes part now: say so, and when and where the next round opens."""
    upcoming = turn.ctx.next_opening
    if upcoming is None:
        turn.say(
            turn._(
                "Welcome to inspraak! There is no open project right now. Please try again later."
            )
        )
        return
    code, title, when = upcoming
    turn.say(
        turn._(
            "Welcome to inspraak! There is no open project right now. The next round opens "
            "on {when}, in \u201c{title}\u201d (code {code}).",
            when=moment(turn, when),
            title=title,
            code=code,
        )
    )


def _ways(turn: Turn) -> list[Option]:
    labels = {
        way: turn._("Continue on {channel}", channel=name) for way, name in CHANNEL_NAMES.items()
    }
    labels[EMAIL] = turn._("Send me an e-mail")
    if turn.resident_id is None:
        return []
    return [
        option(labels[way], b.Notify(way))
        for way in b.NOTIFY_WAYS
        if way in labels and way in dict(turn.ctx.notify_ways)
    ]


def choose(turn: Turn, message: Message) -> None:
    """A web-chat resident chose how to hear of a new round."""
    action = message.action
    if not isinstance(action, b.Notify) or turn.resident_id is None:
        turn.not_a_choice()
        return
    links = dict(turn.ctx.notify_ways)
    if action.way == "no":
        turn.goto(StepName.DONE)
        turn.ack(turn._("All right. Come back to this page when a new round opens."))
        return
    if action.way not in links:
        turn.stale(None)
        return
    if action.way == EMAIL:
        ask_email(turn)
        return
    name = CHANNEL_NAMES.get(action.way, action.way)
    others = [o for o in _ways(turn) if o.data != b.encode(action)]  # still free to choose
    turn.say(
        turn._(
            "Open this link to continue on {channel}: {link}\n\n"
            "You keep your answers and your consent. The link works once, for 30 minutes. "
            "From then on we send you a message there when a new round opens.",
            channel=name,
            link=links[action.way],
        ),
        others,
        columns=1,
    )


def ask_email(turn: Turn) -> None:
    turn.goto(StepName.NOTIFY_EMAIL)
    turn.say(
        turn._(
            "Which e-mail address may we write to when a new round opens? We use it for "
            "nothing else. MY DATA shows it and FORGET erases it."
        ),
        [option(turn._("Cancel"), b.Notify("no"))],
    )


def notify_email(turn: Turn, message: Message) -> None:
    """The step after "which e-mail address": store it, or explain, or cancel."""
    action = message.action
    if isinstance(action, b.Notify) and action.way == "no":
        turn.goto(StepName.DONE)
        turn.ack(turn._("No e-mail, then. Come back to this page when a new round opens."))
        return
    if message.incoming.kind != IncomingKind.TEXT or turn.resident_id is None:
        turn.not_a_choice()
        return
    address = email_address(message.incoming.text)
    if address is None:
        turn.say(
            turn._(
                "That does not look like an e-mail address (like name@example.nl). "
                "Please type it again, or choose Cancel."
            ),
            [option(turn._("Cancel"), b.Notify("no"))],
        )
        return
    turn.do(c.SetNotifyEmail(turn.ctx.pseudonym, address))
    turn.goto(StepName.DONE)
    turn.say(
        turn._(
            "Thank you! We will send an e-mail to {address} when a new round opens, and "
            "nothing else. MY DATA shows the address; FORGET erases it.",
            address=address,
        )
    )


def email_address(text: str) -> str | None:
    """The e-mail address a resident typed (domain in lower case), or None when it is none."""
    candidate = text.strip().strip(".").strip()
    if len(candidate) > MAX_EMAIL or not _EMAIL.fullmatch(candidate):
        return None
    local, _, domain = candidate.rpartition("@")
    return f"{local}@{domain.lower()}"
