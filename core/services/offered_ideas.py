"""The ideas the chat offers as like the one a resident types ("do you mean one of these?"),
read for the dialogue context: found by the similar-ideas engine, each with whether it is the
resident's own or already supported, or the one idea the resident chose to support.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import replace
from typing import Protocol, TypeVar

from core.dialogue import buttons as b
from core.dialogue.context import Context, SimilarView
from core.dialogue.ideas import means_different
from core.dialogue.intents import Message
from core.dialogue.state import State, StepName
from core.domain import model
from core.domain.errors import InvalidInput
from core.messages import IncomingKind
from core.storage.supports import SupportTarget
from core.storage.uow import UnitOfWork
from core.views.reading import ReadUnit

OFFERED = 3  # similar ideas offered at most
LOOKED_UP = OFFERED + 3  # ideas looked up: some may be the resident's own

# The steps where a typed text is an idea (then similar ideas are looked up for it).
IDEA_STEPS = frozenset(
    {StepName.IDEA_TEXT, StepName.IDEA_CONFIRM, StepName.IDEA_MORE, StepName.IDEA_SIMILAR}
)


class Similar(Protocol):
    """Found ideas like a text: its ``id`` and ``text`` (what the chat offers)."""

    @property
    def id(self) -> int: ...

    @property
    def text(self) -> str: ...


S = TypeVar("S", bound=Similar)


def distinct(found: Sequence[S], k: int = OFFERED) -> list[S]:
    """The first ``k`` of ``found`` whose words differ: two ideas worded alike are offered once
    (the better one), as a resident could not tell their buttons apart."""
    seen: set[str] = set()
    kept: list[S] = []
    for idea in found:
        words = " ".join(idea.text.casefold().rstrip(".!").split())
        if words not in seen:
            seen.add(words)
            kept.append(idea)
    return kept[:k]


class SimilarFinder(Protocol):
    """Finds the ideas of a round like a text (``core.services.similar_ideas.SimilarIdeas``)."""

    async def similar(
        self, uow: ReadUnit, round_id: int, text: str, k: int = ..., *, settle: bool = ...
    ) -> Sequence[Similar]: ...

    async def prepare(
        self,
        reading: Callable[[], AbstractAsyncContextManager[ReadUnit]],
        round_id: int,
        wait: float = ...,
        *,
        quick: Callable[[], AbstractAsyncContextManager[ReadUnit]] | None = ...,
        text: str | None = ...,
        k: int = ...,
    ) -> bool: ...


async def similar_for(
    uow: UnitOfWork,
    finder: SimilarFinder | None,
    ctx: Context,
    state: State,
    message: Message,
) -> tuple[SimilarView, ...]:
    """The ideas like the one the resident typed or left waiting, or the one they chose."""
    rnd = ctx.round(state.round_id)
    resident = ctx.resident
    if rnd is None or resident is None or rnd.kind != model.RoundKind.IDEAS or not rnd.is_open:
        return ()
    action = message.action
    if isinstance(action, b.Support):
        target = await uow.supports.target(action.round_id, action.idea_id, resident.id)
        return () if target is None else (_view(target),)
    text = _idea_text(state, message)
    if text is None or finder is None:
        return ()
    views_: list[SimilarView] = []
    # inside the step's transaction: ideas that came since the look-up before it are left to
    # the next one, so the step never encodes them while it holds the write lock
    found_ideas = await finder.similar(uow, rnd.id, text, k=LOOKED_UP, settle=False)
    targets = await uow.supports.targets(rnd.id, [f.id for f in found_ideas], resident.id)
    for found in found_ideas:
        target = targets.get(found.id)
        if target is not None and not target.own:  # their own ideas count already
            views_.append(replace(_view(target), text=found.text))
    return tuple(distinct(views_))


def _view(target: SupportTarget) -> SimilarView:
    return SimilarView(target.idea_id, target.text, target.own, target.supported)


def _idea_text(state: State, message: Message) -> str | None:
    """The idea to look similar ones up for: a typed idea, else the one waiting for an answer
    to "do you mean one of these?" (asked again after help or a stray message)."""
    if state.step not in IDEA_STEPS:
        return None
    incoming = message.incoming
    if message.intent is None and incoming.kind == IncomingKind.TEXT and not message.stray:
        if state.step == StepName.IDEA_SIMILAR and means_different(incoming.text):
            return None
        raw = incoming.text
    elif (
        state.step == StepName.IDEA_SIMILAR
        and state.draft
        and not isinstance(message.action, b.Idea)
    ):
        raw = state.draft
    else:
        return None
    try:
        return model.clean_text(raw)
    except InvalidInput:
        return None
