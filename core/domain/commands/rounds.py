"""What the web area, the command line or the schedule does with a round: open and close
it, ask residents and remind them, publish its results, make a shortlist of its ideas
and add ideas collected elsewhere."""

from __future__ import annotations

from dataclasses import dataclass

from core.domain.commands.base import Command

# ``user_id`` on these commands: who asks (recorded in the audit log); ``None`` is the
# system itself (the scheduler, the command line).


@dataclass(frozen=True)
class OpenRound(Command):
    round_id: int
    user_id: int | None = None


@dataclass(frozen=True)
class CloseRound(Command):
    round_id: int
    user_id: int | None = None


@dataclass(frozen=True)
class PromptRound(Command):
    """Queue the round's prompt for every subscribed resident not prompted yet."""

    round_id: int
    user_id: int | None = None


@dataclass(frozen=True)
class SendReminder(Command):
    """Queue reminder ``number`` (0-based) for residents who have not finished the round."""

    round_id: int
    number: int = 0
    user_id: int | None = None


@dataclass(frozen=True)
class PublishResults(Command):
    """Publish a round's results and tell every participant what came of it."""

    round_id: int
    user_id: int | None = None


@dataclass(frozen=True)
class UnpublishResults(Command):
    """Take a round's published results back: off the summary page and out of the chat;
    results messages not yet sent are withdrawn (those sent cannot be)."""

    round_id: int
    user_id: int | None = None


@dataclass(frozen=True)
class ApplyShortlist(Command):
    """Make a rating or statements round's items from its organised ideas round.

    ``themes`` keeps only candidates in one of these themes (all when empty); ``top`` keeps the
    N most supported. ``None`` for both: the round's stored choice.
    """

    round_id: int
    themes: tuple[str, ...] | None = None
    top: int | None = None
    user_id: int | None = None


@dataclass(frozen=True)
class ImportIdeas(Command):
    """Add ideas collected elsewhere (paper, a meeting) to an ideas round, all or none."""

    round_id: int
    data: bytes  # a CSV file: text, and optionally wijk and source (core.services.idea_file)
    user_id: int | None = None
