"""``inspraak db``, ``project``, ``round open|close`` and ``results``."""

from __future__ import annotations

import argparse
import json
import sys

from config.settings import Settings
from core import views
from core.domain import commands as c
from core.i18n import Said, format_number
from core.services.project_file import export_project, parse_project_file
from core.storage import migrate
from inspraak.bootstrap import Container
from inspraak.cli.running import CliError, run
from inspraak.terminal import _, language


def cmd_db_upgrade(settings: Settings, args: argparse.Namespace) -> int:
    migrate.upgrade(settings.database_url)
    print(_("database is up to date"))
    return 0


def cmd_db_backup(settings: Settings, args: argparse.Namespace) -> int:
    from core.services import audit
    from core.storage.backup import BackupFailed, backup_sqlite
    from core.storage.schema_version import sqlite_path

    source = sqlite_path(settings.database_url)
    if source is None:
        raise CliError(_("a PostgreSQL database is backed up with pg_dump (see the README)"))
    if not source.is_file():
        raise CliError(_("there is no database at {path} yet").format(path=source))
    if args.file.exists():
        raise CliError(_("{file} exists already; choose a new file").format(file=args.file))
    try:
        size = backup_sqlite(source, args.file)
    except (OSError, BackupFailed) as error:
        raise CliError(_("no backup was made: {reason}").format(reason=error)) from error

    async def note(container: Container) -> None:
        async with container.uow() as uow:
            await audit.note_command_line(uow, "database.backup", str(args.file), bytes=size)
            await uow.commit()

    run(settings, note)  # after the copy: the log says a copy exists, not the other way round
    megabytes = format_number(size / 1_000_000, language(), digits=1)
    print(
        _("{file}: a checked copy of {path} ({size} MB)").format(
            file=args.file, path=source, size=megabytes
        )
    )
    key = "INSPRAAK_SECRET_KEY" if settings.secret_key else settings.data_dir / "secret_key"
    print(
        _(
            "keep the secret key ({key}) apart from it, as safely: without it the copy's "
            "pseudonyms and bot tokens cannot be used"
        ).format(key=key),
        file=sys.stderr,
    )
    return 0


def cmd_project_import(settings: Settings, args: argparse.Namespace) -> int:
    try:
        text = args.file.read_text(encoding="utf-8")
    except OSError as error:
        raise CliError(
            _("cannot read {file}: {reason}").format(file=args.file, reason=error.strerror)
        ) from error
    spec = parse_project_file(text, args.file.name)

    async def work(container: Container) -> tuple[str, list[Said]]:
        project, notes = await container.bus.handle(c.ImportProject(spec.model_dump()))
        return project.code, notes

    code, notes = run(settings, work)
    for note in notes:
        print(note.in_language(language()), file=sys.stderr)
    print(code)
    return 0


def cmd_project_export(settings: Settings, args: argparse.Namespace) -> int:
    async def work(container: Container) -> str:
        async with container.uow() as uow:
            return await export_project(uow, args.project.upper())

    text = run(settings, work)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def cmd_project_list(settings: Settings, args: argparse.Namespace) -> int:
    async def work(container: Container) -> list[tuple[str, str, str]]:
        async with container.uow() as uow:
            return [(p.code, p.status.value, p.title) for p in await uow.projects.all()]

    for code, status, title in run(settings, work):
        print(f"{code}\t{status}\t{title}")
    return 0


def cmd_results(settings: Settings, args: argparse.Namespace) -> int:
    async def work(container: Container) -> views.ProjectResults | None:
        async with container.reading() as uow:
            return await views.project_results(uow, args.project.upper(), container.clock())

    results = run(settings, work)
    if results is None:
        raise CliError(_("no project with code {code}").format(code=args.project))
    if args.format == "json":
        print(json.dumps(results.to_json(), ensure_ascii=False, indent=2))
    else:
        from web.exports import results_csv

        sys.stdout.write(results_csv(results))
    return 0
