"""Project and round forms: form fields <-> the project file's pydantic models.

A form is turned into the same data a TOML project file holds and sent as a command, whose
handler checks it by the same rules (core.services.project_spec), so the browser and the file
agree on every rule; a refused edit's errors come back keyed by form field, to be shown beside
it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from core.domain import wijken as wijk_table
from core.domain.model import normalise_newlines
from core.domain.numbers import read_number
from core.domain.reminders import ANCHORS, UNITS, Reminder
from core.domain.reminders import parse as parse_reminder
from core.i18n import gettext_for
from core.services.project_problems import problem_message
from core.services.project_spec import InvalidProjectFile, merge_project
from web.filters import AMSTERDAM
from web.form_texts import dutch, form_values, lines_from_form, text_from_form

TOP = "__all__"

PROJECT_FIELDS = (
    "code", "title", "organisation", "language", "intro", "status", "moderation",
    "retention_days",
)  # fmt: skip
ROUND_FIELDS = (
    "key", "kind", "question", "opens_at", "closes_at", "state", "max_per_resident",
    "reminders", "items_from", "items", "statements", "scale_low", "scale_high", "criteria",
    "live_results",
)  # fmt: skip


def local_input(value: datetime | str | None) -> str:
    """A UTC datetime as the value of a datetime-local field in Amsterdam time; text that was
    typed and refused is shown again as it was."""
    if isinstance(value, str) or value is None:
        return value or ""
    try:
        return value.astimezone(AMSTERDAM).isoformat()[:16]
    except OverflowError:  # a stored date at the edge of the calendar: shown as it is
        return value.isoformat()[:16]


def parse_local(text: str) -> datetime | str | None:
    """A datetime-local value (Amsterdam time) as an aware datetime; bad input stays text."""
    text = text.strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).replace(tzinfo=AMSTERDAM)
    except ValueError:
        return text  # pydantic reports it beside the field


def _number(text: str) -> int | str:
    """A typed whole number (digits of any script); other text stays, for pydantic to refuse
    beside the field."""
    text = text.strip()
    number = read_number(text, signed=True)
    return number if number is not None else text


def form_text(form: Mapping[str, str]) -> dict[str, str]:
    """A submitted form's text fields with line breaks as ``\n`` (browsers send ``\r\n``)."""
    return {name: normalise_newlines(value) for name, value in form.items()}


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _csv(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]


def parse_wijken(text: str) -> dict[str, list[str]]:
    """``Noord: 5041, 5042`` per line -> {"Noord": ["5041", "5042"]}."""
    wijken: dict[str, list[str]] = {}
    for line in _lines(text):
        name, _, codes = line.partition(":")
        wijken[name.strip()] = _csv(codes)
    return wijken


def format_wijken(wijken: dict[str, list[str]]) -> str:
    return "\n".join(f"{name}: {', '.join(codes)}" for name, codes in wijken.items())


WIJK_ROW = re.compile(r"^wijken-(\d{1,3})-(name|postcodes)$")
BLANK_WIJK_ROWS = 3


def wijken_from_rows(form: Mapping[str, str]) -> dict[str, list[str]]:
    """The wijken table's rows (``wijken-0-name``, ``wijken-0-postcodes``, ...) as a table;
    empty rows are skipped, two rows with one name are one wijk."""
    rows: dict[int, dict[str, str]] = {}
    for key, value in form.items():
        match = WIJK_ROW.match(key)
        if match:
            rows.setdefault(int(match[1]), {})[match[2]] = value
    table: dict[str, list[str]] = {}
    for _, row in sorted(rows.items()):
        name, codes = row.get("name", "").strip(), _csv(row.get("postcodes", "").replace(" ", ","))
        if name or codes:
            table.setdefault(name, []).extend(codes)
    return table


def has_wijk_rows(form: Mapping[str, str]) -> bool:
    return any(WIJK_ROW.match(key) for key in form)


