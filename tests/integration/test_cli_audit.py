"""Account changes made on the command line are in the audit log, by "command line"."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa

from core.storage import tables as t
from core.storage.db import create_engine
from tests.integration.test_cli import cli  # noqa: F401 - the fixture


def audit_rows(database_url: str) -> list[dict]:
    async def read() -> list[dict]:
        engine = create_engine(database_url)
        try:
            async with engine.connect() as conn:
                rows = await conn.execute(sa.select(t.audit_log).order_by(t.audit_log.c.id))
                return [dict(r._mapping) for r in rows]
        finally:
            await engine.dispose()

    return asyncio.run(read())


def test_accounts_and_tokens_made_on_the_command_line_are_recorded(cli, database_url):  # noqa: F811
    email = "beheer@voorbeeld.nl"
    assert cli("user", "create", "--email", email, "--role", "admin").returncode == 0
    cli("user", "token", "--email", email)
    token_id = cli("user", "tokens", "--email", email).stdout.split("\t")[0]
    cli("user", "revoke-token", "--email", email, "--id", token_id)
    cli("user", "revoke-token", "--email", email, "--id", token_id)  # gone: not recorded

    rows = audit_rows(database_url)
    assert [r["action"] for r in rows] == [
        "account.create", "account.token_issue", "account.token_revoke",
    ]  # fmt: skip
    assert {r["actor"] for r in rows} == {"command line"}
    assert rows[0]["detail"] == {"role": "admin"} and rows[0]["target"].startswith("user:")
    assert rows[2]["detail"] == {"token_id": int(token_id)}
    assert "insp_" not in repr(rows)
