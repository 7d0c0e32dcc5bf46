"""The command line speaks the language of the terminal it runs in: Dutch when the locale says
so (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES`` or ``LANG``, e.g. ``nl_NL.UTF-8``), English
otherwise (also for ``C`` and ``POSIX``).

The command's own texts and argparse's ("usage:", "error:", "the following arguments are
required") come from inspraak's ``messages`` catalogs: :func:`speak` binds that domain for the
process through the standard library's GNU gettext API, which is what argparse reads. It is
called once, at the command's start (as ``logging.basicConfig`` is); nothing else in inspraak
reads the global domain, the web and the chat use a catalog per language (``core.i18n``).
"""

from __future__ import annotations

import gettext
from pathlib import Path

from core.i18n import DOMAIN, LOCALE_DIR, N_


def speak() -> None:
    """Let this process's command-line texts come from inspraak's catalogs."""
    gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    gettext.textdomain(DOMAIN)


def catalog() -> gettext.NullTranslations:
    """The catalog of the terminal's language (read from the environment at each call)."""
    return gettext.translation(DOMAIN, str(LOCALE_DIR), fallback=True)


def language() -> str:
    """``nl`` or ``en``: the language of :func:`catalog`, for numbers and times."""
    found = gettext.find(DOMAIN, str(LOCALE_DIR))
    return "nl" if found is not None and Path(found).parent.parent.name == "nl" else "en"


def _(message: str) -> str:
    """``message`` in the terminal's language."""
    return catalog().gettext(message)


# argparse's own texts (Python 3.11), so that the catalogs carry them
ARGPARSE = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("not allowed with argument %s"),
    N_("one of the arguments %s is required"),
    N_("ignored explicit argument %r"),
    N_("can't open '%(filename)s': %(error)s"),
)
