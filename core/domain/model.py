"""Domain objects: plain dataclasses and the rules that belong to them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum, StrEnum

from core.domain.errors import ActionNotAvailable, InvalidInput, RoundNotOpen
from core.domain.numbers import read_number

MAX_TEXT_LENGTH = 1000
ORGANISATION_SLUG = r"^[a-z0-9][a-z0-9-]{0,99}$"  # gemeente-oosterwijk
MAX_TITLE_LENGTH = 200
MAX_CODE_LENGTH = 40

AGE_BANDS = ("<18", "18-29", "30-44", "45-64", "65+")


class RoundKind(StrEnum):
    IDEAS = "ideas"
    RATING = "rating"
    STATEMENTS = "statements"
    FEEDBACK = "feedback"


class RoundState(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"


class RoundAction(StrEnum):
    """What a facilitator can do to a round as a whole."""

    OPEN = "open"
    CLOSE = "close"
    PUBLISH = "publish"
    UNPUBLISH = "unpublish"


class ResidentStatus(StrEnum):
    ACTIVE = "active"
    STOPPED = "stopped"
    BLOCKED = "blocked"


class VoteValue(int, Enum):
    AGREE = 1
    DISAGREE = -1
    PASS = 0


class ProjectStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    CLOSED = "closed"


class ContributionStatus(StrEnum):
    NEW = "new"
    APPROVED = "approved"
    REJECTED = "rejected"
    MERGED = "merged"  # folded into another idea, which kept its supporters


def shown_publicly(status: ContributionStatus | str, flags: list[str], moderation: str) -> bool:
    """Whether a resident's idea or comment may appear where others or the public read it.

    Approved ones may. With moderation afterwards (``post``) a new one may too, as long as
    nothing was flagged on arrival (a phone number, an e-mail address, a swear word ...); with
    moderation beforehand (``pre``) it waits for a facilitator. Rejected and merged ones never.
    """
    status = ContributionStatus(status)
    if status == ContributionStatus.APPROVED:
        return True
    return status == ContributionStatus.NEW and moderation != "pre" and not flags


_CONTROL = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f-\u009f]")
_ZERO_WIDTH = re.compile(r"[\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")


def normalise_newlines(text: str) -> str:
    """Line breaks as ``\n`` only: browsers send a textarea's breaks as ``\r\n``."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def clean_text(raw: str, limit: int = MAX_TEXT_LENGTH) -> str:
    """Return resident text normalised and stripped of control and zero-width characters.

    Raises:
        InvalidInput: when nothing is left, or the text is longer than ``limit``.
    """
    text = unicodedata.normalize("NFC", normalise_newlines(raw))
    text = _ZERO_WIDTH.sub("", _CONTROL.sub("", text)).strip()
    if not text:
        raise InvalidInput("empty")
    if len(text) > limit:
        raise InvalidInput("too_long", limit=limit, length=len(text))
    return text


@dataclass
class Organisation:
    slug: str
    name: str
    id: int | None = None
    privacy_contact: str = ""  # whom residents write to about their data
    privacy_text: str = ""  # the organisation's own words on its privacy statement page

    @staticmethod
    def valid_slug(slug: str) -> bool:
        """Whether ``slug`` can name an organisation (it is part of the web area's addresses)."""
        return re.fullmatch(ORGANISATION_SLUG, slug) is not None


@dataclass
class Project:
    code: str
    title: str
    organisation_id: int
    intro: str = ""
    language: str = "nl"
    status: ProjectStatus = ProjectStatus.ACTIVE
    settings: dict = field(default_factory=dict)
    bot_id: int | None = None
    id: int | None = None
    created_at: datetime | None = None
    closed_at: datetime | None = None
    retention_days: int = 365  # personal data is erased this long after the project closed
    personal_data_erased_at: datetime | None = None

    @staticmethod
    def normalise_code(code: str) -> str:
        return re.sub(r"[^A-Z0-9_-]", "", code.strip().upper())

    @staticmethod
    def parse_code(raw: str) -> str | None:
        """The project code in ``raw`` (a link's or a message's), or None when it cannot be one:
        nothing left of it, or longer than a code may be (2 to 40 letters, digits, - or _)."""
        code = Project.normalise_code(raw[: MAX_CODE_LENGTH * 4])
        return code if 2 <= len(code) <= MAX_CODE_LENGTH else None


