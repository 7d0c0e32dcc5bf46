"""What a resident's conversation asks: taking part, their profile and language, their
answers, their data, and whether their channel still reaches them."""

from __future__ import annotations

from dataclasses import dataclass

from core.domain.commands.base import Command


@dataclass(frozen=True)
class GiveConsent(Command):
    pseudonym: str
    project_id: int
    channel: str
    language: str
    address: str | None = None  # how to reach the resident on the channel (e.g. chat id)
    bot_id: int | None = None  # which of the channel's bots the resident talks to (Telegram)


@dataclass(frozen=True)
class SetProfile(Command):
    resident_id: int
    postcode: str | None = None
    age_band: str | None = None


@dataclass(frozen=True)
class SetLanguage(Command):
    pseudonym: str
    language: str


@dataclass(frozen=True)
class Unsubscribe(Command):
    pseudonym: str


@dataclass(frozen=True)
class Resubscribe(Command):
    pseudonym: str


@dataclass(frozen=True)
class ForgetResident(Command):
    pseudonym: str


@dataclass(frozen=True)
class SetNotifyEmail(Command):
    """Keep an e-mail address to tell a web-chat resident when a new round opens."""

    pseudonym: str
    address: str


@dataclass(frozen=True)
class StopNotifyEmail(Command):
    """Send no more e-mail to this address (the link in every such e-mail)."""

    address: str


@dataclass(frozen=True)
class IssueCarryOver(Command):
    """Make a single-use link token that carries a web-chat resident to ``channel``."""

    pseudonym: str
    project_code: str
    channel: str  # telegram | whatsapp


@dataclass(frozen=True)
class SubmitIdea(Command):
    resident_id: int
    round_id: int
    text: str


@dataclass(frozen=True)
class SupportIdea(Command):
    """A resident supports an idea offered as like theirs (once; never their own)."""

    resident_id: int
    round_id: int
    idea_id: int


@dataclass(frozen=True)
class RateItem(Command):
    resident_id: int
    round_id: int
    item_id: int
    criterion: int
    score: int


@dataclass(frozen=True)
class CastVote(Command):
    resident_id: int
    round_id: int
    item_id: int
    value: int


@dataclass(frozen=True)
class GiveFeedback(Command):
    resident_id: int
    round_id: int
    score: int | None
    text: str = ""


@dataclass(frozen=True)
class MarkRoundStarted(Command):
    resident_id: int
    round_id: int


@dataclass(frozen=True)
class MarkRoundFinished(Command):
    resident_id: int
    round_id: int


@dataclass(frozen=True)
class MarkBlocked(Command):
    """The resident blocked the bot: send them nothing until they write again."""

    pseudonym: str


@dataclass(frozen=True)
class MarkReachable(Command):
    """A resident who had blocked the bot wrote again (STOP still needs START)."""

    pseudonym: str
