"""Broadcasts: command handlers that queue round prompts, reminders and results in the outbox.

Channel-agnostic: a message is queued for every resident with a contact on a channel that can
push (everything but the web chat); the outbox's worker (core/outbox/) delivers it. Each message
has a dedupe key (round, resident, kind), so running a handler twice queues nothing twice. A
channel that cannot always send free text gives a stand-in (``StandInMaker``), stored with the
message.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from babel.numbers import format_decimal

from core import views
from core.dialogue import buttons
from core.domain import commands as c
from core.domain import events as e
from core.domain import model
from core.domain.errors import UnknownItem
from core.domain.outbox import PROMPT_ONLY, PUSHLESS_CHANNELS, Recipient
from core.domain.quiet_hours import QuietHours, project_zone
from core.domain.texts import in_round
from core.i18n import gettext_for
from core.messages import Option, Reply
from core.outbox.ports import OutboundMessage, StandInMaker, Template
from core.outbox.queue import Envelope, enqueue
from core.services import handlers
from core.services.handlers import Handler
from core.services.moderation import flags
from core.storage.uow import UnitOfWork

TOP_ITEMS = 3


def broadcast_handlers(
    public_url: str, stand_ins: Mapping[str, StandInMaker] | None = None
) -> dict[type[c.Command], Handler]:
    """The handlers of this module, to merge into the bus's ``COMMAND_HANDLERS``.

    ``OpenRound`` is wrapped: opening a round also queues its prompt. ``stand_ins``: per
    channel name, what stands in for a pushed message when free text is not allowed.
    """
    b = Broadcasts(public_url, stand_ins)
    return {
        c.OpenRound: b.open_round,
        c.PromptRound: b.prompt_round,
        c.SendReminder: b.send_reminder,
        c.PublishResults: b.publish_results,
        c.UnpublishResults: unpublish_results,
    }


async def unpublish_results(cmd: c.UnpublishResults, uow: UnitOfWork) -> int:
    """Take published results back and withdraw the results messages not sent yet; returns
    how many were withdrawn. Results that were not published stay as they are."""
    rnd = await _round(uow, cmd.round_id)
    rnd.require_action(model.RoundAction.UNPUBLISH, uow.clock())
    if rnd.results_published_at is None:
        return 0
    rnd.results_published_at = None
    await uow.projects.update_round(rnd)
    uow.emit(e.ResultsUnpublished(cmd.round_id))
    return await uow.outbox.withdraw(rnd.id or 0, "results")


def go_data(code: str, round_id: int) -> str:
    """The option data that takes a resident straight into a round (``go:CODE:ID``)."""
    return buttons.encode(buttons.Go(code, round_id))


class Broadcasts:
    def __init__(
        self, public_url: str, stand_ins: Mapping[str, StandInMaker] | None = None
    ) -> None:
        self.public_url = public_url.rstrip("/")
        self.stand_ins = dict(stand_ins or {})

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
        recipients = await uow.broadcasts.unfinished(project.id or 0, rnd.id or 0, PROMPT_ONLY)
        envelopes = [
            self._envelope(
                project, rnd, who, f"reminder{cmd.number}", self._reminder(project, rnd, who)
            )
            for who in recipients
        ]
        return await self._queue(uow, project, rnd, "reminder", envelopes)

    async def publish_results(self, cmd: c.PublishResults, uow: UnitOfWork) -> int:
        """Mark the results published and queue a personal summary for every participant."""
        rnd = await _round(uow, cmd.round_id)
        project = await _project(uow, rnd.project_id)
        now = uow.clock()
        rnd.require_action(model.RoundAction.PUBLISH, now)
        if rnd.results_published_at is None:
            rnd.results_published_at = now
            await uow.projects.update_round(rnd)
            uow.emit(e.ResultsPublished(cmd.round_id))
        results = await views.project_results(uow, project.code, now)
        result = next((r for r in results.rounds if r.id == rnd.id), None) if results else None
        if result is None:
            return 0
        recipients = await uow.broadcasts.participants(project.id or 0, rnd, PROMPT_ONLY)
        own: dict[int, dict[int, float]] = {}
        if rnd.kind == model.RoundKind.RATING:
            result, own = await _shown_scores(uow, project, result, recipients)
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
        round_id = rnd.id or 0
        recipients = await uow.broadcasts.unprompted(project.id or 0, round_id, PUSHLESS_CHANNELS)
        envelopes = [
            self._envelope(project, rnd, who, "prompt", self._prompt_message(project, rnd, who))
            for who in recipients
        ]
        count = await self._queue(uow, project, rnd, "prompt", envelopes)
        if recipients:
            await uow.broadcasts.mark_prompted(round_id, recipients, uow.clock())
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
        count = await enqueue(uow, envelopes, uow.clock(), quiet)
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

    def _stand_in(
        self, project: model.Project, rnd: model.Round, who: Recipient, kind: str, data: str
    ) -> Template | None:
        """What stands in for this message on the resident's channel, if it needs one."""
        make = self.stand_ins.get(who.channel)
        if make is None:
            return None
        zone = project_zone(project.settings)
        closes = rnd.closes_at.astimezone(zone).strftime("%d-%m-%Y") if rnd.closes_at else ""
        values = {
            "project_title": project.title,
            "project_code": project.code,
            "round_question": rnd.question,
            "closes_on": closes,
        }
        return make(
            project.settings, kind, values, project_code=project.code,
            default_language=who.language, button=data,
        )  # fmt: skip

    # -- texts -------------------------------------------------------------------------------
    def _prompt_message(
        self, project: model.Project, rnd: model.Round, who: Recipient
    ) -> OutboundMessage:
        _ = gettext_for(who.language).gettext
        text = "\n\n".join(
            part
            for part in (
                _("A new round has opened in \u201c{title}\u201d.").format(title=project.title),
                in_round(rnd, rnd.question, who.language),
                _("It takes a few minutes. Press the button to start."),
            )
            if part
        )
        data = go_data(project.code, rnd.id or 0)
        option = Option(_("Take part"), data)
        return OutboundMessage(
            (Reply(text, (option,), 1),),
            kind="prompt",
            template=self._stand_in(project, rnd, who, "prompt", data),
            extra={"language": who.language},
        )

    def _reminder(
        self, project: model.Project, rnd: model.Round, who: Recipient
    ) -> OutboundMessage:
        _ = gettext_for(who.language).gettext
        text = _(
            "A reminder: the round \u201c{question}\u201d in \u201c{title}\u201d is still open. "
            "Every answer helps."
        ).format(
            question=_short(in_round(rnd, rnd.question, who.language) or rnd.key),
            title=project.title,
        )
        data = go_data(project.code, rnd.id or 0)
        return OutboundMessage(
            (Reply(text, (Option(_("Continue"), data),), 1),),
            kind="reminder",
            template=self._stand_in(project, rnd, who, "reminder", data),
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
        question = _short(in_round(rnd, rnd.question, lang) or rnd.key)
        thanks = _("Thank you for taking part in \u201c{title}\u201d!").format(title=project.title)
        paragraphs = [thanks]
        if rnd.kind == model.RoundKind.RATING:
            paragraphs += _rating_summary(rnd, result, own, question, lang)
        elif rnd.kind == model.RoundKind.STATEMENTS:
            paragraphs.append(_statements_summary(rnd, result, question, lang))
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


def _rating_summary(
    rnd: model.Round,
    result: views.RoundResult,
    own: dict[int, float] | None,
    question: str,
    lang: str,
) -> list[str]:
    """The best-rated items, with the resident's own scores beside the group's."""
    _ = gettext_for(lang).gettext
    rated = [i for i in result.items if i.criteria and i.criteria[0].n]
    lines = [
        _("The results of \u201c{question}\u201d are in. Rated highest:").format(question=question)
    ]
    for n, item in enumerate(rated[:TOP_ITEMS], start=1):
        text = _short(in_round(rnd, item.text, lang), 100)
        line = f"{n}. {text} ({_number(item.criteria[0].mean, lang)})"
        if own and item.item_id in own:
            you = _("you: {score}").format(score=_number(own[item.item_id], lang))
            line += f" \u2013 {you}"
        lines.append(line)
    paragraphs = ["\n".join(lines)]
    group = _group_mean(result, set(own)) if own else None
    if own and group is not None:
        mine = sum(own.values()) / len(own)
        paragraphs.append(
            _("Your average score was {mine}; the group gave the same items {group}.").format(
                mine=_number(mine, lang), group=_number(group, lang)
            )
        )
    return paragraphs


def _statements_summary(
    rnd: model.Round, result: views.RoundResult, question: str, lang: str
) -> str:
    """The statements most agreed with."""
    _ = gettext_for(lang).gettext
    lines = [
        _("The results of \u201c{question}\u201d are in. Most agreed with:").format(
            question=question
        )
    ]
    voted = [i for i in result.items if i.votes]
    voted.sort(key=lambda i: -i.agree / i.votes)
    for n, item in enumerate(voted[:TOP_ITEMS], start=1):
        agree = _("{percent}% agree").format(percent=round(100 * item.agree / item.votes))
        lines.append(f"{n}. {_short(in_round(rnd, item.text, lang), 100)} ({agree})")
    return "\n".join(lines)


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


async def _shown_scores(
    uow: UnitOfWork,
    project: model.Project,
    result: views.RoundResult,
    recipients: list[Recipient],
) -> tuple[views.RoundResult, dict[int, dict[int, float]]]:
    """A rating round's items that may be shown, and each recipient's own scores on them: ideas
    held for review, unmoderated, or with personal details or swear words are not named."""
    rule = views.Shown.of(project.settings, lambda text: not flags(text))
    shown = await views.shown_items(uow, result.id, rule)
    result = dataclasses.replace(result, items=[i for i in result.items if i.item_id in shown])
    if not recipients:
        return result, {}
    ids = [r.resident_id for r in recipients]
    own = await uow.broadcasts.first_scores(result.id, ids)
    mine = {who: {i: s for i, s in scores.items() if i in shown} for who, scores in own.items()}
    return result, {who: scores for who, scores in mine.items() if scores}


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
