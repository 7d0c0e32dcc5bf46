"""Builders for tests: a settable clock, a resident who chats, small project files."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from core.messages import Incoming, Reply
from core.services.conversation import Conversations


class TestClock:
    """A clock that stands still until a test moves it."""

    __test__ = False

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 12, 2, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


class ChatResident:
    """A resident on a test channel: sends messages, presses buttons by label, reads replies."""

    def __init__(self, conversations: Conversations, user_id: str, channel: str = "test") -> None:
        self.conversations = conversations
        self.user_id = user_id
        self.channel = channel
        self.replies: list[Reply] = []
        self.last: list[Reply] = []

    @property
    def pseudonym(self) -> str:
        return self.conversations.pseudonym(self.channel, self.user_id)

    async def send(self, incoming: Incoming, **kwargs: Any) -> list[Reply]:
        outcome = await self.conversations.handle(self.channel, self.user_id, incoming, **kwargs)
        self.last = outcome.replies
        self.replies += outcome.replies
        return outcome.replies

    async def start(self, code: str = "") -> list[Reply]:
        return await self.send(Incoming.start(code))

    async def say(self, text: str) -> list[Reply]:
        return await self.send(Incoming.message(text))

    async def choose(self, data: str) -> list[Reply]:
        return await self.send(Incoming.choice(data))

    def option(self, label: str) -> str:
        """Return the data of the option labelled ``label`` in the latest question."""
        for reply in reversed(self.last):
            for option in reply.options:
                if option.label == label:
                    return option.data
        raise AssertionError(f"no option {label!r} in {self.texts()}")

    async def press(self, label: str) -> list[Reply]:
        return await self.choose(self.option(label))

    @property
    def question(self) -> Reply:
        return next(r for r in reversed(self.last) if r.options)

    def texts(self) -> str:
        return "\n---\n".join(r.text for r in self.last)

    async def join(self, code: str = "DEMO", postcode: str | None = None) -> None:
        await self.start(code)
        await self.press("Ja, ik doe mee")
        if postcode:
            await self.say(postcode)
        else:
            await self.press("Overslaan")
        await self.press("Overslaan")


def project_toml(code: str = "TEST", rounds: str = "") -> str:
    return f'''
[project]
code = "{code}"
title = "Testproject"
organisation = "gemeente-test"
intro = "Een project voor tests."
ask_profile = false

{rounds}
'''


POLIS_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "polis"


async def import_polis(
    container: Any, name: str = "brexit-consensus", code: str = "BREXIT", publish: bool = True
) -> int:
    """Import a Pol.is fixture folder as a project (its statements round published); return
    the round id. ``container`` is an ``inspraak.bootstrap.Container``."""
    from core.domain.commands import PublishResults
    from core.services.polis.transfer import import_conversation, read_folder

    conversation, first_votes = read_folder(POLIS_FIXTURES / name)
    async with container.uow() as uow:
        report = await import_conversation(
            uow, conversation, first_votes, code=code, secret_key=container.secret_key
        )
        project = await uow.projects.by_code(report.project_code)
        rounds = await uow.projects.rounds(project.id)
        await uow.commit()
    round_id = int(next(r.id for r in rounds if r.key == report.round_key))
    if publish:
        await container.bus.handle(PublishResults(round_id))
    return round_id
