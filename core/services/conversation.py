"""The conversation service: one resident message in, replies out, in one transaction.

It loads the snapshot the pure engine needs, runs the engine, executes the commands the engine
asked for through the message bus, and stores the new dialogue state. Channels call only this.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import dataclass

import sqlalchemy as sa

from core.dialogue import engine
from core.dialogue.context import Context, MyData, ProjectView, ResidentView, RoundView
from core.dialogue.state import State
from core.domain import model
from core.domain.commands import GiveConsent
from core.domain.errors import DomainError
from core.i18n import gettext_for
from core.messages import Incoming, IncomingKind, Reply
from core.services.bus import MessageBus
from core.services.uow import UnitOfWork
from core.storage import tables as t
from core.storage.bots import BotScope

log = logging.getLogger(__name__)


def make_pseudonym(secret_key: str, channel: str, user_id: str) -> str:
    """Return the pseudonymous id: HMAC-SHA256 of channel and channel user id."""
    message = f"{channel}:{user_id}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Outcome:
    replies: list[Reply]
    duplicate: bool = False
    language: str = "nl"


class Conversations:
    """Entry point of every channel into the core."""

    def __init__(self, bus: MessageBus, secret_key: str) -> None:
        self.bus = bus
        self.secret_key = secret_key

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
        """
        pseudonym = self.pseudonym(channel, user_id)
        incoming = incoming.sanitised()
        async with self.bus.uow_factory() as uow:
            if dedupe_key is not None:
                claimed = await uow.dialogue.claim_message(channel, dedupe_key, uow.clock())
                if not claimed:
                    return Outcome([], duplicate=True)
            state = State.from_dict(await uow.dialogue.load(pseudonym, lock=True))
            ctx = await load_context(
                uow, pseudonym, channel, address, state, incoming, bot_id=bot_id
            )
            result = engine.step(ctx, state, incoming)
            try:
                for command in result.commands:
                    await self.bus.run(command, uow)
            except DomainError as error:
                await uow.rollback()
                language = state.language or "nl"
                return Outcome([Reply(friendly_error(error, language))], language=language)
            now = uow.clock()
            new_state = result.state
            if new_state is not None:
                await uow.dialogue.save(pseudonym, channel, new_state.to_dict(), now)
                if keep_log:
                    await _keep_log(uow, pseudonym, incoming, result, state, ctx)
            await uow.commit()
            events = uow.collect_events()
        await self.bus.publish(events)
        language = (new_state.language if new_state else state.language) or "nl"
        return Outcome(result.replies, language=language)

    async def history(self, channel: str, user_id: str) -> list[dict[str, object]]:
        pseudonym = self.pseudonym(channel, user_id)
        async with self.bus.uow_factory() as uow:
            return await uow.dialogue.history(pseudonym)


async def _keep_log(
    uow: UnitOfWork,
    pseudonym: str,
    incoming: Incoming,
    result: engine.Step,
    before: State,
    ctx: Context,
) -> None:
    """Keep the web chat's transcript; a resident's own words only once they consented."""
    now = uow.clock()
    consented = ctx.resident is not None or any(
        isinstance(cmd, GiveConsent) for cmd in result.commands
    )
    if incoming.kind == IncomingKind.CHOICE:
        label = _label_of(before, incoming.data)
        if label:
            await uow.dialogue.log(pseudonym, False, label, [], now)
    elif incoming.kind == IncomingKind.TEXT and consented:
        await uow.dialogue.log(pseudonym, False, incoming.text[:2000], [], now)
    for reply in result.replies:
        options = [{"label": o.label, "data": o.data} for o in reply.options]
        await uow.dialogue.log(pseudonym, True, reply.text, options, now)


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


