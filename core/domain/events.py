"""Events: what happened. Past-tense names, frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass


class Event:
    """Base class of all events."""


@dataclass(frozen=True)
class ResidentJoined(Event):
    resident_id: int
    project_id: int


@dataclass(frozen=True)
class IdeaSubmitted(Event):
    idea_id: int
    round_id: int


@dataclass(frozen=True)
class IdeaApproved(Event):
    idea_id: int
    round_id: int


@dataclass(frozen=True)
class RoundOpened(Event):
    round_id: int


@dataclass(frozen=True)
class RoundClosed(Event):
    round_id: int


@dataclass(frozen=True)
class ResidentForgotten(Event):
    pseudonym: str


# --- web area: moderation and publishing ---


@dataclass(frozen=True)
class ContributionRejected(Event):
    kind: str
    contribution_id: int


@dataclass(frozen=True)
class IdeasMerged(Event):
    idea_id: int
    into_id: int


@dataclass(frozen=True)
class StaffMailReady(Event):
    """An e-mail to a facilitator or admin (an invitation, a reset link, a digest): sent once
    the transaction that made it has committed."""

    to: str
    subject: str
    text: str


# --- outbox / scheduling ---
@dataclass(frozen=True)
class MessagesQueued(Event):
    """Broadcast messages were written to the outbox (wakes the sender)."""

    round_id: int | None
    kind: str
    count: int


@dataclass(frozen=True)
class ResultsPublished(Event):
    round_id: int


@dataclass(frozen=True)
class ResultsUnpublished(Event):
    round_id: int


@dataclass(frozen=True)
class ProjectScheduleChanged(Event):
    """A project's rounds were created or edited: their jobs must be (re)scheduled."""

    project_id: int


@dataclass(frozen=True)
class PersonalDataErased(Event):
    """A project's retention period passed: its residents' personal data was erased."""

    project_id: int
