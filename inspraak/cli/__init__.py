"""The ``inspraak`` command line.

Starting it costs little: the parser (``parser.py``) is plain argparse, and each command's
module (``projects``, ``rounds``, ``users``, ``polis``, ``bots``, ``serving``) is imported
when that command runs, with what it needs (SQLAlchemy, the analysis, aiogram, uvicorn).
"""

from __future__ import annotations

import logging
import sys

from inspraak.cli.parser import build_parser
from inspraak.cli.running import CliError, run_loop
from inspraak.terminal import _, speak

__all__ = ["CliError", "build_parser", "main", "run_loop"]


def main(argv: list[str] | None = None) -> int:
    speak()  # argparse's texts in the terminal's language too
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # Alembic announces its plugins and dialect at INFO on every command: noise on a terminal.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # WeasyPrint (the report's PDF) warns about every screen-only CSS property it skips.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    from pydantic import ValidationError

    from config.settings import SettingError, Settings
    from core.domain.errors import DomainError, ProjectFileError

    try:
        settings = Settings()
    except ValidationError as error:
        from inspraak.cli.refusals import explain_settings

        said = explain_settings(error)
        print("inspraak: " + _("configuration error: {error}").format(error=said), file=sys.stderr)
        return 1
    try:
        result = args.func(settings, args)
        return int(result or 0)
    except (CliError, ProjectFileError, DomainError) as error:
        from inspraak.cli.refusals import explain

        print(f"inspraak: {explain(error)}", file=sys.stderr)
        return 1
    except SettingError as error:  # a setting read only when a command needs it
        said = _(error.msgid).format(**error.values)
        print("inspraak: " + _("configuration error: {error}").format(error=said), file=sys.stderr)
        return 1
    except ValueError as error:  # a value a command could not use: said, not a traceback
        print(f"inspraak: {error}", file=sys.stderr)
        return 1
    except Exception as error:
        from core.storage.db import unreachable

        reason = unreachable(error)
        if reason is None:
            raise  # a bug: its traceback is what a developer needs
        said = _("the database cannot be used ({reason}); check INSPRAAK_DATABASE_URL")
        print("inspraak: " + said.format(reason=reason), file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
