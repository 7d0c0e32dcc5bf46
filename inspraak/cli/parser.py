"""Every command and option of ``inspraak``, in argparse alone.

A command names its handler as ``Handler(module, function)``; the module (beside this one) is
imported only when the command runs, so building the parser, and ``inspraak --help``, loads
neither the web app, the channels nor the analysis.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.i18n import N_
from inspraak.terminal import _

if TYPE_CHECKING:
    from config.settings import Settings

Subparsers = Any  # argparse names no public type for what ``add_subparsers`` returns


@dataclass(frozen=True)
class Handler:
    """A command's function, imported from ``inspraak.cli.<module>`` when the command runs."""

    module: str
    function: str

    def __call__(self, settings: Settings, args: argparse.Namespace) -> int | None:
        found = getattr(importlib.import_module(f"inspraak.cli.{self.module}"), self.function)
        result: int | None = found(settings, args)
        return result


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="inspraak", description=_("Participation rounds in the chat apps residents use.")
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"inspraak {_installed_version()}",
        help=_("show the installed version and exit"),
    )
    sub = parser.add_subparsers(metavar="COMMAND")
    groups: list[Callable[[Subparsers], None]] = [
        _serve,
        _db,
        _project,
        _round,
        _results,
        _organise,
        _ideas,
        _user,
        _polis,
        _bot,
        _simulate,
    ]
    for add in groups:
        add(sub)
    return parser


