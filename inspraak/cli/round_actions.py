"""``inspraak round open|close|publish|unpublish``: say what will happen, ask, then do it.

The same figures as the web area's confirmation pages. In a terminal the command asks before
going ahead (``--yes`` skips the question); from a script (no terminal) it goes ahead and
prints what it did.
"""

from __future__ import annotations

import argparse
import sys

from config.settings import Settings
from core.domain import commands as c
from core.domain.model import RoundAction
from core.services.round_actions import ActionPreview, preview_action
from inspraak.bootstrap import Container
from inspraak.cli.running import CliError, round_id, run

COMMANDS = {
    RoundAction.OPEN: c.OpenRound,
    RoundAction.CLOSE: c.CloseRound,
    RoundAction.PUBLISH: c.PublishResults,
    RoundAction.UNPUBLISH: c.UnpublishResults,
}


def describe(p: ActionPreview) -> str:
    """What the action will do, in one or two lines."""
    key = p.round.key
    if p.action == RoundAction.OPEN:
        return f"round {key} opens now; {p.reach} residents get a message"
    if p.action == RoundAction.CLOSE:
        return f"round {key} closes now; {p.unfinished} residents have not finished it"
    if p.action == RoundAction.PUBLISH:
        text = f"the results of round {key} become public; {p.reach} residents get a message"
        if p.waiting.total:
            text += (
                f"\nwarning: {p.waiting.total} contributions still wait for moderation"
                f" ({p.waiting.hidden} of them not shown until approved)"
            )
        return text
    return (
        f"the results of round {key} are taken back; {p.messages.sent} results messages were"
        f" sent already, {p.messages.pending} not sent yet are withdrawn"
    )


def refusal(p: ActionPreview) -> str:
    return f"cannot {p.action.value} round {p.round.key}: it is {p.phase.value}" + (
        ", results published" if p.round.results_published_at else ""
    )


def cmd_round_action(settings: Settings, args: argparse.Namespace) -> int:
    action = RoundAction(args.action)

    async def look(container: Container) -> tuple[int, ActionPreview]:
        found = await round_id(container, args.project, args.round)
        async with container.reading() as uow:
            rnd = await uow.projects.round(found)
            project = await uow.projects.get(rnd.project_id) if rnd else None
            assert rnd is not None and project is not None
            return found, await preview_action(uow, project, rnd, action, container.clock())

    found, preview = run(settings, look)
    if not preview.available:
        raise CliError(refusal(preview))
    print(describe(preview), file=sys.stderr)
    asking = not args.yes and sys.stdin.isatty()
    if asking and input("Go ahead? [y/N] ").strip().lower() not in ("y", "yes", "j", "ja"):
        raise CliError("nothing was done")

    async def work(container: Container) -> str:
        result = await container.bus.handle(COMMANDS[action](found))
        if action in (RoundAction.OPEN, RoundAction.CLOSE):
            return f"round {args.round} of {args.project.upper()} is {result.state.value}"
        if action == RoundAction.PUBLISH:
            return f"{int(result or 0)} messages queued; the running inspraak sends them"
        return f"results of round {args.round} taken back; {int(result or 0)} messages withdrawn"

    print(run(settings, work))
    return 0
