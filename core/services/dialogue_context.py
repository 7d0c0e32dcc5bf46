"""The snapshot the pure dialogue engine sees for one step, read in as few round trips as can be.

The conversation service calls :func:`load_context` inside the step's unit of work, with the
message already read once (:func:`core.dialogue.intents.read`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from core import views
from core.dialogue import buttons as b
from core.dialogue.context import Context, MyData, OthersView, ProjectView, ResidentView, RoundView
from core.dialogue.intents import IntentName, Message, read
from core.dialogue.state import State, StepName
from core.domain import model, texts
from core.messages import Incoming
from core.services.analyses import RoundAnalyses
from core.services.offered_ideas import SimilarFinder, similar_for
from core.storage.bots import BotScope
from core.storage.catalogue import CachedProject
from core.storage.conversation import Tally
from core.storage.uow import UnitOfWork
from core.views.others import others_view

Candidates = dict[int, tuple[tuple[int, str], ...]]
# What a web-chat resident may choose to hear of new rounds by, per project code: (channel,
# link) pairs (see Context.notify_ways); made by the composition root from what is configured.
NotifyWays = Callable[[str], tuple[tuple[str, str], ...]]
PUSHLESS = frozenset({"web"})  # a contact on these channels cannot be sent a message


async def load_context(
    uow: UnitOfWork,
    pseudonym: str,
    channel: str,
    address: str | None,
    state: State,
    incoming: Incoming | Message,
    *,
    analyses: RoundAnalyses | None = None,
    bot_id: int | None = None,
    public_url: str = "",
    similar: SimilarFinder | None = None,
    notify_ways: NotifyWays | None = None,
) -> Context:
    """Read what the engine needs for this step, in as few round trips as possible.

    When the resident asks how others think, the summary of that round is added (the opinion
    analysis runs in a worker thread and is cached per round, see core.services.analyses).
    When they type an idea (or wait at "do you mean one of these?"), the ideas like it are
    added through ``similar``; when they choose one of them, that idea.
    ``public_url`` (INSPRAAK_PUBLIC_URL) makes the privacy statement's link in the consent step.
    """
    message = incoming if isinstance(incoming, Message) else read(incoming, state)
    intent = message.intent.name if message.intent else None
    now = uow.clock()
    scope = BotScope()
    if bot_id is not None:
        scope = BotScope(bot_id, await uow.catalogue.bot_is_default(bot_id))
    code = _project_code(message) or state.project
    cached = await uow.catalogue.project(code) if code else None
    if cached is not None and not _joinable(cached, scope):
        cached = None
    open_projects: tuple[tuple[str, str], ...] = ()
    next_opening = None
    if cached is None or state.step in (StepName.IDLE, StepName.CHOOSE_PROJECT):
        listed = await views.open_projects(uow, now)  # the steps that list them
        open_projects = tuple(
            (p["code"], p["title"]) for p in listed if scope.allows_bot(p["bot_id"])
        )
        if not open_projects:
            next_opening = await views.next_opening(uow, now, scope.allows_bot)
    base = Context(
        now=now,
        pseudonym=pseudonym,
        channel=channel,
        address=address,
        open_projects=open_projects,
        next_opening=next_opening,
        my_data=await load_my_data(uow, pseudonym) if intent == IntentName.MYDATA else None,
        bot_id=bot_id,
    )
    if cached is None:
        return base
    found, contact = await _in_project(uow, base, cached, state, message, analyses)
    if found.resident is not None:
        offered = await similar_for(uow, similar, found, state, message)
        found = replace(found, similar=offered) if offered else found
        found = _reach(found, contact, notify_ways)
    if found.resident is None and found.project is not None:  # joining: consent is asked
        privacy_url = await _privacy_url(uow, cached.project, channel, public_url)
        found = replace(found, project=replace(found.project, privacy_url=privacy_url))
    return found


def _reach(ctx: Context, contact: str | None, notify_ways: NotifyWays | None) -> Context:
    """How a taking-part resident hears of a new round (``contact``: the channel of their
    contact, read with them), and on the web chat what else may reach them (see
    core/dialogue/notify.py)."""
    assert ctx.resident is not None and ctx.project is not None
    reach = None
    if ctx.resident.status == model.ResidentStatus.ACTIVE.value:
        reach = contact if contact not in PUSHLESS else None
    ways = notify_ways(ctx.project.code) if notify_ways and ctx.channel == "web" else ()
    return replace(ctx, reach=reach, notify_ways=ways if reach is None else ())


async def _privacy_url(
    uow: UnitOfWork, project: model.Project, channel: str, public_url: str
) -> str:
    """The organisation's privacy statement: absolute when the public URL is known; else a
    path the web chat shows as a link on its own site, and nothing on other channels."""
    if not public_url and channel != "web":
        return ""
    slug = await uow.projects.organisation_slug(project.organisation_id)
    return f"{public_url.rstrip('/')}/privacy/{slug}"


def _joinable(cached: CachedProject, scope: BotScope) -> bool:
    """Whether the project takes part now and through the bot the resident writes to."""
    project = cached.project
    active = project.status == model.ProjectStatus.ACTIVE
    return active and project.id is not None and scope.allows(project)


async def _in_project(
    uow: UnitOfWork,
    base: Context,
    cached: CachedProject,
    state: State,
    message: Message,
    analyses: RoundAnalyses | None,
) -> tuple[Context, str | None]:
    """The context within the resident's project: their progress, the next items, others;
    and the channel of the resident's contact (None without one)."""
    project = cached.project
    assert project.id is not None
    resident, contact = await uow.residents.get_with_contact(base.pseudonym, project.id)
    resident_view = None
    tally = Tally()
    if resident is not None and resident.id is not None:
        resident_view = ResidentView(
            resident.id, resident.status.value, resident.language, resident.wijk, resident.age_band
        )
        criteria = {r.id: len(r.criteria_or_default) for r in cached.rounds if r.id is not None}
        tally = await uow.conversation.tally(resident.id, criteria)
    rounds = _round_views(cached, tally, base.now)
    going = message.action.round_id if isinstance(message.action, b.Go) else None
    candidates = await _candidates(uow, cached, rounds, state, tally, going)
    others = None
    intent = message.intent
    if intent is not None and intent.name == IntentName.OTHERS and resident_view is not None:
        others = await _others(uow, analyses, cached, rounds, intent.arg, resident_view.id)
    found = replace(
        base,
        project=ProjectView(
            project.id,
            project.code,
            project.title,
            project.intro,
            project.language,
            ask_profile=bool(project.settings.get("ask_profile", True)),
            texts=texts.for_chat(project, cached.rounds),
        ),
        resident=resident_view,
        rounds=rounds,
        candidates=candidates,
        item_texts=await _item_texts(uow, state, candidates),
        others=others,
    )
    return found, contact


