"""Broadcasts: command handlers that queue round prompts, reminders and results in the outbox.

Channel-agnostic: a message is queued for every resident with a contact on a channel that can
push (everything but the web chat); the sender in core/outbox.py delivers it. Each message has a
dedupe key (round, resident, kind), so running a handler twice queues nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from babel.numbers import format_decimal

from core import views
from core.channels import OutboundMessage, Template
from core.dialogue import buttons
from core.domain import commands as c
from core.domain import events as e
from core.domain import model
from core.domain.errors import UnknownItem
from core.i18n import gettext_for
from core.messages import Option, Reply
from core.outbox import DEFAULT_TIMEZONE, Envelope, QuietHours, enqueue
from core.services import handlers
from core.services.handlers import Handler
from core.services.templates import template_for
from core.services.uow import UnitOfWork
from core.storage import tables as t

PUSHLESS_CHANNELS = frozenset({"web"})  # residents there have no address to push to
TOP_ITEMS = 3


@dataclass(frozen=True)
class Recipient:
    resident_id: int
    pseudonym: str
    language: str
    channel: str
    bot_id: int | None
    has_progress: bool = False


def broadcast_handlers(public_url: str) -> dict[type[c.Command], Handler]:
    """The handlers of this module, to merge into the bus's ``COMMAND_HANDLERS``.

    ``OpenRound`` is wrapped: opening a round also queues its prompt.
    """
    b = Broadcasts(public_url)
    return {
        c.OpenRound: b.open_round,
        c.PromptRound: b.prompt_round,
        c.SendReminder: b.send_reminder,
        c.PublishResults: b.publish_results,
    }


def go_data(code: str, round_id: int) -> str:
    """The option data that takes a resident straight into a round (``go:CODE:ID``)."""
    return buttons.encode(buttons.Go(code, round_id))


class Broadcasts:
    def __init__(self, public_url: str) -> None:
        self.public_url = public_url.rstrip("/")

    # -- handlers ----------------------------------------------------------------------------
    async def open_round(self, cmd: c.OpenRound, uow: UnitOfWork) -> model.Round:
        """Open the round and, when it was not open yet, queue its prompt."""
        before = await uow.projects.round(cmd.round_id)
        rnd = await handlers.open_round(cmd, uow)
        if before is not None and before.state != model.RoundState.OPEN:
            await self._prompt(uow, rnd)
        return rnd

    async def prompt_round(self, cmd: c.PromptRound, uow: UnitOfWork) -> int:
        """Queue the prompt of an open round for residents who have not had it yet."""
        rnd = await _round(uow, cmd.round_id)
        rnd.require_open(uow.clock())
        return await self._prompt(uow, rnd)

    async def send_reminder(self, cmd: c.SendReminder, uow: UnitOfWork) -> int:
        """Remind residents who were prompted or started but have not finished the round."""
        rnd = await _round(uow, cmd.round_id)
        if not rnd.is_open(uow.clock()):
            return 0
        project = await _project(uow, rnd.project_id)
        rp = t.round_progress
        recipients = await _recipients(
            uow,
            project,
            sa.or_(rp.c.prompted_at.is_not(None), rp.c.started_at.is_not(None)),
            rp.c.finished_at.is_(None),
            progress_of=rnd.id,
        )
        envelopes = [
            self._envelope(
                project,
                rnd,
                who,
                f"reminder{cmd.number}",
                self._reminder(project, rnd, who.language),
            )
            for who in recipients
        ]
        return await self._queue(uow, project, rnd, "reminder", envelopes)

    async def publish_results(self, cmd: c.PublishResults, uow: UnitOfWork) -> int:
        """Mark the results published and queue a personal summary for every participant."""
        rnd = await _round(uow, cmd.round_id)
        project = await _project(uow, rnd.project_id)
        now = uow.clock()
        if rnd.results_published_at is None:
            rnd.results_published_at = now
            await uow.projects.update_round(rnd)
            uow.emit(e.ResultsPublished(cmd.round_id))
        results = await views.project_results(uow.conn, project.code, now)
        result = next((r for r in results.rounds if r.id == rnd.id), None) if results else None
        if result is None:
            return 0
        participants = _participants(rnd)
        recipients = await _recipients(uow, project, t.residents.c.id.in_(participants))
        own = await _own_scores(uow, rnd, [r.resident_id for r in recipients])
        envelopes = [
            self._envelope(
                project,
                rnd,
                who,
                "results",
                self._results(project, rnd, result, who, own.get(who.resident_id)),
            )
            for who in recipients
        ]
        return await self._queue(uow, project, rnd, "results", envelopes)

    # -- queueing ----------------------------------------------------------------------------
    async def _prompt(self, uow: UnitOfWork, rnd: model.Round) -> int:
        project = await _project(uow, rnd.project_id)
        rp = t.round_progress
        recipients = await _recipients(
            uow,
            project,
            rp.c.prompted_at.is_(None),
            rp.c.started_at.is_(None),
            rp.c.finished_at.is_(None),
            progress_of=rnd.id,
            outer=True,
        )
        envelopes = [
            self._envelope(project, rnd, who, "prompt", self._prompt_message(project, rnd, who))
            for who in recipients
        ]
        count = await self._queue(uow, project, rnd, "prompt", envelopes)
        await _mark_prompted(uow, rnd.id or 0, recipients)
        return count

    async def _queue(
        self,
        uow: UnitOfWork,
        project: model.Project,
        rnd: model.Round,
        kind: str,
        envelopes: list[Envelope],
    ) -> int:
        quiet = QuietHours.from_settings(project.settings)
        count = await enqueue(uow.conn, envelopes, uow.clock(), quiet)
        if count:
            uow.emit(e.MessagesQueued(rnd.id, kind, count))
        return count

    def _envelope(
        self,
        project: model.Project,
        rnd: model.Round,
        who: Recipient,
        kind: str,
        message: OutboundMessage,
    ) -> Envelope:
        return Envelope(
            pseudonym=who.pseudonym,
            channel=who.channel,
            dedupe_key=f"{rnd.id}:{who.resident_id}:{kind}",
            message=message,
            project_id=project.id,
            round_id=rnd.id,
            bot_id=who.bot_id if who.bot_id is not None else project.bot_id,
        )

    # -- texts -------------------------------------------------------------------------------
    def _prompt_message(
        self, project: model.Project, rnd: model.Round, who: Recipient
    ) -> OutboundMessage:
        _ = gettext_for(who.language).gettext
        text = "\n\n".join(
            part
            for part in (
                _("A new round has opened in \u201c{title}\u201d.").format(title=project.title),
                rnd.question,
                _("It takes a few minutes. Press the button to start."),
            )
            if part
        )
        data = go_data(project.code, rnd.id or 0)
        option = Option(_("Take part"), data)
        return OutboundMessage(
            (Reply(text, (option,), 1),),
            kind="prompt",
            template=_template(project, rnd, who.language, "prompt", data),
        )

    def _reminder(
        self, project: model.Project, rnd: model.Round, language: str
    ) -> OutboundMessage:
        _ = gettext_for(language).gettext
        text = _(
            "A reminder: the round \u201c{question}\u201d in \u201c{title}\u201d is still open. "
            "Every answer helps."
        ).format(question=_short(rnd.question or rnd.key), title=project.title)
        data = go_data(project.code, rnd.id or 0)
        return OutboundMessage(
            (Reply(text, (Option(_("Continue"), data),), 1),),
            kind="reminder",
            template=_template(project, rnd, language, "reminder", data),
        )

    def _results(
        self,
        project: model.Project,
        rnd: model.Round,
        result: views.RoundResult,
        who: Recipient,
        own: dict[int, float] | None,
    ) -> OutboundMessage:
        lang = who.language
        _ = gettext_for(lang).gettext
        question = _short(rnd.question or rnd.key)
        thanks = _("Thank you for taking part in \u201c{title}\u201d!").format(title=project.title)
        paragraphs = [thanks]
        if rnd.kind == model.RoundKind.RATING:
            rated = [i for i in result.items if i.criteria and i.criteria[0].n]
            lines = [
                _("The results of \u201c{question}\u201d are in. Rated highest:").format(
                    question=question
                )
            ]
            for n, item in enumerate(rated[:TOP_ITEMS], start=1):
                line = f"{n}. {_short(item.text, 100)} ({_number(item.criteria[0].mean, lang)})"
                if own and item.item_id in own:
                    you = _("you: {score}").format(score=_number(own[item.item_id], lang))
                    line += f" \u2013 {you}"
                lines.append(line)
            paragraphs.append("\n".join(lines))
            group = _group_mean(result, set(own)) if own else None
            if own and group is not None:
                mine = sum(own.values()) / len(own)
                paragraphs.append(
                    _(
                        "Your average score was {mine}; the group gave the same items {group}."
                    ).format(mine=_number(mine, lang), group=_number(group, lang))
                )
        elif rnd.kind == model.RoundKind.STATEMENTS:
            lines = [
                _("The results of \u201c{question}\u201d are in. Most agreed with:").format(
                    question=question
                )
            ]
            voted = [i for i in result.items if i.votes]
            voted.sort(key=lambda i: -i.agree / i.votes)
            for n, item in enumerate(voted[:TOP_ITEMS], start=1):
                agree = _("{percent}% agree").format(percent=round(100 * item.agree / item.votes))
                lines.append(f"{n}. {_short(item.text, 100)} ({agree})")
            paragraphs.append("\n".join(lines))
        elif rnd.kind == model.RoundKind.IDEAS:
            paragraphs.append(
                _("{count} ideas were collected for \u201c{question}\u201d.").format(
                    count=len(result.ideas), question=question
                )
            )
        elif result.feedback is not None and result.feedback.mean is not None:
            paragraphs.append(
                _("The average score for \u201c{question}\u201d was {mean}.").format(
                    question=question, mean=_number(result.feedback.mean, lang)
                )
            )
        url = f"{self.public_url}/p/{project.code}"
        paragraphs.append(_("Read the summary: {url}").format(url=url))
        return OutboundMessage((Reply("\n\n".join(paragraphs)),), kind="results")


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _number(value: float | None, language: str) -> str:
    if value is None:
        return "-"
    return str(format_decimal(value, format="0.0", locale=language))


def _template(
    project: model.Project, rnd: model.Round, language: str, kind: str, data: str
) -> Template | None:
    """The project's approved WhatsApp template for ``kind``, if it configured one."""
    zone = ZoneInfo(str(project.settings.get("timezone") or DEFAULT_TIMEZONE))
    closes = rnd.closes_at.astimezone(zone).strftime("%d-%m-%Y") if rnd.closes_at else ""
    values = {
        "project_title": project.title,
        "project_code": project.code,
        "round_question": rnd.question,
        "closes_on": closes,
    }
    return template_for(
        project.settings, kind, values, project_code=project.code,
        default_language=language, button=data,
    )  # fmt: skip


