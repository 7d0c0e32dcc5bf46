"""What the engine may know about the world for one step: a read-only snapshot.

The conversation service builds it from storage before each step, so the engine itself stays a
pure function of (context, state, incoming).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from core.domain.model import RoundKind


@dataclass(frozen=True)
class ProjectView:
    id: int
    code: str
    title: str
    intro: str
    language: str
    ask_profile: bool = True
    # The organisation's privacy statement: an absolute URL (INSPRAAK_PUBLIC_URL), a path on
    # the web chat's own site when none is configured, or "" (then the text says where to look).
    privacy_url: str = ""
    # Each Dutch text residents read (intro, questions, items, criteria) with its translations
    # by language (core.domain.texts); the dialogue shows a resident their language's.
    texts: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class ResidentView:
    id: int
    status: str
    language: str
    wijk: str | None = None
    age_band: str | None = None


@dataclass(frozen=True)
class RoundView:
    id: int
    key: str
    kind: RoundKind
    question: str
    is_open: bool
    scale_min: int = 1
    scale_max: int = 5
    criteria: tuple[str, ...] = ()
    max_per_resident: int | None = None
    finished: bool = False
    answered: int = 0  # ideas given, items rated or statements voted by this resident
    total: int = 0  # items or statements in the round
    has_feedback: bool = False
    results_shown: bool = False  # published, or shown live: residents may see how others think
    opens_at: datetime | None = None  # when a scheduled round that is not open yet opens


@dataclass(frozen=True)
class SimilarView:
    """An idea of the round like the one the resident typed, which they may support instead.

    ``own``: the resident wrote it (or an idea merged into it); ``supported``: they already
    support it. Both are answered kindly and never count twice.
    """

    id: int
    text: str
    own: bool = False
    supported: bool = False


@dataclass(frozen=True)
class MyData:
    """Everything stored about a pseudonym, for the "my data" command."""

    pseudonym: str
    projects: tuple[str, ...] = ()
    consent_at: tuple[datetime, ...] = ()
    language: str | None = None
    status: tuple[str, ...] = ()
    wijk: str | None = None
    age_band: str | None = None
    ideas: tuple[str, ...] = ()
    supported: tuple[str, ...] = ()  # ideas of others the resident supports
    ratings: int = 0
    votes: int = 0
    feedback: tuple[str, ...] = ()
    has_contact: bool = False
    email: str | None = None  # the address given to hear of a new round (web chat)


@dataclass(frozen=True)
class OthersView:
    """How others think, for "you and the others" after a statements or rating round.

    ``enough`` is False below the minimum number of participants; then only ``participants`` is
    filled. Statement texts come with the resident's own answer and the share of the majority.
    """

    round_id: int
    kind: RoundKind
    participants: int
    enough: bool
    group_size: int | None = None  # the opinion group the resident is closest to
    groups: int = 0
    group_statements: tuple[tuple[str, str], ...] = ()  # (text, "agree" | "disagree")
    differing: tuple[tuple[str, int, float], ...] = ()  # (text, own vote, majority share)
    scores: tuple[tuple[str, int, float], ...] = ()  # rating: (item text, own score, mean)
    minimum: int = 0  # the fewest participants shown (the view sets it when not enough)
    hidden: bool = False  # the results wait until the facilitator publishes them


@dataclass(frozen=True)
class Context:
    now: datetime
    pseudonym: str = ""
    channel: str = "web"
    address: str | None = None  # how to reach the resident, stored only after consent
    project: ProjectView | None = None
    resident: ResidentView | None = None
    rounds: tuple[RoundView, ...] = ()
    candidates: dict[int, tuple[tuple[int, str], ...]] = field(default_factory=dict)
    item_texts: dict[int, str] = field(default_factory=dict)
    open_projects: tuple[tuple[str, str], ...] = ()
    # when no project is open: the (code, title, time) of the first round scheduled to open
    next_opening: tuple[str, str, datetime] | None = None
    my_data: MyData | None = None
    others: OthersView | None = None  # only when the resident asked how others think
    # Ideas like the one being written (at most three, best first), or the one chosen to
    # support; only in the steps of an ideas round that need them.
    similar: tuple[SimilarView, ...] = ()
    bot_id: int | None = None  # the channel's bot the resident talks to (Telegram)
    # How the resident will be told of a new round: the channel of their contact when a
    # message can reach them there ("telegram", "whatsapp", "email"); None when nothing can.
    reach: str | None = None
    # Where a web-chat resident may ask to be told instead: (channel, link) pairs, e.g.
    # ("telegram", "https://.../chat/DEMO/verder/telegram"), and ("email", "") when e-mail
    # notifications are on. Empty on channels that push.
    notify_ways: tuple[tuple[str, str], ...] = ()

    def round(self, round_id: int | None) -> RoundView | None:
        return next((r for r in self.rounds if r.id == round_id), None)
