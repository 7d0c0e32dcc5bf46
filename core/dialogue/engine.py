"""The conversation engine: ``step(context, state, incoming) -> Step``.

Pure and channel-agnostic: no I/O, no clock, no randomness of its own. The flow is a table
(``FLOW``) from the name of the current step to the function that handles an answer in it; the
global intents (help, stop, language, my data, forget, start) work from every step before the
table is consulted. Every option the engine offers carries short data that is checked again when
it comes back, so a stale or forged button changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from core.dialogue.context import Context, OthersView, ProjectView, RoundView
from core.dialogue.state import State
from core.domain import commands as c
from core.domain.errors import InvalidInput
from core.domain.model import AGE_BANDS, MAX_TEXT_LENGTH, Project, RoundKind, clean_text
from core.i18n import LANGUAGES, gettext_for, normalise_language
from core.messages import Incoming, IncomingKind, Option, Reply


@dataclass
class Step:
    state: State | None  # None: forget the state entirely
    replies: list[Reply] = field(default_factory=list)
    commands: list[c.Command] = field(default_factory=list)


@dataclass(frozen=True)
class Intent:
    name: str  # start | help | stop | language | mydata | forget | go
    arg: str = ""


# Words a resident can type on channels without slash commands (web chat, WhatsApp).
_KEYWORDS = {
    "start": "start", "begin": "start", "aanmelden": "start",
    "help": "help", "hulp": "help", "?": "help",
    "stop": "stop", "afmelden": "stop", "unsubscribe": "stop",
    "taal": "language", "language": "language", "lang": "language",
    "mijngegevens": "mydata", "mijn gegevens": "mydata", "mydata": "mydata",
    "my data": "mydata", "gegevens": "mydata",
    "vergeet": "forget", "vergeet mij": "forget", "forget": "forget", "forget me": "forget",
    "wis": "forget",
}  # fmt: skip
_COMMANDS = {
    "start": "start", "help": "help", "hulp": "help", "stop": "stop",
    "taal": "language", "language": "language", "mijngegevens": "mydata",
    "mydata": "mydata", "vergeet": "forget", "forget": "forget",
}  # fmt: skip

# "You and the others": typed words and slash commands that ask how others think.
_OTHERS_WORDS = {
    "anderen", "hoe denken anderen", "hoe denken anderen?", "others", "how do others think",
    "how do others think?",
}  # fmt: skip
_OTHERS_COMMANDS = {"anderen", "others"}

_POSTCODE = re.compile(r"^\s*([1-9]\d{3})\s*(?:[a-zA-Z]{2})?\s*$")


def parse_intent(incoming: Incoming) -> Intent | None:
    """Recognise a global intent in a message, whatever step the resident is in."""
    if incoming.kind == IncomingKind.START:
        return Intent("start", incoming.data)
    if incoming.kind == IncomingKind.CHOICE and incoming.data.startswith("others:"):
        return Intent("others", incoming.data[len("others:") :])
    if incoming.kind == IncomingKind.COMMAND and incoming.data in _OTHERS_COMMANDS:
        return Intent("others")
    if incoming.kind == IncomingKind.CHOICE and incoming.data.startswith("go:"):
        return Intent("go", incoming.data[3:])  # the button of a round's prompt or reminder
    if incoming.kind == IncomingKind.COMMAND:
        name = _COMMANDS.get(incoming.data)
        return Intent(name, incoming.text.strip()) if name else Intent("help")
    if incoming.kind != IncomingKind.TEXT:
        return None
    text = " ".join(incoming.text.strip().lower().lstrip("/").split())
    if text in _KEYWORDS:
        return Intent(_KEYWORDS[text])
    if text in _OTHERS_WORDS:
        return Intent("others")
    head, _, rest = text.partition(" ")
    if head in ("start", "join", "doe") and rest and len(rest) <= 40:
        return Intent("start", rest.replace("mee ", "").strip())
    if head in ("taal", "language") and rest in LANGUAGES:
        return Intent("language", rest)
    return None


def step(ctx: Context, state: State, incoming: Incoming) -> Step:
    """Handle one incoming message and return the new state, the replies and the commands."""
    state = replace(state, skipped=dict(state.skipped))
    if state.language is None:
        if ctx.resident is not None:
            state.language = ctx.resident.language
        elif incoming.language_hint:
            state.language = normalise_language(incoming.language_hint)
    turn = _Turn(ctx, state)
    if ctx.resident is not None and ctx.resident.status == "blocked":
        turn.do(c.MarkReachable(ctx.pseudonym))  # they wrote, so they unblocked us
    incoming = turn.resolve_typed_option(incoming)
    intent = parse_intent(incoming)
    if intent is not None:
        INTENTS[intent.name](turn, intent)
    else:
        FLOW.get(state.step, _idle)(turn, incoming)
    return turn.result()


class _Turn:
    """The working memory of one step: state being changed, replies and commands gathered."""

    def __init__(self, ctx: Context, state: State) -> None:
        self.ctx = ctx
        self.state = state
        self.replies: list[Reply] = []
        self.commands: list[c.Command] = []
        self.forgotten = False
        # The resident's progress as it stands after the commands of this step.
        self.done_rounds: set[int] = {r.id for r in ctx.rounds if r.finished}
        self.answered: dict[int, int] = {r.id: r.answered for r in ctx.rounds}
        self.answered_now: set[int] = set()

    # -- output -----------------------------------------------------------------------------
    def _(self, message: str, **params: Any) -> str:
        text = gettext_for(self.state.language or self._project_language()).gettext(message)
        return text.format(**params) if params else text

    def _project_language(self) -> str:
        return self.ctx.project.language if self.ctx.project else "nl"

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

    # -- input ------------------------------------------------------------------------------
    def resolve_typed_option(self, incoming: Incoming) -> Incoming:
        """Map a typed label or number onto the option last offered (channels without buttons)."""
        if incoming.kind != IncomingKind.TEXT or not self.state.options:
            return incoming
        typed = incoming.text.strip().lower().rstrip(".")
        for label, data in zip(self.state.labels, self.state.options, strict=False):
            if typed == label.lower():
                return Incoming.choice(data)
        if typed.isdigit() and 1 <= int(typed) <= len(self.state.options):
            return Incoming.choice(self.state.options[int(typed) - 1])
        return incoming

    @property
    def resident_id(self) -> int | None:
        return self.ctx.resident.id if self.ctx.resident else None

    # -- navigation -------------------------------------------------------------------------
    def goto(self, step_name: str, **values: Any) -> None:
        self.state.step = step_name
        for key, value in values.items():
            setattr(self.state, key, value)

    def next_round(self) -> None:
        """Prompt the first open round the resident has not finished, or say all is done."""
        for rnd in self.ctx.rounds:
            if rnd.is_open and rnd.id not in self.done_rounds and self.prompt_round(rnd):
                return
        self.goto("done", round_id=None, item_id=None, draft=None, score=None)
        self.say(
            self._(
                "You have answered everything there is for now. Thank you! "
                "We will send you a message when a new round opens."
            )
        )

    def finish_round(self, rnd: RoundView) -> None:
        if self.resident_id is not None and rnd.id not in self.done_rounds:
            self.do(c.MarkRoundFinished(self.resident_id, rnd.id))
        self.done_rounds.add(rnd.id)

    def prompt_round(self, rnd: RoundView, first: bool = True) -> bool:
        """Ask the round's next question; return False when the round has nothing left."""
        if self.resident_id is None:
            return False
        if first and rnd.id != self.state.round_id:
            self.do(c.MarkRoundStarted(self.resident_id, rnd.id))
        self.state.round_id = rnd.id
        if rnd.kind == RoundKind.IDEAS:
            return self._prompt_idea(rnd)
        if rnd.kind in (RoundKind.RATING, RoundKind.STATEMENTS):
            return self._prompt_item(rnd)
        return self._prompt_feedback(rnd)

    def _prompt_idea(self, rnd: RoundView) -> bool:
        limit = rnd.max_per_resident
        given = self.answered.get(rnd.id, 0)
        if limit is not None and given >= limit:
            self.finish_round(rnd)
            return False
        self.goto("idea_text", draft=None)
        extra = self._(
            "Type your idea in one message (at most {limit} characters).", limit=MAX_TEXT_LENGTH
        )
        self.say(
            f"{rnd.question}\n\n{extra}",
            [Option(self._("Skip this round"), f"idea:{rnd.id}:done")],
        )
        return True

    def _next_item(self, rnd: RoundView) -> tuple[int, str] | None:
        skipped = set(self.state.skipped_in(rnd.id)) | self.answered_now
        return next(
            (cand for cand in self.ctx.candidates.get(rnd.id, ()) if cand[0] not in skipped), None
        )

    def _prompt_item(self, rnd: RoundView) -> bool:
        limit = rnd.max_per_resident
        answered = self.answered.get(rnd.id, 0)
        if limit is not None and answered >= limit:
            self.finish_round(rnd)
            return False
        item = self._next_item(rnd)
        if item is None:
            self.finish_round(rnd)
            return False
        item_id, text = item
        self.goto(
            "rate" if rnd.kind == RoundKind.RATING else "vote",
            item_id=item_id,
            item_text=text,
            criterion=0,
            draft=None,
        )
        self._ask_item(rnd, item_id, text, 0)
        return True

    def _counter(self, rnd: RoundView) -> str:
        total = rnd.total
        if rnd.max_per_resident is not None:
            total = min(total, rnd.max_per_resident)
        seen = self.answered.get(rnd.id, 0) + len(self.state.skipped_in(rnd.id))
        return f"({min(seen + 1, max(total, 1))}/{total})"

    def _first_of_round(self, rnd: RoundView) -> bool:
        return not self.answered.get(rnd.id, 0) and not self.state.skipped_in(rnd.id)

    def _ask_item(self, rnd: RoundView, item_id: int, text: str, criterion: int) -> None:
        counter = self._counter(rnd)
        if rnd.kind == RoundKind.STATEMENTS:
            head = self._("Statement {counter}", counter=counter)
            if rnd.question and self._first_of_round(rnd):
                head = f"{rnd.question}\n\n{head}"
            options = [
                Option(self._("Agree"), f"st:{rnd.id}:{item_id}:a"),
                Option(self._("Disagree"), f"st:{rnd.id}:{item_id}:d"),
                Option(self._("Don't know"), f"st:{rnd.id}:{item_id}:p"),
                Option(self._("Skip"), f"st:{rnd.id}:{item_id}:s"),
            ]
            self.say(f"{head}\n\n{text}", options, columns=2)
            return
        criteria = rnd.criteria or ("",)
        name = criteria[criterion]
        scale = self._(
            "{low} = very low, {high} = very high", low=rnd.scale_min, high=rnd.scale_max
        )
        if name:
            question = self._("How do you score this on: {criterion}?", criterion=name)
        else:
            question = self._("What score do you give this?")
        options = [
            Option(str(n), f"rt:{rnd.id}:{item_id}:{criterion}:{n}")
            for n in range(rnd.scale_min, rnd.scale_max + 1)
        ]
        options.append(Option(self._("Skip"), f"rt:{rnd.id}:{item_id}:{criterion}:s"))
        first = criterion == 0 and self._first_of_round(rnd)
        intro = f"{rnd.question}\n\n" if rnd.question and first else ""
        self.say(
            f"{intro}{counter} {text}\n\n{question} ({scale})",
            options,
            columns=5 if len(options) > 6 else len(options),
        )

    def _prompt_feedback(self, rnd: RoundView) -> bool:
        if rnd.has_feedback:
            self.finish_round(rnd)
            return False
        self.goto("feedback_score", score=None)
        options = [
            Option(str(n), f"fb:{rnd.id}:{n}") for n in range(rnd.scale_min, rnd.scale_max + 1)
        ]
        options.append(Option(self._("Skip"), f"fb:{rnd.id}:skip"))
        scale = self._(
            "{low} = very low, {high} = very high", low=rnd.scale_min, high=rnd.scale_max
        )
        choose = self._("Choose a score")
        self.say(
            f"{rnd.question}\n\n{choose} ({scale})",
            options,
            columns=5 if len(options) > 6 else len(options),
        )
        return True

    def current_round(self) -> RoundView | None:
        return self.ctx.round(self.state.round_id)

    def reprompt(self) -> None:
        """Ask the current question again (after help, a stray message, or on return)."""
        s = self.state
        if self.ctx.project is None or s.step in ("idle", "choose_project"):
            self.offer_projects()
            return
        if s.step == "consent":
            self.ask_consent(self.ctx.project)
            return
        if s.step == "profile_postcode":
            self.ask_postcode()
            return
        if s.step == "profile_age":
            self.ask_age()
            return
        rnd = self.current_round()
        if s.step in ("done",) or rnd is None:
            self.next_round()
            return
        if not rnd.is_open:
            self.say(
                self._(
                    "The round \u201c{question}\u201d is closed now.",
                    question=_short(rnd.question or rnd.key),
                )
            )
            self.next_round()
            return
        if s.step in ("rate", "vote") and s.item_id is not None:
            text = self.ctx.item_texts.get(s.item_id, s.item_text)
            if text is not None:
                self._ask_item(rnd, s.item_id, text, s.criterion)
                return
        if s.step == "idea_confirm" and s.draft:
            self.confirm_idea(rnd, s.draft)
            return
        if s.step == "idea_more":
            self.ask_more_ideas(rnd)
            return
        if s.step == "feedback_text" and s.score is not None:
            self.ask_feedback_text(rnd)
            return
        self.prompt_round(rnd, first=False)

    # -- joining ----------------------------------------------------------------------------
    def offer_projects(self) -> None:
        self.goto("choose_project")
        if not self.ctx.open_projects:
            self.say(
                self._(
                    "Welcome to inspraak! There is no open project right now. "
                    "Please try again later."
                )
            )
            return
        options = [Option(title[:60], f"join:{code}") for code, title in self.ctx.open_projects]
        self.say(
            self._("Welcome to inspraak! Which project do you want to take part in?"),
            options,
            columns=1,
        )

    def join(self, project: ProjectView) -> None:
        """Enter ``project``: ask consent the first time, resume a returning resident."""
        previous = self.state.project
        self.state.project = project.code
        if self.ctx.resident is None:
            if self.state.language is None:
                self.state.language = project.language
            self.goto("consent", round_id=None, item_id=None, draft=None)
            self.ask_consent(project)
            return
        if self.ctx.resident.status != "active":
            self.do(c.Resubscribe(self.ctx.pseudonym))
        self.say(self._("Welcome back to \u201c{title}\u201d!", title=project.title))
        if previous != project.code or self.state.step in ("idle", "choose_project", "consent"):
            self.goto("done", round_id=None, item_id=None, draft=None)
            self.next_round()
        else:
            self.reprompt()

    def ask_consent(self, project: ProjectView) -> None:
        welcome = self._("Welcome to \u201c{title}\u201d!", title=project.title)
        privacy = self._(
            "To take part we store your answers under a pseudonym. We do not store your name "
            "or number with your answers, results are only published for groups, and you can "
            "see your data (MY DATA) or erase it (FORGET) at any time. Do you agree?"
        )
        text = "\n\n".join(p for p in (welcome, project.intro, privacy) if p)
        self.say(
            text,
            [
                Option(self._("Yes, I take part"), "consent:yes"),
                Option(self._("No thanks"), "consent:no"),
            ],
        )

    def ask_postcode(self) -> None:
        self.goto("profile_postcode")
        self.say(
            self._(
                "Two optional questions so the municipality can see which "
                "neighbourhoods took part. What are the 4 digits of your postcode?"
            ),
            [Option(self._("Skip"), "profile:skip")],
        )

    def ask_age(self) -> None:
        self.goto("profile_age")
        options = [Option(_age_label(self, band), f"age:{band}") for band in AGE_BANDS]
        options.append(Option(self._("Skip"), "age:skip"))
        self.say(self._("How old are you?"), options, columns=3)

    # -- ideas ------------------------------------------------------------------------------
    def confirm_idea(self, rnd: RoundView, draft: str) -> None:
        self.goto("idea_confirm", draft=draft)
        self.say(
            self._("Your idea:\n\u201c{idea}\u201d\n\nShall I send it?", idea=draft),
            [
                Option(self._("Send"), f"idea:{rnd.id}:send"),
                Option(self._("Change"), f"idea:{rnd.id}:edit"),
            ],
        )

    def ask_more_ideas(self, rnd: RoundView) -> None:
        self.goto("idea_more", draft=None)
        self.say(
            self._("Do you have another idea?"),
            [
                Option(self._("Yes, another one"), f"idea:{rnd.id}:more"),
                Option(self._("No, continue"), f"idea:{rnd.id}:done"),
            ],
        )

    def ask_feedback_text(self, rnd: RoundView) -> None:
        self.goto("feedback_text")
        self.say(
            self._("Would you like to explain? Type your comment, or choose Skip."),
            [Option(self._("Skip"), f"fb:{rnd.id}:skip")],
        )

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