def _project_code(message: Message) -> str | None:
    """The project a message names: a start with a code, a project chosen, a round's button."""
    intent = message.intent
    if intent is not None and intent.name == IntentName.START and intent.arg:
        return model.Project.normalise_code(intent.arg)
    if isinstance(message.action, b.Join | b.Go):
        return model.Project.normalise_code(message.action.code)
    return None


def _round_views(cached: CachedProject, tally: Tally, now: datetime) -> tuple[RoundView, ...]:
    views_: list[RoundView] = []
    for rnd in cached.rounds:
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
                total=cached.totals.get(rnd.id, 0),
                has_feedback=rnd.id in tally.feedback,
                results_shown=rnd.results_shown,
                opens_at=_opens_at(rnd, now),
            )
        )
    return tuple(views_)


def _opens_at(rnd: model.Round, now: datetime) -> datetime | None:
    """When a round scheduled to open later opens (None when it is not scheduled)."""
    scheduled = rnd.state == model.RoundState.SCHEDULED and rnd.opens_at is not None
    return rnd.opens_at if scheduled and rnd.opens_at is not None and rnd.opens_at > now else None


async def _candidates(
    uow: UnitOfWork,
    cached: CachedProject,
    rounds: tuple[RoundView, ...],
    state: State,
    tally: Tally,
    going: int | None = None,
) -> Candidates:
    """The next items to answer in the current round and, when it may finish, the next one;
    a round's button (``going``: its round) starts that round instead of the current one.
    ``tally``: the resident's progress, which holds the items they answered (empty for someone
    not taking part yet)."""
    candidates: Candidates = {}
    by_id = {r.id: r for r in cached.rounds}
    current = going if going in by_id else state.round_id
    for view in _rounds_needing_items(rounds, current):
        if candidates and not _may_finish(rounds, current, candidates):
            break  # the current round goes on: the next round's items are not needed
        exclude = [*state.skipped_in(view.id), *tally.items.get(view.id, ())]
        if state.item_id is not None and state.round_id == view.id:
            exclude.append(state.item_id)
        found = await uow.catalogue.candidates(by_id[view.id], exclude, limit=2)
        candidates[view.id] = tuple(found)
    return candidates


