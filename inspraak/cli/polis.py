"""``inspraak import-polis|export-polis|analyse``: Pol.is folders and the opinion analysis.

Each command imports what it needs when it runs: ``analyse`` is a short process, and the
import machinery (the dialogue engine, the spreadsheet writers) would double its start-up.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from inspraak.cli.running import CliError, run
from inspraak.terminal import _, language

if TYPE_CHECKING:
    from config.settings import Settings
    from core.services.polis.transfer import ImportReport
    from inspraak.bootstrap import Container


def cmd_import_polis(settings: Settings, args: argparse.Namespace) -> int:
    from core.services.polis.files import PolisFormatError
    from core.services.polis.transfer import import_conversation, read_folder

    if not args.folder.is_dir():
        raise CliError(_("{folder} is not a folder").format(folder=args.folder))
    try:
        conversation, first_votes = read_folder(args.folder)
    except PolisFormatError as error:
        raise CliError(f"{args.folder}/{error.said.in_language(language())}") from error

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

    report = run(settings, work)
    print(
        _(
            "imported {code} round {round}: {statements} statements (+{moderated} moderated"
            " out), {residents} residents, {votes} votes"
        ).format(
            code=report.project_code,
            round=report.round_key,
            statements=report.statements,
            moderated=report.moderated_out,
            residents=report.residents,
            votes=report.votes,
        ),
        file=sys.stderr,
    )
    if report.ignored_votes:
        ignored = _("ignored {votes} votes on unknown statements")
        print(ignored.format(votes=report.ignored_votes), file=sys.stderr)
    print(report.project_code)
    return 0


def cmd_export_polis(settings: Settings, args: argparse.Namespace) -> int:
    from core.services.polis.rounds import find_round
    from core.services.polis.transfer import export_conversation
    from core.services.polis.writing import write_conversation

    async def work(container: Container) -> Any:
        async with container.uow() as uow:
            rnd = await find_round(uow, args.project, args.round)
            return await export_conversation(uow, rnd, container.analyses)

    conversation, groups = run(settings, work)
    write_conversation(args.out, conversation, groups)
    wrote = _("wrote {votes} votes to {folder}")
    print(wrote.format(votes=len(conversation.votes), folder=args.out), file=sys.stderr)
    return 0


def cmd_analyse(settings: Settings, args: argparse.Namespace) -> int:
    from core.services.polis.rounds import find_round

    async def work(container: Container) -> dict[str, Any]:
        async with container.uow() as uow:
            rnd = await find_round(uow, args.project, args.round)
            assert rnd.id is not None
            found = await container.analyses.result(uow, rnd.id)
            return found.result.summary_json()

    print(json.dumps(run(settings, work), ensure_ascii=False, indent=2))
    return 0
