"""Project files (TOML): parse, validate with line numbers, import and export.

Everything is checked before anything is written, and the import runs in one transaction, so a
bad file changes nothing.
"""

from __future__ import annotations

import re
import tomllib
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from core.domain import model
from core.domain.errors import ProjectFileError
from core.domain.events import ProjectScheduleChanged
from core.i18n import N_
from core.services.uow import UnitOfWork


class SpecError(ValueError):
    """A rule of the project file broken: English for files and the CLI, and its message id
    and values so the web area can show it in the facilitator's language."""

    def __init__(self, msgid: str, **values: object) -> None:
        super().__init__(msgid.format(**values))
        self.msgid = msgid
        self.values = values


class RoundSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,59}$")
    kind: Literal["ideas", "rating", "statements", "feedback"]
    question: str = ""
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    state: Literal["draft", "scheduled", "open", "closed"] | None = None
    max_per_resident: int | None = Field(default=None, ge=1, le=1000)
    reminders: list[str] = Field(default_factory=list)
    items_from: str | None = None
    items: list[str] | None = None
    statements: list[str] | None = None
    scale: tuple[int, int] | None = None
    criteria: list[str] = Field(default_factory=list, max_length=5)

    @field_validator("opens_at", "closes_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise SpecError(N_("give a time zone, e.g. 2026-12-01T09:00:00+01:00"))
        return value

    @field_validator("reminders")
    @classmethod
    def _durations(cls, value: list[str]) -> list[str]:
        for text in value:
            model.parse_duration(text)
        return value

    @field_validator("scale")
    @classmethod
    def _scale(cls, value: tuple[int, int] | None) -> tuple[int, int] | None:
        if value is not None and not (0 <= value[0] < value[1] <= 10):
            raise SpecError(N_("scale must be [low, high] with 0 <= low < high <= 10"))
        return value

    @field_validator("items", "statements")
    @classmethod
    def _texts(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        cleaned = [model.clean_text(text) for text in value]
        if len(set(cleaned)) != len(cleaned):
            raise SpecError(N_("the same text appears twice"))
        return cleaned

    @model_validator(mode="after")
    def _fits_kind(self) -> RoundSpec:
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise SpecError(N_("closes_at must be after opens_at"))
        if self.kind == "rating" and not (self.items or self.items_from):
            raise SpecError(N_("a rating round needs items or items_from"))
        if self.kind == "statements" and not self.statements:
            raise SpecError(N_("a statements round needs statements"))
        if self.kind in ("ideas", "feedback") and not self.question:
            raise SpecError(N_("a round of kind {kind} needs a question"), kind=self.kind)
        if self.kind != "rating" and (self.items or self.items_from or self.criteria):
            raise SpecError(N_("items, items_from and criteria belong to rating rounds"))
        if self.kind != "statements" and self.statements:
            raise SpecError(N_("statements belong to statements rounds"))
        return self


class ProjectSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=r"^[A-Za-z0-9_-]{2,40}$")
    title: str = Field(min_length=1, max_length=model.MAX_TITLE_LENGTH)
    organisation: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,99}$")
    organisation_name: str | None = None
    language: Literal["nl", "en"] = "nl"
    intro: str = ""
    status: Literal["draft", "active", "closed"] = "active"
    moderation: Literal["pre", "post"] = "post"
    ask_profile: bool = True
    listed: bool = True
    quiet_hours: tuple[str, str] = ("21:00", "09:00")
    wijken: dict[str, list[str]] = Field(default_factory=dict)
    whatsapp_template: dict[str, Any] = Field(default_factory=dict)

    @field_validator("quiet_hours")
    @classmethod
    def _hours(cls, value: tuple[str, str]) -> tuple[str, str]:
        for text in value:
            if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", text):
                raise SpecError(N_("use HH:MM, e.g. 21:00"))
        return value


class ProjectFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

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
    "whatsapp_template",
)


