"""CLI: Pol.is import and export, and the opinion analysis of a statements round."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from config.settings import Settings
from core.services.polis.files import PolisFormatError
from core.services.polis.transfer import (
    ImportReport,
    export_conversation,
    find_round,
    import_conversation,
    read_folder,
)
from core.services.polis.writing import write_conversation
from inspraak.bootstrap import Container


def register(sub: Any) -> None:
    """Add ``import-polis``, ``export-polis`` and ``analyse`` to the ``inspraak`` command."""
    imp = sub.add_parser(
        "import-polis", help="import a Pol.is export folder as a project with one statements round"
    )
    imp.add_argument("folder", type=Path, help="folder with comments.csv and votes.csv")
    imp.add_argument("--project", required=True, help="code of the new project")
    imp.add_argument("--round", default="polis", help="key of the statements round (polis)")
    imp.add_argument("--title", default="", help="project title (default: the Pol.is topic)")
    imp.set_defaults(func=cmd_import_polis)

    exp = sub.add_parser("export-polis", help="write a statements round as a Pol.is export folder")
    exp.add_argument("project")
    exp.add_argument("--round", help="key of the statements round (needed when there are more)")
    exp.add_argument("--out", type=Path, required=True, help="folder to write the four files to")
    exp.set_defaults(func=cmd_export_polis)

    ana = sub.add_parser("analyse", help="opinion groups and consensus of a statements round")
    ana.add_argument("project")
    ana.add_argument("--round", help="key of the statements round (needed when there are more)")
    ana.add_argument("--format", choices=("json",), default="json")
    ana.set_defaults(func=cmd_analyse)


def _run(settings: Settings, work: Any) -> Any:
    from inspraak.cli import _run as run

    return run(settings, work)


def _cli_error(message: str) -> Exception:
    from inspraak.cli import CliError

    return CliError(message)


def cmd_import_polis(settings: Settings, args: argparse.Namespace) -> int:
    if not args.folder.is_dir():
        raise _cli_error(f"{args.folder} is not a folder")
    try:
        conversation, first_votes = read_folder(args.folder)
    except PolisFormatError as error:
        raise _cli_error(f"{args.folder}/{error}") from error

    async def work(container: Container) -> ImportReport:
        async with container.uow() as uow:
            report = await import_conversation(
                uow,
                conversation,
                first_votes,
                code=args.project,
                secret_key=container.secret_key,
                round_key=args.round,
                title=args.title,
            )
            await uow.commit()
            return report

    report: ImportReport = _run(settings, work)
    print(
        f"imported {report.project_code} round {report.round_key}: {report.statements} "
        f"statements (+{report.moderated_out} moderated out), {report.residents} residents, "
        f"{report.votes} votes",
        file=sys.stderr,
    )
    if report.ignored_votes:
        print(f"ignored {report.ignored_votes} votes on unknown statements", file=sys.stderr)
    print(report.project_code)
    return 0


def cmd_export_polis(settings: Settings, args: argparse.Namespace) -> int:
    async def work(container: Container) -> Any:
        async with container.uow() as uow:
            rnd = await find_round(uow, args.project, args.round)
            return await export_conversation(uow, rnd, container.analyses)

    conversation, groups = _run(settings, work)
    write_conversation(args.out, conversation, groups)
    print(f"wrote {len(conversation.votes)} votes to {args.out}", file=sys.stderr)
    return 0


def cmd_analyse(settings: Settings, args: argparse.Namespace) -> int:
    async def work(container: Container) -> dict[str, Any]:
        async with container.uow() as uow:
            rnd = await find_round(uow, args.project, args.round)
            assert rnd.id is not None
            found = await container.analyses.result(uow, rnd.id)
            return found.result.summary_json()

    print(json.dumps(_run(settings, work), ensure_ascii=False, indent=2))
    return 0
