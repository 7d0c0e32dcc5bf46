"""The web chat channel: a browser form in, the conversation so far out.

The resident is known by a random cookie token; only its pseudonym reaches the database.
Every rendering of a chat form carries a random one-time *turn*: a form posted twice (a double
click, a browser resending after a slow answer, back and resubmit) is one answer.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from core.dialogue import buttons
from core.dialogue.intents import IntentName, read
from core.i18n import N_, gettext_for
from core.messages import Incoming, form_turn, new_turn
from core.services.conversation import Conversations, Outcome

CHANNEL = "web"
ERASED = N_("Everything has been erased. Type START to take part again.")


@dataclass(frozen=True)
class ChatEntry:
    outgoing: bool
    text: str
    options: list[dict[str, str]]


@dataclass(frozen=True)
class Answered:
    """What became of a web chat answer: ``erased`` when the resident had everything erased
    (nothing of them is stored any more), in their ``language``."""

    erased: bool = False
    language: str = "nl"


class WebChat:
    """Translates web chat form posts into ``Incoming`` and returns the transcript."""

    def __init__(self, conversations: Conversations) -> None:
        self.conversations = conversations

    # -- what every channel answers (core.channels.Channel) -----------------------------------
    sender = None  # the web chat cannot push: a resident reads it when they open the page
    webhook = None

    def join_link(self, code: str, payload: str | None = None) -> str | None:
        return None  # the web offers its own chat link

    async def close(self) -> None:
        return None

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(24)

    new_turn = staticmethod(new_turn)  # a one-time token per rendering of a chat form

    async def start(
        self,
        token: str,
        project_code: str,
        language: str | None = None,
        turn: str | None = None,
    ) -> None:
        incoming = Incoming.start(project_code, language_hint=language)
        await self.conversations.handle(
            CHANNEL, token, incoming, keep_log=True, dedupe_key=_dedupe_key(token, turn)
        )

    async def greeting(
        self, token: str, project_code: str, language: str | None = None
    ) -> list[ChatEntry]:
        """The opening of the conversation, shown without storing anything."""
        incoming = Incoming.start(project_code, language_hint=language)
        outcome = await self.conversations.preview(CHANNEL, token, incoming)
        return [
            ChatEntry(True, r.text, [{"label": o.label, "data": o.data} for o in r.options])
            for r in outcome.replies
        ]

    async def answer(
        self,
        token: str,
        project_code: str,
        *,
        text: str | None = None,
        choice: str | None = None,
        language: str | None = None,
        turn: str | None = None,
    ) -> Answered:
        """Take a typed message or a pressed button. A visitor's first answer starts the
        conversation the greeting only showed, in the same step.

        A second post of the same form (the same ``turn``) runs no step: the conversation
        stays as the first post left it. (When that post erased everything, nothing of the
        conversation is left, and the copy is answered as erased too.) A form without a turn
        (a page from before turns) is handled as it comes.
        """
        if choice:
            incoming = Incoming.choice(choice[:64])
        elif text is not None:
            incoming = Incoming.message(text)
        else:
            return Answered(language=language or "nl")
        opening = Incoming.start(project_code, language_hint=language)
        key = _dedupe_key(token, turn)
        outcome: Outcome = await self.conversations.handle(
            CHANNEL, token, incoming, keep_log=True, opening=opening, dedupe_key=key
        )
        if outcome.duplicate:
            # every step the web chat claims a turn for stores the conversation, or erases it
            erased = not await self.transcript(token)
            return Answered(erased=erased, language=language or "nl")
        return Answered(erased=outcome.erased, language=outcome.language)

    @staticmethod
    def starts_again(text: str | None) -> bool:
        """Whether a typed message asks to take part again (START, in any of its words)."""
        if not text:
            return False
        intent = read(Incoming.message(text[:200])).intent
        return intent is not None and intent.name == IntentName.START

    @staticmethod
    def erased(language: str) -> list[ChatEntry]:
        """What the chat shows once everything is erased, until the resident starts again.

        Shown from the channel, not stored: nothing of the resident remains to keep it in.
        """
        _ = gettext_for(language).gettext
        return [ChatEntry(True, _(ERASED), [])]

    @staticmethod
    def others_offered(entries: list[ChatEntry]) -> list[dict[str, str]]:
        """The "how do others think?" buttons the conversation offered so far, newest first.

        They work from every step, so the chat keeps them at hand after the message that
        brought them has scrolled away (one per round).
        """
        found: dict[str, dict[str, str]] = {}
        for entry in reversed(entries):
            for option in entry.options:
                action = buttons.decode(option.get("data", ""))
                if isinstance(action, buttons.Others) and option["data"] not in found:
                    found[option["data"]] = option
        return list(found.values())

    async def language(self, token: str) -> str | None:
        """The language the resident chose (or was given) in this conversation, if any."""
        return await self.conversations.language(CHANNEL, token)

    async def transcript(self, token: str) -> list[ChatEntry]:
        rows: list[dict[str, Any]] = await self.conversations.history(CHANNEL, token)
        return [ChatEntry(bool(r["outgoing"]), str(r["text"]), list(r["options"])) for r in rows]


def _dedupe_key(token: str, turn: str | None) -> str | None:
    """What a form's post is recognised by: its turn, bound to the resident's chat token (one
    resident's turn means nothing in another's chat). None: no dedupe (no turn, or an odd one).

    Only a keyed hash of it is stored (``core.services.conversation.message_key``), and the
    turn itself nowhere: a stored key cannot be traced to a resident, not even with the chat
    token and the secret key.
    """
    checked = form_turn(turn)
    return None if checked is None else f"{token}:{checked}"
