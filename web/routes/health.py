"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from core import views
from web.deps import ServicesDep

router = APIRouter()


@router.get("/healthz")
async def healthz(services: ServicesDep) -> JSONResponse:
    """Report whether the database answers."""
    try:
        async with services.uow() as uow:
            await views.database_answers(uow)
    except Exception as error:  # noqa: BLE001 - any failure means "not healthy"
        return JSONResponse({"status": "error", "database": type(error).__name__}, 503)
    return JSONResponse({"status": "ok", "database": "ok"})
