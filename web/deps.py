"""Typed dependencies for routes: the services the composition root hands the app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Protocol

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates

from core.i18n import normalise_language
from core.services.uow import UnitOfWork


class WebChatPort(Protocol):
    """What the web needs of the web chat channel (it never imports bots/)."""

    def new_token(self) -> str: ...

    async def start(self, token: str, project_code: str, language: str | None = None) -> None: ...

    async def send_text(self, token: str, text: str) -> None: ...

    async def choose(self, token: str, data: str) -> None: ...

    async def transcript(self, token: str) -> list[Any]: ...


class Services(Protocol):
    settings: Any
    secret_key: str
    bus: Any
    clock: Callable[..., Any]
    channels: dict[str, Any]

    def uow(self) -> UnitOfWork: ...


def get_services(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]


def get_templates(request: Request) -> Jinja2Templates:
    return request.app.state.templates  # type: ignore[no-any-return]


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
TemplatesDep = Annotated[Jinja2Templates, Depends(get_templates)]
WebChatDep = Annotated[WebChatPort, Depends(get_webchat)]
LanguageDep = Annotated[str, Depends(get_language)]
