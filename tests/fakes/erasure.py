"""In-memory twin of ``core.storage.erasure``, as far as services on the fake unit of work use it
(a correction rewrites quotes in transcripts; the fake tables keep no outbox)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from tests.fakes.tables import Tables


class FakeErasureRepository:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    async def transcripts_quoting(
        self, probes: Sequence[str], project_ids: Collection[int]
    ) -> list[tuple[int, str, str]]:
        members = {
            r.pseudonym for r in self.tables.residents.values() if r.project_id in project_ids
        }
        return [
            (key, row["pseudonym"], row["text"])
            for key, row in sorted(self.tables.chat_log.items())
            if row["pseudonym"] in members and any(probe in row["text"] for probe in probes)
        ]

    async def set_transcript_text(self, line_id: int, text: str) -> None:
        self.tables.chat_log[line_id]["text"] = text

    async def outbox_payloads(self, project_ids: Sequence[int]) -> list[tuple[int, Any, str]]:
        return []
