"""Typed dependencies for routes: the services the composition root hands the app."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Protocol

from fastapi import Depends, HTTPException, Path, Request

from core.domain import policy
from core.domain.accounts import User
from core.domain.commands import Command
from core.domain.errors import UnknownItem, UnknownProject
from core.domain.model import Project, ProjectStatus, Round
from core.domain.numbers import MAX_ID
from core.domain.policy import NotAllowed, Permission
from core.i18n import N_, normalise_language, resident_language
from core.services import accounts
from core.services.analyses import RoundAnalyses
from core.services.preview import Previews
from core.services.similar_ideas import SimilarIdeas
from core.storage.uow import UnitOfWork


class WebChatPort(Protocol):
    """What the web needs of the web chat channel (it never imports bots/)."""

    def new_token(self) -> str: ...

    async def start(self, token: str, project_code: str, language: str | None = None) -> None: ...

    async def greeting(
        self, token: str, project_code: str, language: str | None = None
    ) -> list[Any]: ...

    async def answer(
        self,
        token: str,
        project_code: str,
        *,
        text: str | None = None,
        choice: str | None = None,
        language: str | None = None,
    ) -> Any: ...  # has ``erased`` and ``language``

    async def transcript(self, token: str) -> list[Any]: ...

    def starts_again(self, text: str | None) -> bool: ...

    def erased(self, language: str) -> list[Any]: ...

    def others_offered(self, entries: list[Any]) -> list[dict[str, str]]: ...

    async def language(self, token: str) -> str | None: ...


class Services(Protocol):
    settings: Any
    secret_key: str
    bus: Any
    clock: Callable[..., Any]
    channels: dict[str, Any]
    analyses: RoundAnalyses  # the process's cache of opinion analyses (shared with the chat)
    similar_ideas: SimilarIdeas  # the process's similar-idea indexes per round
    previews: Previews  # facilitators' preview chats on throwaway copies

    def uow(self) -> UnitOfWork: ...

    def reading(self) -> UnitOfWork: ...  # read-only, for long reads (pages, exports)


def get_services(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]


def get_webchat(request: Request) -> WebChatPort:
    return request.app.state.services.channels["web"]  # type: ignore[no-any-return]


def get_language(request: Request) -> str:
    """The page language: ?lang=, then the lang cookie, then Accept-Language; Dutch default."""
    chosen = request.query_params.get("lang") or request.cookies.get("lang")
    if chosen:
        return normalise_language(chosen)
    header = request.headers.get("accept-language", "")
    first = header.split(",")[0].split(";")[0].strip()
    return normalise_language(first) if first.lower().startswith("en") else "nl"


ServicesDep = Annotated[Services, Depends(get_services)]
WebChatDep = Annotated[WebChatPort, Depends(get_webchat)]
# An id in a path: out of a database id's range it is no page (404, see web.app), not an error.
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
LanguageDep = Annotated[str, Depends(get_language)]


def get_chat_language(request: Request) -> str:
    """The web chat's language before the conversation has one: ?lang=, the lang cookie, then
    Accept-Language, among the languages residents may choose; Dutch by default."""
    chosen = request.query_params.get("lang") or request.cookies.get("lang")
    if chosen:
        return resident_language(chosen)
    header = request.headers.get("accept-language", "")
    return resident_language(header.split(",")[0].split(";")[0].strip())


ChatLanguageDep = Annotated[str, Depends(get_chat_language)]


# --- web area: sessions, roles, CSRF ---

SESSION_COOKIE = "inspraak_session"
LOGIN_CSRF_COOKIE = "inspraak_login"


class LoginRequired(Exception):
    """Raised by the user dependencies; the app turns it into a redirect to the login page."""

    def __init__(self, next_url: str, change_password: bool = False) -> None:
        super().__init__(next_url)
        self.next_url = next_url
        self.change_password = change_password


@dataclass
class Session:
    user: User
    token: str
    csrf: str


async def get_session(request: Request) -> Session | None:
    """The signed-in user of this request, if any (looked up once per request)."""
    if hasattr(request.state, "session"):
        return request.state.session  # type: ignore[no-any-return]
    session = None
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        async with get_services(request).reading() as uow:
            found = await accounts.session_user(uow, token)
        if found is not None:
            session = Session(found[0], token, found[1])
    request.state.session = session
    return session


OptionalSessionDep = Annotated[Session | None, Depends(get_session)]


def _next(request: Request) -> str:
    query = f"?{request.url.query}" if request.url.query else ""
    return request.url.path + query


async def require_user(request: Request, session: OptionalSessionDep) -> Session:
    """A signed-in user who has replaced the one-time password."""
    if session is None:
        raise LoginRequired(_next(request))
    if session.user.must_change_password:
        raise LoginRequired(_next(request), change_password=True)
    return session


UserDep = Annotated[Session, Depends(require_user)]


async def require_editor(session: UserDep) -> Session:
    """An admin or facilitator: viewers read but never change anything."""
    if not policy.may_edit_anything(session.user):
        raise HTTPException(403, N_("Your role can read but not change this."))
    return session


FacilitatorDep = Annotated[Session, Depends(require_editor)]


def csrf_ok(expected: str, given: str) -> bool:
    return bool(expected) and hmac.compare_digest(expected.encode(), given.encode())


async def verify_csrf(request: Request, session: OptionalSessionDep) -> None:
    """Refuse an unsafe request whose form does not carry the session's CSRF token."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if session is None:  # strangers are sent to the login page, not told about tokens
        raise LoginRequired("/manage")
    form = await request.form()
    given = str(form.get("csrf", "")) or request.headers.get("X-CSRF-Token", "")
    if session is None or not csrf_ok(session.csrf, given):
        raise HTTPException(403, N_("This form has expired. Please reload the page."))


