"""What a message means: the global intent it carries and the button it picks, read once.

A channel's :class:`~core.messages.Incoming` is read into a :class:`Message` once per message,
by :func:`read`; the conversation service and the engine both use that reading. A typed answer
(a label, a number, "ja", "nee, verder", "ik geef een 7") is mapped onto the option last offered
by :mod:`core.dialogue.understanding`, so from then on it is the same as pressing that button.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.dialogue import buttons as b
from core.dialogue.state import State, StepName
from core.dialogue.understanding import Policy, command, normalise, understand
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


# Slash commands (Telegram's menu; "/help" typed anywhere). Typed words are in the table of
# core.dialogue.understanding.
_COMMANDS = {
    "start": "start", "help": "help", "hulp": "help", "stop": "stop",
    "taal": "language", "language": "language", "mijngegevens": "mydata",
    "mydata": "mydata", "vergeet": "forget", "forget": "forget",
    "anderen": "others", "others": "others",
}  # fmt: skip

# How much of a typed text each step reads as an answer to its options (see Policy).
POLICIES: dict[StepName, Policy] = {
    StepName.IDLE: Policy.LOOSE,
    StepName.CHOOSE_PROJECT: Policy.LOOSE,
    StepName.DONE: Policy.LOOSE,
    StepName.PROFILE_POSTCODE: Policy.NUMBER,
    StepName.IDEA_TEXT: Policy.TEXT,
    StepName.IDEA_CONFIRM: Policy.TEXT,
    StepName.IDEA_SIMILAR: Policy.TEXT,
    StepName.IDEA_MORE: Policy.TEXT,
    StepName.FEEDBACK_TEXT: Policy.TEXT,
}  # every other step: Policy.CHOICE


@dataclass(frozen=True)
class Message:
    """One incoming message as the dialogue understands it.

    ``incoming`` has a typed option already resolved into that option's choice; ``action`` is
    the decoded button of a choice (None for other messages and for unknown data).
    """

    incoming: Incoming
    intent: Intent | None
    action: b.Action | None = None
    stray: bool = False  # a number or yes/no that fits no option, where free text is allowed


def read(incoming: Incoming, state: State | None = None) -> Message:
    """Read a message once: resolve a typed option against ``state``, find its intent."""
    stray = False
    if state is not None:
        incoming, stray = _resolve(state, incoming)
    action = b.decode(incoming.data) if incoming.kind == IncomingKind.CHOICE else None
    intent = _intent(incoming, action)
    return Message(incoming, intent, action, stray and intent is None)


def in_state(message: Message, state: State) -> Message:
    """The same message once the resident's state is known (a typed option becomes a choice).

    Read without a state (before the state is loaded), a message is read again only when it
    turns out to pick an option or to be a stray answer; otherwise the first reading stands.
    """
    resolved, stray = _resolve(state, message.incoming)
    if resolved is message.incoming and not stray:
        return message
    return read(message.incoming, state)


def parse_intent(incoming: Incoming) -> Intent | None:
    """Recognise a global intent in a message, whatever step the resident is in."""
    return read(incoming).intent


def resolve_typed_option(state: State, incoming: Incoming) -> Incoming:
    """Map a typed answer onto the option last offered it picks (see understanding)."""
    return _resolve(state, incoming)[0]


def _resolve(state: State, incoming: Incoming) -> tuple[Incoming, bool]:
    if incoming.kind != IncomingKind.TEXT or not state.options:
        return incoming, False
    if _typed_intent(incoming.text) is not None and not _is_label(state, incoming.text):
        return incoming, False  # "stop", "help": a request, unless an option is called so
    policy = POLICIES.get(state.step, Policy.CHOICE)
    options = list(zip(state.labels, state.options, strict=False))
    found = understand(incoming.text, options, policy)
    if found.data is not None:
        return Incoming.choice(found.data), False
    return incoming, found.stray


def _is_label(state: State, text: str) -> bool:
    typed = normalise(text)
    return any(normalise(label) == typed for label in state.labels)


def _intent(incoming: Incoming, action: b.Action | None) -> Intent | None:
    if incoming.kind == IncomingKind.START:
        return Intent(IntentName.START, incoming.data)
    if isinstance(action, b.Others):
        return Intent(IntentName.OTHERS, "" if action.round_id is None else str(action.round_id))
    if isinstance(action, b.Go):  # the button of a round's prompt or reminder
        return Intent(IntentName.GO, f"{action.code}:{action.round_id}")
    if incoming.kind == IncomingKind.COMMAND:
        name = _COMMANDS.get(incoming.data)
        return Intent(IntentName(name), incoming.text.strip()) if name else Intent(IntentName.HELP)
    if incoming.kind != IncomingKind.TEXT:
        return None
    return _typed_intent(incoming.text)


def _typed_intent(raw: str) -> Intent | None:
    if raw.strip() == "?":
        return Intent(IntentName.HELP)
    name = command(raw.strip().lstrip("/"))
    if name is not None:
        return Intent(IntentName(name))
    text = " ".join(raw.strip().lower().lstrip("/").split())
    head, _, rest = text.partition(" ")
    if head in ("start", "join", "doe") and rest and len(rest) <= 40:
        return Intent(IntentName.START, rest.replace("mee ", "").strip())
    if head in ("taal", "language") and rest in RESIDENT_LANGUAGES:
        return Intent(IntentName.LANGUAGE, rest)
    return None