@dataclass
class Round:
    project_id: int
    key: str
    kind: RoundKind
    position: int = 0
    question: str = ""
    items_from: str | None = None
    scale_min: int = 1
    scale_max: int = 5
    criteria: list[str] = field(default_factory=list)
    max_per_resident: int | None = None
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    reminders: list[str] = field(default_factory=list)
    state: RoundState = RoundState.DRAFT
    results_published_at: datetime | None = None
    settings: dict = field(default_factory=dict)
    id: int | None = None

    def is_open(self, now: datetime) -> bool:
        """Return whether the round takes answers at ``now``.

        A scheduled round counts as open from its opening time even before the scheduler has
        marked it open, and any round stops taking answers at its closing time.
        """
        if self.state == RoundState.CLOSED:
            return False
        if self.closes_at is not None and now >= self.closes_at:
            return False
        if self.state == RoundState.OPEN:
            return True
        return (
            self.state == RoundState.SCHEDULED
            and self.opens_at is not None
            and now >= self.opens_at
        )

    @property
    def live_results(self) -> bool:
        """Whether the facilitator chose to show this round's results while it runs."""
        return bool(self.settings.get("live_results", False))

    @property
    def results_shown(self) -> bool:
        """Whether residents and the public may see this round's results: once the facilitator
        published them, or all along when they chose to show them live. Until then they stay
        with the facilitators, so early answers cannot steer later ones."""
        return self.results_published_at is not None or self.live_results

    def phase(self, now: datetime) -> RoundState:
        """The state the round is really in at ``now``: a scheduled round whose opening time
        has come is open, and any round past its closing time is closed, whether or not the
        scheduler has marked it yet."""
        if self.is_open(now):
            return RoundState.OPEN
        if self.state == RoundState.CLOSED or (
            self.closes_at is not None and now >= self.closes_at
        ):
            return RoundState.CLOSED
        return self.state

    def actions(self, now: datetime) -> tuple[RoundAction, ...]:
        """The actions that apply to the round at ``now``: open one that is not open (again,
        when it closed), close an open one, publish the results of one that has opened, take
        published results back."""
        phase = self.phase(now)
        found = [RoundAction.CLOSE] if phase == RoundState.OPEN else [RoundAction.OPEN]
        if self.results_published_at is not None:
            found.append(RoundAction.UNPUBLISH)
        elif phase in (RoundState.OPEN, RoundState.CLOSED):
            found.append(RoundAction.PUBLISH)
        return tuple(found)

    def require_action(self, action: RoundAction, now: datetime) -> None:
        """Refuse an action that does not apply to the round's state (``ActionNotAvailable``).

        Doing again what is done already (opening an open round, publishing published
        results) is not refused: the handlers make it change nothing, so a double click or a
        scheduled job that comes late is harmless.
        """
        again = {
            RoundAction.OPEN: self.phase(now) == RoundState.OPEN,
            RoundAction.CLOSE: self.phase(now) == RoundState.CLOSED,
            RoundAction.PUBLISH: self.results_published_at is not None,
            RoundAction.UNPUBLISH: self.results_published_at is None,
        }
        if action not in self.actions(now) and not again[action]:
            raise ActionNotAvailable(action.value, state=self.phase(now).value)

    def require_open(self, now: datetime) -> None:
        if not self.is_open(now):
            raise RoundNotOpen(self.key)

    def open(self, now: datetime) -> None:
        self.state = RoundState.OPEN
        if self.opens_at is None or self.opens_at > now:
            self.opens_at = now
        if self.closes_at is not None and self.closes_at <= now:
            self.closes_at = None

    def close(self, now: datetime) -> None:
        self.state = RoundState.CLOSED
        if self.closes_at is None or self.closes_at > now:
            self.closes_at = now

    @property
    def scale(self) -> range:
        return range(self.scale_min, self.scale_max + 1)

    @property
    def criteria_or_default(self) -> list[str]:
        return self.criteria or [""]

    def check_score(self, score: int) -> None:
        if score not in self.scale:
            raise InvalidInput("score_out_of_range", low=self.scale_min, high=self.scale_max)


