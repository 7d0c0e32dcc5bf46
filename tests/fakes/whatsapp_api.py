"""An in-process fake of the WhatsApp Cloud API (Meta Graph API) for offline tests.

Usage::

    clock = FakeClock()
    async with FakeGraphAPI(phone_number_id="123", token="tok", clock=clock) as g:
        url = f"{g.base_url}/v21.0/123/messages"
        g.user_messaged("31612345678")               # opens the 24h window
        ...client sends with "Authorization: Bearer tok"...
        assert g.sent("31612345678")[0]["text"]["body"] == "Welkom"
        await g.deliver_webhook(app_url, g.text_webhook("31612345678", "ja"), "app-secret")

Validates payloads like Meta does (button/list limits, templates, the 24-hour
customer-service window), answers Graph-style error objects, can script faults and a
throughput limit, records every call and builds/delivers signed webhooks.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import re
import secrets
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from aiohttp import ClientTimeout, web

from tests.fakes._server import CallLog, FakeHTTPServer, SlidingWindow, drop_connection

__all__ = ["FakeGraphAPI", "GraphApiError", "GraphCall", "GraphStats", "SentMessage"]

JsonDict = dict[str, Any]

WINDOW_SECONDS = 24 * 3600
ERROR_HREF = "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"
MESSAGE_TYPES = (
    "audio",
    "contacts",
    "document",
    "image",
    "interactive",
    "location",
    "reaction",
    "sticker",
    "template",
    "text",
    "video",
)

#: code -> (title, details, default HTTP status)
KNOWN_ERRORS: dict[int, tuple[str, str, int]] = {
    1: ("An unknown error occurred", "An unknown error occurred.", 500),
    2: ("Service temporarily unavailable", "Service temporarily unavailable.", 503),
    4: ("Application request limit reached", "Too many API calls from this app.", 400),
    100: ("Invalid parameter", "Invalid parameter.", 400),
    190: ("Invalid OAuth access token - Cannot parse access token", "", 401),
    130429: ("Rate limit hit", "Cloud API message throughput has been reached.", 400),
    131000: ("Something went wrong", "Message failed to send due to an unknown error.", 500),
    131005: ("Access denied", "Permission is either not granted or has been removed.", 403),
    131008: ("Required parameter is missing", "A required parameter is missing.", 400),
    131009: ("Parameter value is not valid", "One or more parameter values are invalid.", 400),
    131026: (
        "Message undeliverable",
        "Message Undeliverable. The recipient's phone number is not a WhatsApp phone "
        "number or the recipient has not accepted the latest Terms of Service.",
        400,
    ),
    131047: (
        "Re-engagement message",
        "Message failed to send because more than 24 hours have passed since the customer "
        "last replied to this number.",
        400,
    ),
    131048: (
        "Spam rate limit hit",
        "Message failed to send because there are restrictions "
        "on how many messages can be sent from this phone number.",
        400,
    ),
    131051: ("Unsupported message type", "Message type is not currently supported.", 400),
    131056: (
        "(Business Account, Consumer Account) pair rate limit hit",
        "Too many messages sent from the sender phone number to the same recipient "
        "phone number in a short period of time.",
        400,
    ),
    132000: (
        "Number of parameters does not match the expected number of params",
        "The number of variable parameter values does not match the template.",
        400,
    ),
    132001: (
        "Template name does not exist in the translation",
        "The template does not exist in the specified language.",
        400,
    ),
}

_VERSION_RE = r"v\d+(?:\.\d+)?"


class GraphApiError(Exception):
    """Raised inside the fake to answer with a Graph error object."""

    def __init__(
        self,
        code: int,
        *,
        message: str | None = None,
        details: str | None = None,
        http_status: int | None = None,
        error_type: str = "OAuthException",
        error_subcode: int | None = None,
        is_transient: bool | None = None,
    ) -> None:
        title, default_details, default_status = KNOWN_ERRORS.get(code, ("Unknown error", "", 400))
        self.code = code
        self.message = message or f"(#{code}) {title}"
        self.details = default_details if details is None else details
        self.http_status = http_status or default_status
        self.error_type = error_type
        self.error_subcode = error_subcode
        self.is_transient = is_transient
        super().__init__(self.message)

    def body(self) -> JsonDict:
        """The JSON body Graph answers with."""
        error: JsonDict = {"message": self.message, "type": self.error_type, "code": self.code}
        if self.details:
            error["error_data"] = {"messaging_product": "whatsapp", "details": self.details}
        if self.error_subcode is not None:
            error["error_subcode"] = self.error_subcode
        if self.is_transient is not None:
            error["is_transient"] = self.is_transient
        error["fbtrace_id"] = "A" + secrets.token_urlsafe(16)[:22]
        return {"error": error}


def _invalid(details: str) -> GraphApiError:
    return GraphApiError(131009, details=details)


def _missing(parameter: str) -> GraphApiError:
    return GraphApiError(100, message=f"(#100) The parameter {parameter} is required.", details="")


def _too_long(parameter: str, limit: int) -> GraphApiError:
    return GraphApiError(
        100,
        message=f"(#100) Param {parameter} must be at most {limit} characters long.",
        details="",
    )


def wa_id_of(number: str) -> str:
    """WhatsApp id of a phone number: its digits (``"+31 6-1234"`` → ``"3161234"``)."""
    return re.sub(r"\D", "", str(number))


@dataclass(frozen=True, slots=True)
class GraphCall:
    """One recorded request to the fake."""

    http_method: str
    path: str
    payload: JsonDict | None
    at: float
    """``time.monotonic()`` when the request arrived."""
    status: int
    """HTTP status answered; 0 when the connection was dropped on purpose."""
    response: JsonDict | None

    @property
    def ok(self) -> bool:
        """True for a 2xx answer."""
        return 200 <= self.status < 300

    @property
    def to(self) -> str | None:
        """The normalised recipient (``wa_id``) of a send, if any."""
        to = (self.payload or {}).get("to")
        return None if to is None else wa_id_of(to)

    @property
    def error_code(self) -> int | None:
        """The Graph error code of a failed call (None otherwise)."""
        if self.response and "error" in self.response:
            return int(self.response["error"]["code"])
        return None


@dataclass(frozen=True, slots=True)
class SentMessage:
    """A message the fake accepted."""

    wamid: str
    to: str
    payload: JsonDict
    sent_at: float
    """Clock time (epoch seconds) of the send."""


@dataclass
class GraphStats:
    """Counters for benchmarks and assertions."""

    requests: int = 0
    sent: int = 0
    errors: int = 0
    throttled: int = 0
    """130429 answers from the throughput limiter."""
    window_rejections: int = 0
    scripted_errors: int = 0
    dropped_connections: int = 0
    by_code: Counter[int] = field(default_factory=Counter)


@dataclass
class _Fault:
    to: str | None
    remaining: int | None
    error: GraphApiError | None  # None: drop the connection


class FakeGraphAPI(FakeHTTPServer):
    """A fake WhatsApp Cloud API on 127.0.0.1 (see module docstring).

    :param phone_number_id: the business phone number id accepted in the URL.
    :param token: the access token expected in ``Authorization: Bearer``.
    :param templates: approved templates: names (any language) or name → languages.
    :param clock: wall clock in epoch seconds (``time.time``); inject a
        :class:`tests.fakes.clock.FakeClock` to test the 24-hour window.
    :param rate: messages per trailing second before 130429 (None: unlimited).
    :param window_errors: ``"sync"`` answers 131047 on the send request (default);
        ``"status"`` accepts the send like Meta does and queues a ``failed`` status
        webhook in :attr:`pending_statuses` instead.
    :param enforce_window: set False to allow free-form messages at any time.
    """

    def __init__(
        self,
        phone_number_id: str = "123",
        token: str = "tok",
        *,
        display_phone_number: str = "31201234567",
        waba_id: str = "102290129340398",
        templates: Iterable[str] | Mapping[str, Iterable[str]] = ("hello_world",),
        clock: Callable[[], float] = time.time,
        rate: float | None = None,
        window_errors: Literal["sync", "status"] = "sync",
        enforce_window: bool = True,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        super().__init__(host=host, port=port)
        self.phone_number_id = str(phone_number_id)
        self.token = token
        self.display_phone_number = display_phone_number
        self.waba_id = waba_id
        self.templates: dict[str, set[str] | None] = {}
        if isinstance(templates, Mapping):
            for name, languages in templates.items():
                self.add_template(name, languages)
        else:
            for name in templates:
                self.add_template(name)
        self.clock = clock
        self.rate = rate
        self.window_errors = window_errors
        self.enforce_window = enforce_window
        self.stats = GraphStats()
        self.log: CallLog[GraphCall] = CallLog()
        self.outbox: list[SentMessage] = []
        self.pending_statuses: list[JsonDict] = []
        self.webhook_deliveries: list[JsonDict] = []
        self.marked_read: list[str] = []
        self._last_inbound: dict[str, float] = {}
        self._faults: list[_Fault] = []
        self._window = SlidingWindow()
        self._ids = itertools.count(1)

    # ==================================================================================
    # Configuration
    # ==================================================================================
    def add_template(self, name: str, languages: Iterable[str] | None = None) -> None:
        """Approve a template (optionally only for some language codes, e.g. ``["nl"]``)."""
        self.templates[name] = None if languages is None else set(languages)

    def user_messaged(self, wa_id: str, at: float | None = None) -> None:
        """Record that the user sent us a message at ``at`` (default: now), opening 24h."""
        self._last_inbound[wa_id_of(wa_id)] = self.clock() if at is None else float(at)

    def last_inbound(self, wa_id: str) -> float | None:
        """When the user last messaged us (clock seconds), if ever."""
        return self._last_inbound.get(wa_id_of(wa_id))

    def window_open(self, wa_id: str) -> bool:
        """Whether free-form messages to the user are allowed now."""
        last = self.last_inbound(wa_id)
        return last is not None and self.clock() - last < WINDOW_SECONDS

    # ==================================================================================
    # HTTP layer
    # ==================================================================================
    def build_app(self) -> web.Application:
        """Routes ``/{version}/{phone_number_id}/messages`` (any ``vNN.N`` version)."""
        app = web.Application()
        app.router.add_route(
            "*", "/{version:" + _VERSION_RE + "}/{phone_number_id}/messages", self._handle
        )
        app.router.add_route("*", "/{tail:.*}", self._unknown_path)
        return app

    def _new_wamid(self) -> str:
        raw = f"{self.display_phone_number}:{next(self._ids)}:{secrets.token_hex(6)}".encode()
        return "wamid." + base64.b64encode(b"\x15\x02" + raw).decode().rstrip("=")

    async def _unknown_path(self, request: web.Request) -> web.Response:
        self.stats.requests += 1
        error = GraphApiError(2500, message=f"Unknown path components: {request.path}", details="")
        return self._error_response(request, None, time.monotonic(), error)

    def _authorized(self, request: web.Request) -> GraphApiError | None:
        header = request.headers.get("Authorization", "")
        if not header:
            return GraphApiError(
                190,
                message="An active access token must be used to query information about "
                "the current user.",
                details="",
                http_status=401,
            )
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or value.strip() != self.token:
            return GraphApiError(
                190,
                message="Invalid OAuth access token - Cannot parse access token",
                details="",
                http_status=401,
            )
        return None

    def _error_response(
        self, request: web.Request, payload: JsonDict | None, at: float, error: GraphApiError
    ) -> web.Response:
        body = error.body()
        self.stats.errors += 1
        self.stats.by_code[error.code] += 1
        self.log.append(
            GraphCall(request.method, request.path, payload, at, error.http_status, body)
        )
        return web.json_response(body, status=error.http_status)

    async def _handle(self, request: web.Request) -> web.Response:
        at = time.monotonic()
        self.stats.requests += 1
        payload: JsonDict | None = None
        try:
            raw = await request.read()
            if raw:
                decoded = json.loads(raw)
                payload = decoded if isinstance(decoded, dict) else {"_": decoded}
        except ValueError:
            payload = None
        try:
            auth_error = self._authorized(request)
            if auth_error is not None:
                raise auth_error
            if request.match_info["phone_number_id"] != self.phone_number_id:
                raise GraphApiError(
                    100,
                    message=(
                        "Unsupported post request. Object with ID "
                        f"'{request.match_info['phone_number_id']}' does not exist, cannot "
                        "be loaded due to missing permissions, or does not support this "
                        "operation. Please read the Graph API documentation at "
                        "https://developers.facebook.com/docs/graph-api"
                    ),
                    details="",
                    error_type="GraphMethodException",
                    error_subcode=33,
                )
            if request.method != "POST":
                raise GraphApiError(100, message="(#100) Unsupported get request.", details="")
            if payload is None:
                raise GraphApiError(100, message="(#100) Invalid parameter", details="")
            fault = self._take_fault(payload)
            if fault is not None:
                if fault.error is None:
                    self.stats.dropped_connections += 1
                    self.log.append(GraphCall(request.method, request.path, payload, at, 0, None))
                    drop_connection(request)
                self.stats.scripted_errors += 1
                raise fault.error
            body = self._accept(payload)
        except GraphApiError as error:
            return self._error_response(request, payload, at, error)
        self.log.append(GraphCall(request.method, request.path, payload, at, 200, body))
        return web.json_response(body)

    # ==================================================================================
    # Sending
    # ==================================================================================
    def _accept(self, payload: JsonDict) -> JsonDict:
        if payload.get("messaging_product") != "whatsapp":
            raise _missing("messaging_product")
        if payload.get("status") == "read":
            if not payload.get("message_id"):
                raise _missing("message_id")
            self.marked_read.append(str(payload["message_id"]))
            return {"success": True}
        to = payload.get("to")
        if not to:
            raise _missing("to")
        kind = payload.get("type", "text")
        if kind not in MESSAGE_TYPES:
            allowed = ", ".join(t.upper() for t in MESSAGE_TYPES)
            raise GraphApiError(
                100,
                message=f'(#100) Param type must be one of {{{allowed}}} - got "{kind}".',
                details="",
            )
        wa_id = wa_id_of(str(to))
        if kind == "template":
            self._validate_template(payload.get("template"))
        else:
            self._validate(kind, payload)
        if self.rate is not None:
            now = time.monotonic()
            if self._window.retry_after(self.rate, now):
                self.stats.throttled += 1
                raise GraphApiError(130429)
            self._window.add(now)
        wamid = self._new_wamid()
        if kind != "template" and self.enforce_window and not self.window_open(wa_id):
            self.stats.window_rejections += 1
            if self.window_errors == "sync":
                raise GraphApiError(131047)
            self.pending_statuses.append(
                self.status_webhook(wamid, wa_id, "failed", error_code=131047)
            )
        else:
            self.outbox.append(SentMessage(wamid, wa_id, payload, self.clock()))
            self.stats.sent += 1
        message: JsonDict = {"id": wamid}
        if kind == "template":
            message["message_status"] = "accepted"
        return {
            "messaging_product": "whatsapp",
            "contacts": [{"input": str(to), "wa_id": wa_id}],
            "messages": [message],
        }

    def _validate(self, kind: str, payload: JsonDict) -> None:
        body = payload.get(kind)
        if not isinstance(body, dict):
            raise _missing(kind)
        if kind == "text":
            text = body.get("body")
            if not text:
                raise _missing("text['body']")
            if len(str(text)) > 4096:
                raise _too_long("text['body']", 4096)
        elif kind == "interactive":
            self._validate_interactive(body)

    @staticmethod
    def _check_length(value: Any, what: str, maximum: int, minimum: int = 1) -> None:
        length = len(str(value or ""))
        if not minimum <= length <= maximum:
            raise _invalid(f"{what} length invalid. Min length: {minimum}, Max length: {maximum}")

    def _validate_interactive(self, interactive: JsonDict) -> None:
        kind = interactive.get("type")
        if kind is None:
            raise _missing("interactive['type']")
        body = interactive.get("body")
        if kind in ("button", "list"):
            if not isinstance(body, dict) or not body.get("text"):
                raise _missing("interactive['body']['text']")
            self._check_length(body["text"], "Body text", 1024)
        footer = interactive.get("footer")
        if isinstance(footer, dict):
            self._check_length(footer.get("text"), "Footer text", 60)
        header = interactive.get("header")
        if isinstance(header, dict) and header.get("type") == "text":
            self._check_length(header.get("text"), "Header text", 60)
        action = interactive.get("action")
        if not isinstance(action, dict):
            raise _missing("interactive['action']")
        if kind == "button":
            buttons = action.get("buttons")
            if not isinstance(buttons, list) or not buttons:
                raise _missing("interactive['action']['buttons']")
            if len(buttons) > 3:
                raise _invalid(f"Buttons count invalid. Min: 1, Max: 3, got: {len(buttons)}")
            ids: set[str] = set()
            titles: set[str] = set()
            for button in buttons:
                reply = button.get("reply") if isinstance(button, dict) else None
                if button.get("type") != "reply" or not isinstance(reply, dict):
                    raise _invalid("Button type invalid. Expected: reply")
                self._check_length(reply.get("title"), "Button title", 20)
                self._check_length(reply.get("id"), "Button id", 256)
                if reply["id"] in ids:
                    raise _invalid("Duplicate button id")
                if reply["title"] in titles:
                    raise _invalid("Duplicate button title")
                ids.add(reply["id"])
                titles.add(reply["title"])
        elif kind == "list":
            self._check_length(action.get("button"), "Button label", 20)
            sections = action.get("sections")
            if not isinstance(sections, list) or not sections:
                raise _missing("interactive['action']['sections']")
            if len(sections) > 10:
                raise _invalid(f"Too many sections. Max allowed: 10, got: {len(sections)}")
            rows_total = sum(len(s.get("rows") or []) for s in sections)
            if rows_total > 10:
                raise _invalid("Total row count exceed max allowed count: 10")
            row_ids: set[str] = set()
            for section in sections:
                if len(sections) > 1 or section.get("title"):
                    self._check_length(section.get("title"), "Section title", 24)
                rows = section.get("rows")
                if not isinstance(rows, list) or not rows:
                    raise _missing("interactive['action']['sections'][i]['rows']")
                for row in rows:
                    self._check_length(row.get("title"), "Row title", 24)
                    self._check_length(row.get("id"), "Row id", 200)
                    if row.get("description") is not None:
                        self._check_length(row["description"], "Row description", 72, 0)
                    if row["id"] in row_ids:
                        raise _invalid("Row id must be unique across all sections")
                    row_ids.add(row["id"])
        elif kind == "cta_url":
            parameters = action.get("parameters") or {}
            self._check_length(parameters.get("display_text"), "Display text", 20)
            if not str(parameters.get("url") or "").startswith(("http://", "https://")):
                raise _invalid("URL is invalid")

    def _validate_template(self, template: Any) -> None:
        if not isinstance(template, dict) or not template.get("name"):
            raise _missing("template['name']")
        language = template.get("language")
        code = language.get("code") if isinstance(language, dict) else None
        if not code:
            raise _missing("template['language']['code']")
        name = str(template["name"])
        if name not in self.templates:
            raise GraphApiError(132001, details=f"template name ({name}) does not exist in {code}")
        languages = self.templates[name]
        if languages is not None and code not in languages:
            raise GraphApiError(132001, details=f"template name ({name}) does not exist in {code}")

    # ==================================================================================
    # Faults
    # ==================================================================================
    def script_error(
        self,
        code: int,
        http_status: int | None = None,
        times: int | None = 1,
        to: str | None = None,
        *,
        message: str | None = None,
        details: str | None = None,
    ) -> None:
        """Make the next ``times`` sends (to ``to``, or any) fail with Graph error ``code``.

        ``code`` 500-599 means "the HTTP status": Graph answers that status with its
        transient code 2. ``times=None`` keeps failing until :meth:`clear_faults`.
        """
        if 500 <= code < 600 and code not in KNOWN_ERRORS:
            error = GraphApiError(
                2,
                http_status=http_status or code,
                is_transient=True,
                message=message,
                details=details,
            )
        else:
            error = GraphApiError(code, http_status=http_status, message=message, details=details)
        self._faults.append(_Fault(None if to is None else wa_id_of(to), times, error))

    def fail_network(self, times: int | None = 1, to: str | None = None) -> None:
        """Drop the connection of the next ``times`` matching sends without an answer."""
        self._faults.append(_Fault(None if to is None else wa_id_of(to), times, None))

    def clear_faults(self) -> None:
        """Forget scripted errors and network failures."""
        self._faults.clear()

    def _take_fault(self, payload: JsonDict) -> _Fault | None:
        if not self._faults:
            return None
        to = wa_id_of(str(payload.get("to", "")))
        for fault in self._faults:
            if fault.to is None or fault.to == to:
                if fault.remaining is not None:
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._faults.remove(fault)
                return fault
        return None

    # ==================================================================================
    # Assertions
    # ==================================================================================
    def calls(self, *, to: str | None = None, ok: bool | None = None) -> list[GraphCall]:
        """Recorded requests, optionally filtered by recipient and success."""
        wa_id = None if to is None else wa_id_of(to)
        return [
            call
            for call in self.log.items
            if (wa_id is None or call.to == wa_id) and (ok is None or call.ok == ok)
        ]

    def sent(self, to: str | None = None) -> list[JsonDict]:
        """Payloads of messages accepted for delivery (to one recipient, or all)."""
        wa_id = None if to is None else wa_id_of(to)
        return [m.payload for m in self.outbox if wa_id is None or m.to == wa_id]

    def sent_texts(self, to: str | None = None) -> list[str]:
        """Body text of accepted text and interactive messages."""
        texts: list[str] = []
        for payload in self.sent(to):
            if payload.get("type", "text") == "text":
                texts.append(payload["text"]["body"])
            elif payload.get("type") == "interactive":
                texts.append(payload["interactive"].get("body", {}).get("text", ""))
        return texts

    def last_wamid(self, to: str) -> str | None:
        """The id of the latest message accepted for ``to``."""
        wa_id = wa_id_of(to)
        for message in reversed(self.outbox):
            if message.to == wa_id:
                return message.wamid
        return None

    async def wait_for(
        self,
        what: Callable[[GraphCall], bool] | None = None,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109
        *,
        to: str | None = None,
        ok: bool | None = True,
    ) -> list[GraphCall]:
        """Wait until ``count`` recorded calls match (default: successful sends)."""
        wa_id = None if to is None else wa_id_of(to)

        def predicate(call: GraphCall) -> bool:
            return (
                (wa_id is None or call.to == wa_id)
                and (ok is None or call.ok == ok)
                and (what is None or what(call))
            )

        label = self.describe_args(to=to, ok=ok)
        return await self.log.wait_for(predicate, count, timeout, f"calls ({label})")

    def reset_calls(self) -> None:
        """Forget recorded calls and sent messages (windows and templates are kept)."""
        self.log.clear()
        self.outbox.clear()

    # ==================================================================================
    # Webhook payloads
    # ==================================================================================
    def _envelope(self, value: JsonDict) -> JsonDict:
        return {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": self.waba_id,
                    "changes": [
                        {
                            "value": {
                                "messaging_product": "whatsapp",
                                "metadata": {
                                    "display_phone_number": self.display_phone_number,
                                    "phone_number_id": self.phone_number_id,
                                },
                                **value,
                            },
                            "field": "messages",
                        }
                    ],
                }
            ],
        }

    def _inbound(
        self,
        wa_id: str,
        name: str,
        kind: str,
        content: JsonDict,
        context_id: str | None,
        message_id: str | None,
    ) -> JsonDict:
        wa_id = wa_id_of(wa_id)
        message: JsonDict = {
            "from": wa_id,
            "id": message_id or self._new_wamid(),
            "timestamp": str(int(self.clock())),
            "type": kind,
            kind: content,
        }
        if context_id:
            message = {
                "context": {"from": self.display_phone_number, "id": context_id},
                **message,
            }
        return self._envelope(
            {
                "contacts": [{"profile": {"name": name}, "wa_id": wa_id}],
                "messages": [message],
            }
        )

    def text_webhook(
        self,
        wa_id: str,
        text: str,
        *,
        name: str = "Sanne de Vries",
        message_id: str | None = None,
        context_id: str | None = None,
    ) -> JsonDict:
        """An inbound text message from a resident."""
        return self._inbound(wa_id, name, "text", {"body": text}, context_id, message_id)

    def button_reply_webhook(
        self,
        wa_id: str,
        reply_id: str,
        title: str,
        *,
        name: str = "Sanne de Vries",
        context_id: str | None = None,
        message_id: str | None = None,
    ) -> JsonDict:
        """The resident tapped a reply button (context: our latest message by default)."""
        content = {"type": "button_reply", "button_reply": {"id": reply_id, "title": title}}
        context_id = context_id or self.last_wamid(wa_id)
        return self._inbound(wa_id, name, "interactive", content, context_id, message_id)

    def list_reply_webhook(
        self,
        wa_id: str,
        reply_id: str,
        title: str,
        description: str | None = None,
        *,
        name: str = "Sanne de Vries",
        context_id: str | None = None,
        message_id: str | None = None,
    ) -> JsonDict:
        """The resident picked a row of a list message."""
        reply: JsonDict = {"id": reply_id, "title": title}
        if description is not None:
            reply["description"] = description
        content = {"type": "list_reply", "list_reply": reply}
        context_id = context_id or self.last_wamid(wa_id)
        return self._inbound(wa_id, name, "interactive", content, context_id, message_id)

    def template_button_webhook(
        self,
        wa_id: str,
        payload: str,
        text: str,
        *,
        name: str = "Sanne de Vries",
        context_id: str | None = None,
        message_id: str | None = None,
    ) -> JsonDict:
        """The resident tapped a quick-reply button of a template (type ``button``)."""
        context_id = context_id or self.last_wamid(wa_id)
        content = {"payload": payload, "text": text}
        return self._inbound(wa_id, name, "button", content, context_id, message_id)

    def status_webhook(
        self,
        wamid: str,
        recipient_id: str,
        status: Literal["sent", "delivered", "read", "failed"] = "delivered",
        *,
        error_code: int | None = None,
        error_details: str | None = None,
        category: str = "service",
    ) -> JsonDict:
        """A delivery status for a message we sent; ``failed`` carries ``errors``."""
        entry: JsonDict = {
            "id": wamid,
            "status": status,
            "timestamp": str(int(self.clock())),
            "recipient_id": wa_id_of(recipient_id),
        }
        if status == "failed":
            code = error_code or 131026
            title, details, _ = KNOWN_ERRORS.get(code, ("Unknown error", "", 400))
            entry["errors"] = [
                {
                    "code": code,
                    "title": title,
                    "message": title,
                    "error_data": {"details": error_details or details},
                    "href": ERROR_HREF,
                }
            ]
        elif status in ("sent", "delivered"):
            entry["conversation"] = {
                "id": hashlib.md5(recipient_id.encode()).hexdigest(),  # noqa: S324
                "origin": {"type": category},
            }
            if status == "sent":
                entry["conversation"]["expiration_timestamp"] = str(
                    int(self.clock()) + WINDOW_SECONDS
                )
            entry["pricing"] = {"billable": True, "pricing_model": "PMP", "category": category}
        return self._envelope({"statuses": [entry]})

    # ==================================================================================
    # Webhook delivery
    # ==================================================================================
    @staticmethod
    def encode_body(payload: Mapping[str, Any]) -> bytes:
        """Serialise like Meta: compact, ASCII-only, with ``/`` escaped as ``\\/``.

        Receivers must verify the signature over these raw bytes, not a re-encoding.
        """
        text = json.dumps(payload, separators=(",", ":"), ensure_ascii=True)
        return text.replace("/", "\\/").encode()

    @staticmethod
    def signature(body: bytes, app_secret: str) -> str:
        """The ``X-Hub-Signature-256`` header value for ``body``."""
        digest = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
        return f"sha256={digest}"

    async def deliver_webhook(
        self,
        url: str,
        payload: Mapping[str, Any],
        app_secret: str | None,
        *,
        sign: Literal["valid", "wrong", "omit"] = "valid",
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> int:
        """POST a webhook payload like Meta does; returns the HTTP status.

        Inbound ``messages`` update the fake's record of when each user last wrote (the
        24-hour window), whatever the receiver answers. ``sign="wrong"`` signs with a bad
        secret; ``"omit"`` (or ``app_secret=None``) leaves the header out.
        """
        for entry in payload.get("entry", []):
            for change in entry.get("changes", []):
                for message in change.get("value", {}).get("messages", []) or []:
                    at = float(message.get("timestamp") or self.clock())
                    sender = wa_id_of(message["from"])
                    previous = self._last_inbound.get(sender)
                    if previous is None or at > previous:
                        self._last_inbound[sender] = at
        body = self.encode_body(payload)
        headers = {"Content-Type": "application/json", "User-Agent": "facebookexternalua"}
        if sign != "omit" and app_secret is not None:
            secret = app_secret if sign == "valid" else app_secret + "-wrong"
            headers["X-Hub-Signature-256"] = self.signature(body, secret)
        client = await self.http_client()
        async with client.post(
            url, data=body, headers=headers, timeout=ClientTimeout(total=timeout)
        ) as response:
            text = await response.text()
            status = response.status
        self.webhook_deliveries.append(
            {
                "url": url,
                "payload": payload,
                "status": status,
                "response": text,
                "headers": headers,
            }
        )
        return status

    async def verify_webhook(
        self, url: str, verify_token: str, challenge: str = "1158201444"
    ) -> tuple[int, str]:
        """Perform Meta's subscription handshake (``GET ?hub.mode=subscribe...``)."""
        client = await self.http_client()
        params = {
            "hub.mode": "subscribe",
            "hub.verify_token": verify_token,
            "hub.challenge": challenge,
        }
        async with client.get(url, params=params) as response:
            return response.status, await response.text()
