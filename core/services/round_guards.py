"""What may no longer change once residents answered a round, for every way of editing it.

The round form, the project file (web upload and ``inspraak project import``) and the commands
behind them all end in :func:`refuse_answered_changes`: a round with answers keeps its kind,
its scale and its criteria, since the answers given would no longer fit or would mean something
else. Its question, its items' wording and its times stay open to correction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.domain import model
from core.domain.texts import base
from core.i18n import N_
from core.services.project_spec import InvalidProjectFile, ProjectFile, RoundSpec, SpecError
from core.storage.uow import UnitOfWork

KIND_FIXED = N_(
    "This round already has answers (residents who answered: {n}), so its kind can no longer "
    "change: "
    "their answers would not fit. Add a new round instead."
)
SCALE_FIXED = N_(
    "This round already has answers (residents who answered: {n}), so its scale can no longer "
    "change: "
    "the scores given would mean something else. Add a new round instead."
)
CRITERIA_FIXED = N_(
    "This round already has answers (residents who answered: {n}), so its criteria can no "
    "longer change: the scores given belong to the criteria as they were. Add a new round instead."
)


def default_scale(kind: str) -> tuple[int, int]:
    """The scale a round has when the file names none."""
    return (1, 10) if kind == model.RoundKind.FEEDBACK.value else (1, 5)


def _changes(rnd: model.Round, spec: RoundSpec) -> list[tuple[str, str]]:
    """The fixed fields ``spec`` would change, each with the message saying why it may not."""
    found: list[tuple[str, str]] = []
    if spec.kind != rnd.kind.value:
        return [("kind", KIND_FIXED)]
    if rnd.kind in (model.RoundKind.RATING, model.RoundKind.FEEDBACK):
        scale = tuple(spec.scale or default_scale(spec.kind))
        if scale != (rnd.scale_min, rnd.scale_max):
            found.append(("scale", SCALE_FIXED))
    # the Dutch names are what the scores belong to; their translations may be corrected
    if rnd.kind == model.RoundKind.RATING and [base(c) for c in spec.criteria] != rnd.criteria:
        found.append(("criteria", CRITERIA_FIXED))
    return found


async def refuse_kind_change(
    uow: UnitOfWork, project: model.Project, data: Mapping[str, Any], round_index: int
) -> None:
    """Before the file's other rules: refuse another kind for an answered round, so that this
    is what the facilitator reads first (not what the other kind would need)."""
    given = data["rounds"][round_index]
    rnd = next(
        (r for r in await uow.projects.rounds(project.id or 0) if r.key == given.get("key")), None
    )
    if rnd is None or str(given.get("kind")) == rnd.kind.value:
        return
    answered = await uow.contributions.respondents(rnd.id or 0)
    if answered:
        error = SpecError(KIND_FIXED, n=answered)
        problem = {
            "loc": ("rounds", round_index, "kind"),
            "type": "round_answered",
            "msg": str(error),
            "ctx": {"error": error},
        }
        raise InvalidProjectFile([problem], data, round_index)


async def refuse_answered_changes(
    uow: UnitOfWork,
    project: model.Project | None,
    spec: ProjectFile,
    data: Mapping[str, Any] | None = None,
    round_index: int | None = None,
) -> None:
    """Raise ``InvalidProjectFile`` when ``spec`` changes the kind, scale or criteria of one of
    ``project``'s rounds that residents have answered; the error lies beside the field."""
    if project is None or project.id is None:
        return
    existing = {r.key: r for r in await uow.projects.rounds(project.id)}
    problems: list[Mapping[str, Any]] = []
    for index, rs in enumerate(spec.rounds):
        rnd = existing.get(rs.key)
        changes = _changes(rnd, rs) if rnd is not None else []
        if not changes:
            continue
        answered = await uow.contributions.respondents(rnd.id or 0) if rnd else 0
        if not answered:
            continue
        for field, message in changes:
            error = SpecError(message, n=answered)
            problems.append(
                {
                    "loc": ("rounds", index, field),
                    "type": "round_answered",
                    "msg": str(error),
                    "ctx": {"error": error},
                }
            )
    if problems:
        raise InvalidProjectFile(problems, data or spec.model_dump(), round_index)