def wijk_rows(wijken: Mapping[str, list[str]]) -> list[dict[str, str]]:
    """The table's rows for the form, with empty rows to add wijken without JavaScript."""
    rows = [{"name": name, "postcodes": ", ".join(codes)} for name, codes in wijken.items()]
    return rows + [{"name": "", "postcodes": ""}] * BLANK_WIJK_ROWS


def wijk_row_errors(wijken: Mapping[str, list[str]], language: str) -> dict[str, list[str]]:
    """The wijken table's problems beside their rows: ``wijken-3`` -> messages."""
    _ = gettext_for(language).gettext
    index = {name: i for i, name in enumerate(wijken)}
    errors: dict[str, list[str]] = {}
    for problem in wijk_table.problems(wijken):
        field = f"wijken-{index.get(problem.wijk, 0)}"
        errors.setdefault(field, []).append(_(problem.msgid).format(**problem.values))
    return errors


def project_changes(form: Mapping[str, str]) -> dict[str, Any]:
    """The fields of the [project] table that the project form gives."""
    data: dict[str, Any] = {}
    for name in PROJECT_FIELDS:
        if name in form:
            data[name] = form[name].strip() if name != "intro" else form[name]
    if "intro" in form:  # with its translations, as a table of languages when it has some
        data["intro"] = text_from_form(form, "intro", strip=False)
    data["ask_profile"] = form.get("ask_profile") == "on"
    data["listed"] = form.get("listed") == "on"
    data["quiet_hours"] = (form.get("quiet_start", "21:00"), form.get("quiet_end", "09:00"))
    if has_wijk_rows(form):
        data["wijken"] = wijken_from_rows(form)
    else:  # one line per wijk, as in the project file's help ("Noord: 5041, 5042")
        data["wijken"] = parse_wijken(form.get("wijken", ""))
    return data


def project_data(form: Mapping[str, str], current: Mapping[str, Any] | None) -> dict[str, Any]:
    """The [project] table from the project form (current values fill what the form lacks)."""
    return merge_project(current or {}, project_changes(form))


def project_form(data: dict[str, Any]) -> dict[str, Any]:
    """Form values for a [project] table."""
    defaults = {"language": "nl", "status": "active", "moderation": "post", "retention_days": 365}
    values = {name: data.get(name) or defaults.get(name, "") for name in PROJECT_FIELDS}
    quiet = data.get("quiet_hours") or ("21:00", "09:00")
    values.update(
        ask_profile=data.get("ask_profile", True),
        listed=data.get("listed", True),
        quiet_start=quiet[0],
        quiet_end=quiet[1],
        wijken=format_wijken(data.get("wijken") or {}),
        intro=dutch(data.get("intro")) or "",
        wijk_rows=wijk_rows(data.get("wijken") or {}),
        wijken_table=data.get("wijken") or {},
    )
    values.update(form_values(data, ("intro",)))
    return values


REMINDER_ROW = re.compile(r"^reminder-(\d{1,2})-(amount|unit|anchor)$")
BLANK_REMINDER_ROWS = 2


def has_reminder_rows(form: Mapping[str, str]) -> bool:
    return any(REMINDER_ROW.match(key) for key in form)


def reminders_from_rows(form: Mapping[str, str]) -> list[str]:
    """The reminder rows ("2" "days" "open") as the project file's durations ("P2D").

    A row without an amount is skipped; an amount that is no whole number of at least 1 stays
    as typed, for the project file's rules to refuse beside the field.
    """
    rows: dict[int, dict[str, str]] = {}
    for key, value in form.items():
        match = REMINDER_ROW.match(key)
        if match:
            rows.setdefault(int(match[1]), {})[match[2]] = value.strip()
    found: list[str] = []
    for _, row in sorted(rows.items()):
        typed = row.get("amount", "")
        if not typed:
            continue
        amount = read_number(typed)
        unit, anchor = row.get("unit", "days"), row.get("anchor", "open")
        if amount is None or amount < 1 or unit not in UNITS or anchor not in ANCHORS:
            found.append(typed)
            continue
        text = Reminder(amount, unit, anchor).to_iso()  # type: ignore[arg-type]
        if text not in found:
            found.append(text)
    return found


