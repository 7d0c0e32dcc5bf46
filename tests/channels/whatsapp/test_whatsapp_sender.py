"""Pushed messages: the 24-hour window, the template fallback, Graph's errors, receipts."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from bots.whatsapp.channel import WhatsAppChannel
from bots.whatsapp.templates import template_for
from core.messages import Reply
from core.outbox.ports import OutboundMessage, SendStatus, Template
from core.storage import tables as t
from inspraak.bootstrap import Container
from tests.channels.whatsapp.conftest import WhatsAppResident
from tests.factories import TestClock
from tests.fakes.whatsapp_api import FakeGraphAPI

GERT = "31600000010"


async def _project_settings(container: Container) -> dict[str, object]:
    async with container.uow() as uow:
        project = await uow.projects.by_code("DEMO")
    assert project is not None
    return dict(project.settings)


def _prompt(template: Template | None = None) -> OutboundMessage:
    return OutboundMessage(
        replies=(Reply("Er is een nieuwe ronde geopend. Doe je mee?"),),
        kind="prompt",
        template=template,
    )


def _template() -> Template:
    settings = {
        "whatsapp_template": {
            "name": "inspraak_ronde",
            "parameters": ["project_title", "round_question"],
        }
    }
    values = {"project_title": "Groen en leefbaar Oosterwijk", "round_question": "Wat vind\njij?"}
    found = template_for(settings, "prompt", values, project_code="DEMO")
    assert found is not None
    return found


@pytest.fixture
async def gert(wa: Container, graph: FakeGraphAPI, server: str) -> WhatsAppResident:
    """A resident who joined DEMO over WhatsApp (and so has a contact and a window)."""
    resident = WhatsAppResident(graph, server, GERT)
    await resident.say("START DEMO")
    await resident.press("Ja, ik doe mee")
    return resident


def _channel(container: Container) -> WhatsAppChannel:
    return container.channels["whatsapp"]  # type: ignore[no-any-return]


async def test_within_the_window_a_prompt_goes_free_form(
    wa: Container, graph: FakeGraphAPI, gert: WhatsAppResident, clock: TestClock
):
    clock.advance(hours=23)
    outcome = await _channel(wa).send(GERT, _prompt(_template()))
    assert outcome.status == SendStatus.SENT and outcome.provider_id
    assert graph.sent(GERT)[-1]["type"] == "text"
    assert outcome.provider_id == graph.last_wamid(GERT)


async def test_after_the_window_closed_a_prompt_goes_as_the_approved_template(
    wa: Container, graph: FakeGraphAPI, gert: WhatsAppResident, clock: TestClock
):
    clock.advance(hours=25)
    outcome = await _channel(wa).send(GERT, _prompt(_template()))
    assert outcome.status == SendStatus.SENT
    sent = graph.sent(GERT)[-1]
    assert sent["type"] == "template"
    template = sent["template"]
    assert template["name"] == "inspraak_ronde" and template["language"]["code"] == "nl"
    body, button = template["components"]
    assert [p["text"] for p in body["parameters"]] == [
        "Groen en leefbaar Oosterwijk",
        "Wat vind jij?",  # no newlines in template parameters
    ]
    assert button["parameters"][0]["payload"] == "start:DEMO"
    assert graph.stats.window_rejections == 0  # we never tried free-form into a closed window

    # the resident taps the quick reply: the dialogue resumes, free-form again
    status = await gert.deliver(graph.template_button_webhook(GERT, "start:DEMO", "Doe mee"))
    assert status == 200
    assert "Welkom terug" in gert.texts()
    assert gert.question["type"] == "interactive"


async def test_a_template_only_message_within_the_window_reaches_the_resident(
    wa: Container, graph: FakeGraphAPI, gert: WhatsAppResident
):
    before = len(graph.sent(GERT))
    message = OutboundMessage(replies=(), kind="prompt", template=_template())
    outcome = await _channel(wa).send(GERT, message)
    assert outcome.status == SendStatus.SENT
    sent = graph.sent(GERT)
    assert len(sent) == before + 1 and sent[-1]["type"] == "template"
    assert outcome.provider_id == graph.last_wamid(GERT)

    empty = await _channel(wa).send(GERT, OutboundMessage(replies=(), kind="prompt"))
    assert empty.status == SendStatus.FAILED  # never reported sent without a request
    assert len(graph.sent(GERT)) == before + 1


async def test_after_the_window_closed_without_a_template_the_outbox_hears_window_closed(
    wa: Container, graph: FakeGraphAPI, gert: WhatsAppResident, clock: TestClock
):
    clock.advance(hours=25)
    before = len(graph.log)
    outcome = await _channel(wa).send(GERT, _prompt())
    assert outcome.status == SendStatus.WINDOW_CLOSED
    assert len(graph.log) == before  # nothing was even attempted


async def test_when_meta_says_the_window_closed_the_template_goes_instead(
    wa: Container, graph: FakeGraphAPI, gert: WhatsAppResident
):
    graph.script_error(131047, to=GERT)  # Meta's clock disagrees with ours
    outcome = await _channel(wa).send(GERT, _prompt(_template()))
    assert outcome.status == SendStatus.SENT
    assert graph.sent(GERT)[-1]["type"] == "template"
    outcome = await _channel(wa).send(GERT, _prompt())  # and without a template: reported
    assert outcome.status == SendStatus.SENT  # the scripted error was used once
    graph.script_error(131047, to=GERT)
    outcome = await _channel(wa).send(GERT, _prompt())
    assert outcome.status == SendStatus.WINDOW_CLOSED


@pytest.mark.parametrize(
    ("code", "http_status", "expected"),
    [
        (130429, None, SendStatus.RATE_LIMITED),
        (131056, None, SendStatus.RATE_LIMITED),
        (131026, None, SendStatus.BLOCKED),
        (131050, 400, SendStatus.BLOCKED),
        (131009, None, SendStatus.FAILED),
        (132001, None, SendStatus.FAILED),
        (503, None, SendStatus.RETRY),
        (131000, None, SendStatus.RETRY),
    ],
)
async def test_graph_errors_become_what_the_outbox_should_do(
    wa: Container,
    graph: FakeGraphAPI,
    gert: WhatsAppResident,
    code: int,
    http_status: int | None,
    expected: SendStatus,
):
    graph.script_error(code, http_status=http_status, to=GERT)
    outcome = await _channel(wa).send(GERT, _prompt(_template()))
    assert outcome.status == expected
    if expected == SendStatus.RATE_LIMITED:
        assert outcome.retry_after and outcome.retry_after > 0


async def test_a_dropped_connection_is_retried_later(
    wa: Container, graph: FakeGraphAPI, gert: WhatsAppResident
):
    graph.fail_network(to=GERT)
    outcome = await _channel(wa).send(GERT, _prompt(_template()))
    assert outcome.status == SendStatus.RETRY


async def test_a_number_we_never_heard_from_gets_only_a_template(
    wa: Container, graph: FakeGraphAPI, server: str
):
    outcome = await _channel(wa).send("31699999999", _prompt())
    assert outcome.status == SendStatus.WINDOW_CLOSED


def test_the_sender_offers_the_configured_rate(wa: Container):
    assert _channel(wa).rate == 80.0
    assert _channel(wa).channel == "whatsapp"


# -- receipts ---------------------------------------------------------------------------------


async def _queued(wa: Container, wamid: str) -> None:
    """An outbox row as the sender leaves it after the platform accepted the message."""
    async with wa.uow() as uow:
        await uow.conn.execute(
            t.outbox.insert().values(
                pseudonym="p", channel="whatsapp", kind="prompt", payload={}, dedupe_key=wamid,
                status="sent", next_attempt_at=wa.clock(), provider_message_id=wamid,
            )
        )  # fmt: skip
        await uow.commit()


async def _row(wa: Container) -> sa.Row:
    async with wa.uow() as uow:
        return (await uow.conn.execute(sa.select(t.outbox.c.status, t.outbox.c.last_error))).one()


async def test_delivery_and_read_receipts_keep_the_outbox_row_sent(
    wa: Container, graph: FakeGraphAPI, gert: WhatsAppResident
):
    outcome = await _channel(wa).send(GERT, _prompt(_template()))
    wamid = outcome.provider_id
    assert wamid
    await _queued(wa, wamid)
    assert await gert.deliver(graph.status_webhook(wamid, GERT, "read")) == 200
    assert await gert.deliver(graph.status_webhook(wamid, GERT, "delivered")) == 200
    await gert.deliver(graph.status_webhook("wamid.unknown", GERT, "failed"))
    assert tuple(await _row(wa)) == ("sent", None)


async def test_a_failed_status_fails_the_row_with_its_reason(
    wa: Container, graph: FakeGraphAPI, gert: WhatsAppResident
):
    await _queued(wa, "wamid.F")
    payload = graph.status_webhook("wamid.F", GERT, "failed", error_code=131026)
    assert await gert.deliver(payload) == 200
    row = await _row(wa)
    assert row.status == "failed" and row.last_error.startswith("131026")
