"""In-memory twins of the repositories in ``core/storage/``: projects, residents, contributions and
the dialogue. Same methods, same answers (``tests/integration/test_fake_uow_contract.py`` runs
one set of assertions against these and against SQLite)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from core.domain import model
from tests.fakes.tables import Tables, assign, out, unique_violation


class FakeRepository:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables


class FakeProjectRepository(FakeRepository):
    async def organisation(self, slug: str, name: str | None = None) -> int:
        for org_id, org in self.tables.organisations.items():
            if org.slug == slug:
                return org_id
        return self.tables.insert("organisations", model.Organisation(slug, name or slug))

    async def organisation_slug(self, organisation_id: int) -> str:
        found = self.tables.organisations.get(organisation_id)
        return str(found.slug if found else None)

    async def organisation_name(self, organisation_id: int) -> str | None:
        found = self.tables.organisations.get(organisation_id)
        return found.name if found else None

    async def organisation_by_slug(self, slug: str) -> model.Organisation | None:
        found = [o for o in self.tables.organisations.values() if o.slug == slug]
        return out(found[0]) if found else None

    async def set_privacy(self, organisation_id: int, contact: str, text: str) -> None:
        found = self.tables.organisations.get(organisation_id)
        if found is not None:
            found.privacy_contact, found.privacy_text = contact, text

    async def by_code(self, code: str) -> model.Project | None:
        found = [p for p in self.tables.projects.values() if p.code == code]
        return out(found[0]) if found else None

    async def get(self, project_id: int) -> model.Project | None:
        found = self.tables.projects.get(project_id)
        return out(found) if found else None

    async def add(self, project: model.Project) -> int:
        if any(p.code == project.code for p in self.tables.projects.values()):
            raise unique_violation("projects", "code")
        return self.tables.insert("projects", project)

    async def update(self, project: model.Project) -> None:
        if project.id in self.tables.projects:
            self.tables.projects[project.id] = out(project)

    async def all(self) -> list[model.Project]:
        return [out(p) for _, p in sorted(self.tables.projects.items())]

    async def count(self, *, exclusive: bool = False) -> int:
        return len(self.tables.projects)

    async def rounds(self, project_id: int) -> list[model.Round]:
        found = [r for r in self.tables.rounds.values() if r.project_id == project_id]
        return [out(r) for r in sorted(found, key=lambda r: (r.position, r.id or 0))]

    async def round(self, round_id: int) -> model.Round | None:
        found = self.tables.rounds.get(round_id)
        return out(found) if found else None

    async def add_round(self, rnd: model.Round) -> int:
        taken = {(r.project_id, r.key) for r in self.tables.rounds.values()}
        if (rnd.project_id, rnd.key) in taken:
            raise unique_violation("rounds", "project_id", "key")
        return self.tables.insert("rounds", rnd)

    async def update_round(self, rnd: model.Round) -> None:
        if rnd.id in self.tables.rounds:
            self.tables.rounds[rnd.id] = out(rnd)

    async def delete_round(self, round_id: int) -> None:
        self.tables.rounds.pop(round_id, None)

    async def items(self, round_id: int, active_only: bool = True) -> list[model.Item]:
        found = [
            i
            for i in self.tables.items.values()
            if i.round_id == round_id and (i.active or not active_only)
        ]
        return [out(i) for i in sorted(found, key=lambda i: (i.position, i.id or 0))]

    async def item_and_round(self, item_id: int) -> tuple[model.Item, model.Round] | None:
        item = self.tables.items.get(item_id)
        if item is None:
            return None
        return out(item), out(self.tables.rounds[item.round_id])

    async def item(self, item_id: int) -> model.Item | None:
        found = self.tables.items.get(item_id)
        return out(found) if found else None

    async def add_item(self, item: model.Item) -> int:
        if item.idea_id is not None and self._item_for(item.round_id, item.idea_id):
            raise unique_violation("items", "round_id", "idea_id")
        return self.tables.insert("items", item)

    async def set_item_active(self, item_id: int, active: bool, text: str | None = None) -> None:
        item = self.tables.items.get(item_id)
        if item is not None:
            item.active = active
            if text is not None:
                item.text = text

    async def add_item_for_idea(self, round_id: int, idea_id: int, text: str) -> None:
        if self._item_for(round_id, idea_id) is None:
            self.tables.insert("items", model.Item(round_id, text, idea_id=idea_id))

    def _item_for(self, round_id: int, idea_id: int) -> model.Item | None:
        for item in self.tables.items.values():
            if item.round_id == round_id and item.idea_id == idea_id:
                return item
        return None


class FakeResidentRepository(FakeRepository):
    async def get(self, pseudonym: str, project_id: int) -> model.Resident | None:
        for resident in self.tables.residents.values():
            if resident.pseudonym == pseudonym and resident.project_id == project_id:
                return out(resident)
        return None

    async def get_with_contact(
        self, pseudonym: str, project_id: int
    ) -> tuple[model.Resident | None, str | None]:
        resident = await self.get(pseudonym, project_id)
        contact = self.tables.contacts.get(pseudonym) if resident is not None else None
        return resident, contact["channel"] if contact else None

    async def by_id(self, resident_id: int) -> model.Resident | None:
        found = self.tables.residents.get(resident_id)
        return out(found) if found else None

    async def for_pseudonym(self, pseudonym: str) -> list[model.Resident]:
        return [out(r) for r in self.tables.residents.values() if r.pseudonym == pseudonym]

    async def add(self, resident: model.Resident) -> int:
        if await self.get(resident.pseudonym, resident.project_id) is not None:
            raise unique_violation("residents", "pseudonym", "project_id")
        return self.tables.insert("residents", resident)

    async def add_many(self, residents: list[model.Resident]) -> list[int]:
        return [await self.add(resident) for resident in residents]

    async def update(self, resident_id: int, **values: Any) -> None:
        if resident_id in self.tables.residents:
            assign(self.tables.residents[resident_id], values)

    async def place_in_wijken(self, project_id: int, wijken: dict[str, list[str]]) -> int:
        placed = 0
        for resident in self.tables.residents.values():
            for name, codes in wijken.items():
                if resident.project_id == project_id and resident.wijk in codes:
                    assign(resident, {"wijk": name})
                    placed += 1
        return placed

    async def update_pseudonym(self, pseudonym: str, **values: Any) -> None:
        for resident in self.tables.residents.values():
            if resident.pseudonym == pseudonym:
                assign(resident, values)

    async def change_status(self, pseudonym: str, old: str, new: str) -> None:
        for resident in self.tables.residents.values():
            if resident.pseudonym == pseudonym and resident.status == old:
                assign(resident, {"status": new})

    async def save_contact(
        self,
        pseudonym: str,
        channel: str,
        address: str,
        now: datetime,
        bot_id: int | None = None,
    ) -> None:
        values = {"channel": channel, "address": address, "updated_at": now, "bot_id": bot_id}
        contact = self.tables.contacts.setdefault(
            pseudonym, {"pseudonym": pseudonym, "last_inbound_at": None}
        )
        contact.update(values)

    async def forget(self, pseudonym: str) -> int:
        """Erase a pseudonym's residents, contributions, state, log and contact details."""
        tables = self.tables
        ids = {i for i, r in tables.residents.items() if r.pseudonym == pseudonym}
        idea_ids = {i for i, idea in tables.ideas.items() if idea.resident_id in ids}
        item_ids = {i for i, item in tables.items.items() if item.idea_id in idea_ids}
        for rows in (tables.ratings, tables.votes):
            for key in [k for k, row in rows.items() if row.item_id in item_ids]:
                del rows[key]
        for key in item_ids:
            del tables.items[key]
        for rows in (
            tables.ratings,
            tables.votes,
            tables.feedback,
            tables.ideas,
            tables.round_progress,
        ):
            for key in [k for k, row in rows.items() if row.resident_id in ids]:
                del rows[key]
        for key in ids:
            del tables.residents[key]
        tables.contacts.pop(pseudonym, None)
        tables.dialogue_states.pop(pseudonym, None)
        for key in [k for k, row in tables.chat_log.items() if row["pseudonym"] == pseudonym]:
            del tables.chat_log[key]
        return len(ids)


