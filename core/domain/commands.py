"""Commands: what someone asks the system to do. Imperative names, frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass


class Command:
    """Base class of all commands."""


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
class SubmitIdea(Command):
    resident_id: int
    round_id: int
    text: str


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
class OpenRound(Command):
    round_id: int


@dataclass(frozen=True)
class CloseRound(Command):
    round_id: int


# --- web area: moderation and publishing ---


@dataclass(frozen=True)
class ApproveContribution(Command):
    kind: str  # "idea" or "feedback"
    contribution_id: int
    user_id: int | None = None


@dataclass(frozen=True)
class RejectContribution(Command):
    kind: str
    contribution_id: int
    reason: str
    user_id: int | None = None


@dataclass(frozen=True)
class CorrectContribution(Command):
    kind: str
    contribution_id: int
    text: str
    user_id: int | None = None


@dataclass(frozen=True)
class MergeIdeas(Command):
    idea_id: int  # disappears into ...
    into_id: int  # ... this one, which keeps both ideas' supporters
    user_id: int | None = None


@dataclass(frozen=True)
class TagIdea(Command):
    idea_id: int
    themes: tuple[str, ...]
    user_id: int | None = None


# --- outbox / scheduling ---
@dataclass(frozen=True)
class PromptRound(Command):
    """Queue the round's prompt for every subscribed resident not prompted yet."""

    round_id: int


@dataclass(frozen=True)
class SendReminder(Command):
    """Queue reminder ``number`` (0-based) for residents who have not finished the round."""

    round_id: int
    number: int = 0


@dataclass(frozen=True)
class PublishResults(Command):
    """Publish a round's results and tell every participant what came of it."""

    round_id: int


# --- reachability and bots ---


@dataclass(frozen=True)
class MarkBlocked(Command):
    """The resident blocked the bot: send them nothing until they write again."""

    pseudonym: str


@dataclass(frozen=True)
class MarkReachable(Command):
    """A resident who had blocked the bot wrote again (STOP still needs START)."""

    pseudonym: str


@dataclass(frozen=True)
class BindProject(Command):
    """Make a project belong to a bot (``bot_id=None``: the default bot)."""

    project_code: str
    bot_id: int | None