async def _item_texts(uow: UnitOfWork, state: State, candidates: Candidates) -> dict[int, str]:
    item_texts: dict[int, str] = {}
    rating_or_vote = state.step in (StepName.RATE, StepName.VOTE)
    if state.item_id is not None and rating_or_vote and not state.item_text:
        item = await uow.projects.item(state.item_id)
        if item is not None:
            item_texts[item.id or 0] = item.text
    for found_items in candidates.values():
        item_texts.update(dict(found_items))
    return item_texts


async def _others(
    uow: UnitOfWork,
    analyses: RoundAnalyses | None,
    cached: CachedProject,
    rounds: tuple[RoundView, ...],
    arg: str,
    resident_id: int,
) -> OthersView | None:
    """How others answered the round the resident asked about (with the analysis's minimum
    when too few took part: the view tells it)."""
    target = _others_round(arg, rounds)
    if target is None:
        return None
    rnd = next(r for r in cached.rounds if r.id == target.id)
    if not rnd.results_shown:  # hidden until published, unless the facilitator shows them live
        return OthersView(rnd.id or 0, rnd.kind, 0, enough=False, hidden=True)
    return await others_view(uow, analyses or RoundAnalyses(), rnd, resident_id)


def _others_round(arg: str, views_: tuple[RoundView, ...]) -> RoundView | None:
    """The round a "how do others think" question is about: the one named, else the last one
    the resident finished among the statements and rating rounds."""
    kinds = (model.RoundKind.STATEMENTS, model.RoundKind.RATING)
    if arg:
        return next((v for v in views_ if str(v.id) == arg and v.kind in kinds), None)
    finished = [v for v in views_ if v.kind in kinds and v.finished]
    return finished[-1] if finished else None


def _may_finish(
    views_: tuple[RoundView, ...], current: int | None, candidates: Candidates
) -> bool:
    """Whether this step may finish the current round (then the next round's items are read).

    A round goes on while it has at least two unanswered items (the one being answered may be
    one of them) and the resident stays below the round's maximum.
    """
    view = next((v for v in views_ if v.id == current), None)
    if view is None or current not in candidates:
        return True
    limit = view.max_per_resident
    return len(candidates[current]) < 2 or (limit is not None and view.answered + 1 >= limit)


def _rounds_needing_items(rounds: tuple[RoundView, ...], current: int | None) -> list[RoundView]:
    """The current round and the first other open, unfinished round with items to answer.

    The engine never moves further than one round ahead in a step, so the candidates of
    later rounds would be read for nothing.
    """
    with_items = (model.RoundKind.RATING, model.RoundKind.STATEMENTS)
    pending = [v for v in rounds if v.is_open and not v.finished and v.kind in with_items]
    wanted = [v for v in pending if v.id == current]
    return wanted + [v for v in pending if v.id != current][:1]


async def load_my_data(uow: UnitOfWork, pseudonym: str) -> MyData:
    """Collect everything stored about a pseudonym (the "my data" command and exports)."""
    residents = await uow.residents.for_pseudonym(pseudonym)
    codes = []
    for resident in residents:
        project = await uow.projects.get(resident.project_id)
        codes.append(project.code if project else "?")
    written = await uow.conversation.contributions([r.id for r in residents if r.id is not None])
    first = residents[0] if residents else None
    contact = await uow.contacts.address_of(pseudonym)
    return MyData(
        pseudonym=pseudonym,
        projects=tuple(codes),
        consent_at=tuple(r.consent_at for r in residents),
        language=first.language if first else None,
        status=tuple(r.status.value for r in residents),
        wijk=next((r.wijk for r in residents if r.wijk), None),
        age_band=next((r.age_band for r in residents if r.age_band), None),
        ideas=written.ideas,
        supported=await uow.supports.texts_of([r.id for r in residents if r.id is not None]),
        ratings=written.ratings,
        votes=written.votes,
        feedback=tuple(
            f"{score if score is not None else '-'}: {text}".strip()
            for score, text in written.feedback
        ),
        has_contact=contact is not None,
        email=contact[1] if contact is not None and contact[0] == "email" else None,
    )
