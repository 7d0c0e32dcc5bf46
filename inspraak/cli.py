"""The ``inspraak`` command line."""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import logging
import sys
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any

from config.settings import Settings
from core import views
from core.domain import commands as c
from core.domain.errors import DomainError, ProjectFileError
from core.services.project_file import export_project, import_project, parse_project_file
from core.storage import migrate
from inspraak.bootstrap import Container, bootstrap

log = logging.getLogger("inspraak")


class CliError(Exception):
    """A problem to report to the user in one line, exit status 1."""


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        settings = Settings()
        result = args.func(settings, args)
        return int(result or 0)
    except (CliError, ProjectFileError, DomainError) as error:
        print(f"inspraak: {error}", file=sys.stderr)
        return 1
    except ValueError as error:  # settings that do not validate
        print(f"inspraak: configuration error: {error}", file=sys.stderr)
        return 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="inspraak", description="Participation rounds in the chat apps residents use."
    )
    sub = parser.add_subparsers(metavar="COMMAND")

    serve = sub.add_parser("serve", help="run the web app and every enabled channel")
    serve.add_argument("--host", help="address to listen on (default INSPRAAK_HOST)")
    serve.add_argument("--port", type=int, help="port (default INSPRAAK_PORT)")
    serve.add_argument("--no-demo", action="store_true", help="do not load the demo project")
    serve.add_argument(
        "--no-scheduler",
        action="store_true",
        help="do not schedule rounds or send broadcasts (extra web workers)",
    )
    serve.set_defaults(func=cmd_serve)

    db = sub.add_parser("db", help="database schema").add_subparsers(metavar="ACTION")
    upgrade = db.add_parser("upgrade", help="apply the migrations")
    upgrade.set_defaults(func=cmd_db_upgrade)

    project = sub.add_parser("project", help="project files").add_subparsers(metavar="ACTION")
    imp = project.add_parser("import", help="create or update a project from a TOML file")
    imp.add_argument("file", type=Path)
    imp.set_defaults(func=cmd_project_import)
    exp = project.add_parser("export", help="write a project as a TOML file")
    exp.add_argument("project")
    exp.add_argument("--out", type=Path, help="file to write (default: standard output)")
    exp.set_defaults(func=cmd_project_export)
    lst = project.add_parser("list", help="list the projects")
    lst.set_defaults(func=cmd_project_list)

    rnd = sub.add_parser("round", help="open or close a round").add_subparsers(metavar="ACTION")
    for action in ("open", "close"):
        p = rnd.add_parser(action, help=f"{action} a round now")
        p.add_argument("project")
        p.add_argument("round")
        p.set_defaults(func=cmd_round, action=action)

    res = sub.add_parser("results", help="print a project's results")
    res.add_argument("project")
    res.add_argument("--format", choices=("json", "csv"), default="json")
    res.set_defaults(func=cmd_results)
    for register in extra_commands():
        register(sub)
    return parser


def extra_commands() -> list[Callable[[Any], None]]:
    """Sub-command groups that live in their own modules (``register(subparsers)`` each)."""
    from inspraak import cli_polis, cli_rounds, cli_telegram, cli_users

    return [
        cli_users.register,
        cli_polis.register,
        cli_rounds.register,
        cli_telegram.register,
    ]


def _run(settings: Settings, work: Callable[[Container], Awaitable[Any]]) -> Any:
    """Migrate, build the container, run ``work`` and close everything."""
    migrate.upgrade(settings.database_url)

    async def runner() -> Any:
        container = bootstrap(settings)
        try:
            return await work(container)
        finally:
            await container.close()

    return asyncio.run(runner())


def cmd_db_upgrade(settings: Settings, args: argparse.Namespace) -> int:
    migrate.upgrade(settings.database_url)
    print("database is up to date")
    return 0


def cmd_project_import(settings: Settings, args: argparse.Namespace) -> int:
    try:
        text = args.file.read_text(encoding="utf-8")
    except OSError as error:
        raise CliError(f"cannot read {args.file}: {error.strerror}") from error
    spec = parse_project_file(text, args.file.name)

    async def work(container: Container) -> tuple[str, list[str]]:
        async with container.uow() as uow:
            project, notes = await import_project(uow, spec)
            await uow.commit()
            return project.code, notes

    code, notes = _run(settings, work)
    for note in notes:
        print(note, file=sys.stderr)
    print(code)
    return 0


def cmd_project_export(settings: Settings, args: argparse.Namespace) -> int:
    async def work(container: Container) -> str:
        async with container.uow() as uow:
            return await export_project(uow, args.project.upper())

    text = _run(settings, work)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def cmd_project_list(settings: Settings, args: argparse.Namespace) -> int:
    async def work(container: Container) -> list[tuple[str, str, str]]:
        async with container.uow() as uow:
            return [(p.code, p.status.value, p.title) for p in await uow.projects.all()]

    for code, status, title in _run(settings, work):
        print(f"{code}\t{status}\t{title}")
    return 0


def cmd_round(settings: Settings, args: argparse.Namespace) -> int:
    async def work(container: Container) -> str:
        async with container.uow() as uow:
            project = await uow.projects.by_code(args.project.upper())
            if project is None or project.id is None:
                raise CliError(f"no project with code {args.project}")
            rounds = {r.key: r for r in await uow.projects.rounds(project.id)}
        if args.round not in rounds:
            known = ", ".join(rounds) or "none"
            raise CliError(f"project {project.code} has no round {args.round} (rounds: {known})")
        round_id = rounds[args.round].id or 0
        command = c.OpenRound(round_id) if args.action == "open" else c.CloseRound(round_id)
        rnd = await container.bus.handle(command)
        return f"round {args.round} of {project.code} is {rnd.state.value}"

    print(_run(settings, work))
    return 0


def cmd_results(settings: Settings, args: argparse.Namespace) -> int:
    async def work(container: Container) -> views.ProjectResults | None:
        async with container.reading() as uow:
            return await views.project_results(uow, args.project.upper(), container.clock())

    results = _run(settings, work)
    if results is None:
        raise CliError(f"no project with code {args.project}")
    if args.format == "json":
        print(json.dumps(results.to_json(), ensure_ascii=False, indent=2))
    else:
        from web.exports import results_csv

        sys.stdout.write(results_csv(results))
    return 0


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    from inspraak.server import serve

    host = args.host or settings.host
    port = args.port or settings.port
    migrate.upgrade(settings.database_url)
    demo = not args.no_demo and settings.load_demo
    run_loop(serve(settings, host, port, demo=demo, scheduler=not args.no_scheduler))
    return 0


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


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
