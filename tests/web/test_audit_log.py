"""The audit log: every facilitator and admin action leaves who, when and what, never a
resident's words; admins read it page by page and download it as CSV; others may not."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator

import httpx
import pytest
import sqlalchemy as sa

from core.domain import commands as c
from core.domain.audit import AuditEntry
from core.storage import tables as t
from core.storage.audit import AuditRepository
from tests.factories import project_toml
from tests.web.conftest import client_for, csrf, login, make_user

SECRET_IDEA = "Bel me op 0612345678 over de bankjes"
SECRET_FEEDBACK = "Mijn buurman Jansen op nummer 12 parkeert altijd fout"


async def _audit(container) -> list[dict]:
    async with container.reading() as uow:
        rows = await uow.conn.execute(sa.select(t.audit_log).order_by(t.audit_log.c.id))
        return [dict(r._mapping) for r in rows]


async def _contributions(demo) -> tuple[int, int, int]:
    """Two ideas and a feedback comment from a resident of DEMO: (idea, idea, feedback) ids."""
    async with demo.reading() as uow:
        project = await uow.projects.by_code("DEMO")
        rounds = {r.key: r for r in await uow.projects.rounds(project.id)}
    resident = await demo.bus.handle(c.GiveConsent("p-audit", project.id, "web", "nl"))
    first = await demo.bus.handle(c.SubmitIdea(resident, rounds["ideeen"].id, SECRET_IDEA))
    second = await demo.bus.handle(c.SubmitIdea(resident, rounds["ideeen"].id, "Meer bomen"))
    await demo.bus.handle(c.GiveFeedback(resident, rounds["reactie"].id, 7, SECRET_FEEDBACK))
    async with demo.reading() as uow:
        row = (await uow.conn.execute(sa.select(t.feedback.c.id))).first()
    return _id(first), _id(second), row.id


def _id(result) -> int:
    return result if isinstance(result, int) else result.id


async def test_every_kind_of_action_is_recorded_without_residents_words(signed_in, demo):
    first, second, comment = await _contributions(demo)
    token = await csrf(signed_in)
    base = "/manage/projects/DEMO"
    posts = [
        ("/manage/projects/new", {"code": "nieuw", "title": "Nieuw", "language": "nl"}),
        (f"{base}/edit", {"title": "Groen Oosterwijk", "intro": SECRET_IDEA}),
        (f"{base}/rounds/new", {"key": "extra", "kind": "ideas", "question": "Nog iets?"}),
        (f"{base}/rounds/extra", {"kind": "ideas", "question": "Nog meer?"}),
        (f"{base}/rounds/extra/delete", {}),
        (f"{base}/moderation/idea/{first}/reject", {"reason": f"Bevat: {SECRET_IDEA}"}),
        (f"{base}/moderation/idea/{second}/approve", {}),
        (f"{base}/moderation/idea/{second}/tag", {"themes": "groen"}),
        (f"{base}/moderation/feedback/{comment}/correct", {"text": "Parkeren is een probleem"}),
        (f"{base}/moderation/idea/{first}/merge", {"into": str(second)}),
        (f"{base}/rounds/stellingen/close", {}),
        (f"{base}/rounds/stellingen/open", {}),
        (f"{base}/rounds/ideeen/close", {}),
        (f"{base}/rounds/ideeen/publish", {}),
        ("/account/tokens", {}),
    ]
    for path, data in posts:
        response = await signed_in.post(path, data={"csrf": token, **data})
        assert response.status_code in (201, 303), (path, response.status_code)
    for path in (f"{base}/results.xlsx", f"{base}/rounds/ideeen/results.csv",
                 f"{base}/export.toml"):  # fmt: skip
        assert (await signed_in.get(path)).status_code == 200
    toml = project_toml("AUDIT1").replace("gemeente-test", "gemeente-voorbeeld").encode()
    files = {"file": ("p.toml", toml, "text/plain")}
    imported = await signed_in.post("/manage/projects/import", data={"csrf": token}, files=files)
    assert imported.status_code == 303
    rows = await _audit(demo)
    actions = [r["action"] for r in rows]
    expected = {
        "project.create", "project.update", "round.add", "round.edit", "round.delete",
        "moderation.reject", "moderation.approve", "moderation.tag", "moderation.correct",
        "moderation.merge", "round.close", "round.open", "round.publish",
        "account.token_issue", "export", "project.import",
    }  # fmt: skip
    assert expected <= set(actions), expected - set(actions)
    exports = {r["detail"]["export"] for r in rows if r["action"] == "export"}
    assert exports == {"results.xlsx", "results.csv", "project.toml"}
    everything = repr(rows)
    for words in (SECRET_IDEA, "0612345678", SECRET_FEEDBACK, "Parkeren is een probleem"):
        assert words not in everything
    assert {r["actor"] for r in rows} == {"fac@voorbeeld.nl"}
    assert all(r["user_id"] and r["created_at"] for r in rows)
    reject = next(r for r in rows if r["action"] == "moderation.reject")
    assert reject["target"] == f"idea:{first}" and reject["project_id"] is not None
    update = next(r for r in rows if r["action"] == "project.update")
    assert "intro" in update["detail"]["fields"]


async def test_account_changes_are_recorded_and_failed_attempts_are_not(signed_in, demo):
    token = await csrf(signed_in)
    await signed_in.post("/account/tokens", data={"csrf": token})
    await signed_in.post("/account/tokens/1/revoke", data={"csrf": token})
    new = "a brand new password"
    wrong = {"csrf": token, "current": "wrong", "new": new, "repeat": new}
    assert (await signed_in.post("/account/password", data=wrong)).status_code == 400
    right = {**wrong, "current": "correct horse battery"}
    assert (await signed_in.post("/account/password", data=right)).status_code == 303
    actions = [r["action"] for r in await _audit(demo)]
    assert actions == ["account.token_issue", "account.token_revoke", "account.password"]


async def test_the_scheduler_and_command_line_leave_no_person_in_the_log(demo):
    async with demo.reading() as uow:
        project = await uow.projects.by_code("DEMO")
        rnd = (await uow.projects.rounds(project.id))[0]
    await demo.bus.handle(c.CloseRound(rnd.id))
    assert await _audit(demo) == []


async def test_a_refused_action_leaves_no_entry(signed_in, demo):
    await make_user(demo, "ander@elders.nl", "facilitator", "gemeente-elders")
    async with client_for(demo) as other:
        await login(other, "ander@elders.nl")
        token = await csrf(other)
        response = await other.post(
            "/manage/projects/DEMO/rounds/ideeen/close", data={"csrf": token}
        )
    assert response.status_code == 403
    assert await _audit(demo) == []


async def test_facilitators_may_not_read_or_download_the_audit_log(signed_in):
    for path in ("/manage/audit", "/manage/audit.csv", "/manage/organisations"):
        assert (await signed_in.get(path)).status_code == 403, path


@pytest.fixture
async def admin(demo) -> AsyncIterator[httpx.AsyncClient]:
    await make_user(demo, "admin@voorbeeld.nl", "admin")
    async with client_for(demo) as client:
        await login(client, "admin@voorbeeld.nl")
        yield client


async def test_an_admin_reads_the_log_page_by_page_and_filtered(demo, admin):
    async with demo.uow() as uow:
        project = await uow.projects.by_code("DEMO")
        for n in range(55):
            action = "round.open" if n % 5 else "export"
            await AuditRepository(uow.conn).add(
                AuditEntry(
                    action,
                    1,
                    "fac@voorbeeld.nl",
                    project.organisation_id,
                    project.id,
                    f"round:DEMO/r{n}",
                    {"round_id": n},
                    demo.clock(),
                )  # fmt: skip
            )
        await uow.commit()
    first = await admin.get("/manage/audit")
    assert first.status_code == 200
    assert "55 registraties" in first.text and "Pagina 1 van 2" in first.text
    assert "round:DEMO/r54" in first.text and "round:DEMO/r0<" not in first.text
    second = await admin.get("/manage/audit?page=2")
    assert "round:DEMO/r0<" in second.text
    only = await admin.get("/manage/audit?action=export&project=demo")
    assert "11 registraties" in only.text
    assert (await admin.get("/manage/audit?page=abc")).status_code == 200
    assert (await admin.get("/manage/audit?page=99999999999999999999")).status_code == 200
    english = await admin.get("/manage/audit?lang=en")
    assert "55 entries" in english.text and "Page 1 of 2" in english.text


async def test_an_admin_downloads_the_log_as_csv_without_formulas(demo, admin):
    async with demo.uow() as uow:
        await AuditRepository(uow.conn).add(
            AuditEntry(
                "project.create",
                1,
                '=HYPERLINK("http://x")',
                None,
                None,
                "project:X",
                {},
                demo.clock(),
            )  # fmt: skip
        )
        await uow.commit()
    response = await admin.get("/manage/audit.csv?dialect=rfc4180&lang=en")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows[0]["action"] == "project.create" and rows[0]["description"] == "Project created"
    dutch = await admin.get("/manage/audit.csv")  # Dutch Excel: BOM, semicolons, Dutch words
    assert dutch.content.startswith(b"\xef\xbb\xbf")
    first = next(csv.DictReader(io.StringIO(dutch.content.decode("utf-8-sig")), delimiter=";"))
    assert first["Omschrijving"] == "Project aangemaakt" and first["Wie"].startswith("'=")
    assert rows[0]["actor"].startswith("'=")
    assert rows[0]["detail"] == "{}"
    entries = await _audit(demo)
    assert entries[-1]["action"] == "export" and entries[-1]["detail"]["export"] == "audit.csv"
