"""``inspraak round status|prompt|remind``: broadcasts from the command line (opening,
closing and publishing are in ``round_actions``)."""

from __future__ import annotations

import argparse
import json

from config.settings import Settings
from core.domain import commands as c
from core.i18n import format_number, format_when
from core.views.broadcast import BroadcastProgress, broadcast_progress
from inspraak.bootstrap import Container
from inspraak.cli.running import round_id, run
from inspraak.terminal import _, language


def cmd_status(settings: Settings, args: argparse.Namespace) -> int:
    async def work(container: Container) -> BroadcastProgress:
        await round_id(container, args.project, args.round)
        async with container.reading() as uow:
            found = await broadcast_progress(
                uow, args.project.upper(), args.round, container.clock()
            )
        assert found is not None
        return found

    progress = run(settings, work)
    if args.json:
        print(json.dumps(progress.to_json(), ensure_ascii=False, indent=2))
    else:
        print(format_progress(progress))
    return 0


def format_progress(p: BroadcastProgress) -> str:
    eta = "-" if p.eta_seconds is None else _duration(p.eta_seconds)
    held = ""
    if p.held:
        until = format_when(p.next_attempt_at, language())
        held = " " + _("({held} held until {until})").format(held=p.held, until=until)
    lines = [
        _("round {round} of {project}: {total} messages").format(
            round=p.round, project=p.project, total=p.total
        ),
        _("  sent      {n}").format(n=p.sent),
        _("  pending   {n}").format(n=p.pending + p.sending) + held,
        _("  failed    {n}").format(n=p.failed),
        _("  blocked   {n}").format(n=p.blocked),
        _("  cancelled {n}").format(n=p.cancelled),
        _("  rate      {rate} messages/s (last minute)").format(
            rate=format_number(p.rate, language(), 1)
        ),
        _("  ETA       {eta}").format(eta=eta),
    ]
    return "\n".join(lines)


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}h{minutes:02d}m{secs:02d}s" if hours else f"{minutes}m{secs:02d}s"


def cmd_broadcast(settings: Settings, args: argparse.Namespace) -> int:
    async def work(container: Container) -> int:
        found = await round_id(container, args.project, args.round)
        command: c.Command
        if args.action == "prompt":
            command = c.PromptRound(found)
        else:
            command = c.SendReminder(found, args.number)
        return int(await container.bus.handle(command) or 0)

    count = run(settings, work)
    print(_("{count} messages queued; the running inspraak sends them").format(count=count))
    return 0