normalise_code = Project.normalise_code


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _age_label(turn: _Turn, band: str) -> str:
    if band.startswith("<"):
        return turn._("under {age}", age=band[1:])
    if band.endswith("+"):
        return turn._("{age} or older", age=band[:-1])
    return band.replace("-", "\u2013")


def _parse(data: str, prefix: str, parts: int) -> list[str] | None:
    pieces = data.split(":")
    if len(pieces) != parts or pieces[0] != prefix:
        return None
    return pieces[1:]


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() else None


# -- global intents -------------------------------------------------------------------------


def _intent_start(turn: _Turn, intent: Intent) -> None:
    project = turn.ctx.project
    if intent.arg and (project is None or project.code != normalise_code(intent.arg)):
        turn.say(
            turn._(
                "I don't know a project with the code \u201c{code}\u201d.",
                code=_short(intent.arg, 40),
            )
        )
        turn.offer_projects()
        return
    if project is None:
        turn.offer_projects()
        return
    turn.join(project)


def _intent_help(turn: _Turn, intent: Intent) -> None:
    turn.say(
        turn._(
            "inspraak asks you short questions from your municipality. Answer with the buttons or "
            "by typing. You can always send:\n"
            "HELP \u2013 this explanation\n"
            "STOP \u2013 no more messages\n"
            "LANGUAGE \u2013 Nederlands / English\n"
            "MY DATA \u2013 see what we store about you\n"
            "FORGET \u2013 erase everything about you\n"
            "START \u2013 continue where you were"
        )
    )
    turn.reprompt()


