"""Approved message templates for pushed messages outside a messaging window (WhatsApp).

A project configures its template in the project file::

    [project.whatsapp_template]
    name = "inspraak_nieuwe_ronde"              # the approved template's name (required)
    language = "nl"                             # its language code (default: the project's)
    parameters = ["project_title", "round_question"]   # fill {{1}}, {{2}}, ... in this order
    quick_reply = true                          # the template has one quick-reply button

    [project.whatsapp_template.reminder]        # optional: another template per kind
    name = "inspraak_herinnering"               # (prompt | reminder | results); missing keys
                                                # fall back to the ones above

The fields a parameter can name are listed in ``FIELDS``. The quick-reply button's payload
brings the resident back into the dialogue: ``go:<CODE>:<ROUND>`` for a round's prompt or
reminder (straight into that round), ``start:<CODE>`` otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from core.dialogue.buttons import Start, encode
from core.outbox.ports import Template

FIELDS = ("project_title", "project_code", "round_question", "closes_on")
KINDS = ("prompt", "reminder", "results")
MAX_PARAMETER_LENGTH = 200  # keep body parameters short; Meta rejects newlines and tabs in them


def template_for(
    settings: Mapping[str, Any],
    kind: str,
    values: Mapping[str, str],
    *,
    project_code: str,
    default_language: str = "nl",
    button: str | None = None,
) -> Template | None:
    """Return the project's template for a pushed message of ``kind``, or None if none is set.

    Args:
        settings: the project's settings (``project.settings``).
        kind: ``prompt``, ``reminder`` or ``results``.
        values: the fields parameters may name (see ``FIELDS``).
        project_code: the project's code, for the quick-reply payload.
        default_language: the template language when the settings name none.
        button: the quick-reply payload (default ``start:<CODE>``; a round's prompt passes
            its ``go:`` data so the tap leads straight into the round).
    """
    config = settings.get("whatsapp_template") or {}
    if not isinstance(config, Mapping):
        return None
    specific = config.get(kind) if kind in KINDS else None
    merged = {k: v for k, v in config.items() if k not in KINDS}
    if isinstance(specific, Mapping):
        merged.update(specific)
    name = str(merged.get("name") or "").strip()
    if not name:
        return None
    fields = merged.get("parameters", ["project_title"])
    parameters = tuple(template_parameter(values.get(str(field), "")) for field in fields)
    payload = button or encode(Start(project_code))
    buttons = (payload,) if merged.get("quick_reply", True) else ()
    language = str(merged.get("language") or default_language)
    return Template(name=name, language=language, parameters=parameters, buttons=buttons)


def template_parameter(value: str) -> str:
    """Make a text fit a template body parameter: one line, no runs of spaces, not too long."""
    text = re.sub(r"\s+", " ", value).strip() or "-"
    if len(text) > MAX_PARAMETER_LENGTH:
        text = text[: MAX_PARAMETER_LENGTH - 1].rstrip() + "\u2026"
    return text
