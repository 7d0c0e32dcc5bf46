"""The working memory of one step, and the helpers every flow shares.

A :class:`Turn` holds the state being changed and gathers the replies and commands of one step.
Moving on (the next round, asking the current question again) depends on every flow, so the
engine hands the turn a :class:`Navigator` that knows them; the flows only import this module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from core.dialogue import buttons as b
from core.dialogue.context import Context, RoundView
from core.dialogue.state import State, StepName
from core.domain import commands as c
from core.domain.errors import InvalidInput
from core.domain.model import RoundKind
from core.domain.texts import local
from core.i18n import gettext_for
from core.messages import Option, Reply


@dataclass
class Step:
    """What one step produced: the new state, the replies and the commands to run."""

    state: State | None  # None: forget the state entirely
    replies: list[Reply] = field(default_factory=list)
    commands: list[c.Command] = field(default_factory=list)


class Navigator(Protocol):
    """How a turn moves on; it knows every round kind's flow (see the engine)."""

    def prompt_round(self, turn: Turn, rnd: RoundView) -> bool: ...

    def reprompt(self, turn: Turn) -> None: ...

    def nothing_left(self, turn: Turn) -> None: ...


class Turn:
    """The state being changed in one step, with the replies and commands gathered."""

    def __init__(self, ctx: Context, state: State, navigator: Navigator) -> None:
        self.ctx = ctx
        self.state = state
        self.navigator = navigator
        self.replies: list[Reply] = []
        self.commands: list[c.Command] = []
        self.forgotten = False
        # The resident's progress as it stands after the commands of this step.
        self.done_rounds: set[int] = {r.id for r in ctx.rounds if r.finished}
        self.answered: dict[int, int] = {r.id: r.answered for r in ctx.rounds}
        self.answered_now: set[int] = set()

    # -- output -----------------------------------------------------------------------------
    def _(self, message: str, **params: Any) -> str:
        text = gettext_for(self.language).gettext(message)
        return text.format(**params) if params else text

    @property
    def language(self) -> str:
        """The language the resident reads: theirs, else the project's."""
        project_language = self.ctx.project.language if self.ctx.project else "nl"
        return self.state.language or project_language

    def local(self, text: str) -> str:
        """A text of the project (intro, question, item, criterion) in the resident's language,
        the Dutch text where it was not translated."""
        texts = self.ctx.project.texts if self.ctx.project else {}
        return local(text, texts.get(text), self.language)

    def say(self, text: str, options: list[Option] | None = None, columns: int = 0) -> None:
        self.replies.append(Reply(text, tuple(options or ()), columns))

    def ack(self, text: str) -> None:
        """Acknowledge an answered question (channels may edit the question to show it)."""
        self.replies.append(Reply(text, answers=text))

    def do(self, command: c.Command) -> None:
        self.commands.append(command)

    def result(self) -> Step:
        if self.forgotten:
            return Step(None, self.replies, self.commands)
        last = next((r for r in reversed(self.replies) if r.options), None)
        if self.replies:
            self.state.options = [o.data for o in last.options] if last else []
            self.state.labels = [o.label for o in last.options] if last else []
        return Step(self.state, self.replies, self.commands)

    @property
    def resident_id(self) -> int | None:
        return self.ctx.resident.id if self.ctx.resident else None

    # -- navigation -------------------------------------------------------------------------
    def goto(self, step_name: StepName, **values: Any) -> None:
        self.state.step = step_name
        for key, value in values.items():
            setattr(self.state, key, value)

    def leave_round(self) -> None:
        """Stand between rounds: no question of a round is current."""
        self.goto(StepName.DONE, round_id=None, item_id=None, draft=None, score=None)

    def current_round(self) -> RoundView | None:
        return self.ctx.round(self.state.round_id)

    def next_round(self) -> None:
        """Prompt the first open round the resident has not finished, or say all is done."""
        for rnd in self.ctx.rounds:
            if rnd.is_open and rnd.id not in self.done_rounds and self.start_round(rnd):
                return
        self.leave_round()
        self.navigator.nothing_left(self)

    def others_offer(self) -> list[Option]:
        """The "how do others think?" button of the last round the resident finished whose
        results are shown (none when there is no such round)."""
        kinds = (RoundKind.STATEMENTS, RoundKind.RATING)
        shown = [
            r
            for r in self.ctx.rounds
            if r.kind in kinds and r.id in self.done_rounds and r.results_shown
        ]
        return others_options(self, shown[-1]) if shown else []

    def start_round(self, rnd: RoundView) -> bool:
        """Enter ``rnd`` and ask its first question; return False when it has nothing left."""
        if self.resident_id is None:
            return False
        if rnd.id != self.state.round_id:
            self.do(c.MarkRoundStarted(self.resident_id, rnd.id))
        return self.prompt_round(rnd)

    def prompt_round(self, rnd: RoundView) -> bool:
        """Ask the round's next question; return False when the round has nothing left."""
        if self.resident_id is None:
            return False
        self.state.round_id = rnd.id
        return self.navigator.prompt_round(self, rnd)

    def finish_round(self, rnd: RoundView) -> None:
        if self.resident_id is not None and rnd.id not in self.done_rounds:
            self.do(c.MarkRoundFinished(self.resident_id, rnd.id))
        self.done_rounds.add(rnd.id)

    def reprompt(self) -> None:
        """Ask the current question again (after help, a stray message, or on return)."""
        self.navigator.reprompt(self)

    # -- shared checks ----------------------------------------------------------------------
    def stale(self, rnd: RoundView | None) -> None:
        """A choice that does not belong to the current question: say so, change nothing."""
        if rnd is not None and not rnd.is_open:
            self.say(self._("That round is closed, so your answer was not saved."))
        else:
            self.say(self._("That question has already been answered or is no longer current."))
        self.reprompt()

    def not_a_choice(self) -> None:
        self.say(self._("Please choose one of the options (you can also type its number)."))
        self.reprompt()

    def round_choice(self, action: b.Action | None) -> RoundView | None:
        """The current round when ``action`` answers it; else say why and return None."""
        round_id = b.round_of(action)
        rnd = self.ctx.round(round_id)
        if round_id is None or rnd is None or rnd.id != self.state.round_id or not rnd.is_open:
            self.stale(rnd)
            return None
        return rnd

    def explain_invalid(self, error: InvalidInput) -> None:
        """Say why a typed text was refused (too long, or empty)."""
        if error.detail == "too_long":
            self.say(
                self._(
                    "Your message is {length} characters long; the maximum is {limit}. "
                    "Please make it shorter and send it again. Nothing was saved.",
                    length=error.params["length"],
                    limit=error.params["limit"],
                )
            )
        else:
            self.say(self._("I received an empty message."))