def _intent_stop(turn: _Turn, intent: Intent) -> None:
    turn.do(c.Unsubscribe(turn.ctx.pseudonym))
    turn.say(
        turn._(
            "You have been unsubscribed: we will not send you any more messages. "
            "Your answers stay unless you send FORGET. Send START to take part again."
        )
    )


def _intent_language(turn: _Turn, intent: Intent) -> None:
    if intent.arg in LANGUAGES:
        _set_language(turn, intent.arg)
        return
    turn.state.resume_step = turn.state.step if turn.state.step != "language" else None
    turn.goto("language")
    turn.say(
        turn._("Which language do you prefer?"),
        [Option("Nederlands", "lang:nl"), Option("English", "lang:en")],
    )


def _set_language(turn: _Turn, language: str) -> None:
    turn.state.language = language
    turn.do(c.SetLanguage(turn.ctx.pseudonym, language))
    if turn.state.step == "language":
        turn.state.step = turn.state.resume_step or "idle"
        turn.state.resume_step = None
    turn.ack(turn._("I will speak English with you from now on."))
    turn.reprompt()


def _intent_mydata(turn: _Turn, intent: Intent) -> None:
    data = turn.ctx.my_data
    _ = turn._
    if data is None or not data.projects:
        turn.say(
            _(
                "We store nothing about you except a pseudonym ({pseudonym}) and where you "
                "are in this conversation.",
                pseudonym=data.pseudonym[:12] if data else "-",
            )
        )
        turn.reprompt()
        return
    lines = [
        _("This is what we store about you:"),
        _("Pseudonym: {pseudonym}", pseudonym=data.pseudonym[:12] + "\u2026"),
        _("Projects: {projects}", projects=", ".join(data.projects)),
        _(
            "Consent given: {when}",
            when=", ".join(d.strftime("%Y-%m-%d %H:%M UTC") for d in data.consent_at),
        ),
        _("Language: {language}", language=data.language or "-"),
        _("Neighbourhood: {wijk}", wijk=data.wijk or "-"),
        _("Age: {age}", age=data.age_band or "-"),
        _("Ideas ({count}):", count=len(data.ideas)),
    ]
    lines += [f"\u2022 {_short(idea, 120)}" for idea in data.ideas]
    lines.append(_("Ratings given: {count}", count=data.ratings))
    lines.append(_("Votes on statements: {count}", count=data.votes))
    lines.append(_("Feedback ({count}):", count=len(data.feedback)))
    lines += [f"\u2022 {_short(text, 120)}" for text in data.feedback]
    if data.has_contact:
        lines.append(_("To send you messages we also keep your chat address on this channel."))
    lines.append(_("Send FORGET to erase all of this."))
    turn.say("\n".join(lines))
    turn.reprompt()


