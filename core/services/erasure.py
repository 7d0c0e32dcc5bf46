"""Forgetting: "forget me", the retention period of closed projects, and housekeeping.

After "forget me" no table holds the resident's words or identifiers:

* their residents, ideas, comments, scores, votes, progress, contact, conversation state,
  transcript and queued messages are deleted (``uow.residents.forget``);
* the moderation log keeps who did what to their contributions, without any text;
* other residents' transcripts and queued or sent messages that quote their ideas or
  comments show a neutral marker instead;
* their support for others' ideas is deleted with them;
* ideas a facilitator merged into one of their ideas keep counting: the oldest of them takes
  the erased idea's place (its status, its rating items and the ratings other residents gave
  there, and the residents who supported it), the others are merged into it. A council
  expects the support for "more benches" to stay when one of the residents who asked for it
  leaves, and the text that remains is then one a resident who stays wrote.

Processed-message ids are kept as keyed hashes only (``core.services.conversation``), and with
the provider's ids of sent messages they are pruned once their channel can no longer redeliver
(``core.domain.retention``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from core.domain import commands as c
from core.domain import events as e
from core.domain import model
from core.domain import retention as r
from core.i18n import gettext_for
from core.services.handlers import Handler
from core.storage.uow import UnitOfWork

log = logging.getLogger(__name__)


def marker(language: str | None) -> str:
    """What stands where erased words were quoted."""
    return gettext_for(language or "nl").gettext("[removed]")


async def forget_resident(cmd: c.ForgetResident, uow: UnitOfWork) -> None:
    """Erase a resident everywhere: contributions, identifiers, and quotes of their words."""
    residents = await uow.residents.for_pseudonym(cmd.pseudonym)
    resident_ids = [x.id for x in residents if x.id is not None]
    words: list[str] = []
    if resident_ids:
        found = await uow.erasure.contributions(resident_ids)
        erased = {idea_id for idea_id, _ in found["idea"]}
        for idea_id in sorted(erased):
            await _hand_on_merged(uow, idea_id, erased)
        for kind, rows in found.items():
            await uow.erasure.scrub_moderation_log(kind, [i for i, _ in rows])
            words += [text for _, text in rows]
    await uow.residents.forget(cmd.pseudonym)  # with contact, state, transcript and queue
    await redact_quotes(uow, words, {x.project_id for x in residents})
    uow.emit(e.ResidentForgotten(cmd.pseudonym))


async def _hand_on_merged(uow: UnitOfWork, idea_id: int, leaving: set[int]) -> None:
    """Let the oldest idea merged into ``idea_id`` take its place (before it is erased); ideas
    in ``leaving`` are erased too and cannot take it."""
    merged = [i for i in await uow.erasure.merged_into(idea_id) if i not in leaving]
    erased = await uow.moderation.idea(idea_id)
    if not merged or erased is None:
        return
    survivor_id = merged[0]
    survivor = await uow.moderation.idea(survivor_id)
    assert survivor is not None
    rnd = await uow.projects.round(erased.round_id)
    assert rnd is not None
    for other in await uow.projects.rounds(rnd.project_id):
        from_item = await uow.moderation.item_for_idea(other.id or 0, idea_id)
        if from_item is None:
            continue
        await uow.projects.add_item_for_idea(other.id or 0, survivor_id, survivor.text)
        to_item = await uow.moderation.item_for_idea(other.id or 0, survivor_id)
        assert to_item is not None
        await uow.moderation.move_ratings(from_item, to_item)
        found = await uow.projects.item_and_round(from_item)
        active = found[0].active if found else True
        await uow.projects.set_item_active(to_item, active)
    await uow.moderation.set_status("idea", survivor_id, erased.status.value)
    await uow.erasure.repoint_merges(idea_id, survivor_id)
    await uow.erasure.copy_themes(idea_id, survivor_id)
    await uow.erasure.move_supports(idea_id, survivor_id)
    await uow.moderation.log(
        rnd.project_id, None, "idea", survivor_id, "takes_place", uow.clock(), of=idea_id
    )


async def redact_quotes(
    uow: UnitOfWork,
    words: Iterable[str],
    project_ids: set[int],
    replacement: str | None = None,
) -> None:
    """Put a marker (or ``replacement``) where transcripts and messages quote ``words``."""
    words = [w for w in words if w.strip()]
    if not words:
        return
    languages: dict[str, str | None] = {}
    probes = r.quote_probes(words)
    for line_id, pseudonym, text in await uow.erasure.transcripts_quoting(probes, project_ids):
        if pseudonym not in languages:
            state = await uow.dialogue.load(pseudonym) or {}
            languages[pseudonym] = state.get("language")
        mark = replacement if replacement is not None else marker(languages[pseudonym])
        redacted = r.redact(text, words, mark)
        if redacted != text:
            await uow.erasure.set_transcript_text(line_id, redacted)
    for row_id, payload, language in await uow.erasure.outbox_payloads(sorted(project_ids)):
        mark = replacement if replacement is not None else marker(language)
        redacted = _redact_json(payload, words, mark)
        if redacted != payload:
            await uow.erasure.set_outbox_payload(row_id, redacted)


def _redact_json(value: Any, words: list[str], mark: str) -> Any:
    if isinstance(value, str):
        return r.redact(value, words, mark)
    if isinstance(value, list):
        return [_redact_json(v, words, mark) for v in value]
    if isinstance(value, dict):
        return {k: _redact_json(v, words, mark) for k, v in value.items()}
    return value


# -- retention ---------------------------------------------------------------------------------


async def apply_retention(cmd: c.ApplyRetention, uow: UnitOfWork) -> list[int]:
    """Erase the personal data of every project whose retention period has passed.

    Contacts, profiles, transcripts, conversation state and the link between a resident and
    their pseudonym go, and so do the words that never counted (rejected ideas and comments,
    ones still held for review); ratings, votes, ideas and comments stay, counted, belonging to
    nobody.
    A contact or conversation that still serves another project of the same person stays.
    Returns the ids of the projects erased.
    """
    now = uow.clock()
    erased: list[int] = []
    for project in await uow.projects.all():
        if not _due(project, now) or project.id is None:
            continue
        for pseudonym in await uow.erasure.unlink_residents(project.id):
            if not await uow.erasure.takes_part_elsewhere(pseudonym):
                await uow.erasure.forget_reach(pseudonym)
        await uow.erasure.drop_unshown_words(project.id)
        project.personal_data_erased_at = now
        await uow.projects.update(project)
        uow.emit(e.PersonalDataErased(project.id))
        erased.append(project.id)
    return erased


def _due(project: model.Project, now: datetime) -> bool:
    if project.status != model.ProjectStatus.CLOSED or project.closed_at is None:
        return False
    erased = project.personal_data_erased_at
    if erased is not None and erased > project.closed_at:
        return False  # (a project reopened and closed again after an erasure is due again)
    return now >= project.closed_at + timedelta(days=project.retention_days)


# -- housekeeping ------------------------------------------------------------------------------


async def prune_expired(cmd: c.PruneExpired, uow: UnitOfWork) -> int:
    """Drop what is kept only for a while (``core.domain.retention``); return rows dropped."""
    now = uow.clock()
    dropped = 0
    for channel, window in r.REDELIVERY.items():
        dropped += await uow.erasure.prune_processed(channel, now - window)
    dropped += await uow.erasure.prune_processed_except(
        list(r.REDELIVERY), now - r.DEFAULT_REDELIVERY
    )
    dropped += await uow.erasure.clear_sent_ids(now - r.SENT_IDS_KEPT)
    dropped += await uow.erasure.prune_anonymous(now - r.ANONYMOUS_KEPT)
    dropped += await uow.erasure.prune_login_failures(now - r.LOGIN_FAILURES_KEPT)
    dropped += await uow.erasure.prune_audit_log(now - r.AUDIT_LOG_KEPT)
    dropped += await uow.carry.prune(now)  # carry-over links past their 30 minutes
    return dropped


ERASURE_HANDLERS: dict[type[c.Command], Handler] = {
    c.ForgetResident: forget_resident,
    c.ApplyRetention: apply_retention,
    c.PruneExpired: prune_expired,
}
