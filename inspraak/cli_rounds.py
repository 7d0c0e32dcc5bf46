"""``inspraak round status|prompt|remind|publish``: broadcasts from the command line."""

from __future__ import annotations

import argparse
import json
from typing import Any

from config.settings import Settings
from core.domain import commands as c
from core.views.broadcast import BroadcastProgress, broadcast_progress
from inspraak.bootstrap import Container
from inspraak.cli import CliError, _run


def register(subparsers: Any) -> None:
    """Add the broadcast actions to the ``round`` group of the main parser."""
    actions = _subcommands(subparsers, "round")
    status = actions.add_parser("status", help="how a round's messages are doing")
    status.add_argument("project")
    status.add_argument("round")
    status.add_argument("--json", action="store_true", help="print JSON")
    status.set_defaults(func=cmd_status)
    for name, text in (
        ("prompt", "queue the round's prompt for residents who did not get it yet"),
        ("remind", "queue a reminder for residents who have not finished the round"),
        ("publish", "publish the results and tell every participant"),
    ):
        p = actions.add_parser(name, help=text)
        p.add_argument("project")
        p.add_argument("round")
        if name == "remind":
            p.add_argument("--number", type=int, default=0, help="which reminder (0, 1, ...)")
        p.set_defaults(func=cmd_broadcast, action=name)


def _subcommands(subparsers: Any, name: str) -> Any:
    """The sub-command action of an existing group, or a new group when there is none."""
    parser = subparsers.choices.get(name)
    if parser is None:
        return subparsers.add_parser(name).add_subparsers(metavar="ACTION")
    for action in parser._actions:  # argparse keeps no public handle on a group's actions
        if isinstance(action, argparse._SubParsersAction):
            return action
    return parser.add_subparsers(metavar="ACTION")


async def _round_id(container: Container, code: str, key: str) -> int:
    async with container.uow() as uow:
        project = await uow.projects.by_code(code.upper())
        if project is None or project.id is None:
            raise CliError(f"no project with code {code}")
        rounds = {r.key: r for r in await uow.projects.rounds(project.id)}
    if key not in rounds:
        known = ", ".join(rounds) or "none"
        raise CliError(f"project {project.code} has no round {key} (rounds: {known})")
    return rounds[key].id or 0


def cmd_status(settings: Settings, args: argparse.Namespace) -> int:
    async def work(container: Container) -> BroadcastProgress:
        await _round_id(container, args.project, args.round)
        async with container.uow() as uow:
            found = await broadcast_progress(
                uow, args.project.upper(), args.round, container.clock()
            )
        assert found is not None
        return found

    progress = _run(settings, work)
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
        round_id = await _round_id(container, args.project, args.round)
        command: c.Command
        if args.action == "prompt":
            command = c.PromptRound(round_id)
        elif args.action == "remind":
            command = c.SendReminder(round_id, args.number)
        else:
            command = c.PublishResults(round_id)
        return int(await container.bus.handle(command) or 0)

    count = _run(settings, work)
    print(f"{count} messages queued; the running inspraak sends them")
    return 0