async def project_of(
    services: Services, user: User, code: str, permission: Permission = Permission.READ
) -> Project:
    """The project ``code`` if the policy gives ``user`` this permission on it (403, 404)."""
    found = Project.parse_code(code)
    if found is None:
        raise HTTPException(404, "Unknown project")
    async with services.reading() as uow:
        project = await uow.projects.by_code(found)
    if project is None:
        raise HTTPException(404, "Unknown project")
    if not policy.allows(user, permission, project.organisation_id):
        raise HTTPException(403, N_("This project belongs to another organisation."))
    return project


async def project_for(
    services: Services, session: Session, code: str, change: bool = False
) -> Project:
    """The project ``code`` if this user may read it (edit it when ``change``)."""
    permission = Permission.EDIT if change else Permission.READ
    return await project_of(services, session.user, code, permission)


async def active_project(services: Services, code: str) -> Project:
    """The project ``code`` if it is active: anyone may see its join links (404 otherwise)."""
    found = Project.parse_code(code)
    if found is None:
        raise HTTPException(404, "Unknown project")
    async with services.reading() as uow:
        project = await uow.projects.by_code(found)
    if project is None or project.status != ProjectStatus.ACTIVE:
        raise HTTPException(404, "Unknown project")
    return project


async def rounds_of(services: Services, project: Project) -> list[Round]:
    async with services.reading() as uow:
        return await uow.projects.rounds(project.id or 0)


async def round_for(services: Services, project: Project, key: str) -> Round:
    """The round ``key`` of ``project`` (404 when it has none)."""
    found = [r for r in await rounds_of(services, project) if r.key == key]
    if not found:
        raise HTTPException(404, "Unknown round")
    return found[0]


async def send(services: Services, command: Command) -> Any:
    """Hand a command to the bus (which commits and publishes its events); a refusal by the
    policy is a 403, an unknown project or round a 404."""
    try:
        return await services.bus.handle(command)
    except NotAllowed as error:
        raise HTTPException(403, error.detail) from error
    except UnknownProject as error:
        raise HTTPException(404, "Unknown project") from error
    except UnknownItem as error:
        raise HTTPException(404, f"Unknown {error.detail}") from error
