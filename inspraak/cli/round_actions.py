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
from core.i18n import N_
from core.labels import label
from core.services.round_actions import ActionPreview, preview_action
from inspraak.bootstrap import Container
from inspraak.cli.running import CliError, round_id, run
from inspraak.terminal import _, catalog

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
        text = _("round {key} opens now; {reach} residents get a message")
    elif p.action == RoundAction.CLOSE:
        text = _("round {key} closes now; {unfinished} residents have not finished it")
    elif p.action == RoundAction.PUBLISH:
        text = _("the results of round {key} become public; {reach} residents get a message")
        if p.waiting.total:
            text += "\n" + _(
                "warning: {waiting} contributions still wait for moderation"
                " ({hidden} of them not shown until approved)"
            )
    else:
        text = _(
            "the results of round {key} are taken back; {sent} results messages were sent"
            " already, {pending} not sent yet are withdrawn"
        )
    return text.format(
        key=key,
        reach=p.reach,
        unfinished=p.unfinished,
        waiting=p.waiting.total,
        hidden=p.waiting.hidden,
        sent=p.messages.sent,
        pending=p.messages.pending,
    )


REFUSED = {
    RoundAction.OPEN: N_("cannot open round {key}: it is {state}"),
    RoundAction.CLOSE: N_("cannot close round {key}: it is {state}"),
    RoundAction.PUBLISH: N_("cannot publish round {key}: it is {state}"),
    RoundAction.UNPUBLISH: N_("cannot take back round {key}: it is {state}"),
}


def refusal(p: ActionPreview) -> str:
    state = label(p.phase.value, "round_state", catalog())
    text = _(REFUSED[p.action]).format(key=p.round.key, state=state)
    return text + (", " + _("results published") if p.round.results_published_at else "")


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
    if asking and input(_("Go ahead? [y/N] ")).strip().lower() not in ("y", "yes", "j", "ja"):
        raise CliError(_("nothing was done"))

    async def work(container: Container) -> str:
        result = await container.bus.handle(COMMANDS[action](found))
        if action in (RoundAction.OPEN, RoundAction.CLOSE):
            state = label(result.state.value, "round_state", catalog())
            return _("round {key} of {code} is {state}").format(
                key=args.round, code=args.project.upper(), state=state
            )
        if action == RoundAction.PUBLISH:
            queued = _("{count} messages queued; the running inspraak sends them")
            return queued.format(count=int(result or 0))
        taken = _("results of round {key} taken back; {count} messages withdrawn")
        return taken.format(key=args.round, count=int(result or 0))

    print(run(settings, work))
    return 0
