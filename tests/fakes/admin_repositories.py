"""In-memory twins of ``core/storage/{accounts,moderation,bots}.py``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.domain import model
from core.domain.accounts import User
from core.domain.audit import AuditEntry
from tests.fakes.repositories import FakeRepository
from tests.fakes.tables import assign, out, unique_violation

CONTRIBUTIONS = {"idea": "ideas", "feedback": "feedback"}
# The columns of the ``ideas`` and ``feedback`` tables, as ``contribution`` returns them.
COLUMNS = {
    "idea": (
        "id",
        "round_id",
        "resident_id",
        "text",
        "status",
        "created_at",
        "flags",
        "wording",
        "source",
    ),
    "feedback": (
        "id",
        "round_id",
        "resident_id",
        "score",
        "text",
        "status",
        "created_at",
        "flags",
    ),
}


class FakeAccountRepository(FakeRepository):
    async def add_user(self, user: User, password_hash: str) -> int:
        if any(u.email == user.email for u, _ in self.tables.users.values()):
            raise unique_violation("users", "email")
        new_id = max(self.tables.users, default=0) + 1
        user.id = new_id
        self.tables.users[new_id] = (out(user), password_hash)
        return new_id

    async def by_email(self, email: str) -> tuple[User, str] | None:
        for user, password_hash in self.tables.users.values():
            if user.email == email:
                return out(user), password_hash
        return None

    async def by_id(self, user_id: int) -> tuple[User, str] | None:
        found = self.tables.users.get(user_id)
        return (out(found[0]), found[1]) if found else None

    async def all(self) -> list[User]:
        return [out(user) for _, (user, _) in sorted(self.tables.users.items())]

    async def update_user(self, user_id: int, **values: Any) -> None:
        found = self.tables.users.get(user_id)
        if found is None:
            return
        user, password_hash = found
        password_hash = values.pop("password_hash", password_hash)
        assign(user, values)
        self.tables.users[user_id] = (user, password_hash)

    async def add_session(
        self, token_hash: str, user_id: int, csrf: str, now: datetime, expires: datetime
    ) -> None:
        if token_hash in self.tables.web_sessions:
            raise unique_violation("web_sessions", "token_hash")
        self.tables.web_sessions[token_hash] = {
            "user_id": user_id,
            "csrf": csrf,
            "created_at": now,
            "expires_at": expires,
        }

    async def session(self, token_hash: str, now: datetime) -> tuple[User, str] | None:
        found = self.tables.web_sessions.get(token_hash)
        if found is None or found["expires_at"] <= now:
            return None
        user, _ = self.tables.users[found["user_id"]]
        return out(user), found["csrf"]

    async def delete_sessions(
        self,
        *,
        token_hash: str | None = None,
        user_id: int | None = None,
        before: datetime | None = None,
        except_hash: str | None = None,
    ) -> None:
        for key, row in list(self.tables.web_sessions.items()):
            if (
                (except_hash is None or key != except_hash)
                and (token_hash is None or key == token_hash)
                and (user_id is None or row["user_id"] == user_id)
                and (before is None or row["expires_at"] <= before)
            ):
                del self.tables.web_sessions[key]

    async def failures(self, email: str, ip: str, since: datetime) -> int:
        rows = self.tables.login_failures.values()
        return sum(
            1 for r in rows if (r["email"], r["ip"]) == (email, ip) and r["created_at"] > since
        )

    async def account_failures(self, email: str, since: datetime) -> tuple[int, datetime | None]:
        times = [
            r["created_at"]
            for r in self.tables.login_failures.values()
            if r["email"] == email and r["created_at"] > since
        ]
        return len(times), max(times, default=None)

    async def add_failure(self, email: str, ip: str, now: datetime) -> None:
        self.tables.insert("login_failures", {"email": email, "ip": ip, "created_at": now})

    async def clear_failures(self, email: str, ip: str, before: datetime) -> None:
        for key, row in list(self.tables.login_failures.items()):
            if (row["email"], row["ip"]) == (email, ip) or row["created_at"] <= before:
                del self.tables.login_failures[key]

    async def add_token(self, user_id: int, token_hash: str, now: datetime) -> None:
        if any(t["token_hash"] == token_hash for t in self.tables.api_tokens.values()):
            raise unique_violation("api_tokens", "token_hash")
        row = {"user_id": user_id, "token_hash": token_hash, "created_at": now}
        self.tables.insert("api_tokens", {**row, "last_used_at": None})

    async def tokens(self, user_id: int) -> list[dict[str, Any]]:
        rows = sorted(self.tables.api_tokens.items(), reverse=True)
        return [
            {"id": key, "created_at": row["created_at"], "last_used_at": row["last_used_at"]}
            for key, row in rows
            if row["user_id"] == user_id
        ]

    async def delete_token(self, user_id: int, token_id: int) -> bool:
        found = self.tables.api_tokens.get(token_id)
        if found is None or found["user_id"] != user_id:
            return False
        del self.tables.api_tokens[token_id]
        return True

    async def token_user(self, token_hash: str, now: datetime) -> User | None:
        for row in self.tables.api_tokens.values():
            if row["token_hash"] == token_hash:
                row["last_used_at"] = now
                return out(self.tables.users[row["user_id"]][0])
        return None


class FakeModerationRepository(FakeRepository):
    async def contribution(self, kind: str, contribution_id: int) -> dict[str, Any] | None:
        found = getattr(self.tables, CONTRIBUTIONS[kind]).get(contribution_id)
        if found is None:
            return None
        row = {name: getattr(found, name) for name in COLUMNS[kind]}
        row["status"] = found.status.value
        row["project_id"] = self.tables.rounds[found.round_id].project_id
        return out(row)

    async def idea(self, idea_id: int) -> model.Idea | None:
        found = self.tables.ideas.get(idea_id)
        return out(found) if found else None

    async def set_status(self, kind: str, contribution_id: int, status: str) -> None:
        found = getattr(self.tables, CONTRIBUTIONS[kind]).get(contribution_id)
        if found is not None:
            assign(found, {"status": status})

    async def set_text(self, kind: str, contribution_id: int, text: str) -> None:
        found = getattr(self.tables, CONTRIBUTIONS[kind]).get(contribution_id)
        if found is not None:
            found.text = text
        if kind == "idea":
            for item in self.tables.items.values():
                if item.idea_id == contribution_id:
                    item.text = text

    async def set_flags(self, kind: str, contribution_id: int, flags: list[str]) -> None:
        found = getattr(self.tables, CONTRIBUTIONS[kind]).get(contribution_id)
        if found is not None:
            found.flags = list(flags)

    async def set_idea_items_active(self, idea_id: int, active: bool) -> None:
        for item in self.tables.items.values():
            if item.idea_id == idea_id:
                item.active = active

    async def item_for_idea(self, round_id: int, idea_id: int) -> int | None:
        for key, item in self.tables.items.items():
            if item.round_id == round_id and item.idea_id == idea_id:
                return key
        return None

    async def move_ratings(self, from_item: int, to_item: int) -> int:
        """Move ratings to another item; a resident who rated both keeps only the survivor's."""
        ratings = self.tables.ratings
        kept = {(r.resident_id, r.criterion) for r in ratings.values() if r.item_id == to_item}
        moved = 0
        for key, rating in list(ratings.items()):
            if rating.item_id != from_item:
                continue
            if (rating.resident_id, rating.criterion) in kept:
                del ratings[key]
            else:
                rating.item_id = to_item
                moved += 1
        return moved

    async def record_merge(self, idea_id: int, into_id: int) -> None:
        if idea_id in self.tables.idea_merges:
            raise unique_violation("idea_merges", "idea_id")
        self.tables.idea_merges[idea_id] = into_id
        survivor = self.tables.idea_themes.setdefault(into_id, [])
        for theme in self.tables.idea_themes.get(idea_id, []):
            if theme not in survivor:
                survivor.append(theme)

    async def set_themes(self, idea_id: int, themes: list[str]) -> None:
        self.tables.idea_themes[idea_id] = list(themes)

    async def log(
        self,
        project_id: int,
        user_id: int | None,
        kind: str,
        target_id: int,
        action: str,
        now: datetime,
        **detail: Any,
    ) -> None:
        row = {
            "project_id": project_id,
            "user_id": user_id,
            "target_kind": kind,
            "target_id": target_id,
            "action": action,
            "detail": detail,
            "created_at": now,
        }
        self.tables.insert("moderation_log", row)