def _group_mean(result: views.RoundResult, item_ids: set[int]) -> float | None:
    """The group's mean first-criterion score over the items one resident rated."""
    total = count = 0.0
    for item in result.items:
        if item.item_id in item_ids and item.criteria and item.criteria[0].n:
            stats = item.criteria[0]
            total += (stats.mean or 0) * stats.n
            count += stats.n
    return total / count if count else None


# -- queries -----------------------------------------------------------------------------------


async def _round(uow: UnitOfWork, round_id: int) -> model.Round:
    rnd = await uow.projects.round(round_id)
    if rnd is None or rnd.id is None:
        raise UnknownItem("round")
    return rnd


async def _project(uow: UnitOfWork, project_id: int) -> model.Project:
    project = await uow.projects.get(project_id)
    if project is None or project.id is None:
        raise UnknownItem("project")
    return project


async def _recipients(
    uow: UnitOfWork,
    project: model.Project,
    *where: Any,
    progress_of: int | None = None,
    outer: bool = False,
) -> list[Recipient]:
    """Active residents of the project with a contact on a channel that can push.

    With ``progress_of`` their ``round_progress`` row of that round is joined (left-joined when
    ``outer``) so that ``where`` can filter on it.
    """
    r, ct, rp = t.residents, t.contacts, t.round_progress
    source: Any = r.join(ct, ct.c.pseudonym == r.c.pseudonym)
    has_progress: Any = sa.literal(False)
    if progress_of is not None:
        on = sa.and_(rp.c.round_id == progress_of, rp.c.resident_id == r.c.id)
        source = source.outerjoin(rp, on) if outer else source.join(rp, on)
        has_progress = rp.c.id.is_not(None)
    query = (
        sa.select(
            r.c.id,
            r.c.pseudonym,
            r.c.language,
            ct.c.channel,
            ct.c.bot_id,
            has_progress.label("has_progress"),
        )
        .select_from(source)
        .where(
            r.c.project_id == project.id,
            r.c.status == model.ResidentStatus.ACTIVE.value,
            ct.c.channel.not_in(PUSHLESS_CHANNELS),
            *where,
        )
        .order_by(r.c.id)
    )
    return [
        Recipient(
            int(row.id),
            row.pseudonym,
            row.language,
            row.channel,
            row.bot_id,
            bool(row.has_progress),
        )
        for row in await uow.conn.execute(query)
    ]


