"""Facilitators opt in to e-mail about their projects: a daily digest of contributions waiting
for moderation, and a note when a round opens or closes; only about projects they may read.
The dashboard's web chat button opens the preview chat, so the facilitator takes no part."""

from __future__ import annotations

import re

import httpx

from core.domain import commands as c
from inspraak.bootstrap import Container
from inspraak.scheduling import DIGEST_JOB, RoundScheduler, digest_job
from tests.factories import TestClock
from tests.smtp import Inbox
from tests.web.conftest import client_for, csrf, login, make_user
from tests.web.mailing import mails_to, settings  # noqa: F401 - the fixture

BASE = "https://inspraak.voorbeeld.nl"


async def _rounds(demo: Container) -> dict[str, int]:
    async with demo.reading() as uow:
        project = await uow.projects.by_code("DEMO")
        assert project is not None
        return {r.key: r.id or 0 for r in await uow.projects.rounds(project.id or 0)}


async def _two_waiting_ideas(demo: Container) -> None:
    rounds = await _rounds(demo)
    async with demo.reading() as uow:
        project = await uow.projects.by_code("DEMO")
    resident = await demo.bus.handle(c.GiveConsent("p-digest", project.id, "web", "nl"))
    await demo.bus.handle(c.SubmitIdea(resident, rounds["ideeen"], "Meer bankjes in het park"))
    await demo.bus.handle(c.SubmitIdea(resident, rounds["ideeen"], "Een moestuin bij school"))


async def _opt_in(demo: Container, email: str, organisation: str | None, **topics: str) -> None:
    role = "facilitator" if organisation else "admin"
    await make_user(demo, email, role, organisation)
    async with client_for(demo) as person:
        await login(person, email)
        page = await person.get("/account/notifications")
        assert "Elke ochtend" in page.text
        token = await csrf(person, "/account/notifications")
        saved = await person.post(
            "/account/notifications", data={"csrf": token, "language": "nl", **topics}
        )
        assert saved.status_code == 303


async def test_the_daily_digest_counts_waiting_contributions_once_a_day(
    demo: Container, smtp_inbox: Inbox, clock: TestClock
):
    await _opt_in(demo, "fac@voorbeeld.nl", "gemeente-voorbeeld", digest="on")
    await make_user(demo, "quiet@voorbeeld.nl", "facilitator", "gemeente-voorbeeld")
    assert await demo.bus.handle(c.SendModerationDigests(BASE)) == 0  # nothing waits yet
    await _two_waiting_ideas(demo)
    assert await demo.bus.handle(c.SendModerationDigests(BASE)) == 1
    await mails_to(demo, smtp_inbox, "fac@voorbeeld.nl")
    [mail] = [m for m in smtp_inbox.mails if "fac@voorbeeld.nl" in m.recipients]
    assert mail.message["Subject"] == "2 bijdragen wachten op moderatie"
    assert f"{BASE}/manage/projects/DEMO/moderation" in mail.text
    assert f"{BASE}/account/notifications" in mail.text
    assert await demo.bus.handle(c.SendModerationDigests(BASE)) == 0  # a restart: no second
    clock.advance(days=1)
    assert await demo.bus.handle(c.SendModerationDigests(BASE)) == 1
    assert await mails_to(demo, smtp_inbox, "quiet@voorbeeld.nl") == []


async def test_a_round_closing_is_mailed_to_those_who_asked_and_may_read_the_project(
    demo: Container, smtp_inbox: Inbox
):
    await _opt_in(demo, "fac@voorbeeld.nl", "gemeente-voorbeeld", rounds="on")
    async with demo.uow() as uow:
        await uow.projects.organisation("andere-gemeente")
        await uow.commit()
    await _opt_in(demo, "other@voorbeeld.nl", "andere-gemeente", rounds="on", digest="on")
    await demo.bus.handle(c.CloseRound((await _rounds(demo))["ideeen"]))
    [mail] = await mails_to(demo, smtp_inbox, "fac@voorbeeld.nl")
    assert "Ronde ideeen van" in mail and "is gesloten" in mail
    assert await mails_to(demo, smtp_inbox, "other@voorbeeld.nl") == []


async def test_nobody_gets_mail_they_did_not_ask_for(demo: Container, smtp_inbox: Inbox):
    await make_user(demo, "fac@voorbeeld.nl", "facilitator", "gemeente-voorbeeld")
    await _two_waiting_ideas(demo)
    await demo.bus.handle(c.CloseRound((await _rounds(demo))["ideeen"]))
    assert await demo.bus.handle(c.SendModerationDigests(BASE)) == 0
    assert await mails_to(demo, smtp_inbox, "fac@voorbeeld.nl") == []


async def test_the_dashboard_offers_the_preview_chat_not_the_residents_chat(
    signed_in: httpx.AsyncClient,
):
    page = await signed_in.get("/manage/projects/DEMO")
    assert page.status_code == 200
    assert 'href="/manage/projects/DEMO/try"' in page.text
    assert "Probeer de webchat (proefversie, telt niet mee)" in page.text
    assert not re.search(r'href="[^"]*/chat/DEMO"', page.text)  # no way in as a resident
    assert ">Doe mee via de webchat</a>" not in page.text
    assert 'value="http://127.0.0.1:8000/chat/DEMO"' in page.text  # the link to hand out


async def test_the_scheduler_plans_the_digest_every_morning(demo: Container):
    scheduler = RoundScheduler(demo, reconcile_every=0)
    await scheduler.start()
    try:
        job = scheduler.scheduler.get_job(DIGEST_JOB)
        assert job is not None and "hour='8'" in str(job.trigger)
        assert str(job.trigger.timezone) == "Europe/Amsterdam"
    finally:
        await scheduler.stop()
    assert await digest_job(BASE) == c.SendModerationDigests(BASE)
