"""The conversation service: one resident message in, replies out, in one transaction.

It loads the snapshot the pure engine needs, runs the engine, executes the commands the engine
asked for through the message bus, and stores the new dialogue state. Channels call only this.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa

from core import views
from core.dialogue import engine
from core.dialogue.context import Context, MyData, ProjectView, ResidentView, RoundView
from core.dialogue.state import State
from core.domain import model
from core.domain.commands import CastVote, GiveConsent, RateItem
from core.domain.errors import DomainError
from core.i18n import gettext_for
from core.messages import Incoming, IncomingKind, Reply
from core.services.analyses import RoundAnalyses
from core.services.bus import MessageBus
from core.storage import tables as t
from core.storage.bots import BotScope
from core.storage.uow import UnitOfWork
from core.views.others import others_view
from core.views.others import prepare as prepare_others

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

    def __init__(
        self,
        bus: MessageBus,
        secret_key: str,
        analyses: RoundAnalyses | None = None,
        reading: Callable[[], UnitOfWork] | None = None,
    ) -> None:
        self.bus = bus
        self.secret_key = secret_key
        self.analyses = analyses or RoundAnalyses()
        self.reading = reading  # read-only units of work for long reads (None: none apart)

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
        intent = engine.parse_intent(incoming)
        if intent is not None and intent.name == "others":
            await self._prepare_others(pseudonym)
        async with self.bus.uow_factory() as uow:
            if dedupe_key is not None:
                claimed = await uow.dialogue.claim_message(channel, dedupe_key, uow.clock())
                if not claimed:
                    return Outcome([], duplicate=True)
            state = State.from_dict(await uow.dialogue.load(pseudonym, lock=True))
            ctx = await load_context(
                uow,
                pseudonym,
                channel,
                address,
                state,
                incoming,
                analyses=self.analyses,
                bot_id=bot_id,
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
        for command in result.commands:
            if isinstance(command, RateItem | CastVote):
                uow.catalogue.answered(command.round_id, command.item_id)
        await self.bus.publish(events)
        language = (new_state.language if new_state else state.language) or "nl"
        return Outcome(result.replies, language=language)

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
    *,
    analyses: RoundAnalyses | None = None,
    bot_id: int | None = None,
) -> Context:
    """Read what the engine needs for this step, in as few round trips as possible.

    When the resident asks how others think, the summary of that round is added (the opinion
    analysis runs in a worker thread and is cached per round, see core.services.analyses).
    """
    now = uow.clock()
    intent = engine.parse_intent(incoming)
    code = state.project
    if intent is not None and intent.name == "start" and intent.arg:
        code = model.Project.normalise_code(intent.arg)
    elif incoming.kind == IncomingKind.CHOICE and incoming.data.startswith("join:"):
        code = model.Project.normalise_code(incoming.data[5:])
    elif incoming.kind == IncomingKind.CHOICE and incoming.data.startswith("go:"):
        code = model.Project.normalise_code(incoming.data[3:].partition(":")[0])
    cached = await uow.catalogue.project(code) if code else None
    project = cached.project if cached is not None else None
    if project is not None and project.status != model.ProjectStatus.ACTIVE:
        project = None
    scope = BotScope()
    if bot_id is not None:
        scope = BotScope(bot_id, await uow.catalogue.bot_is_default(bot_id))
    if project is not None and not scope.allows(project):
        project = None
    my_data = await load_my_data(uow, pseudonym) if intent and intent.name == "mydata" else None
    open_projects: tuple[tuple[str, str], ...] = ()
    if project is None or state.step in ("idle", "choose_project"):  # the steps that list them
        listed = await views.open_projects(uow, now)
        open_projects = tuple(
            (p["code"], p["title"]) for p in listed if scope.allows_bot(p["bot_id"])
        )
    if project is None or project.id is None or cached is None:
        return Context(
            now=now,
            pseudonym=pseudonym,
            channel=channel,
            address=address,
            open_projects=open_projects,
            my_data=my_data,
            bot_id=bot_id,
        )
    resident = await uow.residents.get(pseudonym, project.id)
    rounds = cached.rounds
    totals = cached.totals
    tally = _Tally()
    resident_view = None
    if resident is not None and resident.id is not None:
        resident_view = ResidentView(
            resident.id, resident.status.value, resident.language, resident.wijk, resident.age_band
        )
        tally = await _tally(uow, resident.id, rounds)
    views_: list[RoundView] = []
    for rnd in rounds:
        assert rnd.id is not None
        views_.append(
            RoundView(
                id=rnd.id,
                key=rnd.key,
                kind=rnd.kind,
                question=rnd.question,
                is_open=rnd.is_open(now),
                scale_min=rnd.scale_min,
                scale_max=rnd.scale_max,
                criteria=tuple(rnd.criteria),
                max_per_resident=rnd.max_per_resident,
                finished=rnd.id in tally.finished,
                answered=tally.answered.get(rnd.id, 0),
                total=totals.get(rnd.id, 0),
                has_feedback=rnd.id in tally.feedback,
            )
        )
    candidates: dict[int, tuple[tuple[int, str], ...]] = {}
    by_id = {r.id: r for r in rounds}
    for view in _rounds_needing_items(views_, state.round_id):
        if candidates and not _may_finish(views_, state.round_id, candidates):
            break  # the current round goes on: the next round's items are not needed
        exclude = state.skipped_in(view.id)
        if state.item_id is not None and state.round_id == view.id:
            exclude = [*exclude, state.item_id]
        found = await uow.catalogue.candidates(
            by_id[view.id], resident.id if resident else None, exclude, limit=2
        )
        candidates[view.id] = tuple(found)
    item_texts: dict[int, str] = {}
    if state.item_id is not None and state.step in ("rate", "vote") and not state.item_text:
        item = await uow.projects.item(state.item_id)
        if item is not None:
            item_texts[item.id or 0] = item.text
    for found_items in candidates.values():
        item_texts.update(dict(found_items))
    others = None
    if intent is not None and intent.name == "others" and resident is not None:
        target = _others_round(intent.arg, views_)
        if target is not None and resident.id is not None:
            rnd_of = by_id[target.id]
            others = await others_view(uow, analyses or RoundAnalyses(), rnd_of, resident.id)
    return Context(
        now=now,
        pseudonym=pseudonym,
        channel=channel,
        address=address,
        project=ProjectView(
            project.id,
            project.code,
            project.title,
            project.intro,
            project.language,
            ask_profile=bool(project.settings.get("ask_profile", True)),
        ),
        resident=resident_view,
        rounds=tuple(views_),
        candidates=candidates,
        item_texts=item_texts,
        open_projects=open_projects,
        my_data=my_data,
        others=others,
        bot_id=bot_id,
    )


def _others_round(arg: str, views: list[RoundView]) -> RoundView | None:
    """The round a "how do others think" question is about: the one named, else the last one
    the resident finished among the statements and rating rounds."""
    kinds = (model.RoundKind.STATEMENTS, model.RoundKind.RATING)
    if arg:
        return next((v for v in views if str(v.id) == arg and v.kind in kinds), None)
    finished = [v for v in views if v.kind in kinds and v.finished]
    return finished[-1] if finished else None


def _may_finish(
    views: list[RoundView],
    current: int | None,
    candidates: dict[int, tuple[tuple[int, str], ...]],
) -> bool:
    """Whether this step may finish the current round (then the next round's items are read).

    A round goes on while it has at least two unanswered items (the one being answered may be
    one of them) and the resident stays below the round's maximum.
    """
    view = next((v for v in views if v.id == current), None)
    if view is None or current not in candidates:
        return True
    limit = view.max_per_resident
    return len(candidates[current]) < 2 or (limit is not None and view.answered + 1 >= limit)


def _rounds_needing_items(rounds: list[RoundView], current: int | None) -> list[RoundView]:
    """The current round and the first open, unfinished round after it with items to answer.

    The engine never moves further than one round ahead in a step, so the candidates of
    later rounds would be read for nothing.
    """
    wanted: list[RoundView] = []
    with_items = (model.RoundKind.RATING, model.RoundKind.STATEMENTS)
    for view in rounds:
        if not view.is_open or view.finished:
            continue
        if view.id == current and view.kind in with_items:
            wanted.append(view)
        elif view.kind in with_items and (not wanted or wanted[-1].id == current):
            wanted.append(view)
            break
    return wanted


@dataclass
class _Tally:
    answered: dict[int, int] = field(default_factory=dict)
    finished: set[int] = field(default_factory=set)
    feedback: set[int] = field(default_factory=set)


def _tally_query() -> sa.CompoundSelect:
    """A resident's answers per round, built once (building it took longer than running it)."""
    rid: sa.BindParameter[int] = sa.bindparam("resident_id")
    return sa.union_all(
        sa.select(t.ideas.c.round_id, sa.literal_column("'ideas'").label("what"), sa.func.count())
        .where(t.ideas.c.resident_id == rid)
        .group_by(t.ideas.c.round_id),
        sa.select(t.votes.c.round_id, sa.literal_column("'votes'"), sa.func.count())
        .where(t.votes.c.resident_id == rid)
        .group_by(t.votes.c.round_id),
        sa.select(t.feedback.c.round_id, sa.literal_column("'feedback'"), sa.func.count())
        .where(t.feedback.c.resident_id == rid)
        .group_by(t.feedback.c.round_id),
        sa.select(t.round_progress.c.round_id, sa.literal_column("'finished'"), sa.func.count())
        .where(t.round_progress.c.resident_id == rid, t.round_progress.c.finished_at.is_not(None))
        .group_by(t.round_progress.c.round_id),
        # one row per rated item, with the number of criteria it was scored on
        sa.select(t.ratings.c.round_id, sa.literal_column("'rated'"), sa.func.count())
        .where(t.ratings.c.resident_id == rid)
        .group_by(t.ratings.c.round_id, t.ratings.c.item_id),
    )


_TALLY = _tally_query()


async def _tally(uow: UnitOfWork, resident_id: int, rounds: Sequence[model.Round]) -> _Tally:
    """A resident's progress per round, in one query.

    ``answered`` counts ideas given, statements voted and items rated on every criterion.
    """
    tally = _Tally()
    criteria = {r.id: len(r.criteria_or_default) for r in rounds}
    for round_id, what, count in await uow.conn.execute(_TALLY, {"resident_id": resident_id}):
        key = int(round_id)
        if what in ("ideas", "votes"):
            tally.answered[key] = int(count)
        elif what == "feedback":
            tally.feedback.add(key)
        elif what == "finished":
            tally.finished.add(key)
        elif count >= criteria.get(key, 1):
            tally.answered[key] = tally.answered.get(key, 0) + 1
    return tally


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
