"""Per-resident dialogue state: small, JSON-serialisable, stored in our own table."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any


@dataclass
class State:
    project: str | None = None  # code of the project the resident is in
    step: str = "idle"
    language: str | None = None
    round_id: int | None = None
    item_id: int | None = None
    item_text: str | None = None  # the text of item_id, so a step needs not read it again
    criterion: int = 0
    draft: str | None = None
    score: int | None = None
    postcode: str | None = None
    resume_step: str | None = None  # where to go back to after a side question
    skipped: dict[str, list[int]] = field(default_factory=dict)
    options: list[str] = field(default_factory=list)  # data of the options last offered
    labels: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> State:
        if not data:
            return cls()
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def skipped_in(self, round_id: int) -> list[int]:
        return self.skipped.get(str(round_id), [])

    def skip(self, round_id: int, item_id: int) -> None:
        self.skipped.setdefault(str(round_id), []).append(item_id)
