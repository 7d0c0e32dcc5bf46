"""Commands: what someone asks the system to do. Imperative names, frozen dataclasses."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


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


# ``user_id`` on the commands of the web area: who asks (recorded in the audit log);
# ``None`` is the system itself (the scheduler, the command line).


@dataclass(frozen=True)
class OpenRound(Command):
    round_id: int
    user_id: int | None = None


@dataclass(frozen=True)
class CloseRound(Command):
    round_id: int
    user_id: int | None = None


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


# --- web area: the organise page of an ideas round (each one undoable) ---


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


# --- outbox / scheduling ---
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


# --- web area, API, project files and the command line: projects and rounds ---
# A project's fields and a round's fields come as a project file's tables (``[project]``,
# ``[[rounds]]``), as given: the handler checks them by the project file's rules, in the
# context of the whole project, and changes nothing when one is broken. ``user_id`` names who
# asks, for the authorisation policy; ``None`` is the system itself (the command line).


@dataclass(frozen=True)
class CreateProject(Command):
    project: Mapping[str, Any]
    user_id: int | None = None


@dataclass(frozen=True)
class UpdateProject(Command):
    """Change a project's fields; fields not given keep their value, the code stays."""

    code: str
    project: Mapping[str, Any]
    user_id: int | None = None


@dataclass(frozen=True)
class AddRound(Command):
    code: str
    round: Mapping[str, Any]
    user_id: int | None = None


@dataclass(frozen=True)
class EditRound(Command):
    """Replace a round's fields (its key stays)."""

    code: str
    key: str
    round: Mapping[str, Any]
    user_id: int | None = None


@dataclass(frozen=True)
class DeleteRound(Command):
    """Remove a round that has not opened yet (and that no other round draws items from)."""

    code: str
    key: str
    user_id: int | None = None


@dataclass(frozen=True)
class ImportProject(Command):
    """Create or update a project and its rounds from a whole project file's data."""

    file: Mapping[str, Any]
    user_id: int | None = None


# --- a project's whole life: delete, close, archive, copy, templates ---


@dataclass(frozen=True)
class DeleteProject(Command):
    """Remove a project no resident has joined and none of whose rounds has opened."""

    code: str
    user_id: int | None = None


@dataclass(frozen=True)
class CloseProject(Command):
    """Close a project: open rounds close, planned rounds stop, the retention period starts."""

    code: str
    user_id: int | None = None


@dataclass(frozen=True)
class ArchiveProject(Command):
    """Put a closed project in the archive (``archived``) or take it out again."""

    code: str
    archived: bool = True
    user_id: int | None = None


@dataclass(frozen=True)
class CopyProject(Command):
    """A new draft project with the rounds, texts and settings of ``code``; no answers."""

    code: str
    new_code: str
    title: str = ""
    user_id: int | None = None


@dataclass(frozen=True)
class SaveTemplate(Command):
    """Keep a project's rounds, texts and settings as a template of its organisation."""

    code: str
    name: str
    description: str = ""
    user_id: int | None = None


@dataclass(frozen=True)
class DeleteTemplate(Command):
    """Remove one of an organisation's own templates."""

    template_id: int
    user_id: int | None = None


@dataclass(frozen=True)
class CreateFromTemplate(Command):
    """A new draft project from a template: ``template`` is a shipped template's name or
    ``own:<id>``; ``project`` holds at least ``code`` and ``organisation``, maybe ``title``."""

    template: str
    project: Mapping[str, Any]
    user_id: int | None = None


@dataclass(frozen=True)
class SetPopulation(Command):
    """Replace a project's population figures: people per wijk and per age band.

    ``figures`` maps "wijk" and "age_band" to {group: people}; ``source`` is "form" or "cbs".
    """

    code: str
    figures: Mapping[str, Mapping[str, int]]
    source: str = "form"
    user_id: int | None = None


@dataclass(frozen=True)
class ImportWijken(Command):
    """Replace a project's wijken (name -> 4-digit postcodes) from a file, and with them the
    inhabitants per wijk when the file gives them (the age bands' figures stay)."""

    code: str
    wijken: Mapping[str, Sequence[str]]
    people: Mapping[str, int]
    user_id: int | None = None


# --- web area and API: accounts ---


@dataclass(frozen=True)
class SignIn(Command):
    """Check a password (failures are counted per address and client) and open a session."""

    email: str
    password: str
    ip: str


@dataclass(frozen=True)
class SignOut(Command):
    token: str


@dataclass(frozen=True)
class ChangePassword(Command):
    """Replace a password after checking the current one; the user's other sessions end."""

    user_id: int
    current: str
    new: str
    keep_token: str | None = None


@dataclass(frozen=True)
class IssueApiToken(Command):
    user_id: int


@dataclass(frozen=True)
class RevokeApiToken(Command):
    user_id: int
    token_id: int


@dataclass(frozen=True)
class UseApiToken(Command):
    """Find the user of an API token, noting that it was used."""

    token: str


# --- web area: the organisation's privacy statement and the audit log ---


@dataclass(frozen=True)
class UpdatePrivacySettings(Command):
    """Change whom residents write to about their data, and the organisation's own text."""

    organisation: str  # the organisation's slug
    contact: str
    text: str
    user_id: int | None = None


@dataclass(frozen=True)
class SetLogo(Command):
    """Set an organisation's logo (PNG, JPEG or SVG bytes), or remove it with ``None``."""

    organisation: str  # the organisation's slug
    data: bytes | None
    user_id: int | None = None


@dataclass(frozen=True)
class RecordExport(Command):
    """Note in the audit log that someone downloaded a project's data (CSV, XLSX, TOML...)."""

    user_id: int
    project_code: str
    export: str  # e.g. "results.csv", "results.xlsx", "project.toml", "audit.csv"
    round_key: str = ""


# --- housekeeping: what the scheduler asks for now and then ---


@dataclass(frozen=True)
class PruneExpired(Command):
    """Drop what is kept only for a while: processed-message ids past their channel's
    redelivery window, the provider's ids of messages sent long ago, and anonymous visits."""


@dataclass(frozen=True)
class ApplyRetention(Command):
    """Erase the personal data of projects closed longer than their retention period."""


# --- the shortlist and imported ideas ---
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
