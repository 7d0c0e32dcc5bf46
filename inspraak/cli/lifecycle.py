"""``inspraak project delete|close|archive|copy|new|templates|save-template|delete-template``."""

from __future__ import annotations

import argparse

from config.settings import Settings
from core import views
from core.domain import commands as c
from core.domain.errors import DomainError
from core.services import templates
from inspraak.bootstrap import Container
from inspraak.cli.refusals import explain
from inspraak.cli.running import CliError, run
from inspraak.terminal import _


def _send(settings: Settings, command: c.Command, code: str = "") -> object:
    """Run one command; a refusal becomes a one-line message."""

    async def work(container: Container) -> object:
        return await container.bus.handle(command)

    try:
        return run(settings, work)
    except DomainError as error:
        raise CliError(explain(error, code=code)) from error


def cmd_delete(settings: Settings, args: argparse.Namespace) -> int:
    code = args.project.upper()
    _send(settings, c.DeleteProject(code), code)
    print(_("deleted project {code}").format(code=code))
    return 0


def cmd_close(settings: Settings, args: argparse.Namespace) -> int:
    code = args.project.upper()
    _send(settings, c.CloseProject(code), code)
    print(_("closed project {code}").format(code=code))
    return 0


def cmd_archive(settings: Settings, args: argparse.Namespace) -> int:
    code = args.project.upper()
    _send(settings, c.ArchiveProject(code, not args.undo), code)
    done = _("took project {code} out of the archive") if args.undo else _("archived {code}")
    print(done.format(code=code))
    return 0


def cmd_copy(settings: Settings, args: argparse.Namespace) -> int:
    project = _send(settings, c.CopyProject(args.project.upper(), args.code, args.title))
    print(getattr(project, "code", ""))
    return 0


def cmd_new(settings: Settings, args: argparse.Namespace) -> int:
    fields = {"code": args.code, "organisation": args.organisation, "title": args.title}
    project = _send(settings, c.CreateFromTemplate(args.template, fields))
    print(getattr(project, "code", ""))
    return 0


def cmd_templates(settings: Settings, args: argparse.Namespace) -> int:
    for shipped in templates.SHIPPED:
        print(f"{shipped.slug}\tinspraak\t{shipped.name}")

    async def work(container: Container) -> list[dict[str, object]]:
        async with container.reading() as uow:
            return await views.own_templates(uow, None)

    for own in run(settings, work):
        print(f"{templates.OWN_PREFIX}{own['id']}\t{own['organisation']}\t{own['name']}")
    return 0


def cmd_save_template(settings: Settings, args: argparse.Namespace) -> int:
    code = args.project.upper()
    number = _send(settings, c.SaveTemplate(code, args.name, args.description), code)
    print(f"{templates.OWN_PREFIX}{number}")
    return 0


def cmd_delete_template(settings: Settings, args: argparse.Namespace) -> int:
    number = int(args.template.removeprefix(templates.OWN_PREFIX))
    _send(settings, c.DeleteTemplate(number))
    print(_("deleted template {template}").format(template=f"{templates.OWN_PREFIX}{number}"))
    return 0
