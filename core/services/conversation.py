"""The conversation service: one resident message in, replies out, in one transaction.

It loads the snapshot the pure engine needs, runs the engine, executes the commands the engine
asked for through the message bus, and stores the new dialogue state. Channels call only this.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Callable
from dataclasses import dataclass

from core.dialogue import engine
from core.dialogue.context import Context
from core.dialogue.intents import IntentName, Message, in_state, read
from core.dialogue.state import State
from core.domain.commands import CastVote, GiveConsent, RateItem
from core.domain.errors import DomainError, InvalidInput
from core.domain.model import clean_text
from core.i18n import gettext_for
from core.messages import Incoming, IncomingKind, Reply
from core.services.analyses import RoundAnalyses
from core.services.bus import MessageBus
from core.services.carry_over import is_token, redeem
from core.services.dialogue_context import NotifyWays, load_context, load_my_data
from core.services.offered_ideas import IDEA_STEPS, LOOKED_UP, SimilarFinder
from core.storage.uow import UnitOfWork
from core.views.others import prepare as prepare_others

__all__ = ["Conversations", "Outcome", "friendly_error", "load_context", "load_my_data",
           "make_pseudonym"]  # fmt: skip

log = logging.getLogger(__name__)


def make_pseudonym(secret_key: str, channel: str, user_id: str) -> str:
    """Return the pseudonymous id: HMAC-SHA256 of channel and channel user id."""
    message = f"{channel}:{user_id}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


def message_key(secret_key: str, channel: str, dedupe_key: str) -> str:
    """Return what is stored of a channel's message id: a keyed hash of it.

    A WhatsApp message id encodes the sender's phone number; only its HMAC is kept (and only
    for the channel's redelivery window), which recognises a redelivery and nothing else.
    """
    message = f"message:{channel}:{dedupe_key}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Outcome:
    replies: list[Reply]
    duplicate: bool = False
    language: str = "nl"
    erased: bool = False  # the resident had everything erased: nothing of them is stored now


class Conversations:
    """Entry point of every channel into the core."""

    def __init__(
        self,
        bus: MessageBus,
        secret_key: str,
        analyses: RoundAnalyses | None = None,
        reading: Callable[[], UnitOfWork] | None = None,
        public_url: str = "",
        similar: SimilarFinder | None = None,
        notify_ways: NotifyWays | None = None,
        glancing: Callable[[], UnitOfWork] | None = None,
    ) -> None:
        self.bus = bus
        self.secret_key = secret_key
        self.analyses = analyses or RoundAnalyses()
        self.reading = reading  # read-only units of work for long reads (None: none apart)
        self.glancing = glancing or reading  # ... and for a few short ones
        self.public_url = public_url  # INSPRAAK_PUBLIC_URL: links residents are sent
        self.similar = similar  # finds ideas like a typed one (None: none are offered)
        self.notify_ways = notify_ways  # what a web-chat resident may be told new rounds by

    def pseudonym(self, channel: str, user_id: str) -> str:
        return make_pseudonym(self.secret_key, channel, user_id)

    async def handle(
        self,
        channel: str,
        user_id: str,
        incoming: Incoming,
        *,
        address: str | None = None,
        dedupe_key: str | None = None,
        keep_log: bool = False,
        bot_id: int | None = None,
        opening: Incoming | None = None,
    ) -> Outcome:
        """Handle one message from ``user_id`` on ``channel`` and return the replies.

        Args:
            channel: ``web``, ``telegram``, ``whatsapp``...
            user_id: the channel's id of the person; only its pseudonym is stored.
            incoming: the message.
            address: how to reach the person later (stored only after consent).
            dedupe_key: the channel's message id; a message seen before is ignored.
            keep_log: keep the conversation for display (the web chat).
            bot_id: the channel's bot (``bots.id``) the person writes to; only the projects
                of that bot can be listed and joined. None: every project (the web chat).
            opening: handled first, in the same transaction, when nothing is stored for this
                person yet (a web-chat visitor answering a greeting that was only shown).
        """
        pseudonym = self.pseudonym(channel, user_id)
        incoming = incoming.sanitised()
        message = read(incoming)  # the one reading of this message, handed on
        key = None if dedupe_key is None else message_key(self.secret_key, channel, dedupe_key)
        others = message.intent is not None and message.intent.name == IntentName.OTHERS
        typed = message.intent is None and incoming.kind == IncomingKind.TEXT
        if (others or typed) and key is not None and await self._handled(channel, key):
            return Outcome([], duplicate=True)  # known before the costly preparation below
        if others:
            await self._prepare_others(pseudonym)
        elif typed:
            await self._prepare_similar(pseudonym, incoming.text)
        async with self.bus.uow_factory() as uow:
            if key is not None:
                claimed = await uow.dialogue.claim_message(channel, key, uow.clock())
                if not claimed:
                    return Outcome([], duplicate=True)
            carried: list[Reply] = []
            if _carries(message):  # a join link from the web chat: the resident comes along
                arg = message.intent.arg if message.intent else ""
                carried, incoming = await redeem(uow, arg, pseudonym, channel, address, bot_id)
                message = read(incoming)
            stored = await uow.dialogue.load(pseudonym, lock=True)
            state = State.from_dict(stored)
            step = _Step(pseudonym, channel, address, bot_id, keep_log, key)
            if stored is None:
                opened = await self._open(uow, step, opening, message, state)
                if isinstance(opened, Outcome):
                    return opened
                state = opened
            result = await self._step(uow, step, incoming, message, state)
            if isinstance(result, Outcome):
                return result
            await uow.commit()
            events = uow.collect_events()
        for command in result.commands:
            if isinstance(command, RateItem | CastVote):
                uow.catalogue.answered(command.round_id, command.item_id)
        await self.bus.publish(events)
        language = (result.state.language if result.state else state.language) or "nl"
        return Outcome(carried + result.replies, language=language, erased=result.state is None)

    async def _step(
        self,
        uow: UnitOfWork,
        step: _Step,
        incoming: Incoming,
        message: Message | None,
        state: State,
    ) -> engine.Step | Outcome:
        """Run one engine step and store its outcome; a refusal is the friendly reply."""
        result, ctx = await self._think(uow, step, message or read(incoming), state)
        refused = await self._run(result, uow, state)
        if refused is not None:  # the step was rolled back, the message's claim with it
            if step.claim is not None:  # answered all the same: a resend is not answered again
                await uow.dialogue.claim_message(step.channel, step.claim, uow.clock())
            if step.keep_log:  # the web chat shows only what its transcript holds
                said = engine.Step(state, refused.replies, result.commands)
                await _keep_log(uow, step.pseudonym, incoming, said, state, ctx)
            await uow.commit()  # only the claim and these lines: nothing of the answer
            return refused
        if result.state is not None:
            now = uow.clock()
            await uow.dialogue.save(step.pseudonym, step.channel, result.state.to_dict(), now)
            if step.keep_log:
                await _keep_log(uow, step.pseudonym, incoming, result, state, ctx)
        return result

    async def _open(
        self,
        uow: UnitOfWork,
        step: _Step,
        opening: Incoming | None,
        message: Message,
        state: State,
    ) -> State | Outcome:
        """Before the first stored step: handle the ``opening`` the resident answers, or answer
        a plain message of someone unknown without storing anything (an Outcome)."""
        if opening is None and _greets(message):
            opening = Incoming.start(language_hint=message.incoming.language_hint)
            greeting = await self._greeting(uow, step, opening, message, state)
            if greeting is not None:
                return greeting
        if opening is None:
            return state
        opened = await self._step(uow, step, opening.sanitised(), None, state)
        if isinstance(opened, Outcome):
            return opened
        return opened.state or state

    async def _greeting(
        self, uow: UnitOfWork, step: _Step, opening: Incoming, message: Message, state: State
    ) -> Outcome | None:
        """Someone nothing is stored about (new, or just erased) writes a plain message: the
        answer to it, storing nothing, unless it answers that greeting's question (then None,
        and the greeting is handled as their opening)."""
        greeted, _ = await self._think(uow, step, read(opening), state)
        if greeted.state is not None and in_state(message, greeted.state).action is not None:
            return None
        result, _ = await self._think(uow, step, message, state)
        await uow.commit()  # only the message's id, so a redelivery is not answered twice
        language = (result.state.language if result.state else state.language) or "nl"
        return Outcome(result.replies, language=language)

    async def _think(
        self, uow: UnitOfWork, step: _Step, message: Message, state: State
    ) -> tuple[engine.Step, Context]:
        """Read what the engine needs and run it (nothing stored yet)."""
        message = in_state(message, state)  # a typed option is that option's choice
        ctx = await load_context(
            uow,
            step.pseudonym,
            step.channel,
            step.address,
            state,
            message,
            analyses=self.analyses,
            bot_id=step.bot_id,
            public_url=self.public_url,
            similar=self.similar,
            notify_ways=self.notify_ways,
        )
        return engine.step(ctx, state, message), ctx

    async def _run(self, result: engine.Step, uow: UnitOfWork, before: State) -> Outcome | None:
        """Run the step's commands; on a domain error roll back and return the friendly reply."""
        try:
            for command in result.commands:
                await self.bus.run(command, uow)
        except DomainError as error:
            await uow.rollback()
            language = before.language or "nl"
            return Outcome([Reply(friendly_error(error, language))], language=language)
        return None

    async def _handled(self, channel: str, key: str) -> bool:
        """Whether the message was handled before, read outside the step's transaction."""
        if self.glancing is None:
            return False  # the step's own claim tells
        async with self.glancing() as uow:
            return await uow.dialogue.handled(channel, key)

    async def _prepare_others(self, pseudonym: str) -> None:
        """Bring the opinion analyses of the resident's project up to date before the step.

        Loading a round's votes and analysing them takes long; done here, on the reader and
        outside the step's transaction, the step itself finds them cached and no other
        resident waits for the write lock meanwhile.
        """
        if self.reading is None:
            return
        async with self.reading() as uow:
            code = State.from_dict(await uow.dialogue.load(pseudonym)).project
            cached = await uow.catalogue.project(code) if code else None
            for rnd in cached.rounds if cached is not None else ():
                await prepare_others(uow, self.analyses, rnd)

    async def _prepare_similar(self, pseudonym: str, text: str) -> None:
        """Bring the similar-idea index of the resident's ideas round up to date before the
        step (the first look at a large round encodes its ideas) and look the typed idea up,
        outside the step's transaction (a round already indexed is read through the quick
        units); the step itself, which holds the write lock on SQLite, then finds the answer
        ready."""
        if self.reading is None or self.glancing is None or self.similar is None:
            return
        async with self.glancing() as uow:
            state = State.from_dict(await uow.dialogue.load(pseudonym))
        if state.step not in IDEA_STEPS or state.round_id is None:
            return
        try:
            looked_up: str | None = clean_text(text)
        except InvalidInput:  # the step explains what is wrong
            looked_up = None
        await self.similar.prepare(
            self.reading, state.round_id, quick=self.glancing, text=looked_up, k=LOOKED_UP
        )

    async def preview(self, channel: str, user_id: str, incoming: Incoming) -> Outcome:
        """The replies ``incoming`` would get, storing nothing (a first visit to the web chat:
        a visitor who never answers leaves no trace)."""
        pseudonym = self.pseudonym(channel, user_id)
        message = read(incoming.sanitised())
        async with (self.reading or self.bus.uow_factory)() as uow:
            state = State.from_dict(await uow.dialogue.load(pseudonym))
            step = _Step(pseudonym, channel, None, None, keep_log=False)
            result, _ = await self._think(uow, step, message, state)
        language = (result.state.language if result.state else state.language) or "nl"
        return Outcome(result.replies, language=language)

    async def language(self, channel: str, user_id: str) -> str | None:
        """The language a resident's conversation is in, once it has one."""
        pseudonym = self.pseudonym(channel, user_id)
        async with (self.reading or self.bus.uow_factory)() as uow:
            return State.from_dict(await uow.dialogue.load(pseudonym)).language

    async def history(self, channel: str, user_id: str) -> list[dict[str, object]]:
        pseudonym = self.pseudonym(channel, user_id)
        async with self.bus.uow_factory() as uow:
            return await uow.dialogue.history(pseudonym)