def _intent_forget(turn: _Turn, intent: Intent) -> None:
    if turn.state.step != "forget_confirm":
        turn.state.resume_step = turn.state.step
    turn.goto("forget_confirm")
    turn.say(
        turn._(
            "Do you want us to erase everything we store about you, including your "
            "ideas and answers? This cannot be undone."
        ),
        [
            Option(turn._("Yes, erase everything"), "forget:yes"),
            Option(turn._("No, keep it"), "forget:no"),
        ],
    )


def _others_option(turn: _Turn, rnd: RoundView) -> Option:
    """The button after a statements or rating round: see how the others answered."""
    return Option(turn._("How do others think?"), f"others:{rnd.id}")


def _intent_others(turn: _Turn, intent: Intent) -> None:
    """Show where the resident stands among the others in a round they finished."""
    view = turn.ctx.others
    _ = turn._
    if view is None:
        turn.say(
            _(
                "Once you have finished a round with statements or scores, you can see here "
                "how others think."
            )
        )
    elif not view.enough:
        turn.say(
            _(
                "Not enough residents have taken part yet ({count} so far). We show how others "
                "think once at least 10 residents took part. Please ask again later!",
                count=view.participants,
            )
        )
    else:
        turn.say(_others_text(turn, view))
    if turn.state.step != "done":
        turn.reprompt()