def _installed_version() -> str:
    """The version pip installed (what an operator compares with a release's notes)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("inspraak")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "0+unknown"


def _serve(sub: Subparsers) -> None:
    serve = sub.add_parser("serve", help=_("run the web app and every enabled channel"))
    serve.add_argument("--host", help=_("address to listen on (default INSPRAAK_HOST)"))
    serve.add_argument("--port", type=int, help=_("port (default INSPRAAK_PORT)"))
    serve.add_argument("--no-demo", action="store_true", help=_("do not load the demo project"))
    serve.add_argument(
        "--no-scheduler",
        action="store_true",
        help=_("do not schedule rounds or send broadcasts (extra web workers)"),
    )
    serve.set_defaults(func=Handler("serving", "cmd_serve"))


def _db(sub: Subparsers) -> None:
    db = sub.add_parser("db", help=_("database schema")).add_subparsers(metavar="ACTION")
    upgrade = db.add_parser("upgrade", help=_("apply the migrations"))
    upgrade.set_defaults(func=Handler("projects", "cmd_db_upgrade"))
    backup = db.add_parser(
        "backup", help=_("a checked copy of the SQLite database, also while inspraak runs")
    )
    backup.add_argument("file", type=Path, help=_("the new file to write"))
    backup.set_defaults(func=Handler("projects", "cmd_db_backup"))


def _project(sub: Subparsers) -> None:
    project = sub.add_parser("project", help=_("project files")).add_subparsers(metavar="ACTION")
    imp = project.add_parser("import", help=_("create or update a project from a TOML file"))
    imp.add_argument("file", type=Path)
    imp.set_defaults(func=Handler("projects", "cmd_project_import"))
    exp = project.add_parser("export", help=_("write a project as a TOML file"))
    exp.add_argument("project")
    exp.add_argument("--out", type=Path, help=_("file to write (default: standard output)"))
    exp.set_defaults(func=Handler("projects", "cmd_project_export"))
    lst = project.add_parser("list", help=_("list the projects"))
    lst.set_defaults(func=Handler("projects", "cmd_project_list"))
    _project_life(project)


def _project_life(project: Subparsers) -> None:
    """Deleting, closing, archiving and copying projects; templates."""
    for name, text in (
        ("delete", N_("delete a project no resident joined and no round of which opened")),
        ("close", N_("close a project: open rounds close, planned ones stop, retention starts")),
        ("archive", N_("put a closed project in the archive")),
    ):
        p = project.add_parser(name, help=_(text))
        p.add_argument("project")
        if name == "archive":
            p.add_argument("--undo", action="store_true", help=_("take it out of the archive"))
        p.set_defaults(func=Handler("lifecycle", f"cmd_{name}"))
    copy = project.add_parser("copy", help=_("a draft copy: rounds, texts, settings, no answers"))
    copy.add_argument("project")
    copy.add_argument("code", help=_("code of the copy"))
    copy.add_argument("--title", default="", help=_("title of the copy (default: the same)"))
    copy.set_defaults(func=Handler("lifecycle", "cmd_copy"))
    new = project.add_parser("new", help=_("a draft project from a template; prints its code"))
    new.add_argument("--template", required=True, help=_("a name from 'project templates'"))
    new.add_argument("--code", required=True)
    new.add_argument("--organisation", required=True, help=_("the organisation's short name"))
    new.add_argument("--title", default="", help=_("default: the template's title"))
    new.set_defaults(func=Handler("lifecycle", "cmd_new"))
    lst = project.add_parser("templates", help=_("list the templates: name, whose, title"))
    lst.set_defaults(func=Handler("lifecycle", "cmd_templates"))
    save = project.add_parser("save-template", help=_("keep a project as a template"))
    save.add_argument("project")
    save.add_argument("--name", required=True)
    save.add_argument("--description", default="")
    save.set_defaults(func=Handler("lifecycle", "cmd_save_template"))
    drop = project.add_parser("delete-template", help=_("delete an own template (own:N)"))
    drop.add_argument("template")
    drop.set_defaults(func=Handler("lifecycle", "cmd_delete_template"))


def _round(sub: Subparsers) -> None:
    rnd = sub.add_parser("round", help=_("open or close a round")).add_subparsers(metavar="ACTION")
    for action, text in (
        ("open", N_("open a round now and message the residents it reaches")),
        ("close", N_("close a round now")),
        ("publish", N_("publish the results and tell every participant")),
        ("unpublish", N_("take published results back (withdraws messages not sent yet)")),
    ):
        says = _("{action}; says what will happen and asks first").format(action=_(text))
        p = rnd.add_parser(action, help=says)
        p.add_argument("project")
        p.add_argument("round")
        p.add_argument("--yes", action="store_true", help=_("do not ask"))
        p.set_defaults(func=Handler("round_actions", "cmd_round_action"), action=action)
    status = rnd.add_parser("status", help=_("how a round's messages are doing"))
    status.add_argument("project")
    status.add_argument("round")
    status.add_argument("--json", action="store_true", help=_("print JSON"))
    status.set_defaults(func=Handler("rounds", "cmd_status"))
    for name, text in (
        ("prompt", N_("queue the round's prompt for residents who did not get it yet")),
        ("remind", N_("queue a reminder for residents who have not finished the round")),
    ):
        p = rnd.add_parser(name, help=_(text))
        p.add_argument("project")
        p.add_argument("round")
        if name == "remind":
            p.add_argument(
                "--number", type=_whole, default=0, help=_("which reminder (0, 1, ...)")
            )
        p.set_defaults(func=Handler("rounds", "cmd_broadcast"), action=name)
    short = rnd.add_parser(
        "shortlist",
        help=_("list the items a round would get from its ideas round (and fix them: --apply)"),
        description=_("One line per item: idea id, supporters, original ideas, text."),
    )
    short.add_argument("project")
    short.add_argument("round", help=_("the rating or statements round"))
    short.add_argument("--top", type=int, help=_("only the N most supported"))
    short.add_argument("--theme", action="append", help=_("only ideas in this theme (repeatable)"))
    short.add_argument(
        "--apply", action="store_true", help=_("fix the round's items to this list")
    )
    short.set_defaults(func=Handler("ideas", "cmd_shortlist"))


def _ideas(sub: Subparsers) -> None:
    ideas = sub.add_parser("ideas", help=_("ideas from elsewhere")).add_subparsers(
        metavar="ACTION"
    )
    imp = ideas.add_parser(
        "import",
        help=_("add ideas collected on paper or at a meeting from a CSV file"),
        description=_(
            "Columns: text (required), wijk and source (optional). UTF-8, separated by"
            " commas or semicolons. A file with any problem adds nothing."
        ),
    )
    imp.add_argument("project")
    imp.add_argument("round", help=_("the ideas round"))
    imp.add_argument("file", type=Path)
    imp.set_defaults(func=Handler("ideas", "cmd_ideas_import"))


def _results(sub: Subparsers) -> None:
    res = sub.add_parser("results", help=_("print a project's results"))
    res.add_argument("project")
    res.add_argument("--format", choices=("json", "csv"), default="json")
    res.set_defaults(func=Handler("projects", "cmd_results"))


def _strictness(text: str) -> float:
    try:
        value = float(text.replace(",", "."))  # 0,5 as a Dutch terminal writes it
    except ValueError:
        value = float("nan")
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(
            _("{text!r} is not a number from 0 to 1").format(text=text)
        )
    return value


def _whole(text: str) -> int:
    """A whole number of 0 or more (argparse's own ``int`` takes -1)."""
    if not text.strip().isdigit():
        raise argparse.ArgumentTypeError(
            _("{text!r} is not a whole number of 0 or more").format(text=text)
        )
    return int(text)


def _organise(sub: Subparsers) -> None:
    org = sub.add_parser(
        "organise",
        help=_("organise an ideas round: suggested clusters of its approved ideas"),
        description=_(
            "With --suggest: every approved idea of the round in exactly one suggested"
            " cluster of ideas that say the same (ids as in `inspraak results`)."
        ),
    )
    org.add_argument("project")
    org.add_argument("round", help=_("key of the ideas round"))
    org.add_argument("--suggest", action="store_true", help=_("print suggested clusters"))
    org.add_argument(
        "--strictness",
        type=_strictness,
        default=0.5,
        help=_("0 (loose: larger clusters) to 1 (strict: smaller clusters); default 0.5"),
    )
    org.add_argument("--format", choices=("text", "json"), default="text")
    org.set_defaults(func=Handler("organising", "cmd_organise"))


def _simulate(sub: Subparsers) -> None:
    sim = sub.add_parser(
        "simulate",
        help=_("let simulated residents take part in the demo project (for trying out)"),
        description=_(
            "Simulated residents answer the project's open rounds through the real"
            " dialogue (web chat), so its pages, report and exports have something to show."
            " Only the demo project unless --not-the-demo: the answers are indistinguishable"
            " from real ones."
        ),
    )
    sim.add_argument("--project", default="DEMO")
    sim.add_argument("--residents", type=int, default=40)
    sim.add_argument("--seed", type=int, default=1)
    sim.add_argument("--publish", action="store_true", help=_("publish every round afterwards"))
    sim.add_argument("--not-the-demo", action="store_true", help=_("allow another project"))
    sim.set_defaults(func=Handler("simulating", "cmd_simulate"))


def _user(sub: Subparsers) -> None:
    user = sub.add_parser("user", help=_("accounts for the web area")).add_subparsers(
        metavar="ACTION"
    )
    create = user.add_parser("create", help=_("create an account; prints a one-time password"))
    create.add_argument("--email", required=True)
    create.add_argument("--role", required=True, choices=("admin", "facilitator", "viewer"))
    create.add_argument(
        "--organisation", help=_("organisation slug (required for facilitators and viewers)")
    )
    create.set_defaults(func=Handler("users", "cmd_user_create"))
    token = user.add_parser("token", help=_("create an API token for an account; prints it"))
    token.add_argument("--email", required=True)
    token.set_defaults(func=Handler("users", "cmd_user_token"))
    tokens = user.add_parser("tokens", help=_("list an account's API tokens"))
    tokens.add_argument("--email", required=True)
    tokens.set_defaults(func=Handler("users", "cmd_user_tokens"))
    revoke = user.add_parser("revoke-token", help=_("revoke one of an account's API tokens"))
    revoke.add_argument("--email", required=True)
    revoke.add_argument("--id", type=int, required=True, help=_("the number from `user tokens`"))
    revoke.set_defaults(func=Handler("users", "cmd_user_revoke_token"))
    for action, disabled, text in (
        ("disable", True, N_("disable an account: its sessions end, its API tokens stop working")),
        ("enable", False, N_("enable a disabled account again")),
    ):
        switch = user.add_parser(action, help=_(text))
        switch.add_argument("--email", required=True)
        switch.set_defaults(func=Handler("users", "cmd_user_disable"), disabled=disabled)
    lst = user.add_parser("list", help=_("list the accounts"))
    lst.set_defaults(func=Handler("users", "cmd_user_list"))


def _polis(sub: Subparsers) -> None:
    imp = sub.add_parser(
        "import-polis",
        help=_("import a Pol.is export folder as a project with one statements round"),
    )
    imp.add_argument("folder", type=Path, help=_("folder with comments.csv and votes.csv"))
    imp.add_argument("--project", required=True, help=_("code of the new project"))
    imp.add_argument("--round", default="polis", help=_("key of the statements round (polis)"))
    imp.add_argument("--title", default="", help=_("project title (default: the Pol.is topic)"))
    imp.set_defaults(func=Handler("polis", "cmd_import_polis"))

    exp = sub.add_parser(
        "export-polis", help=_("write a statements round as a Pol.is export folder")
    )
    exp.add_argument("project")
    exp.add_argument("--round", help=_("key of the statements round (needed when there are more)"))
    exp.add_argument(
        "--out", type=Path, required=True, help=_("folder to write the four files to")
    )
    exp.set_defaults(func=Handler("polis", "cmd_export_polis"))

    ana = sub.add_parser("analyse", help=_("opinion groups and consensus of a statements round"))
    ana.add_argument("project")
    ana.add_argument("--round", help=_("key of the statements round (needed when there are more)"))
    ana.add_argument("--format", choices=("json",), default="json")
    ana.set_defaults(func=Handler("polis", "cmd_analyse"))


def _bot(sub: Subparsers) -> None:
    bot = sub.add_parser("bot", help=_("Telegram bots (one per municipality)")).add_subparsers(
        metavar="ACTION"
    )
    add = bot.add_parser("add", help=_("store a bot from its BotFather token"))
    add.add_argument("--token", required=True, help=_("the token BotFather gave"))
    add.add_argument("--organisation", required=True, help=_("organisation slug, e.g. gemeente-b"))
    add.add_argument("--name", help=_("the organisation's display name (when new)"))
    add.add_argument(
        "--project", action="append", default=[], help=_("project code this bot serves (repeat)")
    )
    add.set_defaults(func=Handler("bots", "cmd_bot_add"))
    lst = bot.add_parser("list", help=_("list the stored bots and their projects"))
    lst.set_defaults(func=Handler("bots", "cmd_bot_list"))
    bind = bot.add_parser("bind", help=_("let a project be joined through a bot"))
    bind.add_argument("project")
    bind.add_argument("bot", help=_("@username or id of the bot; 'default' for the default bot"))
    bind.set_defaults(func=Handler("bots", "cmd_bot_bind"))