def reminder_rows(texts: list[str]) -> list[dict[str, Any]]:
    """Rows of the reminders table for the project file's durations, and empty rows; a text
    that is no duration is shown as it was typed."""
    rows: list[dict[str, Any]] = []
    for text in texts:
        try:
            found = parse_reminder(text)
        except (ValueError, OverflowError):
            rows.append({"amount": text, "unit": "days", "anchor": "open"})
            continue
        rows.append({"amount": found.amount, "unit": found.unit, "anchor": found.anchor})
    return rows + [{"amount": "", "unit": "days", "anchor": "open"}] * BLANK_REMINDER_ROWS


def round_data(form: dict[str, str]) -> dict[str, Any]:
    """One [[rounds]] table from the round form."""
    kind = form.get("kind", "")
    data: dict[str, Any] = {
        "key": form.get("key", "").strip(),
        "kind": kind,
        "question": text_from_form(form, "question"),
        "opens_at": parse_local(form.get("opens_at", "")),
        "closes_at": parse_local(form.get("closes_at", "")),
        "reminders": reminders_from_rows(form)
        if has_reminder_rows(form)
        else _csv(form.get("reminders", "")),
        "live_results": form.get("live_results") == "on",
    }
    if form.get("state"):
        data["state"] = form["state"]
    if form.get("max_per_resident", "").strip():
        data["max_per_resident"] = _number(form["max_per_resident"])
    if kind in ("rating", "statements"):
        data["items_from"] = form.get("items_from") or None
    if kind == "rating":
        data["items"] = lines_from_form(form, "items") or None
        data["criteria"] = lines_from_form(form, "criteria")
    if kind == "statements":
        data["statements"] = lines_from_form(form, "statements")
    if kind in ("rating", "feedback") and form.get("scale_low") and form.get("scale_high"):
        data["scale"] = (_number(form["scale_low"]), _number(form["scale_high"]))
    return data


def round_form(data: dict[str, Any]) -> dict[str, Any]:
    """Form values for a [[rounds]] table."""
    scale = data.get("scale") or ((1, 10) if data.get("kind") == "feedback" else (1, 5))
    translated = form_values(data, ("question", "items", "statements", "criteria"))
    return translated | {
        "key": data.get("key", ""),
        "kind": data.get("kind", "ideas"),
        "question": dutch(data.get("question")) or "",
        "opens_at": local_input(data.get("opens_at")),
        "closes_at": local_input(data.get("closes_at")),
        "state": data.get("state") or "",
        "max_per_resident": data.get("max_per_resident") or "",
        "reminders": ", ".join(data.get("reminders") or []),
        "reminder_rows": reminder_rows(data.get("reminders") or []),
        "items_from": data.get("items_from") or "",
        "items": "\n".join(dutch(data.get("items") or [])),
        "statements": "\n".join(dutch(data.get("statements") or [])),
        "scale_low": scale[0],
        "scale_high": scale[1],
        "criteria": "\n".join(dutch(data.get("criteria") or [])),
        "live_results": bool(data.get("live_results")),
    }


def _at_field(item: Mapping[str, Any]) -> str:
    """The field a rule of a whole round is about (``TOP`` when it is about none)."""
    cause = (item.get("ctx") or {}).get("error")
    return getattr(cause, "at_field", None) or TOP


def field_errors(error: InvalidProjectFile, language: str = "nl") -> dict[str, list[str]]:
    """The problems of a refused edit keyed by the field of the form being edited.

    Errors about the round being edited go beside its fields; errors about other rounds (or the
    file as a whole) go under ``__all__``. Messages are in ``language``.
    """
    errors: dict[str, list[str]] = {}
    for item in error.problems:
        loc = tuple(item["loc"])
        message = problem_message(item, language)
        field = TOP
        if error.round_index is None and len(loc) >= 2 and loc[0] == "project":
            field = str(loc[1])
        elif error.round_index is not None and loc[:2] == ("rounds", error.round_index):
            field = str(loc[2]) if len(loc) > 2 else _at_field(item)
            if field == "scale":
                field = "scale_low"
        errors.setdefault(field, []).append(message)
    return errors
