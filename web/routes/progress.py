"""A round's broadcast progress as JSON, for the facilitator page."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.responses import JSONResponse

from core.outbox import broadcast_progress
from web.deps import ServicesDep

router = APIRouter()


@router.get("/projects/{code}/rounds/{key}/progress.json")
async def round_progress(code: str, key: str, services: ServicesDep) -> JSONResponse:
    """Sent, pending, failed and blocked messages of a round, the current rate and an ETA."""
    async with services.uow() as uow:
        progress = await broadcast_progress(uow.conn, code.upper(), key, services.clock())
    if progress is None:
        raise HTTPException(404, "no such round")
    return JSONResponse(progress.to_json(), headers={"Cache-Control": "no-store"})
