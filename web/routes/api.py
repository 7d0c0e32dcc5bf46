"""The JSON API under ``/api/v1`` (token auth): projects, rounds and results.

Mounted as its own FastAPI app so that its OpenAPI document, ``/api/v1/openapi.json``,
describes the API alone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from core import views
from core.analysis.similarity import DEFAULT_STRICTNESS
from core.domain import commands as c
from core.domain import policy
from core.domain.accounts import User
from core.domain.errors import InvalidInput
from core.domain.model import MAX_TEXT_LENGTH, Project, Round, RoundKind, clean_text
from core.services.idea_clusters import suggested_clusters
from core.services.offered_ideas import OFFERED, distinct
from web.deps import Services, project_of, round_for, rounds_of

bearer = HTTPBearer(auto_error=False, description="A token from `inspraak user token`.")


def _services(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]


async def api_user(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> User:
    """The user of the API token in ``Authorization: Bearer <token>``."""
    if credentials is None:
        raise HTTPException(401, "Missing API token", headers={"WWW-Authenticate": "Bearer"})
    command = c.UseApiToken(credentials.credentials.strip())
    user = await _services(request).bus.handle(command)
    if user is None:
        raise HTTPException(401, "Invalid API token", headers={"WWW-Authenticate": "Bearer"})
    return user


ApiUser = Annotated[User, Depends(api_user)]


async def _project(request: Request, user: User, code: str) -> Project:
    return await project_of(_services(request), user, code)


def _round_json(r: Round, now: datetime) -> dict[str, Any]:
    """A round as the API shows it: ``state`` is the real one at ``now`` (a scheduled round
    whose opening time has come is ``open``), ``actions`` what a facilitator can do now."""
    return {
        "key": r.key,
        "kind": r.kind.value,
        "question": r.question,
        "state": r.phase(now).value,
        "actions": [a.value for a in r.actions(now)],
        "opens_at": r.opens_at.isoformat() if r.opens_at else None,
        "closes_at": r.closes_at.isoformat() if r.closes_at else None,
        "results_published_at": (
            r.results_published_at.isoformat() if r.results_published_at else None
        ),
    }


def create_api(services: Services) -> FastAPI:
    """Build the API app around the same services as the web app."""
    api = FastAPI(
        title="inspraak API",
        version="1",
        description="Projects, rounds and aggregated results (no personal data).",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    api.state.services = services

    @api.get("/projects", summary="Projects you may read")
    async def list_projects(request: Request, user: ApiUser) -> list[dict[str, Any]]:
        async with _services(request).reading() as uow:
            found = await views.projects_for(uow, policy.readable_scope(user))
        return [
            {"code": p["code"], "title": p["title"], "status": p["status"],
             "organisation": p["organisation"]}
            for p in found
        ]  # fmt: skip

    @api.get("/projects/{code}", summary="One project")
    async def get_project(request: Request, code: str, user: ApiUser) -> dict[str, Any]:
        project = await _project(request, user, code)
        return {
            "code": project.code,
            "title": project.title,
            "intro": project.intro,
            "language": project.language,
            "status": project.status.value,
            "moderation": project.settings.get("moderation", "post"),
        }

    @api.get("/projects/{code}/rounds", summary="The rounds of a project")
    async def get_rounds(request: Request, code: str, user: ApiUser) -> list[dict[str, Any]]:
        project = await _project(request, user, code)
        rounds = await rounds_of(_services(request), project)
        now = _services(request).clock()
        return [_round_json(r, now) for r in rounds]

    @api.get("/projects/{code}/results", summary="Aggregated results of every round")
    async def get_results(request: Request, code: str, user: ApiUser) -> dict[str, Any]:
        project = await _project(request, user, code)
        services = _services(request)
        await services.bus.handle(c.RecordExport(user.id or 0, project.code, "api.results"))
        async with services.reading() as uow:
            results = await views.project_results(uow, project.code, services.clock())
        assert results is not None
        return results.to_json()

    @api.get(
        "/projects/{code}/rounds/{key}/similar",
        summary="Ideas like a text: what the chat would offer",
        description=(
            "The approved ideas of an ideas round most like `text` (at most three, best "
            "first), exactly as the chat offers them to a resident who typed that text: "
            '`[{"id": <idea id>, "text": "...", "score": 0.0}]`. An idea merged '
            "into another leads to that one; flagged ideas are never offered. Ids are the "
            "idea ids of the results (`ideas[].id`). An empty list: nothing is similar enough. "
            f"`text`: 1 to {MAX_TEXT_LENGTH} characters."
        ),
        responses={
            404: {"description": "Unknown project or round"},
            409: {"description": "Not an ideas round"},
            422: {"description": "Missing or too long `text`"},
        },
    )
    async def get_similar(
        request: Request,
        code: str,
        key: str,
        user: ApiUser,
        text: Annotated[str | None, Query(description="What a resident typed")] = None,
    ) -> list[dict[str, Any]]:
        services = _services(request)
        rnd = await round_for(services, await _project(request, user, code), key)
        if rnd.kind != RoundKind.IDEAS:
            raise HTTPException(
                409, f"Round {key} is a {rnd.kind.value} round, not an ideas round"
            )
        cleaned = _query_text(text)
        async with services.reading() as uow:
            found = await services.similar_ideas.similar(uow, rnd.id or 0, cleaned, OFFERED + 3)
        return [{"id": s.id, "text": s.text, "score": s.score} for s in distinct(found)]

    @api.get(
        "/projects/{code}/rounds/{key}/clusters",
        summary="Every approved idea of an ideas round in one suggested cluster",
    )
    async def get_clusters(
        request: Request,
        code: str,
        key: str,
        user: ApiUser,
        strictness: Annotated[float, Query(ge=0, le=1)] = DEFAULT_STRICTNESS,
    ) -> dict[str, Any]:
        services = _services(request)
        rnd = await round_for(services, await _project(request, user, code), key)
        if rnd.kind != RoundKind.IDEAS:
            raise HTTPException(
                409, f"Round {key} is a {rnd.kind.value} round, not an ideas round"
            )
        async with services.reading() as uow:
            found = await suggested_clusters(uow, services.similar_ideas, rnd.id or 0, strictness)
        return found.to_json()

    return api


_MISSING = "Missing text: add ?text=... with what a resident typed"


def _query_text(text: str | None) -> str:
    """The ``text`` parameter as the chat reads a typed idea; a clear 422 when unusable."""
    if text is None or not text.strip():
        raise HTTPException(422, _MISSING)
    try:
        return clean_text(text)
    except InvalidInput as error:
        if error.detail == "too_long":
            message = f"Text too long: at most {MAX_TEXT_LENGTH} characters"
            raise HTTPException(422, message) from error
        raise HTTPException(422, _MISSING) from error
