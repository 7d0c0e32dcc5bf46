"""The web chat channel: a browser form in, the conversation so far out.

The resident is known by a random cookie token; only its pseudonym reaches the database.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from core.messages import Incoming
from core.services.conversation import Conversations

CHANNEL = "web"


@dataclass(frozen=True)
class ChatEntry:
    outgoing: bool
    text: str
    options: list[dict[str, str]]


class WebChat:
    """Translates web chat form posts into ``Incoming`` and returns the transcript."""

    def __init__(self, conversations: Conversations) -> None:
        self.conversations = conversations

    # -- what every channel answers (core.channels.Channel) -----------------------------------
    sender = None  # the web chat cannot push: a resident reads it when they open the page
    webhook = None

    def join_link(self, code: str) -> str | None:
        return None  # the web offers its own chat link

    async def close(self) -> None:
        return None

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(24)

    async def start(self, token: str, project_code: str, language: str | None = None) -> None:
        await self._handle(token, Incoming.start(project_code, language_hint=language))

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
    ) -> None:
        """Take a typed message or a pressed button. A visitor's first answer starts the
        conversation the greeting only showed, in the same step."""
        if choice:
            incoming = Incoming.choice(choice[:64])
        elif text is not None:
            incoming = Incoming.message(text)
        else:
            return
        opening = Incoming.start(project_code, language_hint=language)
        await self.conversations.handle(CHANNEL, token, incoming, keep_log=True, opening=opening)

    async def _handle(self, token: str, incoming: Incoming) -> None:
        await self.conversations.handle(CHANNEL, token, incoming, keep_log=True)

    async def language(self, token: str) -> str | None:
        """The language the resident chose (or was given) in this conversation, if any."""
        return await self.conversations.language(CHANNEL, token)

    async def transcript(self, token: str) -> list[ChatEntry]:
        rows: list[dict[str, Any]] = await self.conversations.history(CHANNEL, token)
        return [ChatEntry(bool(r["outgoing"]), str(r["text"]), list(r["options"])) for r in rows]