class FakeContributionRepository(FakeRepository):
    async def add_idea(self, idea: model.Idea) -> int:
        return self.tables.insert("ideas", idea)

    async def add_ideas(self, ideas: list[model.Idea]) -> list[int]:
        return [self.tables.insert("ideas", idea) for idea in ideas]

    async def count_ideas(self, round_id: int, resident_id: int) -> int:
        return sum(
            1
            for idea in self.tables.ideas.values()
            if idea.round_id == round_id and idea.resident_id == resident_id
        )

    async def respondents(self, round_id: int) -> int:
        tables = self.tables
        rows: list[Any] = [
            *tables.ideas.values(), *tables.ratings.values(),
            *tables.votes.values(), *tables.feedback.values(),
        ]  # fmt: skip
        return len({row.resident_id for row in rows if row.round_id == round_id})

    async def upsert_rating(self, rating: model.Rating) -> None:
        for row in self.tables.ratings.values():
            if (row.item_id, row.resident_id, row.criterion) == (
                rating.item_id,
                rating.resident_id,
                rating.criterion,
            ):
                row.score = rating.score
                return
        self.tables.insert("ratings", rating)

    async def upsert_vote(self, vote: model.Vote) -> None:
        for row in self.tables.votes.values():
            if (row.item_id, row.resident_id) == (vote.item_id, vote.resident_id):
                row.value = vote.value
                return
        self.tables.insert("votes", vote)

    async def upsert_feedback(self, fb: model.Feedback) -> None:
        for row in self.tables.feedback.values():
            if (row.round_id, row.resident_id) == (fb.round_id, fb.resident_id):
                row.score, row.text, row.flags = fb.score, fb.text, list(fb.flags)
                return
        self.tables.insert("feedback", fb)

    async def answered_count(self, rnd: model.Round, resident_id: int) -> int:
        if rnd.kind == model.RoundKind.STATEMENTS:
            rows: Any = self.tables.votes.values()
            return sum(1 for v in rows if v.round_id == rnd.id and v.resident_id == resident_id)
        rows = self.tables.ratings.values()
        return len(
            {r.item_id for r in rows if r.round_id == rnd.id and r.resident_id == resident_id}
        )

    async def feedback_of(self, round_id: int, resident_id: int) -> model.Feedback | None:
        for row in self.tables.feedback.values():
            if (row.round_id, row.resident_id) == (round_id, resident_id):
                return out(row)
        return None

    async def progress(self, resident_id: int) -> dict[int, model.RoundProgress]:
        rows = self.tables.round_progress.values()
        return {p.round_id: out(p) for p in rows if p.resident_id == resident_id}

    async def mark_progress(
        self, round_id: int, resident_id: int, column: str, now: datetime, overwrite: bool = False
    ) -> None:
        for row in self.tables.round_progress.values():
            if (row.round_id, row.resident_id) == (round_id, resident_id):
                if overwrite or getattr(row, column) is None:
                    setattr(row, column, now)
                return
        progress = model.RoundProgress(round_id, resident_id)
        setattr(progress, column, now)
        self.tables.insert("round_progress", progress)

    async def ideas_of_round(self, round_id: int, approved_only: bool) -> list[model.Idea]:
        status = model.ContributionStatus
        gone = (status.REJECTED, status.MERGED)
        return [
            out(idea)
            for _, idea in sorted(self.tables.ideas.items())
            if idea.round_id == round_id
            and (idea.status == status.APPROVED if approved_only else idea.status not in gone)
        ]


