"""``inspraak ideas import``: ideas collected on paper or at a meeting, from a CSV file;
``inspraak round shortlist``: the items a round would get from its ideas round."""

from __future__ import annotations

import argparse

from config.settings import Settings
from core.domain import commands as c
from core.domain.model import RoundKind
from core.services import audit
from core.services.idea_file import MAX_BYTES, InvalidIdeaFile
from core.views import shortlist as views
from inspraak.bootstrap import Container
from inspraak.cli.running import CliError, round_id, run


def _read(args: argparse.Namespace) -> bytes:
    try:
        with args.file.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise CliError(f"cannot read {args.file}: {error.strerror}") from error
    return data


def cmd_ideas_import(settings: Settings, args: argparse.Namespace) -> int:
    data = _read(args)

    async def work(container: Container) -> dict[str, int]:
        found = await round_id(container, args.project, args.round)
        async with container.reading() as uow:
            rnd = await uow.projects.round(found)
        if rnd is None or rnd.kind != RoundKind.IDEAS:
            raise CliError(f"round {args.round} is not an ideas round")
        result: dict[str, int] = await container.bus.handle(c.ImportIdeas(found, data))
        async with container.uow() as uow:
            project = await uow.projects.get(rnd.project_id)
            await audit.note_command_line(
                uow,
                "ideas.import",
                f"round:{args.project.upper()}/{args.round}",
                project.organisation_id if project else None,
                round=args.round,
                **result,
            )
            await uow.commit()
        return result

    try:
        result = run(settings, work)
    except InvalidIdeaFile as error:
        raise CliError(f"{args.file.name}: nothing was imported\n{error}") from error
    print(
        f"imported {result['added']} ideas into {args.round}; {result['waiting']} wait for review"
    )
    return 0


def cmd_shortlist(settings: Settings, args: argparse.Namespace) -> int:
    async def work(container: Container) -> list[views.Candidate]:
        found = await round_id(container, args.project, args.round)
        if args.apply:
            themes = tuple(args.theme) if args.theme else ()
            result: list[views.Candidate] = await container.bus.handle(
                c.ApplyShortlist(found, themes, args.top)
            )
            return result
        async with container.reading() as uow:
            rnd = await uow.projects.round(found)
            source = (
                next(
                    r for r in await uow.projects.rounds(rnd.project_id) if r.key == rnd.items_from
                )
                if rnd and rnd.items_from
                else None
            )
            if source is None:
                raise CliError(f"round {args.round} takes no items from an ideas round")
            return await views.shortlist(uow, source.id or 0, args.theme or (), args.top)

    for candidate in run(settings, work):
        print(f"{candidate.idea_id}\t{candidate.supporters}\t{candidate.ideas}\t{candidate.text}")
    return 0
