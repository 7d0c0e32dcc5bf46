"""The audit log's rows (``audit_log``): written in the transaction of the action they record."""

from __future__ import annotations

from core.domain.audit import AuditEntry
from core.storage import tables as t
from core.storage.repositories import Repository


class AuditRepository(Repository):
    async def add(self, entry: AuditEntry) -> int:
        return await self._insert(t.audit_log, entry)