def _one_decimal(value: float) -> str:
    return "%.1f" % value  # noqa: UP031 - keeps the message extractor away from an f-string


def _others_text(turn: _Turn, view: OthersView) -> str:
    _ = turn._
    lines = [_("{count} residents have taken part so far.", count=view.participants)]
    if view.scores:
        lines.append(_("Your scores compared with the average of everyone:"))
        lines += [
            "\u2022 "
            + _(
                "{item}: you {score}, average {mean}",
                item=_short(text, 80),
                score=score,
                mean=_one_decimal(mean),
            )
            for text, score, mean in view.scores
        ]
        return "\n".join(lines)
    if view.group_size is not None:
        lines.append(
            _(
                "Your answers are closest to a group of {size} residents (of {groups} opinion "
                "groups).",
                size=view.group_size,
                groups=view.groups,
            )
        )
        if view.group_statements:
            lines.append(_("What sets this group apart:"))
            direction = {"agree": _("mostly agree"), "disagree": _("mostly disagree")}
            lines += [
                f"\u2022 \u201c{_short(text, 100)}\u201d ({direction[d]})"
                for text, d in view.group_statements
            ]
    if view.differing:
        lines.append(_("Where you think differently from most residents:"))
        for text, own, share in view.differing:
            mine = _("you agree") if own == 1 else _("you disagree")
            most = (
                _("{percent}% disagree", percent=round(share * 100))
                if own == 1
                else _("{percent}% agree", percent=round(share * 100))
            )
            lines.append(f"\u2022 \u201c{_short(text, 100)}\u201d ({mine}, {most})")
    else:
        lines.append(_("On every statement you answered, you are with the majority."))
    return "\n".join(lines)