def parse_project_file(text: str, name: str = "project file") -> ProjectFile:
    """Parse and validate a project file; errors name the key and its line."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ProjectFileError(f"{name}: not valid TOML: {error}") from error
    try:
        return ProjectFile.model_validate(data)
    except ValidationError as error:
        problems = []
        for item in error.errors():
            loc = [str(p) for p in item["loc"]]
            line = _line_of(text, item["loc"])
            where = f"line {line}" if line else "file"
            key = ".".join(loc) or "(top)"
            problems.append(f"{name}, {where}, key {key}: {item['msg']}")
        raise ProjectFileError("\n".join(problems)) from error


def _line_of(text: str, loc: tuple[Any, ...]) -> int | None:
    """Find the line of a validation error's location in the TOML text (best effort).

    tomllib keeps no positions, so this walks the text: the table header for the section
    (``[project]`` or the n-th ``[[rounds]]``), then the first line that assigns the key.
    """
    lines = text.splitlines()
    if not loc:
        return None
    section = str(loc[0])
    start, end = 0, len(lines)
    if section == "rounds" and len(loc) > 1 and isinstance(loc[1], int):
        headers = [i for i, line in enumerate(lines) if line.strip() == "[[rounds]]"]
        if loc[1] < len(headers):
            start = headers[loc[1]]
            later = [
                i for i, line in enumerate(lines) if i > start and line.lstrip().startswith("[")
            ]
            end = later[0] if later else len(lines)
        key_index = 2
    else:
        header = next((i for i, line in enumerate(lines) if line.strip() == f"[{section}]"), None)
        if header is None:
            return None
        start = header
        later = [i for i, line in enumerate(lines) if i > start and line.lstrip().startswith("[")]
        end = later[0] if later else len(lines)
        key_index = 1
    if len(loc) > key_index:
        key = str(loc[key_index])
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for i in range(start, end):
            if pattern.match(lines[i]):
                return i + 1
    return start + 1


def _initial_state(spec: RoundSpec, now: datetime) -> model.RoundState:
    if spec.state is not None:
        return model.RoundState(spec.state)
    if spec.closes_at is not None and spec.closes_at <= now:
        return model.RoundState.CLOSED
    if spec.opens_at is not None:
        return model.RoundState.SCHEDULED
    return model.RoundState.DRAFT


async def import_project(uow: UnitOfWork, spec: ProjectFile) -> tuple[model.Project, list[str]]:
    """Create or update the project and its rounds; return it with notes for the user."""
    now = uow.clock()
    notes: list[str] = []
    p = spec.project
    org_id = await uow.projects.organisation(p.organisation, p.organisation_name)
    code = model.Project.normalise_code(p.code)
    settings = {key: getattr(p, key) for key in SETTINGS_KEYS}
    settings["quiet_hours"] = list(p.quiet_hours)
    project = await uow.projects.by_code(code)
    if project is None:
        project = model.Project(
            code=code,
            title=p.title,
            organisation_id=org_id,
            intro=p.intro,
            language=p.language,
            status=model.ProjectStatus(p.status),
            settings=settings,
            created_at=now,
        )
        await uow.projects.add(project)
        notes.append(f"created project {code}")
    else:
        project.title, project.intro, project.language = p.title, p.intro, p.language
        project.organisation_id = org_id
        project.status = model.ProjectStatus(p.status)
        project.settings = {**project.settings, **settings}
        await uow.projects.update(project)
        notes.append(f"updated project {code}")
    assert project.id is not None
    existing = {r.key: r for r in await uow.projects.rounds(project.id)}
    for position, rs in enumerate(spec.rounds):
        rnd = existing.pop(rs.key, None)
        scale = rs.scale or ((1, 10) if rs.kind == "feedback" else (1, 5))
        values: dict[str, Any] = {
            "kind": model.RoundKind(rs.kind),
            "position": position,
            "question": rs.question,
            "items_from": rs.items_from,
            "scale_min": scale[0],
            "scale_max": scale[1],
            "criteria": list(rs.criteria),
            "max_per_resident": rs.max_per_resident,
            "opens_at": rs.opens_at.astimezone(UTC) if rs.opens_at else None,
            "closes_at": rs.closes_at.astimezone(UTC) if rs.closes_at else None,
            "reminders": list(rs.reminders),
        }
        if rnd is None:
            rnd = model.Round(project_id=project.id, key=rs.key, **values)
            rnd.state = _initial_state(rs, now)
            await uow.projects.add_round(rnd)
        else:
            for key, value in values.items():
                setattr(rnd, key, value)
            if rs.state is not None:
                rnd.state = model.RoundState(rs.state)
            elif rnd.state in (model.RoundState.DRAFT, model.RoundState.SCHEDULED):
                rnd.state = _initial_state(rs, now)
            await uow.projects.update_round(rnd)
        assert rnd.id is not None
        texts = rs.items if rs.kind == "rating" else rs.statements
        if texts is not None:
            await _sync_items(uow, rnd.id, texts)
        if rs.items_from is not None:
            source = next(
                r for r in await uow.projects.rounds(project.id) if r.key == rs.items_from
            )
            moderated = project.settings.get("moderation") == "pre"
            for idea in await uow.contributions.ideas_of_round(source.id or 0, moderated):
                await uow.projects.add_item_for_idea(rnd.id, idea.id or 0, idea.text)
    for key in existing:
        notes.append(
            f"round {key} is no longer in the file; it was kept (remove it in the web area)"
        )
    uow.emit(ProjectScheduleChanged(project.id))
    return project, notes


async def _sync_items(uow: UnitOfWork, round_id: int, texts: list[str]) -> None:
    """Make the round's fixed items match the file; removed ones are hidden, answers kept."""
    current = {i.text: i for i in await uow.projects.items(round_id, active_only=False)}
    for position, text in enumerate(texts):
        item = current.pop(text, None)
        if item is None:
            await uow.projects.add_item(model.Item(round_id, text, position))
        elif not item.active or item.position != position:
            await uow.projects.set_item_active(item.id or 0, True)
    for item in current.values():
        if item.idea_id is None and item.active:
            await uow.projects.set_item_active(item.id or 0, False)