async def load_context(
    uow: UnitOfWork,
    pseudonym: str,
    channel: str,
    address: str | None,
    state: State,
    incoming: Incoming,
    bot_id: int | None = None,
) -> Context:
    """Read what the engine needs for this step (a handful of small queries)."""
    now = uow.clock()
    intent = engine.parse_intent(incoming)
    code = state.project
    if intent is not None and intent.name == "start" and intent.arg:
        code = model.Project.normalise_code(intent.arg)
    elif incoming.kind == IncomingKind.CHOICE and incoming.data.startswith("join:"):
        code = model.Project.normalise_code(incoming.data[5:])
    project = await uow.projects.by_code(code) if code else None
    if project is not None and project.status != model.ProjectStatus.ACTIVE:
        project = None
    scope = await BotScope.load(uow.conn, bot_id)
    if project is not None and not scope.allows(project):
        project = None
    open_projects: tuple[tuple[str, str], ...] = ()
    if project is None or state.step in ("idle", "choose_project"):  # the only steps that list
        open_projects = await _open_projects(uow, now, scope)
    my_data = await load_my_data(uow, pseudonym) if intent and intent.name == "mydata" else None
    base = Context(
        now=now,
        pseudonym=pseudonym,
        channel=channel,
        address=address,
        open_projects=open_projects,
        my_data=my_data,
        bot_id=bot_id,
    )
    if project is None or project.id is None:
        return base
    resident = await uow.residents.get(pseudonym, project.id)
    project_view = ProjectView(
        project.id,
        project.code,
        project.title,
        project.intro,
        project.language,
        ask_profile=bool(project.settings.get("ask_profile", True)),
    )
    rounds = await uow.projects.rounds(project.id)
    resident_view = None
    views: list[RoundView] = []
    candidates: dict[int, tuple[tuple[int, str], ...]] = {}
    totals = await _item_totals(uow, [r.id for r in rounds if r.id is not None])
    answered: dict[int, int] = {}
    progress: dict[int, model.RoundProgress] = {}
    feedback_rounds: set[int] = set()
    if resident is not None and resident.id is not None:
        resident_view = ResidentView(
            resident.id, resident.status.value, resident.language, resident.wijk, resident.age_band
        )
        progress = await uow.contributions.progress(resident.id)
        answered = await _answered(uow, resident.id, rounds)
        feedback_rounds = await _feedback_rounds(uow, resident.id)
    for rnd in rounds:
        assert rnd.id is not None
        is_open = rnd.is_open(now)
        done = progress.get(rnd.id)
        finished = bool(done and done.finished_at)
        views.append(
            RoundView(
                id=rnd.id,
                key=rnd.key,
                kind=rnd.kind,
                question=rnd.question,
                is_open=is_open,
                scale_min=rnd.scale_min,
                scale_max=rnd.scale_max,
                criteria=tuple(rnd.criteria),
                max_per_resident=rnd.max_per_resident,
                finished=finished,
                answered=answered.get(rnd.id, 0),
                total=totals.get(rnd.id, 0),
                has_feedback=rnd.id in feedback_rounds,
            )
        )
        wants_items = rnd.kind in (model.RoundKind.RATING, model.RoundKind.STATEMENTS)
        if wants_items and is_open and not finished:
            exclude = state.skipped_in(rnd.id)
            if state.item_id is not None and state.round_id == rnd.id:
                exclude = [*exclude, state.item_id]
            found = await uow.contributions.candidates(
                rnd, resident.id if resident else None, exclude, limit=2
            )
            candidates[rnd.id] = tuple(found)
    item_texts: dict[int, str] = {}
    if state.item_id is not None:
        item = await uow.projects.item(state.item_id)
        if item is not None:
            item_texts[item.id or 0] = item.text
    for found_items in candidates.values():
        item_texts.update(dict(found_items))
    return Context(
        now=now,
        pseudonym=pseudonym,
        channel=channel,
        address=address,
        project=project_view,
        resident=resident_view,
        rounds=tuple(views),
        candidates=candidates,
        item_texts=item_texts,
        open_projects=open_projects,
        my_data=my_data,
        bot_id=bot_id,
    )


async def _open_projects(
    uow: UnitOfWork, now: object, scope: BotScope | None = None
) -> tuple[tuple[str, str], ...]:
    found = []
    for project in await uow.projects.all():
        if project.status != model.ProjectStatus.ACTIVE or project.id is None:
            continue
        if project.settings.get("listed", True) is False:
            continue
        if scope is not None and not scope.allows(project):
            continue
        rounds = await uow.projects.rounds(project.id)
        if any(r.is_open(uow.clock()) for r in rounds):
            found.append((project.code, project.title))
    return tuple(found)