def _intent_go(turn: _Turn, intent: Intent) -> None:
    """Take the resident into the round a prompt or reminder was about (``go:CODE:ROUND``)."""
    code, _, raw_id = intent.arg.partition(":")
    project = turn.ctx.project
    if project is None or project.code != normalise_code(code):
        turn.offer_projects()
        return
    if turn.ctx.resident is None:
        turn.join(project)
        return
    turn.state.project = project.code
    if turn.ctx.resident.status != "active":
        turn.do(c.Resubscribe(turn.ctx.pseudonym))
    rnd = turn.ctx.round(_int(raw_id))
    if rnd is None or not rnd.is_open:
        turn.say(turn._("That round is closed, so your answer was not saved."))
        turn.goto("done", round_id=None, item_id=None, draft=None, score=None)
        turn.next_round()
        return
    if rnd.id in turn.done_rounds:
        turn.say(turn._("You have already answered this round. Thank you!"))
        turn.goto("done", round_id=None, item_id=None, draft=None, score=None)
        turn.next_round()
        return
    if turn.state.round_id == rnd.id and turn.state.step not in ("idle", "done", "consent"):
        turn.reprompt()  # already busy with this round: ask the current question again
        return
    turn.goto("done", round_id=None, item_id=None, draft=None, score=None)
    if not turn.prompt_round(rnd):
        turn.next_round()


INTENTS: dict[str, Callable[[_Turn, Intent], None]] = {
    "start": _intent_start,
    "help": _intent_help,
    "stop": _intent_stop,
    "language": _intent_language,
    "mydata": _intent_mydata,
    "forget": _intent_forget,
    "others": _intent_others,
    "go": _intent_go,
}


# -- the flow table: one handler per step ---------------------------------------------------


def _idle(turn: _Turn, incoming: Incoming) -> None:
    if incoming.kind == IncomingKind.CHOICE and incoming.data.startswith("join:"):
        _choose_project(turn, incoming)
        return
    _intent_start(turn, Intent("start"))


def _choose_project(turn: _Turn, incoming: Incoming) -> None:
    if incoming.kind == IncomingKind.CHOICE and incoming.data.startswith("join:"):
        _intent_start(turn, Intent("start", incoming.data[5:]))
        return
    turn.offer_projects()


def _consent(turn: _Turn, incoming: Incoming) -> None:
    project = turn.ctx.project
    if project is None:
        turn.offer_projects()
        return
    if incoming.kind != IncomingKind.CHOICE or incoming.data not in ("consent:yes", "consent:no"):
        turn.say(turn._("Please answer with Yes or No first."))
        turn.ask_consent(project)
        return
    if incoming.data == "consent:no":
        turn.goto("idle", project=None)
        turn.ack(
            turn._(
                "No problem. We have not stored anything about you. Send START if you "
                "change your mind."
            )
        )
        return
    turn.do(
        c.GiveConsent(
            turn.ctx.pseudonym,
            project.id,
            turn.ctx.channel,
            turn.state.language or project.language,
            turn.ctx.address,
            bot_id=turn.ctx.bot_id,
        )
    )
    turn.ack(turn._("Thank you for taking part!"))
    if project.ask_profile:
        turn.ask_postcode()
    else:
        turn.goto("done")
        turn.say(turn._("Send any message to start."))


def _profile_postcode(turn: _Turn, incoming: Incoming) -> None:
    if incoming.kind == IncomingKind.CHOICE and incoming.data == "profile:skip":
        turn.state.postcode = None
        turn.ask_age()
        return
    match = _POSTCODE.match(incoming.text) if incoming.kind == IncomingKind.TEXT else None
    if match is None:
        turn.say(
            turn._(
                "That is not a postcode I know. Type the 4 digits (for example 3511) "
                "or choose Skip."
            )
        )
        turn.ask_postcode()
        return
    turn.state.postcode = match.group(1)
    turn.ask_age()


def _profile_age(turn: _Turn, incoming: Incoming) -> None:
    data = incoming.data if incoming.kind == IncomingKind.CHOICE else ""
    band = data.removeprefix("age:")
    if not data.startswith("age:") or (band not in AGE_BANDS and band != "skip"):
        turn.not_a_choice()
        return
    postcode, turn.state.postcode = turn.state.postcode, None
    if turn.resident_id is not None and (postcode or band != "skip"):
        turn.do(c.SetProfile(turn.resident_id, postcode, None if band == "skip" else band))
    turn.ack(turn._("Thank you."))
    turn.next_round()