class FakeDialogueRepository(FakeRepository):
    async def load(self, pseudonym: str, lock: bool = False) -> dict[str, Any] | None:
        found = self.tables.dialogue_states.get(pseudonym)
        return out(found["state"]) if found else None

    async def save(
        self, pseudonym: str, channel: str, state: dict[str, Any], now: datetime
    ) -> None:
        self.tables.dialogue_states[pseudonym] = out(
            {"pseudonym": pseudonym, "channel": channel, "state": state, "updated_at": now}
        )

    async def claim_message(self, channel: str, key: str, now: datetime) -> bool:
        if (channel, key) in self.tables.processed_messages:
            return False
        self.tables.processed_messages.add((channel, key))
        return True

    async def log(
        self, pseudonym: str, outgoing: bool, text: str, options: Sequence[Any], now: datetime
    ) -> None:
        row = {
            "pseudonym": pseudonym,
            "outgoing": outgoing,
            "text": text,
            "options": list(options),
            "created_at": now,
        }
        self.tables.insert("chat_log", row)

    async def log_many(
        self, pseudonym: str, lines: Sequence[tuple[bool, str, Sequence[Any]]], now: datetime
    ) -> None:
        for outgoing, text, options in lines:
            await self.log(pseudonym, outgoing, text, options, now)

    async def history(self, pseudonym: str, limit: int = 60) -> list[dict[str, Any]]:
        rows = [out(r) for _, r in sorted(self.tables.chat_log.items())]
        return [r for r in rows if r["pseudonym"] == pseudonym][-limit:]
