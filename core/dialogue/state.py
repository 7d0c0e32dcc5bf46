"""Per-resident dialogue state: small, JSON-serialisable, stored in our own table."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any


class StepName(StrEnum):
    """Where a resident is in the dialogue: the question their next message answers."""

    IDLE = "idle"
    CHOOSE_PROJECT = "choose_project"
    CONSENT = "consent"
    PROFILE_POSTCODE = "profile_postcode"
    PROFILE_AGE = "profile_age"
    IDEA_TEXT = "idea_text"
    IDEA_CONFIRM = "idea_confirm"
    IDEA_SIMILAR = "idea_similar"  # "do you mean one of these?": the draft waits meanwhile
    IDEA_MORE = "idea_more"
    RATE = "rate"
    VOTE = "vote"
    FEEDBACK_SCORE = "feedback_score"
    FEEDBACK_TEXT = "feedback_text"
    DONE = "done"
    FORGET_CONFIRM = "forget_confirm"
    LANGUAGE = "language"
    NOTIFY_EMAIL = "notify_email"  # the web chat asked for an e-mail address to notify

    @classmethod
    def of(cls, name: str | None) -> StepName | None:
        """The step called ``name``; None for None, and the idle step for an unknown name."""
        if name is None or isinstance(name, StepName):
            return name
        try:
            return cls(name)
        except ValueError:
            return cls.IDLE


@dataclass
class State:
    project: str | None = None  # code of the project the resident is in
    step: StepName = StepName.IDLE
    language: str | None = None
    round_id: int | None = None
    item_id: int | None = None
    item_text: str | None = None  # the text of item_id, so a step needs not read it again
    criterion: int = 0
    draft: str | None = None  # an idea typed but not sent yet (kept while similar are offered)
    score: int | None = None
    postcode: str | None = None
    resume_step: StepName | None = None  # where to go back to after a side question
    skipped: dict[str, list[int]] = field(default_factory=dict)
    options: list[str] = field(default_factory=list)  # data of the options last offered
    labels: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.step = StepName.of(self.step) or StepName.IDLE
        self.resume_step = StepName.of(self.resume_step)

    def to_dict(self) -> dict[str, Any]:
        """The state as stored: ``dataclasses.asdict``'s result, built by hand (every step
        stores the state, and asdict's recursive copy was a noticeable part of a step)."""
        data = {name: getattr(self, name) for name in _NAMES}
        data["skipped"] = {key: list(ids) for key, ids in self.skipped.items()}
        data["options"] = list(self.options)
        data["labels"] = list(self.labels)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> State:
        if not data:
            return cls()
        return cls(**{k: v for k, v in data.items() if k in _NAMES})

    def skipped_in(self, round_id: int) -> list[int]:
        return self.skipped.get(str(round_id), [])

    def skip(self, round_id: int, item_id: int) -> None:
        self.skipped.setdefault(str(round_id), []).append(item_id)


_NAMES = frozenset(f.name for f in fields(State))