@dataclass(frozen=True)
class _Step:
    """Who a step is for, and what to keep of it."""

    pseudonym: str
    channel: str
    address: str | None
    bot_id: int | None
    keep_log: bool
    claim: str | None = None  # the message's key, claimed again when a refusal rolls back


async def _keep_log(
    uow: UnitOfWork,
    pseudonym: str,
    incoming: Incoming,
    result: engine.Step,
    before: State,
    ctx: Context,
) -> None:
    """Keep the web chat's transcript; a resident's own words only once they consented."""
    consented = ctx.resident is not None or any(
        isinstance(cmd, GiveConsent) for cmd in result.commands
    )
    lines: list[tuple[bool, str, list[dict[str, str]]]] = []
    if incoming.kind == IncomingKind.CHOICE:
        label = _label_of(before, incoming.data)
        if label:
            lines.append((False, label, []))
    elif incoming.kind == IncomingKind.TEXT and consented:
        lines.append((False, incoming.text[:2000], []))
    for reply in result.replies:
        options = [{"label": o.label, "data": o.data} for o in reply.options]
        lines.append((True, reply.text, options))
    await uow.dialogue.log_many(pseudonym, lines, uow.clock())  # one statement


def _carries(message: Message) -> bool:
    """Whether the message starts with a carry-over token (core/services/carry_over.py)."""
    intent = message.intent
    return intent is not None and intent.name == IntentName.START and is_token(intent.arg)


def _greets(message: Message) -> bool:
    """A plain typed message, no request: what someone unknown to us writes to say hello."""
    return message.intent is None and message.incoming.kind == IncomingKind.TEXT


def _label_of(state: State, data: str) -> str | None:
    for label, option in zip(state.labels, state.options, strict=False):
        if option == data:
            return label
    return None


def friendly_error(error: DomainError, language: str) -> str:
    _ = gettext_for(language).gettext
    messages = {
        "round_not_open": _("That round is closed, so your answer was not saved."),
        "limit_reached": _("You have reached the maximum for this round."),
        "unknown_item": _("That question has already been answered or is no longer current."),
        "invalid_input": _("I could not use that answer. Please try again."),
    }
    text = messages.get(error.code, _("Something went wrong. Please try again."))
    return text + "\n" + _("Send START to continue.")
