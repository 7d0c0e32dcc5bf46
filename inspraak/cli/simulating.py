"""``inspraak simulate``: simulated residents for the demo project."""

from __future__ import annotations

import argparse

from config.settings import Settings
from inspraak.bootstrap import Container, load_demo_if_empty
from inspraak.cli.running import CliError, run
from inspraak.simulation import SimulationReport, simulate
from inspraak.terminal import _

DEMO = "DEMO"


def cmd_simulate(settings: Settings, args: argparse.Namespace) -> int:
    code = args.project.upper()
    if code != DEMO and not args.not_the_demo:
        raise CliError(
            _(
                "{code} is not the demo project: simulated answers cannot be told from real"
                " ones. Add --not-the-demo if this is a project for trying out."
            ).format(code=code)
        )
    if not 1 <= args.residents <= 10_000:
        raise CliError(_("--residents must be between 1 and 10000"))

    async def work(container: Container) -> SimulationReport:
        if code == DEMO:
            await load_demo_if_empty(container)
        async with container.reading() as uow:
            if await uow.projects.by_code(code) is None:
                raise CliError(_("no project with code {code}").format(code=code))
        return await simulate(
            container, code, args.residents, seed=args.seed, publish=args.publish
        )

    report = run(settings, work)
    answers = ", ".join(f"{n} {kind}" for kind, n in sorted(report.answers.items()))
    took_part = _("{residents} simulated residents took part in {code}: {answers}")
    answers = answers or _("no answers")
    print(took_part.format(residents=report.residents, code=code, answers=answers))
    if report.published:
        print(_("published: {rounds}").format(rounds=", ".join(report.published)))
    return 0
