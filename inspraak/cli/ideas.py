"""``inspraak ideas import``: ideas collected on paper or at a meeting, from a CSV file;
``inspraak round shortlist``: the items a round would get from its ideas round."""

from __future__ import annotations

import argparse

from config.settings import Settings
from core.domain import commands as c
from core.domain.model import RoundKind
from core.services import audit
from core.services import shortlist as service
from core.services.idea_file import MAX_BYTES, InvalidIdeaFile
from core.views import shortlist as views
from inspraak.bootstrap import Container
from inspraak.cli.running import CliError, round_id, run
from inspraak.terminal import _, language


def _read(args: argparse.Namespace) -> bytes:
    try:
        with args.file.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise CliError(
            _("cannot read {file}: {reason}").format(file=args.file, reason=error.strerror)
        ) from error
    return data


def cmd_ideas_import(settings: Settings, args: argparse.Namespace) -> int:
    data = _read(args)

    async def work(container: Container) -> dict[str, int]:
        found = await round_id(container, args.project, args.round)
        async with container.reading() as uow:
            rnd = await uow.projects.round(found)
        if rnd is None or rnd.kind != RoundKind.IDEAS:
            raise CliError(_("round {round} is not an ideas round").format(round=args.round))
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
        raise CliError(
            "\n".join(
                [
                    _("{file}: nothing was imported").format(file=args.file.name),
                    *error.lines(language()),
                ]
            )
        ) from error
    print(
        _("imported {added} ideas into {round}; {waiting} wait for review").format(
            added=result["added"], round=args.round, waiting=result["waiting"]
        )
    )
    return 0


def cmd_shortlist(settings: Settings, args: argparse.Namespace) -> int:
    """Without --top and --theme: the round's stored choice (all items when none was made)."""
    chosen = bool(args.theme) or args.top is not None
    if args.top is not None and not 1 <= args.top <= service.MAX_TOP:
        raise CliError(_("--top must be between 1 and {most}").format(most=service.MAX_TOP))

    async def work(container: Container) -> list[views.Candidate]:
        found = await round_id(container, args.project, args.round)
        if args.apply:
            command = c.ApplyShortlist(found, tuple(args.theme or ()), args.top)
            result: list[views.Candidate] = await container.bus.handle(
                command if chosen else c.ApplyShortlist(found)
            )
            return result
        async with container.reading() as uow:
            rnd = await uow.projects.round(found)
            rounds = await uow.projects.rounds(rnd.project_id) if rnd else []
            source = next((r for r in rounds if rnd and r.key == rnd.items_from), None)
            if rnd is None or source is None:
                raise CliError(
                    _("round {round} takes no items from an ideas round").format(round=args.round)
                )
            stored = service.choice(rnd)
            themes = (args.theme or ()) if chosen else stored["themes"]
            top = args.top if chosen else stored["top"]
            return await views.shortlist(uow, source.id or 0, themes, top)

    for candidate in run(settings, work):
        print(f"{candidate.idea_id}\t{candidate.supporters}\t{candidate.ideas}\t{candidate.text}")
    return 0
