"""Accounts storage: users, sessions, failed logins and API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from core.domain.accounts import Role, User
from core.storage import tables as t
from core.storage.repositories import Repository


def _user(row: Any) -> User:
    m = row._mapping
    return User(
        email=m["email"],
        role=Role(m["role"]),
        organisation_id=m["organisation_id"],
        must_change_password=bool(m["must_change_password"]),
        id=m["id"],
        created_at=m["created_at"],
        last_login_at=m["last_login_at"],
        disabled_at=m["disabled_at"],
        notify={k: bool(v) for k, v in (m["notify"] or {}).items()},
        language=m["language"] or "nl",
        digest_sent_at=m["digest_sent_at"],
    )


class AccountRepository(Repository):
    async def add_user(self, user: User, password_hash: str) -> int:
        result = await self.conn.execute(
            t.users.insert()
            .values(
                email=user.email,
                password_hash=password_hash,
                role=user.role.value,
                organisation_id=user.organisation_id,
                must_change_password=user.must_change_password,
                created_at=user.created_at,
                notify=user.notify,
                language=user.language,
            )
            .returning(t.users.c.id)
        )
        user.id = int(result.scalar_one())
        return user.id

    async def by_email(self, email: str) -> tuple[User, str] | None:
        row = (await self.conn.execute(sa.select(t.users).where(t.users.c.email == email))).first()
        return (_user(row), row.password_hash) if row else None

    async def by_id(self, user_id: int) -> tuple[User, str] | None:
        row = (await self.conn.execute(sa.select(t.users).where(t.users.c.id == user_id))).first()
        return (_user(row), row.password_hash) if row else None

    async def all(self) -> list[User]:
        return [_user(r) for r in await self.conn.execute(sa.select(t.users).order_by("id"))]

    async def update_user(self, user_id: int, **values: Any) -> None:
        await self.conn.execute(t.users.update().where(t.users.c.id == user_id).values(**values))

    async def add_session(
        self, token_hash: str, user_id: int, csrf: str, now: datetime, expires: datetime
    ) -> None:
        await self.conn.execute(
            t.web_sessions.insert().values(
                token_hash=token_hash,
                user_id=user_id,
                csrf=csrf,
                created_at=now,
                expires_at=expires,
            )
        )

    async def session(self, token_hash: str, now: datetime) -> tuple[User, str] | None:
        row = (
            await self.conn.execute(
                sa.select(t.users, t.web_sessions.c.csrf)
                .join(t.web_sessions, t.web_sessions.c.user_id == t.users.c.id)
                .where(
                    t.web_sessions.c.token_hash == token_hash,
                    t.web_sessions.c.expires_at > now,
                    t.users.c.disabled_at.is_(None),
                )
            )
        ).first()
        return (_user(row), row.csrf) if row else None

    async def delete_sessions(
        self,
        *,
        token_hash: str | None = None,
        user_id: int | None = None,
        before: datetime | None = None,
        except_hash: str | None = None,
    ) -> None:
        query = t.web_sessions.delete()
        if except_hash is not None:
            query = query.where(t.web_sessions.c.token_hash != except_hash)
        if token_hash is not None:
            query = query.where(t.web_sessions.c.token_hash == token_hash)
        if user_id is not None:
            query = query.where(t.web_sessions.c.user_id == user_id)
        if before is not None:
            query = query.where(t.web_sessions.c.expires_at <= before)
        await self.conn.execute(query)

    async def failures(self, email: str, ip: str, since: datetime) -> int:
        return int(
            await self.conn.scalar(
                sa.select(sa.func.count()).where(
                    t.login_failures.c.email == email,
                    t.login_failures.c.ip == ip,
                    t.login_failures.c.created_at > since,
                )
            )
            or 0
        )

    async def account_failures(self, email: str, since: datetime) -> tuple[int, datetime | None]:
        """Failed logins for ``email`` from any client since ``since``: how many, the latest."""
        row = (
            await self.conn.execute(
                sa.select(sa.func.count(), sa.func.max(t.login_failures.c.created_at)).where(
                    t.login_failures.c.email == email, t.login_failures.c.created_at > since
                )
            )
        ).one()
        return int(row[0] or 0), row[1]  # max() keeps the column's type: aware UTC

    async def add_failure(self, email: str, ip: str, now: datetime) -> None:
        await self.conn.execute(
            t.login_failures.insert().values(email=email, ip=ip, created_at=now)
        )

    async def clear_failures(self, email: str, ip: str, before: datetime) -> None:
        await self.conn.execute(
            t.login_failures.delete().where(
                sa.or_(
                    sa.and_(t.login_failures.c.email == email, t.login_failures.c.ip == ip),
                    t.login_failures.c.created_at <= before,
                )
            )
        )

    async def add_token(self, user_id: int, token_hash: str, now: datetime) -> None:
        await self.conn.execute(
            t.api_tokens.insert().values(user_id=user_id, token_hash=token_hash, created_at=now)
        )

    async def tokens(self, user_id: int) -> list[dict[str, Any]]:
        """A user's API tokens, newest first (ids and dates; the tokens themselves are gone)."""
        rows = await self.conn.execute(
            sa.select(t.api_tokens.c.id, t.api_tokens.c.created_at, t.api_tokens.c.last_used_at)
            .where(t.api_tokens.c.user_id == user_id)
            .order_by(t.api_tokens.c.id.desc())
        )
        return [dict(r._mapping) for r in rows]

    async def delete_token(self, user_id: int, token_id: int) -> bool:
        """Revoke one of the user's tokens; False when the user has no such token."""
        deleted = await self.conn.execute(
            t.api_tokens.delete().where(
                t.api_tokens.c.id == token_id, t.api_tokens.c.user_id == user_id
            )
        )
        return bool(deleted.rowcount)

    async def token_user(self, token_hash: str, now: datetime) -> User | None:
        row = (
            await self.conn.execute(
                sa.select(t.users)
                .join(t.api_tokens, t.api_tokens.c.user_id == t.users.c.id)
                .where(t.api_tokens.c.token_hash == token_hash, t.users.c.disabled_at.is_(None))
            )
        ).first()
        if row is None:
            return None
        await self.conn.execute(
            t.api_tokens.update()
            .where(t.api_tokens.c.token_hash == token_hash)
            .values(last_used_at=now)
        )
        return _user(row)

    async def delete_user(self, user_id: int) -> bool:
        """Remove the account; its sessions, tokens and links go with it (the audit log and
        moderation log keep what it did, without the link)."""
        deleted = await self.conn.execute(t.users.delete().where(t.users.c.id == user_id))
        return bool(deleted.rowcount)

    async def delete_tokens(self, user_id: int) -> None:
        await self.conn.execute(t.api_tokens.delete().where(t.api_tokens.c.user_id == user_id))

    async def add_link(
        self, token_hash: str, user_id: int, purpose: str, now: datetime, expires: datetime
    ) -> None:
        """A new password link; the user's earlier links go (unused ones stop working), so
        the table keeps at most one link per user."""
        await self.conn.execute(
            t.password_links.delete().where(t.password_links.c.user_id == user_id)
        )
        await self.conn.execute(
            t.password_links.insert().values(
                token_hash=token_hash,
                user_id=user_id,
                purpose=purpose,
                created_at=now,
                expires_at=expires,
            )
        )

    async def live_link(self, token_hash: str, now: datetime) -> tuple[User, str, str] | None:
        """The account, password hash and purpose of an unused, unexpired link."""
        row = (
            await self.conn.execute(
                sa.select(t.users, t.password_links.c.purpose)
                .join(t.password_links, t.password_links.c.user_id == t.users.c.id)
                .where(
                    t.password_links.c.token_hash == token_hash,
                    t.password_links.c.used_at.is_(None),
                    t.password_links.c.expires_at > now,
                    t.users.c.disabled_at.is_(None),
                )
            )
        ).first()
        return (_user(row), row.password_hash, row.purpose) if row else None

    async def use_link(self, token_hash: str, now: datetime) -> bool:
        """Mark the link used; False when it was used meanwhile (it works once)."""
        used = await self.conn.execute(
            t.password_links.update()
            .where(
                t.password_links.c.token_hash == token_hash, t.password_links.c.used_at.is_(None)
            )
            .values(used_at=now)
        )
        return bool(used.rowcount)

    async def latest_link_at(self, user_id: int, purpose: str) -> datetime | None:
        """When the user's newest link of ``purpose`` was made (used or not)."""
        return await self.conn.scalar(  # type: ignore[no-any-return]
            sa.select(sa.func.max(t.password_links.c.created_at)).where(
                t.password_links.c.user_id == user_id, t.password_links.c.purpose == purpose
            )
        )

    async def wanting(self, topic: str) -> list[User]:
        """Active users who asked for e-mail about ``topic``."""
        query = sa.select(t.users).where(t.users.c.disabled_at.is_(None)).order_by(t.users.c.id)
        return [u for u in map(_user, await self.conn.execute(query)) if u.wants(topic)]
