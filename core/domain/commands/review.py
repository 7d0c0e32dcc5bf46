"""What a facilitator does with residents' contributions: moderate them one by one, and
organise an ideas round's ideas (approve, merge, group into themes; each step undoable)."""

from __future__ import annotations

from dataclasses import dataclass

from core.domain.commands.base import Command

# ``user_id`` on these commands: who asks (recorded in the audit log); ``None`` is the
# system itself (the scheduler, the command line).


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


@dataclass(frozen=True)
class ApproveIdeas(Command):
    round_id: int
    idea_ids: tuple[int, ...]
    user_id: int | None = None


@dataclass(frozen=True)
class RejectIdeas(Command):
    round_id: int
    idea_ids: tuple[int, ...]
    reason: str
    user_id: int | None = None


@dataclass(frozen=True)
class MergeCluster(Command):
    round_id: int
    idea_ids: tuple[int, ...]  # the ideas to become one (the survivor among them or not)
    survivor_id: int  # keeps everyone's support and carries the wording
    wording: str  # the facilitator's wording for the merged idea
    user_id: int | None = None


@dataclass(frozen=True)
class CreateTheme(Command):
    round_id: int
    name: str
    user_id: int | None = None


@dataclass(frozen=True)
class RenameTheme(Command):
    round_id: int
    theme_id: int
    name: str
    user_id: int | None = None


@dataclass(frozen=True)
class DeleteTheme(Command):
    round_id: int
    theme_id: int
    user_id: int | None = None


@dataclass(frozen=True)
class AssignTheme(Command):
    round_id: int
    idea_ids: tuple[int, ...]
    theme: str  # the theme's name (any case); a new name makes the theme
    remove: bool = False  # take the theme off these ideas instead
    user_id: int | None = None


@dataclass(frozen=True)
class UndoOrganise(Command):
    round_id: int
    action_id: int  # must be the round's last action not yet undone (a double submit is refused)
    user_id: int | None = None
