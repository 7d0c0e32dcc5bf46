"""The one contract every channel meets: ``Incoming`` in, ``Reply`` out.

A channel turns its own events (a Telegram update, a WhatsApp webhook, a web form) into an
``Incoming`` and renders each ``Reply``. Options are buttons where the channel has them; a channel
without buttons uses :func:`numbered_text`, and the dialogue engine maps a typed digit back to
the option, so every channel works the same way.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field, replace
from enum import StrEnum

MAX_OPTION_DATA_BYTES = 64  # Telegram's callback_data limit; the smallest of our channels.
MAX_INCOMING_CHARS = 20_000  # anything longer is cut before it reaches the engine
_UNPRINTABLE = re.compile(r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]")


class IncomingKind(StrEnum):
    START = "start"
    TEXT = "text"
    CHOICE = "choice"
    COMMAND = "command"


@dataclass(frozen=True)
class Incoming:
    """A resident's message as the core sees it."""

    kind: IncomingKind
    text: str = ""
    data: str = ""  # option data for CHOICE, payload for START, command name for COMMAND
    language_hint: str | None = None  # e.g. Telegram's language_code

    def sanitised(self) -> Incoming:
        """Drop characters no database or page should receive (NUL, other C0 controls)."""
        text = _UNPRINTABLE.sub("", self.text[:MAX_INCOMING_CHARS])
        data = _UNPRINTABLE.sub("", self.data[:MAX_INCOMING_CHARS])
        if text == self.text and data == self.data:
            return self
        return replace(self, text=text, data=data)

    @classmethod
    def start(cls, payload: str = "", language_hint: str | None = None) -> Incoming:
        return cls(IncomingKind.START, data=payload.strip(), language_hint=language_hint)

    @classmethod
    def message(cls, text: str, language_hint: str | None = None) -> Incoming:
        return cls(IncomingKind.TEXT, text=text, language_hint=language_hint)

    @classmethod
    def choice(cls, data: str) -> Incoming:
        return cls(IncomingKind.CHOICE, data=data)

    @classmethod
    def command(cls, name: str, args: str = "") -> Incoming:
        return cls(IncomingKind.COMMAND, data=name.lower().lstrip("/"), text=args)


@dataclass(frozen=True)
class Option:
    """One answer a resident can pick: a short label and opaque, short data."""

    label: str
    data: str

    def __post_init__(self) -> None:
        if len(self.data.encode()) > MAX_OPTION_DATA_BYTES:
            raise ValueError(f"option data longer than {MAX_OPTION_DATA_BYTES} bytes: {self.data}")


@dataclass(frozen=True)
class Reply:
    """A message to a resident: plain text (never markup) and optional options.

    ``columns`` suggests how many buttons go on one row (a 1-10 scale: five).
    ``answers`` is set on the reply that acknowledges a choice, so channels with editable
    messages can mark the question as answered (Telegram edits it and drops its buttons).
    """

    text: str
    options: tuple[Option, ...] = field(default_factory=tuple)
    columns: int = 0
    answers: str | None = None

    def numbered_text(self) -> str:
        """Render the options as a numbered list, for channels without buttons."""
        return numbered_text(self)


def numbered_text(reply: Reply) -> str:
    """Return the reply's text followed by its options as ``1. label`` lines."""
    if not reply.options:
        return reply.text
    lines = [reply.text, ""]
    lines += [f"{n}. {option.label}" for n, option in enumerate(reply.options, start=1)]
    return "\n".join(lines)


# A web form's one-time token ("turn", a hidden field): the same form posted twice (a double
# click, a browser resending, back and resubmit) carries the same turn and is one message.
TURN = re.compile(r"[A-Za-z0-9_-]{16,64}")  # what new_turn() makes; anything else is no turn


def new_turn() -> str:
    """A one-time token for one rendering of a chat form."""
    return secrets.token_urlsafe(16)


def form_turn(turn: str | None) -> str | None:
    """``turn`` when it is one :func:`new_turn` could have made, else None (no dedupe)."""
    return turn if turn is not None and TURN.fullmatch(turn) else None
