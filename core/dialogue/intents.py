"""What a message means: the global intent it carries and the button it picks, read once.

A channel's :class:`~core.messages.Incoming` is read into a :class:`Message` once per message,
by :func:`read`; the conversation service and the engine both use that reading. A typed label or
number is mapped onto the option last offered (channels without buttons), so from then on it is
the same as pressing that button.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.dialogue import buttons as b
from core.dialogue.state import State
from core.domain.numbers import decimal_digits, read_number
from core.i18n import RESIDENT_LANGUAGES
from core.messages import Incoming, IncomingKind


class IntentName(StrEnum):
    START = "start"
    HELP = "help"
    STOP = "stop"
    LANGUAGE = "language"
    MYDATA = "mydata"
    FORGET = "forget"
    OTHERS = "others"
    GO = "go"


@dataclass(frozen=True)
class Intent:
    """A request that works from every step (help, stop, ...), with its argument if any."""

    name: IntentName
    arg: str = ""


# Words a resident can type on channels without slash commands (web chat, WhatsApp).
_KEYWORDS = {
    "start": "start", "begin": "start", "aanmelden": "start",
    "help": "help", "hulp": "help", "?": "help",
    "stop": "stop", "afmelden": "stop", "unsubscribe": "stop",
    "taal": "language", "language": "language", "lang": "language",
    "mijngegevens": "mydata", "mijn gegevens": "mydata", "mydata": "mydata",
    "my data": "mydata", "gegevens": "mydata",
    "vergeet": "forget", "vergeet mij": "forget", "forget": "forget", "forget me": "forget",
    "wis": "forget",
}  # fmt: skip
_COMMANDS = {
    "start": "start", "help": "help", "hulp": "help", "stop": "stop",
    "taal": "language", "language": "language", "mijngegevens": "mydata",
    "mydata": "mydata", "vergeet": "forget", "forget": "forget",
}  # fmt: skip

# "You and the others": typed words and slash commands that ask how others think.
_OTHERS_WORDS = {
    "anderen", "hoe denken anderen", "hoe denken anderen?", "others", "how do others think",
    "how do others think?",
}  # fmt: skip
_OTHERS_COMMANDS = {"anderen", "others"}


@dataclass(frozen=True)
class Message:
    """One incoming message as the dialogue understands it.

    ``incoming`` has a typed option already resolved into that option's choice; ``action`` is
    the decoded button of a choice (None for other messages and for unknown data).
    """

    incoming: Incoming
    intent: Intent | None
    action: b.Action | None = None


def read(incoming: Incoming, state: State | None = None) -> Message:
    """Read a message once: resolve a typed option against ``state``, find its intent."""
    if state is not None:
        incoming = resolve_typed_option(state, incoming)
    action = b.decode(incoming.data) if incoming.kind == IncomingKind.CHOICE else None
    return Message(incoming, _intent(incoming, action), action)


def in_state(message: Message, state: State) -> Message:
    """The same message once the resident's state is known (a typed option becomes a choice).

    Read without a state (before the state is loaded), a message is read again only when it
    turns out to pick an option; otherwise the first reading stands.
    """
    resolved = resolve_typed_option(state, message.incoming)
    return message if resolved is message.incoming else read(resolved)


def parse_intent(incoming: Incoming) -> Intent | None:
    """Recognise a global intent in a message, whatever step the resident is in."""
    return read(incoming).intent


def resolve_typed_option(state: State, incoming: Incoming) -> Incoming:
    """Map a typed label or number onto the option last offered (channels without buttons)."""
    if incoming.kind != IncomingKind.TEXT or not state.options:
        return incoming
    typed = incoming.text.strip().lower().rstrip(".")
    digits = decimal_digits(typed)  # "٣" is the label "3" of a score
    for label, data in zip(state.labels, state.options, strict=False):
        if typed == label.lower() or (digits is not None and digits == label):
            return Incoming.choice(data)
    number = read_number(typed)  # digits of any script; "²" is no number
    if number is not None and 1 <= number <= len(state.options):
        return Incoming.choice(state.options[number - 1])
    return incoming


def _intent(incoming: Incoming, action: b.Action | None) -> Intent | None:
    if incoming.kind == IncomingKind.START:
        return Intent(IntentName.START, incoming.data)
    if isinstance(action, b.Others):
        return Intent(IntentName.OTHERS, "" if action.round_id is None else str(action.round_id))
    if isinstance(action, b.Go):  # the button of a round's prompt or reminder
        return Intent(IntentName.GO, f"{action.code}:{action.round_id}")
    if incoming.kind == IncomingKind.COMMAND:
        if incoming.data in _OTHERS_COMMANDS:
            return Intent(IntentName.OTHERS)
        name = _COMMANDS.get(incoming.data)
        return Intent(IntentName(name), incoming.text.strip()) if name else Intent(IntentName.HELP)
    if incoming.kind != IncomingKind.TEXT:
        return None
    return _typed_intent(incoming.text)


def _typed_intent(raw: str) -> Intent | None:
    text = " ".join(raw.strip().lower().lstrip("/").split())
    if text in _KEYWORDS:
        return Intent(IntentName(_KEYWORDS[text]))
    if text in _OTHERS_WORDS:
        return Intent(IntentName.OTHERS)
    head, _, rest = text.partition(" ")
    if head in ("start", "join", "doe") and rest and len(rest) <= 40:
        return Intent(IntentName.START, rest.replace("mee ", "").strip())
    if head in ("taal", "language") and rest in RESIDENT_LANGUAGES:
        return Intent(IntentName.LANGUAGE, rest)
    return None
