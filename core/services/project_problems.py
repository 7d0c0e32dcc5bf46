"""A project file's problems as sentences in the reader's language.

Pydantic's own messages are English and name its rules ("String should match pattern ..."); a
facilitator reads, in the web area and on the command line alike, what to give instead. The
rules inspraak adds (``SpecError``) carry their own message ids.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.i18n import N_, gettext_for
from core.services.project_spec import SpecError

_PATTERNS = {
    "code": N_("Use 2 to 40 letters, digits, - or _."),
    "key": N_("Use lowercase letters, digits, - or _ (at most 60 characters)."),
    "organisation": N_("Use lowercase letters, digits and -, starting with a letter or digit."),
}
_NOT_ALLOWED = N_("This value contains characters that are not allowed.")
_TYPES = {
    "missing": N_("This field is required."),
    "string_type": N_("Give a text between quotes."),
    "bool_type": N_("Give true or false."),
    "bool_parsing": N_("Give true or false."),
    "list_type": N_('Give a list, such as ["a", "b"].'),
    "string_too_short": N_("Fill in this field."),
    "string_too_long": N_("This is too long: at most {max_length} characters."),
    "too_long": N_("Give at most {max_length}."),
    "literal_error": N_("Choose one of the options."),
    "datetime_parsing": N_("Give a date and a time."),
    "datetime_from_date_parsing": N_("Give a date and a time."),
    "datetime_type": N_("Give a date and a time."),
    "int_parsing": N_("Give a whole number."),
    "int_type": N_("Give a whole number."),
    "greater_than_equal": N_("Give a number of at least {ge}."),
    "less_than_equal": N_("Give a number of at most {le}."),
    "extra_forbidden": N_("This setting is not known."),
    "code_taken": N_("This code is already in use."),
}


def problem_message(item: Mapping[str, Any], language: str) -> str:
    """One validation error as a sentence in ``language``."""
    _ = gettext_for(language).gettext
    context = item.get("ctx") or {}
    cause = context.get("error")
    if isinstance(cause, SpecError):
        return _(cause.msgid).format(**cause.values)
    kind = str(item.get("type", ""))
    if kind == "string_pattern_mismatch":
        field = str(item["loc"][-1]) if item.get("loc") else ""
        return _(_PATTERNS.get(field, _NOT_ALLOWED))
    if kind in _TYPES:
        try:
            return _(_TYPES[kind]).format(**context)
        except (KeyError, IndexError):
            pass
    return _("This value is not valid.")


def key_of(loc: tuple[Any, ...] | list[Any]) -> str:
    """Where a problem is, as the file's dotted key (``project.code``, ``rounds.0.key``)."""
    return ".".join(str(part) for part in loc)


def problem_lines(problems: list[Mapping[str, Any]], language: str) -> list[str]:
    """Each problem as ``key: sentence`` in ``language`` (a refused command's file, on the
    command line)."""
    lines = []
    for item in problems:
        key = key_of(item.get("loc", ()))
        message = problem_message(item, language)
        lines.append(f"{key}: {message}" if key else message)
    return lines
