"""The rules of a project file (pydantic models) and a project's current state as file data.

The web forms, the JSON API, TOML files and the command line are all checked by these rules:
an edit builds the project file it would leave behind and validates it whole, so a round that
another round's ``items_from`` needs cannot go, and a bad edit changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from core.domain import model, retention
from core.domain import reminders as reminder_rules
from core.domain import wijken as wijk_table
from core.domain.errors import DomainError, InvalidInput
from core.domain.texts import LocalText, base, stored, translations_of
from core.domain.texts import table as table_of
from core.i18n import N_, RESIDENT_LANGUAGES
from core.storage.uow import UnitOfWork


class SpecError(ValueError):
    """A rule of the project file broken: English for files and the CLI, and its message id
    and values so the web area can show it in the facilitator's language."""

    at_field: str | None = None  # the field a rule of a whole table is about

    def __init__(self, msgid: str, **values: object) -> None:
        super().__init__(msgid.format(**values))
        self.msgid = msgid
        self.values = values

    def about(self, field: str) -> SpecError:
        """This error, said to be about ``field`` (shown beside it in a form)."""
        self.at_field = field
        return self


# Dates a round can have: wide enough for any consultation, narrow enough that a time zone or
# a reminder added to them never leaves what a datetime (and the database) can hold.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2999, 12, 31, tzinfo=UTC)
MAX_REMINDER = timedelta(days=366)


def _newlines(value: Any) -> Any:
    """Line breaks as ``\n`` in every text, however deep (``\r\n`` comes from browsers), and
    no NUL character (PostgreSQL cannot store one in text)."""
    if isinstance(value, str):
        return model.normalise_newlines(value).replace("\x00", "")
    if isinstance(value, list | tuple):
        return type(value)(_newlines(v) for v in value)
    if isinstance(value, dict):
        return {_newlines(k): _newlines(v) for k, v in value.items()}
    return value


class _Spec(BaseModel):
    """What every table of a project file shares: no unknown keys, line breaks as ``\n``, no
    NUL characters."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _normalise_newlines(cls, value: Any) -> Any:
        return _newlines(value)


def local_text(value: LocalText, limit: int | None = None) -> LocalText:
    """A text as a plain string or a table of languages: known languages only, Dutch required,
    empty translations dropped (a table of Dutch alone becomes a plain string). With
    ``limit``, every language's text is cleaned as a line of a list is."""
    if isinstance(value, str):
        return _clean(value, limit) if limit else value
    unknown = sorted(lang for lang in value if lang not in RESIDENT_LANGUAGES)
    if unknown:
        raise SpecError(
            N_("unknown language {code}: use nl, en, tr, ar, pl or uk"), code=unknown[0][:10]
        )
    filled = {lang: text for lang, text in value.items() if text.strip()}
    if "nl" not in filled:
        raise SpecError(N_("a text in several languages needs its Dutch text (nl)"))
    if limit:
        filled = {lang: _clean(text, limit) for lang, text in filled.items()}
    return table_of(filled.pop("nl"), filled)


def _clean(text: str, limit: int) -> str:
    try:
        return model.clean_text(text, limit)
    except InvalidInput as error:  # a line of only invisible characters, or too long
        raise SpecError(
            N_("every line needs visible text, at most {limit} characters"),
            limit=error.params.get("limit", limit),
        ) from None


class ShortlistSpec(_Spec):
    """Which ideas of ``items_from`` become items: only these themes (all when empty), at most
    the ``top`` most supported (all when absent). See :mod:`core.services.shortlist`."""

    themes: list[str] = Field(default_factory=list, max_length=50)
    top: int | None = Field(default=None, ge=1, le=500)