def _round_choice(
    turn: _Turn, data: str, prefix: str, parts: int
) -> tuple[RoundView, list[str]] | None:
    """Check a choice against the current round; say why and return None when it doesn't fit."""
    pieces = _parse(data, prefix, parts)
    rnd = turn.ctx.round(_int(pieces[0])) if pieces else None
    if pieces is None or rnd is None or rnd.id != turn.state.round_id or not rnd.is_open:
        turn.stale(rnd)
        return None
    return rnd, pieces[1:]


def _idea_text(turn: _Turn, incoming: Incoming) -> None:
    rnd = turn.current_round()
    if rnd is None or not rnd.is_open:
        turn.stale(rnd)
        return
    if incoming.kind == IncomingKind.CHOICE:
        _idea_choice(turn, incoming)
        return
    try:
        draft = clean_text(incoming.text)
    except InvalidInput as error:
        _explain_invalid(turn, error)
        turn.reprompt()
        return
    turn.confirm_idea(rnd, draft)


def _explain_invalid(turn: _Turn, error: InvalidInput) -> None:
    if error.detail == "too_long":
        turn.say(
            turn._(
                "Your message is {length} characters long; the maximum is {limit}. "
                "Please make it shorter and send it again. Nothing was saved.",
                length=error.params["length"],
                limit=error.params["limit"],
            )
        )
    else:
        turn.say(turn._("I received an empty message."))


def _idea_choice(turn: _Turn, incoming: Incoming) -> None:
    checked = _round_choice(turn, incoming.data, "idea", 3)
    if checked is None:
        return
    rnd, (action,) = checked
    step_name = turn.state.step
    if action == "send" and step_name == "idea_confirm" and turn.state.draft:
        assert turn.resident_id is not None
        turn.do(c.SubmitIdea(turn.resident_id, rnd.id, turn.state.draft))
        turn.answered[rnd.id] = turn.answered.get(rnd.id, 0) + 1
        turn.ack(turn._("Thank you! Your idea has been saved."))
        limit = rnd.max_per_resident
        if limit is not None and turn.answered[rnd.id] >= limit:
            turn.finish_round(rnd)
            turn.next_round()
        else:
            turn.ask_more_ideas(rnd)
    elif action == "edit" and step_name == "idea_confirm":
        turn.goto("idea_text", draft=None)
        turn.ack(turn._("Type your idea again."))
    elif action == "more" and step_name == "idea_more":
        turn.prompt_round(rnd, first=False)
    elif action == "done" and step_name in ("idea_more", "idea_text"):
        turn.finish_round(rnd)
        turn.ack(turn._("OK."))
        turn.next_round()
    else:
        turn.stale(rnd)


def _idea_confirm(turn: _Turn, incoming: Incoming) -> None:
    if incoming.kind == IncomingKind.TEXT:
        _idea_text(turn, incoming)  # a new text replaces the draft
        return
    if incoming.kind == IncomingKind.CHOICE:
        _idea_choice(turn, incoming)
        return
    turn.not_a_choice()


def _idea_more(turn: _Turn, incoming: Incoming) -> None:
    if incoming.kind == IncomingKind.TEXT:
        _idea_text(turn, incoming)  # typing straight away means another idea
        return
    _idea_choice(turn, incoming)


def _rate(turn: _Turn, incoming: Incoming) -> None:
    if incoming.kind != IncomingKind.CHOICE:
        turn.not_a_choice()
        return
    checked = _round_choice(turn, incoming.data, "rt", 5)
    if checked is None:
        return
    rnd, (item_raw, crit_raw, value) = checked
    item_id, criterion = _int(item_raw), _int(crit_raw)
    if item_id != turn.state.item_id or criterion != turn.state.criterion or item_id is None:
        turn.stale(rnd)
        return
    criteria = rnd.criteria or ("",)
    if value == "s":
        turn.state.skip(rnd.id, item_id)
        turn.ack(turn._("Skipped."))
    else:
        score = _int(value)
        if score is None or not rnd.scale_min <= score <= rnd.scale_max:
            turn.stale(rnd)
            return
        assert turn.resident_id is not None
        turn.do(c.RateItem(turn.resident_id, rnd.id, item_id, criterion, score))
        label = criteria[criterion]
        turn.ack(f"{label}: {score}" if label else turn._("Your score: {score}", score=score))
        if criterion + 1 < len(criteria):
            turn.state.criterion = criterion + 1
            text = turn.ctx.item_texts.get(item_id, turn.state.item_text or "")
            turn._ask_item(rnd, item_id, text, criterion + 1)
            return
        turn.answered[rnd.id] = turn.answered.get(rnd.id, 0) + 1
    turn.answered_now.add(item_id)
    if not turn.prompt_round(rnd, first=False):
        turn.say(
            turn._("That was the last one of this round. Thank you!"), [_others_option(turn, rnd)]
        )
        turn.next_round()


_VOTES = {"a": 1, "d": -1, "p": 0}