class FakeBotRepository(FakeRepository):
    async def all(self, active_only: bool = True) -> list[model.Bot]:
        bots = sorted(self.tables.bots.items())
        return [out(b) for _, b in bots if b.active or not active_only]

    async def get(self, bot_id: int) -> model.Bot | None:
        found = self.tables.bots.get(bot_id)
        return out(found) if found else None

    async def by_telegram_id(self, telegram_id: int) -> model.Bot | None:
        found = [b for b in self.tables.bots.values() if b.telegram_id == telegram_id]
        return out(found[0]) if found else None

    async def by_username(self, username: str) -> model.Bot | None:
        wanted = username.lstrip("@").lower()
        found = [b for b in self.tables.bots.values() if b.username.lower() == wanted]
        return out(found[0]) if found else None

    async def add(self, bot: model.Bot) -> int:
        if await self.by_telegram_id(bot.telegram_id) is not None:
            raise unique_violation("bots", "telegram_id")
        return self.tables.insert("bots", bot)

    async def add_if_missing(self, bot: model.Bot) -> None:
        if await self.by_telegram_id(bot.telegram_id) is None:
            self.tables.insert("bots", bot)

    async def update(self, bot_id: int, **values: object) -> None:
        if bot_id in self.tables.bots:
            assign(self.tables.bots[bot_id], dict(values))

    async def clear_default(self, except_id: int) -> None:
        for key, bot in self.tables.bots.items():
            if key != except_id:
                bot.is_default = False


class FakeAuditRepository(FakeRepository):
    async def add(self, entry: AuditEntry) -> int:
        return self.tables.insert("audit_log", entry)
