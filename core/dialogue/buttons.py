"""The button-data codec: what an option's short data means, and back.

Every option the dialogue offers carries data that comes back when a resident picks it (a
Telegram callback, a WhatsApp reply id, a web chat form value, a template's quick-reply payload).
This module is the only place that writes or reads that data: one typed action per kind of
button, :func:`encode` to data and :func:`decode` back. Data never exceeds
``MAX_OPTION_DATA_BYTES`` (Telegram's limit, the smallest of our channels): :func:`encode`
refuses longer data, and :func:`decode` recognises nothing that is malformed, so a stale or
forged button is just unknown data.

The data formats (stable: options offered before a release still come back after it)::

    join:CODE                  choose a project from the list
    start:CODE                 a template's quick reply: resume a project (no code: list them)
    go:CODE:ROUND              a prompt's or reminder's button: straight into a round
    stop                       a template's quick reply: unsubscribe
    consent:yes|no             profile:skip             age:BAND|skip
    idea:ROUND:send|edit|more|done|new          sup:ROUND:IDEA
    rt:ROUND:ITEM:CRITERION:SCORE|s                     st:ROUND:ITEM:a|d|p|s
    fb:ROUND:SCORE|skip        others:ROUND             forget:yes|no      lang:CODE
    notify:telegram|whatsapp|email|no          how a web-chat resident wants to hear of rounds
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from core.domain.numbers import MAX_ID
from core.messages import MAX_OPTION_DATA_BYTES

_NUMBER = re.compile(r"[0-9]{1,19}")  # up to a BIGINT id
_SAFE_CHARS = MAX_OPTION_DATA_BYTES // 4  # this many characters fit whatever their encoding


@dataclass(frozen=True)
class Join:
    """Choose a project from the list of open projects."""

    code: str

    def data(self) -> str:
        return f"join:{_code_of(self.code)}"


@dataclass(frozen=True)
class Start:
    """Resume a project (a WhatsApp template's quick reply outside a round)."""

    code: str

    def data(self) -> str:
        return f"start:{_code_of(self.code)}"


@dataclass(frozen=True)
class Go:
    """Go straight into a round (the button of a round's prompt or reminder)."""

    code: str
    round_id: int

    def data(self) -> str:
        return f"go:{_code_of(self.code)}:{self.round_id}"


@dataclass(frozen=True)
class Stop:
    """Unsubscribe (a WhatsApp template's quick reply)."""

    def data(self) -> str:
        return "stop"


@dataclass(frozen=True)
class Consent:
    yes: bool

    def data(self) -> str:
        return "consent:yes" if self.yes else "consent:no"


@dataclass(frozen=True)
class SkipPostcode:
    """Skip the optional postcode question."""

    def data(self) -> str:
        return "profile:skip"


@dataclass(frozen=True)
class Age:
    band: str  # one of the age bands, or "skip"

    def data(self) -> str:
        return f"age:{self.band}"


IdeaAction = Literal["send", "edit", "more", "done", "new"]  # new: "no, my idea is different"


@dataclass(frozen=True)
class Idea:
    round_id: int
    action: IdeaAction

    def data(self) -> str:
        return f"idea:{self.round_id}:{self.action}"


@dataclass(frozen=True)
class Support:
    """Support a similar idea offered instead of sending one's own."""

    round_id: int
    idea_id: int

    def data(self) -> str:
        return f"sup:{self.round_id}:{self.idea_id}"


@dataclass(frozen=True)
class Rate:
    round_id: int
    item_id: int
    criterion: int
    score: int | None  # None: skip the item

    def data(self) -> str:
        value = "s" if self.score is None else self.score
        return f"rt:{self.round_id}:{self.item_id}:{self.criterion}:{value}"


VoteAnswer = Literal["a", "d", "p", "s"]  # agree, disagree, pass (don't know), skip


@dataclass(frozen=True)
class Vote:
    round_id: int
    item_id: int
    answer: VoteAnswer

    def data(self) -> str:
        return f"st:{self.round_id}:{self.item_id}:{self.answer}"


@dataclass(frozen=True)
class Feedback:
    round_id: int
    score: int | None  # None: skip the score (or, when asked for a comment, the comment)

    def data(self) -> str:
        return f"fb:{self.round_id}:{'skip' if self.score is None else self.score}"


@dataclass(frozen=True)
class Others:
    """See how others answered a round (None: the last one the resident finished)."""

    round_id: int | None = None

    def data(self) -> str:
        return f"others:{'' if self.round_id is None else self.round_id}"


@dataclass(frozen=True)
class Forget:
    yes: bool

    def data(self) -> str:
        return "forget:yes" if self.yes else "forget:no"


@dataclass(frozen=True)
class Language:
    code: str

    def data(self) -> str:
        return f"lang:{self.code}"


NotifyWay = Literal["telegram", "whatsapp", "email", "no"]
NOTIFY_WAYS: tuple[NotifyWay, ...] = ("telegram", "whatsapp", "email", "no")


@dataclass(frozen=True)
class Notify:
    """How a web-chat resident wants to hear of a new round ("no": not at all)."""

    way: NotifyWay

    def data(self) -> str:
        return f"notify:{self.way}"


Action = (
    Join | Start | Go | Stop | Consent | SkipPostcode | Age | Idea | Support | Rate | Vote
    | Feedback | Others | Forget | Language | Notify
)  # fmt: skip
# the answers that belong to a round's question
RoundAction = Idea | Support | Rate | Vote | Feedback

_IDEA_ACTIONS: tuple[IdeaAction, ...] = ("send", "edit", "more", "done", "new")
_VOTE_ANSWERS: tuple[VoteAnswer, ...] = ("a", "d", "p", "s")


def encode(action: Action) -> str:
    """Return the option data for ``action``.

    Raises:
        ValueError: the data would be longer than ``MAX_OPTION_DATA_BYTES`` bytes, or contain
            the separator where a code goes.
    """
    data = action.data()
    if len(data) > _SAFE_CHARS and len(data.encode()) > MAX_OPTION_DATA_BYTES:
        raise ValueError(f"button data longer than {MAX_OPTION_DATA_BYTES} bytes: {data}")
    return data


def _code_of(code: str) -> str:
    if ":" in code:
        raise ValueError(f"a project code cannot hold ':': {code}")
    return code


def decode(data: str) -> Action | None:
    """Return the action that option data stands for, or None when it is no known button."""
    if len(data.encode()) > MAX_OPTION_DATA_BYTES:
        return None
    head, _, rest = data.partition(":")
    parser = _PARSERS.get(head)
    return parser(rest.split(":") if rest else []) if parser else None


def _number(text: str) -> int | None:
    """An id or score in button data: ASCII digits only (data is machine-written), BIGINT-sized."""
    number = int(text) if _NUMBER.fullmatch(text) else None
    return number if number is not None and number <= MAX_ID else None


def _numbers(parts: list[str]) -> list[int] | None:
    found = [_number(p) for p in parts]
    return None if None in found else [n for n in found if n is not None]


def _code(parts: list[str]) -> str | None:
    return parts[0] if len(parts) == 1 and parts[0] else None


def _join(parts: list[str]) -> Action | None:
    code = _code(parts)
    return Join(code) if code else None


def _start(parts: list[str]) -> Action | None:
    return Start(parts[0] if parts else "") if len(parts) <= 1 else None


def _go(parts: list[str]) -> Action | None:
    if len(parts) != 2 or not parts[0] or (round_id := _number(parts[1])) is None:
        return None
    return Go(parts[0], round_id)


def _stop(parts: list[str]) -> Action | None:
    return Stop() if not parts else None


def _consent(parts: list[str]) -> Action | None:
    return Consent(parts == ["yes"]) if parts in (["yes"], ["no"]) else None


def _profile(parts: list[str]) -> Action | None:
    return SkipPostcode() if parts == ["skip"] else None


def _age(parts: list[str]) -> Action | None:
    return Age(parts[0]) if len(parts) == 1 and parts[0] else None


def _idea(parts: list[str]) -> Action | None:
    if len(parts) != 2 or (round_id := _number(parts[0])) is None:
        return None
    what = next((a for a in _IDEA_ACTIONS if a == parts[1]), None)
    return Idea(round_id, what) if what else None


def _support(parts: list[str]) -> Action | None:
    if len(parts) != 2 or (ids := _numbers(parts)) is None:
        return None
    return Support(ids[0], ids[1])


def _rate(parts: list[str]) -> Action | None:
    if len(parts) != 4 or (ids := _numbers(parts[:3])) is None:
        return None
    score = None if parts[3] == "s" else _number(parts[3])
    if score is None and parts[3] != "s":
        return None
    return Rate(ids[0], ids[1], ids[2], score)


def _vote(parts: list[str]) -> Action | None:
    if len(parts) != 3 or (ids := _numbers(parts[:2])) is None:
        return None
    answer = next((a for a in _VOTE_ANSWERS if a == parts[2]), None)
    return Vote(ids[0], ids[1], answer) if answer else None


def _feedback(parts: list[str]) -> Action | None:
    if len(parts) != 2 or (round_id := _number(parts[0])) is None:
        return None
    if parts[1] == "skip":
        return Feedback(round_id, None)
    score = _number(parts[1])
    return Feedback(round_id, score) if score is not None else None


def _others(parts: list[str]) -> Action | None:
    if not parts:
        return Others()
    round_id = _number(parts[0]) if len(parts) == 1 else None
    return Others(round_id) if round_id is not None else None


def _forget(parts: list[str]) -> Action | None:
    return Forget(parts == ["yes"]) if parts in (["yes"], ["no"]) else None


def _language(parts: list[str]) -> Action | None:
    return Language(parts[0]) if len(parts) == 1 and parts[0] else None


def _notify(parts: list[str]) -> Action | None:
    way = next((w for w in NOTIFY_WAYS if [w] == parts), None)
    return Notify(way) if way else None


_PARSERS = {
    "join": _join,
    "start": _start,
    "go": _go,
    "stop": _stop,
    "consent": _consent,
    "profile": _profile,
    "age": _age,
    "idea": _idea,
    "sup": _support,
    "rt": _rate,
    "st": _vote,
    "fb": _feedback,
    "others": _others,
    "forget": _forget,
    "lang": _language,
    "notify": _notify,
}


def round_of(action: Action | None) -> int | None:
    """The round an answer to a round's question belongs to, if any."""
    return action.round_id if isinstance(action, RoundAction) else None