def option(label: str, action: b.Action) -> Option:
    """An option whose data is the encoded ``action``."""
    return Option(label, b.encode(action))


def short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def counter(turn: Turn, rnd: RoundView) -> str:
    """Where the resident is in a round's items, as ``(3/8)``."""
    total = rnd.total
    if rnd.max_per_resident is not None:
        total = min(total, rnd.max_per_resident)
    seen = turn.answered.get(rnd.id, 0) + len(turn.state.skipped_in(rnd.id))
    return f"({min(seen + 1, max(total, 1))}/{total})"


def first_of_round(turn: Turn, rnd: RoundView) -> bool:
    return not turn.answered.get(rnd.id, 0) and not turn.state.skipped_in(rnd.id)


def scale_text(turn: Turn, rnd: RoundView) -> str:
    return turn._("{low} = very low, {high} = very high", low=rnd.scale_min, high=rnd.scale_max)


def score_options(
    turn: Turn, rnd: RoundView, make: Callable[[int | None], b.Action]
) -> list[Option]:
    """One option per point of the round's scale (``make(score)`` builds its action), then Skip."""
    options = [option(str(n), make(n)) for n in range(rnd.scale_min, rnd.scale_max + 1)]
    options.append(option(turn._("Skip"), make(None)))
    return options


def columns_for(options: list[Option]) -> int:
    """Scales longer than six points come in rows of five."""
    return 5 if len(options) > 6 else len(options)


def others_options(turn: Turn, rnd: RoundView) -> list[Option]:
    """The button after a statements or rating round, when its results are shown: see how the
    others answered."""
    if not rnd.results_shown:
        return []
    return [option(turn._("How do others think?"), b.Others(rnd.id))]