def _vote(turn: _Turn, incoming: Incoming) -> None:
    if incoming.kind != IncomingKind.CHOICE:
        turn.not_a_choice()
        return
    checked = _round_choice(turn, incoming.data, "st", 4)
    if checked is None:
        return
    rnd, (item_raw, value) = checked
    item_id = _int(item_raw)
    if item_id is None or item_id != turn.state.item_id or value not in (*_VOTES, "s"):
        turn.stale(rnd)
        return
    if value == "s":
        turn.state.skip(rnd.id, item_id)
        turn.ack(turn._("Skipped."))
    else:
        assert turn.resident_id is not None
        turn.do(c.CastVote(turn.resident_id, rnd.id, item_id, _VOTES[value]))
        labels = {"a": turn._("Agree"), "d": turn._("Disagree"), "p": turn._("Don't know")}
        turn.ack(turn._("Your answer: {answer}", answer=labels[value]))
        turn.answered[rnd.id] = turn.answered.get(rnd.id, 0) + 1
    turn.answered_now.add(item_id)
    if not turn.prompt_round(rnd, first=False):
        turn.say(
            turn._("That was the last statement of this round. Thank you!"),
            [_others_option(turn, rnd)],
        )
        turn.next_round()


def _feedback_score(turn: _Turn, incoming: Incoming) -> None:
    if incoming.kind != IncomingKind.CHOICE:
        turn.not_a_choice()
        return
    checked = _round_choice(turn, incoming.data, "fb", 3)
    if checked is None:
        return
    rnd, (value,) = checked
    assert turn.resident_id is not None
    if value == "skip":
        turn.goto("feedback_text", score=None)
    else:
        score = _int(value)
        if score is None or not rnd.scale_min <= score <= rnd.scale_max:
            turn.stale(rnd)
            return
        turn.do(c.GiveFeedback(turn.resident_id, rnd.id, score, ""))
        turn.state.score = score
        turn.ack(turn._("Your score: {score}", score=score))
    turn.ask_feedback_text(rnd)


def _feedback_text(turn: _Turn, incoming: Incoming) -> None:
    rnd = turn.current_round()
    if rnd is None or not rnd.is_open:
        turn.stale(rnd)
        return
    assert turn.resident_id is not None
    if incoming.kind == IncomingKind.CHOICE:
        checked = _round_choice(turn, incoming.data, "fb", 3)
        if checked is None:
            return
        if checked[1] != ["skip"]:
            turn.stale(rnd)
            return
        if turn.state.score is None:
            turn.do(c.GiveFeedback(turn.resident_id, rnd.id, None, ""))
        turn.ack(turn._("OK."))
    else:
        try:
            text = clean_text(incoming.text)
        except InvalidInput as error:
            _explain_invalid(turn, error)
            turn.ask_feedback_text(rnd)
            return
        turn.do(c.GiveFeedback(turn.resident_id, rnd.id, turn.state.score, text))
        turn.ack(turn._("Thank you for your comment!"))
    turn.finish_round(rnd)
    turn.state.score = None
    turn.next_round()


def _done(turn: _Turn, incoming: Incoming) -> None:
    if incoming.kind == IncomingKind.CHOICE:
        pieces = incoming.data.split(":")
        turn.stale(turn.ctx.round(_int(pieces[1])) if len(pieces) > 1 else None)
        return
    turn.next_round()


def _forget_confirm(turn: _Turn, incoming: Incoming) -> None:
    if incoming.kind == IncomingKind.CHOICE and incoming.data == "forget:yes":
        turn.do(c.ForgetResident(turn.ctx.pseudonym))
        turn.forgotten = True
        turn.say(
            turn._(
                "Everything we stored about you has been erased. Goodbye! "
                "Send START if you ever want to take part again."
            )
        )
        return
    if incoming.kind == IncomingKind.CHOICE and incoming.data == "forget:no":
        turn.state.step = turn.state.resume_step or "idle"
        turn.state.resume_step = None
        turn.ack(turn._("Nothing was erased."))
        turn.reprompt()
        return
    turn.not_a_choice()


def _language(turn: _Turn, incoming: Incoming) -> None:
    if incoming.kind == IncomingKind.CHOICE and incoming.data in ("lang:nl", "lang:en"):
        _set_language(turn, incoming.data[5:])
        return
    turn.not_a_choice()


FLOW: dict[str, Callable[[_Turn, Incoming], None]] = {
    "idle": _idle,
    "choose_project": _choose_project,
    "consent": _consent,
    "profile_postcode": _profile_postcode,
    "profile_age": _profile_age,
    "idea_text": _idea_text,
    "idea_confirm": _idea_confirm,
    "idea_more": _idea_more,
    "rate": _rate,
    "vote": _vote,
    "feedback_score": _feedback_score,
    "feedback_text": _feedback_text,
    "done": _done,
    "forget_confirm": _forget_confirm,
    "language": _language,
}