def _participants(rnd: model.Round) -> Any:
    """A subquery of the residents who answered the round (or finished it)."""
    table = {
        model.RoundKind.IDEAS: t.ideas,
        model.RoundKind.RATING: t.ratings,
        model.RoundKind.STATEMENTS: t.votes,
        model.RoundKind.FEEDBACK: t.feedback,
    }[rnd.kind]
    answered = sa.select(table.c.resident_id).where(table.c.round_id == rnd.id)
    finished = sa.select(t.round_progress.c.resident_id).where(
        t.round_progress.c.round_id == rnd.id, t.round_progress.c.finished_at.is_not(None)
    )
    return sa.union(answered, finished).scalar_subquery()


async def _own_scores(
    uow: UnitOfWork, rnd: model.Round, resident_ids: list[int]
) -> dict[int, dict[int, float]]:
    """Each participant's first-criterion score per item (rating rounds only)."""
    if rnd.kind != model.RoundKind.RATING or not resident_ids:
        return {}
    scores: dict[int, dict[int, float]] = {}
    rows = await uow.conn.execute(
        sa.select(t.ratings.c.resident_id, t.ratings.c.item_id, t.ratings.c.score).where(
            t.ratings.c.round_id == rnd.id, t.ratings.c.criterion == 0
        )
    )
    wanted = set(resident_ids)
    for resident_id, item_id, score in rows:
        if resident_id in wanted:
            scores.setdefault(int(resident_id), {})[int(item_id)] = float(score)
    return scores


async def _mark_prompted(uow: UnitOfWork, round_id: int, recipients: list[Recipient]) -> None:
    """Set ``round_progress.prompted_at`` for everyone just prompted, in two statements."""
    if not recipients:
        return
    now = uow.clock()
    rp = t.round_progress
    new = [
        {"round_id": round_id, "resident_id": who.resident_id, "prompted_at": now}
        for who in recipients
        if not who.has_progress
    ]
    if new:
        await uow.conn.execute(rp.insert(), new)
    known = [who.resident_id for who in recipients if who.has_progress]
    for start in range(0, len(known), 500):
        await uow.conn.execute(
            rp.update()
            .where(rp.c.round_id == round_id, rp.c.resident_id.in_(known[start : start + 500]))
            .values(prompted_at=now)
        )