async def export_project(uow: UnitOfWork, code: str) -> str:
    """Write a project back as a TOML project file (the web area offers it for download)."""
    project = await uow.projects.by_code(code)
    if project is None or project.id is None:
        raise ProjectFileError(f"no project {code}")
    org = await uow.projects.organisation_slug(project.organisation_id)
    out = [
        "[project]",
        f"code = {_q(project.code)}",
        f"title = {_q(project.title)}",
        f"organisation = {_q(str(org))}",
    ]
    org_name = await uow.projects.organisation_name(project.organisation_id)
    if org_name and org_name != org:  # a name that is only the slug again need not be kept
        out.append(f"organisation_name = {_q(org_name)}")
    out += [
        f"language = {_q(project.language)}",
        f"intro = {_q(project.intro)}",
        f"status = {_q(project.status.value)}",
    ]
    for key in SETTINGS_KEYS:
        if key in project.settings and project.settings[key] != {}:
            out.append(f"{key} = {_toml_value(project.settings[key])}")
    for rnd in await uow.projects.rounds(project.id):
        out += ["", "[[rounds]]", f"key = {_q(rnd.key)}", f"kind = {_q(rnd.kind.value)}"]
        if rnd.question:
            out.append(f"question = {_q(rnd.question)}")
        out.append(f"state = {_q(rnd.state.value)}")
        for name in ("opens_at", "closes_at"):
            value = getattr(rnd, name)
            if value is not None:
                out.append(f"{name} = {_q(value.isoformat())}")
        if rnd.max_per_resident is not None:
            out.append(f"max_per_resident = {rnd.max_per_resident}")
        if rnd.reminders:
            out.append(f"reminders = {_toml_value(rnd.reminders)}")
        if rnd.kind in (model.RoundKind.RATING, model.RoundKind.FEEDBACK):
            out.append(f"scale = [{rnd.scale_min}, {rnd.scale_max}]")
        if rnd.criteria:
            out.append(f"criteria = {_toml_value(rnd.criteria)}")
        if rnd.items_from:
            out.append(f"items_from = {_q(rnd.items_from)}")
        if rnd.kind in (model.RoundKind.RATING, model.RoundKind.STATEMENTS):
            items = await uow.projects.items(rnd.id or 0)
            texts = [i.text for i in items if i.idea_id is None]  # fixed items, not ideas
            key = "items" if rnd.kind == model.RoundKind.RATING else "statements"
            if texts or not rnd.items_from:
                out.append(f"{key} = {_toml_value(texts)}")
    return "\n".join(out) + "\n"


def _q(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return _q(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        pairs = ", ".join(f"{_q(str(k))} = {_toml_value(v)}" for k, v in value.items())
        return "{ " + pairs + " }" if pairs else "{}"
    raise TypeError(type(value))