class RoundSpec(_Spec):
    key: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,59}$")
    kind: Literal["ideas", "rating", "statements", "feedback"]
    question: LocalText = ""
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    state: Literal["draft", "scheduled", "open", "closed"] | None = None
    max_per_resident: int | None = Field(default=None, ge=1, le=1000)
    reminders: list[str] = Field(default_factory=list)
    items_from: str | None = None
    shortlist: ShortlistSpec | None = None
    items: list[LocalText] | None = None
    statements: list[LocalText] | None = None
    scale: tuple[int, int] | None = None
    criteria: list[LocalText] = Field(default_factory=list, max_length=5)
    live_results: bool = False  # show results to residents and the public while it runs

    @field_validator("opens_at", "closes_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise SpecError(N_("give a time zone, e.g. 2026-12-01T09:00:00+01:00"))
        try:
            in_utc = value.astimezone(UTC)
        except OverflowError:  # 0001-01-01 east of UTC, 9999-12-31 west of it
            in_utc = None
        if in_utc is None or not EARLIEST <= in_utc <= LATEST:
            raise SpecError(N_("give a date between the years 2000 and 2999"))
        return value

    @field_validator("reminders")
    @classmethod
    def _durations(cls, value: list[str]) -> list[str]:
        for text in value:
            try:
                length = reminder_rules.parse(text).length
            except ValueError:
                raise SpecError(
                    N_(
                        "give each reminder as a whole number of hours, days or weeks after "
                        "opening or before closing (in a project file P2D, PT12H, or -P1D for "
                        "a day before closing), not {text}"
                    ),
                    text=text[:40],
                ) from None
            if length > MAX_REMINDER:
                raise SpecError(
                    N_("a reminder comes at most a year after opening or before closing")
                )
        return [text.strip().upper() for text in value]

    @field_validator("scale")
    @classmethod
    def _scale(cls, value: tuple[int, int] | None) -> tuple[int, int] | None:
        if value is not None and not (0 <= value[0] < value[1] <= 10):
            raise SpecError(N_("scale must be [low, high] with 0 <= low < high <= 10"))
        return value

    @field_validator("question")
    @classmethod
    def _question(cls, value: LocalText) -> LocalText:
        return local_text(value)

    @field_validator("criteria")
    @classmethod
    def _criteria(cls, value: list[LocalText]) -> list[LocalText]:
        return [local_text(text) for text in value]

    @field_validator("items", "statements")
    @classmethod
    def _texts(cls, value: list[LocalText] | None) -> list[LocalText] | None:
        if value is None:
            return None
        cleaned = [local_text(text, model.MAX_TEXT_LENGTH) for text in value]
        dutch = [base(text) for text in cleaned]
        if len(set(dutch)) != len(dutch):
            raise SpecError(N_("the same text appears twice"))
        return cleaned

    @model_validator(mode="after")
    def _fits_kind(self) -> RoundSpec:
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise SpecError(N_("closes_at must be after opens_at"))
        if not self.closes_at and any(
            r.startswith(reminder_rules.BEFORE_CLOSING) for r in self.reminders
        ):
            error = SpecError(N_("a reminder before closing needs a closing time"))
            raise error.about("reminders")
        if self.kind == "rating" and not (self.items or self.items_from):
            raise SpecError(N_("a rating round needs items or items_from"))
        if self.kind == "statements" and not (self.statements or self.items_from):
            raise SpecError(N_("a statements round needs statements or items_from"))
        if self.kind in ("ideas", "feedback") and not self.question:
            raise SpecError(N_("a round of kind {kind} needs a question"), kind=self.kind)
        if self.kind != "rating" and (self.items or self.criteria):
            raise SpecError(N_("items and criteria belong to rating rounds"))
        if self.kind not in ("rating", "statements") and self.items_from:
            raise SpecError(N_("items_from belongs to rating and statements rounds"))
        if self.shortlist is not None and not self.items_from:
            raise SpecError(N_("a shortlist needs items_from"))
        if self.kind != "statements" and self.statements:
            raise SpecError(N_("statements belong to statements rounds"))
        return self


class ProjectSpec(_Spec):
    code: str = Field(pattern=r"^[A-Za-z0-9_-]{2,40}$")
    title: str = Field(min_length=1, max_length=model.MAX_TITLE_LENGTH)
    organisation: str = Field(pattern=model.ORGANISATION_SLUG)
    organisation_name: str | None = None
    language: Literal["nl", "en", "tr", "ar", "pl", "uk"] = "nl"
    intro: LocalText = ""
    status: Literal["draft", "active", "closed"] = "active"
    # days after closing until the residents' personal data is erased (core.domain.retention)
    retention_days: int = Field(
        default=retention.DEFAULT_RETENTION_DAYS, ge=1, le=retention.MAX_RETENTION_DAYS
    )
    moderation: Literal["pre", "post"] = "post"
    ask_profile: bool = True
    listed: bool = True
    quiet_hours: tuple[str, str] = ("21:00", "09:00")
    wijken: dict[str, list[str]] = Field(default_factory=dict)
    # results also shown reweighted by this group's population figures (core.domain.population)
    reweight: Literal["wijk", "age_band"] | None = None
    whatsapp_template: dict[str, Any] = Field(default_factory=dict)

    @field_validator("intro")
    @classmethod
    def _intro(cls, value: LocalText) -> LocalText:
        return local_text(value)

    @field_validator("wijken")
    @classmethod
    def _wijken(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        found = wijk_table.problems(value)
        if found:
            raise SpecError(found[0].msgid, **found[0].values)
        return wijk_table.normalised(value)

    @field_validator("quiet_hours")
    @classmethod
    def _hours(cls, value: tuple[str, str]) -> tuple[str, str]:
        for text in value:
            if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", text):
                raise SpecError(N_("use HH:MM, e.g. 21:00"))
        return value


class ProjectFile(_Spec):
    project: ProjectSpec
    rounds: list[RoundSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _round_refs(self) -> ProjectFile:
        seen: dict[str, str] = {}
        for spec in self.rounds:
            if spec.key in seen:
                raise SpecError(N_("round key {key} is used twice"), key=spec.key)
            if spec.items_from is not None and seen.get(spec.items_from) != "ideas":
                raise SpecError(
                    N_("items_from = {key} must name an earlier ideas round"), key=spec.items_from
                )
            seen[spec.key] = spec.kind
        return self


SETTINGS_KEYS = (
    "moderation",
    "ask_profile",
    "listed",
    "quiet_hours",
    "wijken",
    "reweight",
    "whatsapp_template",
)


class InvalidProjectFile(DomainError):
    """An edit would leave a project file that breaks its rules; nothing was changed.

    ``problems`` are pydantic's error items (``loc``, ``type``, ``ctx`` with a ``SpecError``),
    ``data`` the file that was refused and ``round_index`` the round the edit was about.
    """

    code = "invalid_project_file"

    def __init__(
        self,
        problems: list[Mapping[str, Any]],
        data: Mapping[str, Any],
        round_index: int | None = None,
    ) -> None:
        super().__init__(self.code)
        self.problems = problems
        self.data = data
        self.round_index = round_index

    def __str__(self) -> str:
        """The problems in English, one a line, each with where it is (files and the CLI)."""
        lines = []
        for item in self.problems:
            where = ".".join(str(part) for part in item.get("loc", ()))
            lines.append(f"{where}: {item.get('msg', '')}" if where else str(item.get("msg")))
        return "\n".join(lines) or self.code


def validate_file(data: Mapping[str, Any], round_index: int | None = None) -> ProjectFile:
    """Validate a whole project file given as data (``InvalidProjectFile`` if a rule breaks)."""
    try:
        return ProjectFile.model_validate(data)
    except ValidationError as error:
        raise InvalidProjectFile(list(error.errors()), data, round_index) from error


async def file_data(uow: UnitOfWork, project: model.Project) -> dict[str, Any]:
    """The project and its rounds as a project file's data, with the keys an export writes."""
    assert project.id is not None
    org = await uow.projects.organisation_slug(project.organisation_id)
    table: dict[str, Any] = {"code": project.code, "title": project.title, "organisation": org}
    org_name = await uow.projects.organisation_name(project.organisation_id)
    if org_name and org_name != org:  # a name that is only the slug again need not be kept
        table["organisation_name"] = org_name
    intro = table_of(project.intro, stored(project.settings).get("intro"))
    table.update(language=project.language, intro=intro, status=project.status.value)
    table["retention_days"] = project.retention_days
    for key in SETTINGS_KEYS:
        if key in project.settings and project.settings[key] not in ({}, None):
            table[key] = project.settings[key]
    rounds = [await _round_data(uow, rnd) for rnd in await uow.projects.rounds(project.id)]
    return {"project": table, "rounds": rounds}


async def _round_data(uow: UnitOfWork, rnd: model.Round) -> dict[str, Any]:
    data: dict[str, Any] = {"key": rnd.key, "kind": rnd.kind.value}
    texts = stored(rnd.settings)
    if rnd.question:
        data["question"] = table_of(rnd.question, texts.get("question"))
    data["state"] = rnd.state.value
    for name in ("opens_at", "closes_at"):
        if getattr(rnd, name) is not None:
            data[name] = getattr(rnd, name)
    if rnd.max_per_resident is not None:
        data["max_per_resident"] = rnd.max_per_resident
    if rnd.reminders:
        data["reminders"] = list(rnd.reminders)
    if rnd.kind in (model.RoundKind.RATING, model.RoundKind.FEEDBACK):
        data["scale"] = [rnd.scale_min, rnd.scale_max]
    if rnd.criteria:
        data["criteria"] = [
            table_of(c, (texts.get("criteria") or {}).get(c)) for c in rnd.criteria
        ]
    if rnd.items_from:
        data["items_from"] = rnd.items_from
        chosen = rnd.settings.get("shortlist") or {}
        if chosen.get("themes") or chosen.get("top"):
            table = {"themes": list(chosen.get("themes") or []), "top": chosen.get("top")}
            data["shortlist"] = {k: v for k, v in table.items() if v}
    if rnd.live_results:
        data["live_results"] = True
    if rnd.kind in (model.RoundKind.RATING, model.RoundKind.STATEMENTS):
        items = await uow.projects.items(rnd.id or 0)
        fixed = [i.text for i in items if i.idea_id is None]  # fixed items, not ideas
        key = "items" if rnd.kind == model.RoundKind.RATING else "statements"
        if fixed or not rnd.items_from:
            translated = texts.get("items") or {}
            data[key] = [table_of(text, translated.get(text)) for text in fixed]
    return data


def round_texts(spec: RoundSpec) -> dict[str, Any]:
    """The translations of a round's texts, as its ``settings["texts"]`` keeps them."""
    texts: dict[str, Any] = {}
    if translations_of(spec.question):
        texts["question"] = translations_of(spec.question)
    for group, values in (("items", spec.items or spec.statements), ("criteria", spec.criteria)):
        found = {base(v): translations_of(v) for v in values or () if translations_of(v)}
        if found:
            texts[group] = found
    return texts


def merge_project(current: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """A [project] table with ``changes`` over ``current``; a new organisation drops the name
    that belonged to the previous one."""
    data = dict(current)
    if "organisation" in changes and changes["organisation"] != data.get("organisation"):
        data.pop("organisation_name", None)
    data.update(changes)
    return data


async def current_file(uow: UnitOfWork, project: model.Project) -> dict[str, Any]:
    """The project and its rounds as checked project-file data, every field filled in (forms).

    A value stored before a rule existed (or written around the rules) may break one: then the
    data is given as stored, so the forms still open and show the problem when saved.
    """
    data = await file_data(uow, project)
    try:
        return validate_file(data).model_dump()
    except InvalidProjectFile:
        return data
