"""Tests of the fake WhatsApp Cloud API, driven by httpx like a real client."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from aiohttp import web

from tests.fakes.clock import FakeClock
from tests.fakes.whatsapp_api import FakeGraphAPI

RESIDENT = "31612345678"
SECRET = "app-secret"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def graph(clock: FakeClock) -> AsyncIterator[FakeGraphAPI]:
    async with FakeGraphAPI(
        phone_number_id="123",
        token="tok",
        clock=clock,
        templates={"ronde_herinnering": ["nl"], "hello_world": ["en_US"]},
    ) as fake:
        yield fake


def authorized(graph: FakeGraphAPI, token: str = "tok") -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=graph.base_url, headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
async def client(graph: FakeGraphAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with authorized(graph) as http:
        yield http


def text(body: str, to: str = RESIDENT) -> dict[str, Any]:
    return {"messaging_product": "whatsapp", "to": to, "type": "text", "text": {"body": body}}


def buttons(*titles: str) -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": RESIDENT,
        "type": "interactive",
        "interactive": {
            "type": "button",
            "body": {"text": "Wat vindt u?"},
            "action": {
                "buttons": [
                    {"type": "reply", "reply": {"id": f"b{i}", "title": title}}
                    for i, title in enumerate(titles)
                ]
            },
        },
    }


def list_message(rows: int, title: str = "Optie") -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "to": RESIDENT,
        "type": "interactive",
        "interactive": {
            "type": "list",
            "body": {"text": "Kies een onderwerp"},
            "action": {
                "button": "Onderwerpen",
                "sections": [
                    {
                        "title": "Wijk",
                        "rows": [{"id": f"r{i}", "title": f"{title} {i}"} for i in range(rows)],
                    }
                ],
            },
        },
    }


def template(name: str, language: str = "nl") -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "to": RESIDENT,
        "type": "template",
        "template": {"name": name, "language": {"code": language}},
    }


async def send(client: httpx.AsyncClient, payload: dict[str, Any]) -> httpx.Response:
    return await client.post("/v21.0/123/messages", json=payload)


async def test_a_text_message_inside_the_window_is_accepted_and_recorded(
    graph: FakeGraphAPI, client: httpx.AsyncClient
) -> None:
    graph.user_messaged(RESIDENT)
    response = await send(client, text("Welkom bij de ronde"))
    assert response.status_code == 200
    body = response.json()
    assert body["messaging_product"] == "whatsapp"
    assert body["contacts"] == [{"input": RESIDENT, "wa_id": RESIDENT}]
    assert body["messages"][0]["id"].startswith("wamid.")
    assert graph.sent(RESIDENT)[0]["text"]["body"] == "Welkom bij de ronde"
    assert graph.last_wamid(RESIDENT) == body["messages"][0]["id"]


async def test_any_api_version_prefix_is_accepted(
    graph: FakeGraphAPI, client: httpx.AsyncClient
) -> None:
    graph.user_messaged(RESIDENT)
    assert (await client.post("/v19.0/123/messages", json=text("a"))).status_code == 200
    assert (await client.post("/v23/123/messages", json=text("b"))).status_code == 200
    assert graph.sent_texts(RESIDENT) == ["a", "b"]


async def test_a_wrong_token_is_rejected_with_a_graph_oauth_error(graph: FakeGraphAPI) -> None:
    async with httpx.AsyncClient(base_url=graph.base_url) as http:
        response = await http.post(
            "/v21.0/123/messages", json=text("x"), headers={"Authorization": "Bearer nope"}
        )
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["type"] == "OAuthException"
    assert error["code"] == 190
    assert "fbtrace_id" in error


async def test_an_unknown_phone_number_id_is_rejected(
    graph: FakeGraphAPI, client: httpx.AsyncClient
) -> None:
    response = await client.post("/v21.0/999/messages", json=text("x"))
    assert response.status_code == 400
    assert response.json()["error"]["error_subcode"] == 33


async def test_reply_buttons_are_limited_to_three_with_short_titles(
    graph: FakeGraphAPI, client: httpx.AsyncClient
) -> None:
    graph.user_messaged(RESIDENT)
    assert (await send(client, buttons("Eens", "Oneens", "Weet niet"))).status_code == 200

    too_many = await send(client, buttons("A", "B", "C", "D"))
    assert too_many.status_code == 400
    error = too_many.json()["error"]
    assert error["code"] == 131009
    assert error["message"] == "(#131009) Parameter value is not valid"

    too_long = await send(client, buttons("Dit is een veel te lange titel"))
    assert too_long.json()["error"]["code"] == 131009
    assert "Max length: 20" in too_long.json()["error"]["error_data"]["details"]
    assert len(graph.sent(RESIDENT)) == 1


async def test_lists_are_limited_to_ten_rows_with_short_titles(
    graph: FakeGraphAPI, client: httpx.AsyncClient
) -> None:
    graph.user_messaged(RESIDENT)
    assert (await send(client, list_message(10))).status_code == 200
    eleven = await send(client, list_message(11))
    assert eleven.json()["error"]["error_data"]["details"] == (
        "Total row count exceed max allowed count: 10"
    )
    long_title = await send(client, list_message(2, title="Een erg lange rijtitel hier"))
    assert long_title.json()["error"]["code"] == 131009


async def test_free_form_messages_need_the_24_hour_window(
    graph: FakeGraphAPI, client: httpx.AsyncClient, clock: FakeClock
) -> None:
    never = await send(client, text("Hallo?"))
    assert never.status_code == 400
    assert never.json()["error"]["code"] == 131047

    graph.user_messaged(RESIDENT)
    clock.advance(hours=23, minutes=59)
    assert (await send(client, text("Nog net"))).status_code == 200
    clock.advance(minutes=2)
    late = await send(client, text("Te laat"))
    assert late.json()["error"]["code"] == 131047
    assert late.json()["error"]["message"] == "(#131047) Re-engagement message"
    assert graph.stats.window_rejections == 2


async def test_window_errors_can_arrive_as_failed_status_like_meta_does(
    clock: FakeClock,
) -> None:
    async with (
        FakeGraphAPI(clock=clock, window_errors="status") as graph,
        authorized(graph) as http,
    ):
        response = await send(http, text("Hallo?"))
    assert response.status_code == 200
    (status,) = graph.pending_statuses
    entry = status["entry"][0]["changes"][0]["value"]["statuses"][0]
    assert entry["status"] == "failed"
    assert entry["errors"][0]["code"] == 131047
    assert entry["id"] == response.json()["messages"][0]["id"]


async def test_approved_templates_are_allowed_outside_the_window(
    graph: FakeGraphAPI, client: httpx.AsyncClient
) -> None:
    ok = await send(client, template("ronde_herinnering"))
    assert ok.status_code == 200
    assert ok.json()["messages"][0]["message_status"] == "accepted"
    unknown = await send(client, template("bestaat_niet"))
    assert unknown.json()["error"]["code"] == 132001
    wrong_language = await send(client, template("ronde_herinnering", "en_US"))
    assert wrong_language.json()["error"]["code"] == 132001


async def test_scripted_errors_hit_only_the_matching_recipient(
    graph: FakeGraphAPI, client: httpx.AsyncClient
) -> None:
    graph.user_messaged(RESIDENT)
    graph.user_messaged("31699999999")
    graph.script_error(131026, to=RESIDENT)
    graph.script_error(500, times=1, to="31699999999")
    failed = await send(client, text("x"))
    assert failed.status_code == 400
    assert failed.json()["error"]["code"] == 131026
    server_error = await send(client, text("x", to="+31 6 99999999"))
    assert server_error.status_code == 500
    assert (await send(client, text("x"))).status_code == 200
    assert graph.stats.scripted_errors == 2


async def test_the_throughput_limit_answers_130429() -> None:
    async with FakeGraphAPI(rate=5, enforce_window=False) as graph, authorized(graph) as http:
        statuses = [(await send(http, text(str(i)))).json() for i in range(7)]
    codes = [s.get("error", {}).get("code") for s in statuses]
    assert codes == [None] * 5 + [130429, 130429]
    assert graph.stats.throttled == 2


async def test_mark_as_read_is_accepted(graph: FakeGraphAPI, client: httpx.AsyncClient) -> None:
    response = await send(
        client, {"messaging_product": "whatsapp", "status": "read", "message_id": "wamid.X"}
    )
    assert response.json() == {"success": True}
    assert graph.marked_read == ["wamid.X"]


async def test_webhooks_are_signed_over_the_raw_body_and_open_the_window(
    graph: FakeGraphAPI, clock: FakeClock
) -> None:
    received: list[tuple[str | None, bytes]] = []

    async def handler(request: web.Request) -> web.Response:
        received.append((request.headers.get("X-Hub-Signature-256"), await request.read()))
        return web.Response(text="EVENT_RECEIVED")

    app = web.Application()
    app.router.add_post("/wa", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/wa"
    try:
        payload = graph.text_webhook(RESIDENT, "Ja, graag/prima é")
        assert not graph.window_open(RESIDENT)
        assert await graph.deliver_webhook(url, payload, SECRET) == 200
        assert graph.window_open(RESIDENT)
        await graph.deliver_webhook(url, payload, SECRET, sign="wrong")
        await graph.deliver_webhook(url, payload, SECRET, sign="omit")
    finally:
        await runner.cleanup()

    (good_sig, raw), (bad_sig, _), (no_sig, _) = received
    expected = "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
    assert good_sig == expected
    assert bad_sig is not None
    assert bad_sig != expected
    assert no_sig is None
    assert b"\\/" in raw
    assert b"\\u00e9" in raw
    decoded = json.loads(raw)
    value = decoded["entry"][0]["changes"][0]["value"]
    assert decoded["object"] == "whatsapp_business_account"
    assert value["metadata"]["phone_number_id"] == "123"
    assert value["contacts"][0]["wa_id"] == RESIDENT
    assert value["messages"][0]["text"]["body"] == "Ja, graag/prima é"
    assert value["messages"][0]["timestamp"] == str(int(clock()))


async def test_reply_webhooks_refer_to_the_message_they_answer(
    graph: FakeGraphAPI, client: httpx.AsyncClient
) -> None:
    graph.user_messaged(RESIDENT)
    sent = (await send(client, buttons("Eens", "Oneens"))).json()["messages"][0]["id"]

    button = graph.button_reply_webhook(RESIDENT, "b0", "Eens")
    message = button["entry"][0]["changes"][0]["value"]["messages"][0]
    assert message["context"]["id"] == sent
    assert message["interactive"] == {
        "type": "button_reply",
        "button_reply": {"id": "b0", "title": "Eens"},
    }

    listed = graph.list_reply_webhook(RESIDENT, "r1", "Optie 1", "Uitleg")
    reply = listed["entry"][0]["changes"][0]["value"]["messages"][0]["interactive"]
    assert reply["list_reply"] == {"id": "r1", "title": "Optie 1", "description": "Uitleg"}

    quick = graph.template_button_webhook(RESIDENT, "STOP", "Stoppen")
    quick_message = quick["entry"][0]["changes"][0]["value"]["messages"][0]
    assert quick_message["type"] == "button"
    assert quick_message["button"] == {"payload": "STOP", "text": "Stoppen"}

    status = graph.status_webhook(sent, RESIDENT, "read")
    entry = status["entry"][0]["changes"][0]["value"]["statuses"][0]
    assert (entry["id"], entry["status"], entry["recipient_id"]) == (sent, "read", RESIDENT)


async def test_wait_for_returns_once_enough_sends_arrived(
    graph: FakeGraphAPI, client: httpx.AsyncClient
) -> None:
    graph.user_messaged(RESIDENT)
    await send(client, text("een"))
    await send(client, text("twee"))
    calls = await graph.wait_for(count=2, to=RESIDENT, timeout=1)
    assert [c.payload["text"]["body"] for c in calls if c.payload] == ["een", "twee"]
