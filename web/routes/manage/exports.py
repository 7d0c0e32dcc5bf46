"""Downloads of a project's results for officials: CSV per round, XLSX and ODS workbooks.

A workbook is written in a worker thread: a large project's ODS takes seconds (odfpy builds the
whole document in memory), which must not hold up other requests."""

from __future__ import annotations

import dataclasses

from fastapi import HTTPException
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from core import views
from core.domain.model import Project
from core.i18n import N_
from core.views.opinions import opinion_summaries
from web.deps import LanguageDep, Services, ServicesDep, UserDep, project_for
from web.export_sheets import Sheet, workbook_sheets
from web.exports import DIALECTS, results_csv, results_ods, results_workbook
from web.routes.manage.common import router
from web.routes.manage.governance import record_export

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODS = "application/vnd.oasis.opendocument.spreadsheet"


async def _results(services: Services, project: Project) -> views.ProjectResults:
    async with services.reading() as uow:
        results = await views.project_results(uow, project.code, services.clock())
    assert results is not None
    return results


async def _sheets(services: Services, project: Project, language: str) -> list[Sheet]:
    """Every sheet of the workbook: overview, a sheet per round, per wijk and age band, and
    the opinion groups of the statements rounds (the facilitator's view: shown or not)."""
    found = await _results(services, project)
    breakdowns: dict[str, list[tuple[views.RoundResult, views.Breakdown]]] = {}
    async with services.reading() as uow:
        for dimension in ("wijk", "age_band"):
            breakdowns[dimension] = [
                (rnd, await views.breakdown(uow, rnd, dimension, [i.item_id for i in rnd.items]))
                for rnd in found.rounds
                if rnd.kind != "ideas"
            ]
        statements = [rnd for rnd in found.rounds if rnd.kind == "statements"]
        summaries = await opinion_summaries(
            uow, services.analyses, [rnd.id for rnd in statements], language
        )
    opinions = [(rnd, summaries[rnd.id]) for rnd in statements]
    return workbook_sheets(found, breakdowns, language, opinions)


def _download(data: bytes | str, media: str, filename: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(data, media_type=media, headers=headers)


WORKBOOKS = {"xlsx": (results_workbook, XLSX), "ods": (results_ods, ODS)}


@router.get("/projects/{code}/results.{kind}")
async def results_book(
    code: str, kind: str, services: ServicesDep, session: UserDep, lang: LanguageDep
) -> Response:
    """Download every round as a workbook, XLSX or OpenDocument (the same sheets): an overview,
    the rounds, wijken, age bands and opinion groups."""
    project = await project_for(services, session, code)  # first: another's project is 403
    if kind not in WORKBOOKS:
        raise HTTPException(404, N_("Unknown download"))
    write, media = WORKBOOKS[kind]
    await record_export(services, session, project.code, f"results.{kind}")
    data = await run_in_threadpool(write, await _sheets(services, project, lang))
    return _download(data, media, f"{project.code}-results.{kind}")


@router.get("/projects/{code}/rounds/{key}/results.csv")
async def round_csv(
    code: str,
    key: str,
    services: ServicesDep,
    session: UserDep,
    lang: LanguageDep,
    dialect: str = "",
) -> Response:
    """Download one round's results as CSV: Dutch Excel by default in Dutch, or RFC 4180."""
    project = await project_for(services, session, code)
    found = await _results(services, project)
    chosen = [r for r in found.rounds if r.key == key]
    if not chosen:
        raise HTTPException(404, N_("Unknown round"))
    if dialect not in DIALECTS:
        dialect = "excel" if lang == "nl" else "rfc4180"
    await record_export(services, session, project.code, "results.csv", key)
    text = results_csv(dataclasses.replace(found, rounds=chosen), lang, dialect)
    suffix = "" if dialect == "excel" else "-rfc4180"
    return _download(text, "text/csv; charset=utf-8", f"{project.code}-{key}{suffix}.csv")