async def _item_totals(uow: UnitOfWork, round_ids: list[int]) -> dict[int, int]:
    if not round_ids:
        return {}
    rows = await uow.conn.execute(
        sa.select(t.items.c.round_id, sa.func.count())
        .where(t.items.c.round_id.in_(round_ids), t.items.c.active.is_(True))
        .group_by(t.items.c.round_id)
    )
    return {int(r[0]): int(r[1]) for r in rows}


async def _answered(
    uow: UnitOfWork, resident_id: int, rounds: list[model.Round]
) -> dict[int, int]:
    """Ideas given, items fully rated (every criterion) and statements voted, per round."""
    counts: dict[int, int] = {}
    for round_id, count in await uow.conn.execute(
        sa.select(t.ideas.c.round_id, sa.func.count())
        .where(t.ideas.c.resident_id == resident_id)
        .group_by(t.ideas.c.round_id)
    ):
        counts[int(round_id)] = int(count)
    for round_id, count in await uow.conn.execute(
        sa.select(t.votes.c.round_id, sa.func.count())
        .where(t.votes.c.resident_id == resident_id)
        .group_by(t.votes.c.round_id)
    ):
        counts[int(round_id)] = int(count)
    per_item = (
        sa.select(t.ratings.c.round_id, t.ratings.c.item_id, sa.func.count().label("n"))
        .where(t.ratings.c.resident_id == resident_id)
        .group_by(t.ratings.c.round_id, t.ratings.c.item_id)
    )
    criteria = {r.id: len(r.criteria_or_default) for r in rounds}
    for round_id, _item_id, n in await uow.conn.execute(per_item):
        if n >= criteria.get(round_id, 1):
            counts[int(round_id)] = counts.get(int(round_id), 0) + 1
    return counts


async def _feedback_rounds(uow: UnitOfWork, resident_id: int) -> set[int]:
    rows = await uow.conn.scalars(
        sa.select(t.feedback.c.round_id).where(t.feedback.c.resident_id == resident_id)
    )
    return {int(r) for r in rows}


async def load_my_data(uow: UnitOfWork, pseudonym: str) -> MyData:
    """Collect everything stored about a pseudonym (the "my data" command and exports)."""
    residents = await uow.residents.for_pseudonym(pseudonym)
    ids = [r.id for r in residents if r.id is not None]
    codes = []
    for resident in residents:
        project = await uow.projects.get(resident.project_id)
        codes.append(project.code if project else "?")
    ideas: list[str] = []
    feedback: list[str] = []
    ratings = votes = 0
    if ids:
        ideas = list(
            await uow.conn.scalars(sa.select(t.ideas.c.text).where(t.ideas.c.resident_id.in_(ids)))
        )
        feedback = [
            f"{r.score if r.score is not None else '-'}: {r.text}".strip()
            for r in await uow.conn.execute(
                sa.select(t.feedback.c.score, t.feedback.c.text).where(
                    t.feedback.c.resident_id.in_(ids)
                )
            )
        ]
        ratings = int(
            (
                await uow.conn.scalar(
                    sa.select(sa.func.count()).where(t.ratings.c.resident_id.in_(ids))
                )
            )
            or 0
        )
        votes = int(
            (
                await uow.conn.scalar(
                    sa.select(sa.func.count()).where(t.votes.c.resident_id.in_(ids))
                )
            )
            or 0
        )
    contact = await uow.conn.scalar(
        sa.select(t.contacts.c.pseudonym).where(t.contacts.c.pseudonym == pseudonym)
    )
    first = residents[0] if residents else None
    return MyData(
        pseudonym=pseudonym,
        projects=tuple(codes),
        consent_at=tuple(r.consent_at for r in residents),
        language=first.language if first else None,
        status=tuple(r.status.value for r in residents),
        wijk=next((r.wijk for r in residents if r.wijk), None),
        age_band=next((r.age_band for r in residents if r.age_band), None),
        ideas=tuple(ideas),
        ratings=ratings,
        votes=votes,
        feedback=tuple(feedback),
        has_contact=contact is not None,
    )
