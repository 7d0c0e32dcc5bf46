"""Erasure and pruning: what "forget me", the retention job and the housekeeping job write."""

from __future__ import annotations

import secrets
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from core.storage import tables as t
from core.storage.repositories import Repository

# What a moderation log entry may hold of a resident's words (the log keeps who did what).
WORDS_IN_LOG = ("before", "after", "reason", "text")


class ErasureRepository(Repository):
    async def contributions(self, resident_ids: Sequence[int]) -> dict[str, list[tuple[int, str]]]:
        """The (id, text) of these residents' ideas and comments."""
        found: dict[str, list[tuple[int, str]]] = {}
        for kind, table in (("idea", t.ideas), ("feedback", t.feedback)):
            rows = await self.conn.execute(
                sa.select(table.c.id, table.c.text)
                .where(table.c.resident_id.in_(resident_ids))
                .order_by(table.c.id)
            )
            found[kind] = [(int(i), str(text)) for i, text in rows]
        return found

    async def merged_into(self, idea_id: int) -> list[int]:
        """The ideas folded into ``idea_id``, oldest first."""
        rows = await self.conn.scalars(
            sa.select(t.idea_merges.c.idea_id)
            .where(t.idea_merges.c.into_id == idea_id)
            .order_by(t.idea_merges.c.idea_id)
        )
        return [int(i) for i in rows]

    async def repoint_merges(self, old: int, survivor: int) -> None:
        """Ideas merged into ``old`` are merged into ``survivor``; the survivor stands alone."""
        merges = t.idea_merges
        await self.conn.execute(merges.delete().where(merges.c.idea_id == survivor))
        await self.conn.execute(
            merges.update().where(merges.c.into_id == old).values(into_id=survivor)
        )

    async def copy_themes(self, from_idea: int, to_idea: int) -> None:
        links = t.idea_themes
        kept = sa.select(links.c.theme_id).where(links.c.idea_id == to_idea)
        for theme_id in await self.conn.scalars(
            sa.select(links.c.theme_id).where(
                links.c.idea_id == from_idea, links.c.theme_id.not_in(kept)
            )
        ):
            await self.conn.execute(links.insert().values(idea_id=to_idea, theme_id=theme_id))

    async def move_supports(self, from_idea: int, to_idea: int) -> None:
        """Hand an idea's supporters on to its heir, each resident once."""
        supports = t.idea_supports
        kept = sa.select(supports.c.resident_id).where(supports.c.idea_id == to_idea)
        await self.conn.execute(
            supports.update()
            .where(supports.c.idea_id == from_idea, supports.c.resident_id.not_in(kept))
            .values(idea_id=to_idea)
        )
        await self.conn.execute(supports.delete().where(supports.c.idea_id == from_idea))

    async def scrub_moderation_log(self, kind: str, target_ids: Sequence[int]) -> None:
        """Keep who did what to these contributions, without any words of (or about) them."""
        log = t.moderation_log
        rows = await self.conn.execute(
            sa.select(log.c.id, log.c.detail).where(
                log.c.target_kind == kind, log.c.target_id.in_(target_ids)
            )
        )
        for row_id, detail in rows.all():
            kept = {k: v for k, v in dict(detail or {}).items() if k not in WORDS_IN_LOG}
            if kept != detail:
                await self.conn.execute(log.update().where(log.c.id == row_id).values(detail=kept))

    async def transcripts_quoting(
        self, probes: Sequence[str], project_ids: Collection[int]
    ) -> list[tuple[int, str, str]]:
        """The (id, pseudonym, text) of the transcript lines of these projects' residents that
        contain one of ``probes``."""
        if not probes or not project_ids:
            return []
        text = t.chat_log.c.text
        members = sa.select(t.residents.c.pseudonym).where(
            t.residents.c.project_id.in_(list(project_ids))
        )
        rows = await self.conn.execute(
            sa.select(t.chat_log.c.id, t.chat_log.c.pseudonym, text).where(
                t.chat_log.c.pseudonym.in_(members),
                sa.or_(*(text.contains(p, autoescape=True) for p in probes)),
            )
        )
        return [(int(i), str(p), str(x)) for i, p, x in rows]

    async def set_transcript_text(self, line_id: int, text: str) -> None:
        await self.conn.execute(
            t.chat_log.update().where(t.chat_log.c.id == line_id).values(text=text)
        )

    async def outbox_payloads(self, project_ids: Sequence[int]) -> list[tuple[int, Any, str]]:
        """The (id, payload, project language) of these projects' queued and sent messages."""
        rows = await self.conn.execute(
            sa.select(t.outbox.c.id, t.outbox.c.payload, t.projects.c.language)
            .join(t.projects, t.projects.c.id == t.outbox.c.project_id)
            .where(t.outbox.c.project_id.in_(project_ids))
        )
        return [(int(i), payload, str(language)) for i, payload, language in rows]

    async def set_outbox_payload(self, row_id: int, payload: Any) -> None:
        await self.conn.execute(
            t.outbox.update().where(t.outbox.c.id == row_id).values(payload=payload)
        )

    async def forget_reach(self, pseudonym: str) -> None:
        """Erase how to reach a pseudonym and what it said: contact, state, transcript, queue."""
        for table in (t.contacts, t.dialogue_states, t.chat_log, t.outbox, t.carry_overs):
            await self.conn.execute(table.delete().where(table.c.pseudonym == pseudonym))

    # -- retention ---------------------------------------------------------------------------

    async def unlink_residents(self, project_id: int) -> list[str]:
        """Give a project's residents random pseudonyms and drop their profile; return the old
        pseudonyms. Their ratings, votes and ideas stay, counted, and belong to nobody."""
        residents = t.residents
        rows = await self.conn.execute(
            sa.select(residents.c.id, residents.c.pseudonym).where(
                residents.c.project_id == project_id
            )
        )
        old: list[str] = []
        for resident_id, pseudonym in rows.all():
            old.append(str(pseudonym))
            await self.conn.execute(
                residents.update()
                .where(residents.c.id == resident_id)
                .values(
                    pseudonym="erased-" + secrets.token_hex(24),
                    wijk=None,
                    age_band=None,
                    external_id=None,
                )
            )
        await self.conn.execute(t.outbox.delete().where(t.outbox.c.project_id == project_id))
        return old

    async def drop_unshown_words(self, project_id: int) -> None:
        """Drop the words of a project that never counted: rejected ideas and ideas still held
        for review (with their rating items), and the text of rejected or held comments (their
        score still counts)."""
        rounds = sa.select(t.rounds.c.id).where(t.rounds.c.project_id == project_id)
        flagged = sa.func.json_array_length(t.ideas.c.flags) > 0
        ideas = sa.select(t.ideas.c.id).where(
            t.ideas.c.round_id.in_(rounds),
            sa.or_(t.ideas.c.status == "rejected", sa.and_(t.ideas.c.status == "new", flagged)),
        )
        dropped = [int(i) for i in (await self.conn.scalars(ideas)).all()]
        if dropped:
            await self.conn.execute(t.items.delete().where(t.items.c.idea_id.in_(dropped)))
            await self.conn.execute(t.ideas.delete().where(t.ideas.c.id.in_(dropped)))
        comment_flagged = sa.func.json_array_length(t.feedback.c.flags) > 0
        await self.conn.execute(
            t.feedback.update()
            .where(
                t.feedback.c.round_id.in_(rounds),
                sa.or_(
                    t.feedback.c.status == "rejected",
                    sa.and_(t.feedback.c.status == "new", comment_flagged),
                ),
            )
            .values(text="")
        )

    async def takes_part_elsewhere(self, pseudonym: str) -> bool:
        """Whether a pseudonym still has a resident in some project (its contact serves it)."""
        found = await self.conn.scalar(
            sa.select(t.residents.c.id).where(t.residents.c.pseudonym == pseudonym).limit(1)
        )
        return found is not None

    # -- housekeeping ------------------------------------------------------------------------

    async def prune_processed(self, channel: str | None, before: datetime) -> int:
        """Drop processed-message ids older than ``before`` (of ``channel``; None: any)."""
        table = t.processed_messages
        query = table.delete().where(_older(table.c.created_at, before))
        if channel is not None:
            query = query.where(table.c.channel == channel)
        return int((await self.conn.execute(query)).rowcount or 0)

    async def prune_processed_except(self, channels: Sequence[str], before: datetime) -> int:
        """Drop processed-message ids older than ``before`` of channels not in ``channels``."""
        table = t.processed_messages
        query = table.delete().where(
            _older(table.c.created_at, before), table.c.channel.not_in(channels)
        )
        return int((await self.conn.execute(query)).rowcount or 0)

    async def clear_sent_ids(self, before: datetime) -> int:
        """Forget the provider's ids of messages sent before ``before``."""
        outbox = t.outbox
        query = (
            outbox.update()
            .where(outbox.c.provider_message_id.is_not(None), outbox.c.sent_at < before)
            .values(provider_message_id=None)
        )
        return int((await self.conn.execute(query)).rowcount or 0)

    async def prune_login_failures(self, before: datetime) -> int:
        """Drop failed sign-ins older than ``before`` (typed and client addresses)."""
        failures = t.login_failures
        gone = await self.conn.execute(failures.delete().where(failures.c.created_at < before))
        return int(gone.rowcount or 0)

    async def prune_audit_log(self, before: datetime) -> int:
        """Drop audit log entries older than ``before``."""
        log = t.audit_log
        gone = await self.conn.execute(log.delete().where(log.c.created_at < before))
        return int(gone.rowcount or 0)

    async def prune_anonymous(self, before: datetime) -> int:
        """Drop the state and transcript of pseudonyms that never consented, idle since
        ``before``; return how many states went."""
        consented = sa.select(t.residents.c.pseudonym)
        states = t.dialogue_states
        gone = await self.conn.execute(
            states.delete().where(
                states.c.pseudonym.not_in(consented),
                sa.or_(states.c.updated_at.is_(None), states.c.updated_at < before),
            )
        )
        active = sa.select(states.c.pseudonym)
        log = t.chat_log
        await self.conn.execute(
            log.delete().where(
                log.c.pseudonym.not_in(consented),
                log.c.pseudonym.not_in(active),
                log.c.created_at < before,
            )
        )
        return int(gone.rowcount or 0)


def _older(column: sa.Column[Any], before: datetime) -> sa.ColumnElement[bool]:
    """Older than ``before``, or of unknown age (kept from before times were recorded)."""
    return sa.or_(column.is_(None), column < before)
