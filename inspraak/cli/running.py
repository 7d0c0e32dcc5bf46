"""What every command shares: its error, and running work against a migrated database."""

from __future__ import annotations

import asyncio
import importlib.util
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

from inspraak.terminal import _

if TYPE_CHECKING:
    from config.settings import Settings
    from inspraak.bootstrap import Container

T = TypeVar("T")


class CliError(Exception):
    """A problem to report to the user in one line, exit status 1."""


def run(settings: Settings, work: Callable[[Container], Awaitable[T]]) -> T:
    """Migrate, build the container (without channels), run ``work`` and close everything."""
    from core.storage.schema_version import is_current
    from inspraak.bootstrap import bootstrap

    if not is_current(settings.database_url):  # Alembic only when there is work for it
        from core.storage import migrate

        migrate.upgrade(settings.database_url)

    async def runner() -> T:
        container = bootstrap(settings, channels=False)
        try:
            return await work(container)
        finally:
            await container.close()

    return asyncio.run(runner())


async def round_id(container: Container, code: str, key: str) -> int:
    """The id of round ``key`` of project ``code``; a CliError names what is missing."""
    async with container.uow() as uow:
        project = await uow.projects.by_code(code.upper())
        if project is None or project.id is None:
            raise CliError(_("no project with code {code}").format(code=code))
        rounds = {r.key: r for r in await uow.projects.rounds(project.id)}
    if key not in rounds:
        known = ", ".join(rounds) or "none"
        raise CliError(
            _("project {code} has no round {key} (rounds: {known})").format(
                code=project.code, key=key, known=known
            )
        )
    return rounds[key].id or 0


def run_loop(main: Coroutine[Any, Any, None], loop: str | None = None) -> None:
    """Run the server on uvloop when it is installed (libuv's event loop costs less per
    request and per database step than asyncio's own); otherwise on asyncio's.
    ``loop`` ("uvloop" or "asyncio") forces the choice (the benchmarks compare like with like).
    """
    if loop is None:
        loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    if loop == "uvloop":
        import uvloop

        uvloop.run(main)
    else:
        asyncio.run(main)
