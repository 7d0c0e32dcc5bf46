"""``inspraak round status|prompt|remind``: broadcasts from the command line (opening,
closing and publishing are in ``round_actions``)."""

from __future__ import annotations

import argparse
import json

from config.settings import Settings
from core.domain import commands as c
from core.views.broadcast import BroadcastProgress, broadcast_progress
from inspraak.bootstrap import Container
from inspraak.cli.running import round_id, run


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
    lines = [
        f"round {p.round} of {p.project}: {p.total} messages",
        f"  sent      {p.sent}",
        f"  pending   {p.pending + p.sending}"
        + (f" ({p.held} held until {p.next_attempt_at:%Y-%m-%d %H:%M} UTC)" if p.held else ""),
        f"  failed    {p.failed}",
        f"  blocked   {p.blocked}",
        f"  cancelled {p.cancelled}",
        f"  rate      {p.rate:.1f} messages/s (last minute)",
        f"  ETA       {eta}",
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
    print(f"{count} messages queued; the running inspraak sends them")
    return 0