@dataclass
class Resident:
    """A person taking part in one project, known only by a pseudonym."""

    pseudonym: str
    project_id: int
    channel: str
    consent_at: datetime
    language: str = "nl"
    status: ResidentStatus = ResidentStatus.ACTIVE
    wijk: str | None = None
    age_band: str | None = None
    external_id: str | None = None
    id: int | None = None
    created_at: datetime | None = None


@dataclass
class Item:
    """Something to rate or a statement to vote on."""

    round_id: int
    text: str
    position: int = 0
    idea_id: int | None = None
    external_id: str | None = None
    active: bool = True
    id: int | None = None


@dataclass
class Idea:
    round_id: int
    resident_id: int
    text: str
    status: ContributionStatus = ContributionStatus.NEW
    created_at: datetime | None = None
    id: int | None = None
    flags: list[str] = field(default_factory=list)  # personal details found on arrival
    wording: str | None = None  # the facilitator's wording for it and the ideas merged into it
    source: str | None = None  # where an imported idea came from (None: the chat)

    @property
    def shown_text(self) -> str:
        """The words a shortlist item and the public pages use."""
        return self.wording or self.text


@dataclass
class Rating:
    round_id: int
    item_id: int
    resident_id: int
    criterion: int
    score: int
    created_at: datetime | None = None
    id: int | None = None


@dataclass
class Vote:
    round_id: int
    item_id: int
    resident_id: int
    value: VoteValue
    created_at: datetime | None = None
    id: int | None = None


@dataclass
class Feedback:
    round_id: int
    resident_id: int
    score: int | None
    text: str = ""
    status: ContributionStatus = ContributionStatus.NEW
    created_at: datetime | None = None
    id: int | None = None
    flags: list[str] = field(default_factory=list)  # personal details found on arrival


@dataclass
class RoundProgress:
    """How far one resident is with one round (for reminders and the dashboard)."""

    round_id: int
    resident_id: int
    started_at: datetime | None = None
    finished_at: datetime | None = None
    prompted_at: datetime | None = None
    id: int | None = None


# \d matches the decimal digits of any script, which read_number reads.
_DURATION = re.compile(
    r"^P(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?)?$"
)


def parse_duration(text: str) -> timedelta:
    """Parse the ISO-8601 durations the project file uses (``P2D``, ``PT12H``, ``P1DT6H``).

    Hand-written because only weeks/days/hours/minutes make sense for reminders and the
    general ISO-8601 parsers either pull in a dependency or accept years and months, which
    have no fixed length.
    """
    match = _DURATION.match(text.strip().upper())
    if not match or not any(match.groupdict().values()):
        raise ValueError(f"not an ISO-8601 duration like P2D or PT12H: {text!r}")
    parts = {k: read_number(v) for k, v in match.groupdict().items() if v}
    try:
        if None in parts.values():
            raise OverflowError
        return timedelta(**{k: v for k, v in parts.items() if v is not None})
    except OverflowError:  # P99999999999D: more days than a timedelta holds
        raise ValueError(f"duration too long: {text!r}") from None


@dataclass
class Bot:
    """A Telegram bot of one organisation; its token is stored sealed, never in clear."""

    telegram_id: int
    username: str
    organisation_id: int | None = None
    token_encrypted: str | None = None
    is_default: bool = False
    active: bool = True
    id: int | None = None
    created_at: datetime | None = None
