"""An in-process fake of the Telegram Bot API for offline tests and benchmarks.

Usage::

    async with FakeBotAPI() as api:
        session = AiohttpSession(api=TelegramAPIServer.from_base(api.base_url))
        bot = Bot("42:TEST", session=session)
        api.push_update("42:TEST", api.command(7, "/start DEMO"))
        ...
        await api.wait_for("sendMessage", count=1)
        assert api.sent_messages(7)[0]["text"] == "Welkom!"

It speaks the real HTTP shape (``POST|GET /bot<token>/<method>`` with query, JSON,
urlencoded or multipart bodies, answering ``{"ok": true, "result": ...}`` or Telegram's
error objects with the matching HTTP status), serves several bots at once, keeps a log of
every call, simulates residents (polling updates and webhook deliveries), scripted faults
and, optionally, Telegram's flood limits.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import itertools
import json
import re
import time
import zlib
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, ClientTimeout, web

from tests.fakes._server import (
    CallLog,
    FakeHTTPServer,
    SlidingWindow,
    drop_connection,
    whole_seconds,
)

__all__ = ["BotCall", "BotInfo", "FakeBotAPI", "TelegramApiError", "TelegramStats"]

JsonDict = dict[str, Any]

#: Update types delivered when ``allowed_updates`` is empty or was never set.
DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

#: Form fields that are always strings, even when they look like JSON numbers/literals.
STRING_FIELDS = frozenset(
    {
        "text",
        "caption",
        "data",
        "callback_query_id",
        "inline_query_id",
        "inline_message_id",
        "url",
        "secret_token",
        "ip_address",
        "parse_mode",
        "description",
        "short_description",
        "name",
        "title",
        "query",
        "language_code",
        "action",
        "message_effect_id",
        "business_connection_id",
        "emoji",
        "sticker",
        "photo",
        "document",
        "video",
        "audio",
        "voice",
        "animation",
        "address",
        "first_name",
        "last_name",
        "phone_number",
        "switch_pm_text",
        "switch_pm_parameter",
        "next_offset",
        "payload",
        "currency",
        "provider_token",
        "start_parameter",
        "invite_link",
        "error_message",
        "shipping_query_id",
        "pre_checkout_query_id",
        "web_app_query_id",
        "custom_title",
        "user_chat_id_str",
    }
)

#: Fields whose value is JSON even when a client sends it as a JSON-encoded string.
JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "allowed_updates",
        "commands",
        "scope",
        "link_preview_options",
        "reply_parameters",
        "media",
        "results",
        "menu_button",
        "rights",
        "permissions",
        "reaction",
    }
)

SEND_METHODS = frozenset(
    {
        "sendmessage",
        "sendphoto",
        "senddocument",
        "sendaudio",
        "sendvideo",
        "sendvoice",
        "sendanimation",
        "sendsticker",
        "sendlocation",
        "sendcontact",
        "sendpoll",
        "senddice",
        "copymessage",
        "forwardmessage",
    }
)

_TOKEN_RE = re.compile(r"^(\d+):[\w-]+$")
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_TAG_RE = re.compile(r"<[^>]+>")

_DEFAULT_DESCRIPTIONS: dict[int, str] = {
    400: "Bad Request: chat not found",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running",
    429: "Too Many Requests: retry after {retry_after}",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


class TelegramApiError(Exception):
    """Raised inside method handlers to answer with Telegram's error object."""

    def __init__(
        self,
        error_code: int,
        description: str,
        *,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        super().__init__(f"{error_code} {description}")
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after
        self.migrate_to_chat_id = migrate_to_chat_id

    def body(self) -> JsonDict:
        """The JSON body Telegram answers with."""
        body: JsonDict = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        parameters: JsonDict = {}
        if self.retry_after is not None:
            parameters["retry_after"] = self.retry_after
        if self.migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = self.migrate_to_chat_id
        if parameters:
            body["parameters"] = parameters
        return body


def _bad_request(description: str) -> TelegramApiError:
    return TelegramApiError(400, f"Bad Request: {description}")


@dataclass(frozen=True, slots=True)
class BotCall:
    """One recorded request to the fake."""

    method: str
    """Method name as sent by the client (e.g. ``"sendMessage"``)."""
    token: str
    params: JsonDict
    """Decoded parameters (query + body); JSON-encoded fields are decoded."""
    at: float
    """``time.monotonic()`` when the request arrived."""
    status: int
    """HTTP status answered; 0 when the connection was dropped on purpose."""
    response: JsonDict | None
    http_method: str = "POST"
    content_type: str = ""
    """How the client encoded the parameters (``application/json``, a form, ...)."""

    @property
    def ok(self) -> bool:
        """True when Telegram would have answered ``{"ok": true}``."""
        return self.status == 200

    @property
    def chat_id(self) -> int | str | None:
        """The ``chat_id`` parameter, if any."""
        return self.params.get("chat_id")

    @property
    def result(self) -> Any:
        """The ``result`` of a successful call (None otherwise)."""
        return self.response.get("result") if self.response else None

    @property
    def error_code(self) -> int | None:
        """The ``error_code`` of a failed call (None otherwise)."""
        return self.response.get("error_code") if self.response else None


@dataclass
class TelegramStats:
    """Counters for benchmarks and assertions."""

    requests: int = 0
    by_method: Counter[str] = field(default_factory=Counter)
    messages_sent: int = 0
    errors: int = 0
    too_many_requests: int = 0
    """All 429 answers (rate limiter and scripted)."""
    rate_limited_bot: int = 0
    rate_limited_chat: int = 0
    scripted_errors: int = 0
    dropped_connections: int = 0


@dataclass
class BotInfo:
    """The identity ``getMe`` returns for one token."""

    id: int
    username: str
    first_name: str

    def user(self) -> JsonDict:
        """The bot as a Telegram ``User`` object."""
        return {
            "id": self.id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
        }


@dataclass
class _Fault:
    method: str | None
    token: str | None
    chat_id: str | None
    remaining: int | None
    error: TelegramApiError | None  # None means: drop the connection

    def matches(self, method: str, token: str, params: JsonDict) -> bool:
        if self.method is not None and self.method != method:
            return False
        if self.token is not None and self.token != token:
            return False
        return self.chat_id is None or str(params.get("chat_id")) == self.chat_id


@dataclass
class _BotState:
    info: BotInfo
    updates: deque[JsonDict] = field(default_factory=deque)
    next_update_id: int = 1
    wakeup: asyncio.Event = field(default_factory=asyncio.Event)
    poll_generation: int = 0
    allowed_updates: list[str] | None = None
    webhook: JsonDict | None = None
    commands: dict[tuple[str, str], list[JsonDict]] = field(default_factory=dict)
    messages: dict[tuple[int | str, int], JsonDict] = field(default_factory=dict)
    last_message_id: Counter[int | str] = field(default_factory=Counter)
    chats: dict[int | str, JsonDict] = field(default_factory=dict)
    blocked: set[int | str] = field(default_factory=set)
    open_callbacks: set[str] = field(default_factory=set)
    send_window: SlidingWindow = field(default_factory=SlidingWindow)
    chat_windows: dict[int | str, SlidingWindow] = field(default_factory=dict)
    revoked: bool = False

    def wake(self) -> None:
        event, self.wakeup = self.wakeup, asyncio.Event()
        event.set()

    def next_message_id(self, chat_id: int | str) -> int:
        self.last_message_id[chat_id] += 1
        return self.last_message_id[chat_id]


def _decode_value(key: str, value: Any) -> Any:
    """Decode one form/query value the way the Bot API interprets it."""
    if not isinstance(value, str):
        return value
    if key in JSON_FIELDS:
        if value[:1] in ("{", "["):
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value
    if key in STRING_FIELDS:
        return value
    if value in ("true", "false"):
        return value == "true"
    if value.lstrip("-").isdigit():
        return int(value)
    if value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _update_type(update: Mapping[str, Any]) -> str:
    for key in update:
        if key != "update_id":
            return key
    return "unknown"


def _plain_text(text: str, parse_mode: str | None) -> str:
    """Approximate what Telegram stores as ``Message.text`` for formatted input."""
    if parse_mode and parse_mode.upper() == "HTML":
        return html.unescape(_TAG_RE.sub("", text))
    return text


class FakeBotAPI(FakeHTTPServer):
    """A fake Telegram Bot API server on 127.0.0.1 (see module docstring).

    :param bots: tokens to register up front, mapped to a username (or None to derive one);
        any well-formed token is registered on first use anyway.
    :param per_bot_rate: messages per trailing second a bot may send before 429 (None: off).
    :param per_chat_rate: messages per trailing second one chat may receive (None: off).
    :param paid_broadcast_rate: per-bot limit for ``sendMessage(allow_paid_broadcast=True)``.
    :param rate_retry_after: fixed ``retry_after`` for rate-limit 429s (None: time until the
        window frees, rounded up to whole seconds).
    :param strict_chats: answer "chat not found" for private chats never seen in an update.
    :param strict_callback_queries: reject ``answerCallbackQuery`` for unknown or already
        answered query ids like Telegram does.
    :param record_calls: keep every call in memory (set False for long benchmarks; waiters
        still see new calls; :meth:`calls` then returns nothing).
    """

    def __init__(
        self,
        bots: Mapping[str, str | None] | Iterable[str] | None = None,
        *,
        per_bot_rate: float | None = None,
        per_chat_rate: float | None = None,
        paid_broadcast_rate: float = 1000,
        rate_retry_after: int | None = None,
        strict_chats: bool = False,
        strict_callback_queries: bool = True,
        record_calls: bool = True,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        super().__init__(host=host, port=port)
        self.per_bot_rate = per_bot_rate
        self.per_chat_rate = per_chat_rate
        self.paid_broadcast_rate = paid_broadcast_rate
        self.rate_retry_after = rate_retry_after
        self.strict_chats = strict_chats
        self.strict_callback_queries = strict_callback_queries
        self.stats = TelegramStats()
        self.log: CallLog[BotCall] = CallLog(keep=record_calls)
        self.webhook_deliveries: list[JsonDict] = []
        self._bots: dict[str, _BotState] = {}
        self._faults: list[_Fault] = []
        self._callback_ids = itertools.count(4_382_000_000_000_000_001)
        self._loose_update_ids = itertools.count(1)
        self._handlers: dict[str, Callable[[_BotState, JsonDict], Awaitable[Any]]] = {
            "getme": self._get_me,
            "getupdates": self._get_updates,
            "sendmessage": self._send_message,
            "sendphoto": self._send_media("photo"),
            "senddocument": self._send_media("document"),
            "editmessagetext": self._edit_message_text,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "deletemessage": self._delete_message,
            "answercallbackquery": self._answer_callback_query,
            "setmycommands": self._set_my_commands,
            "getmycommands": self._get_my_commands,
            "deletemycommands": self._delete_my_commands,
            "setwebhook": self._set_webhook,
            "deletewebhook": self._delete_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "sendchataction": self._send_chat_action,
            "getchat": self._get_chat,
            "close": self._true,
            "logout": self._true,
            "setmydescription": self._true,
            "setmyshortdescription": self._true,
            "setmyname": self._true,
            "setchatmenubutton": self._true,
        }
        if bots is not None:
            items = bots.items() if isinstance(bots, Mapping) else ((t, None) for t in bots)
            for token, username in items:
                self.add_bot(token, username=username)

    # ==================================================================================
    # Bots
    # ==================================================================================
    def add_bot(
        self,
        token: str,
        *,
        username: str | None = None,
        first_name: str | None = None,
    ) -> BotInfo:
        """Register (or update) a bot; returns its identity as ``getMe`` will report it."""
        match = _TOKEN_RE.match(token)
        if match is None:
            msg = f"not a Telegram-shaped token: {token!r} (expected '<digits>:<secret>')"
            raise ValueError(msg)
        bot_id = int(match.group(1))
        state = self._bots.get(token)
        if state is None:
            info = BotInfo(
                id=bot_id,
                username=username or f"fake_{bot_id}_bot",
                first_name=first_name or "Inspraak Test Bot",
            )
            state = self._bots[token] = _BotState(info=info)
        else:
            if username:
                state.info.username = username
            if first_name:
                state.info.first_name = first_name
        return state.info

    def revoke(self, token: str) -> None:
        """Make every further call with ``token`` answer 401 Unauthorized."""
        self._state(token).revoked = True

    def bot_info(self, token: str | None = None) -> BotInfo:
        """The identity of a registered bot."""
        return self._state(self._token(token)).info

    def _state(self, token: str) -> _BotState:
        state = self._bots.get(token)
        if state is None:
            self.add_bot(token)
            state = self._bots[token]
        return state

    def _token(self, token: str | None) -> str:
        if token is not None:
            return token
        if not self._bots:
            msg = "no bot registered yet; pass token= or FakeBotAPI(bots=[...])"
            raise ValueError(msg)
        return next(iter(self._bots))

    # ==================================================================================
    # HTTP layer
    # ==================================================================================
    def build_app(self) -> web.Application:
        """Routes ``/bot<token>/<method>`` for any HTTP verb."""
        app = web.Application(client_max_size=50 * 1024**2)
        app.router.add_route("*", r"/bot{token}/{method}", self._handle)
        return app

    async def on_close(self) -> None:
        """Release pending long polls so the server can stop immediately."""
        for state in self._bots.values():
            state.wake()

    async def _read_params(self, request: web.Request) -> JsonDict:
        raw: dict[str, Any] = dict(request.query)
        ctype = request.content_type
        if request.can_read_body:
            if ctype == "application/json":
                body = await request.json()
                if isinstance(body, dict):
                    raw.update(body)
            elif ctype == "multipart/form-data":
                reader = await request.multipart()
                async for part in reader:
                    if not isinstance(part, BodyPartReader) or part.name is None:
                        continue
                    if part.filename:
                        data = await part.read()
                        raw[part.name] = {
                            "filename": part.filename,
                            "size": len(data),
                            "data": data,
                        }
                    else:
                        raw[part.name] = await part.text()
            else:
                post = await request.post()
                raw.update({k: v for k, v in post.items() if isinstance(v, str)})
        params = {key: _decode_value(key, value) for key, value in raw.items()}
        for key, value in params.items():
            # aiogram uploads files as a separate part referenced by "attach://<part>".
            if isinstance(value, str) and value.startswith("attach://"):
                params[key] = params.get(value[len("attach://") :], value)
        return params

    async def _handle(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        method = request.match_info["method"]
        key = method.lower()
        at = time.monotonic()
        stats = self.stats
        stats.requests += 1
        stats.by_method[method] += 1
        try:
            params = await self._read_params(request)
        except ValueError:
            params = {}
            error: TelegramApiError | None = _bad_request("can't parse request body")
        else:
            error = None

        response: JsonDict
        status = 200
        try:
            if error is not None:
                raise error
            if _TOKEN_RE.match(token) is None:
                raise TelegramApiError(401, "Unauthorized")
            state = self._state(token)
            if state.revoked:
                raise TelegramApiError(401, "Unauthorized")
            fault = self._take_fault(key, token, params)
            if fault is not None:
                if fault.error is None:
                    stats.dropped_connections += 1
                    self.log.append(
                        BotCall(
                            method,
                            token,
                            params,
                            at,
                            0,
                            None,
                            request.method,
                            request.content_type,
                        )
                    )
                    drop_connection(request)
                stats.scripted_errors += 1
                raise fault.error
            handler = self._handlers.get(key)
            if handler is None:
                raise TelegramApiError(404, "Not Found: method not found")
            result = await handler(state, params)
            if isinstance(result, tuple):
                result, description = result
                response = {"ok": True, "result": result, "description": description}
            else:
                response = {"ok": True, "result": result}
        except TelegramApiError as exc:
            status = exc.error_code
            response = exc.body()
            stats.errors += 1
            if status == 429:
                stats.too_many_requests += 1
        self.log.append(
            BotCall(
                method, token, params, at, status, response, request.method, request.content_type
            )
        )
        return web.json_response(response, status=status)

    # ==================================================================================
    # Faults
    # ==================================================================================
    def script_error(
        self,
        method: str | None,
        error_code: int,
        description: str | None = None,
        *,
        retry_after: int | None = None,
        chat_id: int | str | None = None,
        token: str | None = None,
        times: int | None = 1,
    ) -> None:
        """Make the next ``times`` matching calls fail (``times=None``: until cleared).

        ``method=None`` matches every method. The description defaults to Telegram's text
        for the code (429 → "Too Many Requests: retry after N", 403 → blocked by the user,
        400 → chat not found, ...); a 429 without ``retry_after`` gets ``retry_after=3``.
        """
        if error_code == 429 and retry_after is None:
            retry_after = 3
        if description is None:
            description = _DEFAULT_DESCRIPTIONS.get(error_code, f"Error {error_code}").format(
                retry_after=retry_after
            )
        error = TelegramApiError(error_code, description, retry_after=retry_after)
        self._faults.append(
            _Fault(
                method=method.lower() if method else None,
                token=token,
                chat_id=None if chat_id is None else str(chat_id),
                remaining=times,
                error=error,
            )
        )

    def fail_network(
        self,
        times: int | None = 1,
        *,
        method: str | None = None,
        token: str | None = None,
        chat_id: int | str | None = None,
    ) -> None:
        """Drop the connection of the next ``times`` matching calls without answering."""
        self._faults.append(
            _Fault(
                method=method.lower() if method else None,
                token=token,
                chat_id=None if chat_id is None else str(chat_id),
                remaining=times,
                error=None,
            )
        )

    def clear_faults(self) -> None:
        """Forget all scripted errors and network failures."""
        self._faults.clear()

    def _take_fault(self, method: str, token: str, params: JsonDict) -> _Fault | None:
        if not self._faults:
            return None
        for fault in self._faults:
            if fault.matches(method, token, params):
                if fault.remaining is not None:
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._faults.remove(fault)
                return fault
        return None

    # ==================================================================================
    # Assertions
    # ==================================================================================
    def calls(
        self,
        method: str | None = None,
        token: str | None = None,
        chat_id: int | str | None = None,
        *,
        ok: bool | None = None,
    ) -> list[BotCall]:
        """Recorded calls, optionally filtered (method names are case-insensitive)."""
        predicate = self._call_filter(method, token, chat_id, ok)
        return [call for call in self.log.items if predicate(call)]

    def sent_messages(
        self, chat_id: int | str | None = None, token: str | None = None
    ) -> list[JsonDict]:
        """Messages successfully sent with ``sendMessage``, as the returned ``Message`` dicts."""
        return [call.result for call in self.calls("sendMessage", token, chat_id, ok=True)]

    def sent_texts(self, chat_id: int | str | None = None, token: str | None = None) -> list[str]:
        """The ``text`` of each successfully sent message."""
        return [message["text"] for message in self.sent_messages(chat_id, token)]

    def message(self, chat_id: int | str, message_id: int, token: str | None = None) -> JsonDict:
        """The current state of a message the bot sent (after edits)."""
        return self._state(self._token(token)).messages[(chat_id, message_id)]

    async def wait_for(
        self,
        what: str | Callable[[BotCall], bool] | None = None,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109
        *,
        token: str | None = None,
        chat_id: int | str | None = None,
        ok: bool | None = None,
    ) -> list[BotCall]:
        """Wait until ``count`` recorded calls match; returns them (raises ``TimeoutError``).

        ``what`` is a method name or a predicate on :class:`BotCall`; calls made before the
        wait count too.
        """
        if callable(what):
            extra = self._call_filter(None, token, chat_id, ok)
            func = what
            predicate: Callable[[BotCall], bool] = lambda call: extra(call) and func(call)  # noqa: E731
        else:
            predicate = self._call_filter(what, token, chat_id, ok)
        label = self.describe_args(
            method=what if isinstance(what, str) else None, token=token, chat_id=chat_id, ok=ok
        )
        return await self.log.wait_for(predicate, count, timeout, f"calls ({label})")

    @staticmethod
    def _call_filter(
        method: str | None, token: str | None, chat_id: int | str | None, ok: bool | None
    ) -> Callable[[BotCall], bool]:
        lowered = method.lower() if method else None
        chat = None if chat_id is None else str(chat_id)

        def predicate(call: BotCall) -> bool:
            return (
                (lowered is None or call.method.lower() == lowered)
                and (token is None or call.token == token)
                and (chat is None or str(call.params.get("chat_id")) == chat)
                and (ok is None or call.ok == ok)
            )

        return predicate

    def reset_calls(self) -> None:
        """Forget recorded calls (state such as messages and webhooks is kept)."""
        self.log.clear()

    # ==================================================================================
    # Resident simulation: building updates
    # ==================================================================================
    def user(
        self,
        user_id: int,
        *,
        first_name: str = "Sanne",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "nl",
    ) -> JsonDict:
        """A Telegram ``User`` object for a resident."""
        user: JsonDict = {"id": user_id, "is_bot": False, "first_name": first_name}
        if last_name:
            user["last_name"] = last_name
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        return user

    @staticmethod
    def private_chat(user: Mapping[str, Any]) -> JsonDict:
        """The private ``Chat`` between a bot and ``user``."""
        chat: JsonDict = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        for key in ("last_name", "username"):
            if key in user:
                chat[key] = user[key]
        return chat

    def message_update(
        self,
        user_id: int,
        text: str,
        *,
        token: str | None = None,
        first_name: str = "Sanne",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "nl",
        entities: list[JsonDict] | None = None,
        message_id: int | None = None,
        date: int | None = None,
        reply_to_message_id: int | None = None,
        update_id: int | None = None,
    ) -> JsonDict:
        """An update with a private text message from a resident to the bot."""
        state = self._state(self._token(token))
        user = self.user(
            user_id,
            first_name=first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
        )
        chat = self.private_chat(user)
        message: JsonDict = {
            "message_id": message_id or state.next_message_id(user_id),
            "from": user,
            "chat": chat,
            "date": date or int(time.time()),
            "text": text,
        }
        if entities:
            message["entities"] = entities
        if reply_to_message_id is not None:
            replied = state.messages.get((user_id, reply_to_message_id))
            if replied is not None:
                message["reply_to_message"] = replied
        update: JsonDict = {"message": message}
        if update_id is not None:
            update = {"update_id": update_id, **update}
        return update

    def command(self, user_id: int, text: str, **kwargs: Any) -> JsonDict:
        """A message update starting with a bot command, e.g. ``"/start DEMO"``."""
        if not text.startswith("/"):
            msg = f"a command starts with '/': {text!r}"
            raise ValueError(msg)
        length = len(text.split(maxsplit=1)[0])
        entities = [{"type": "bot_command", "offset": 0, "length": length}]
        return self.message_update(user_id, text, entities=entities, **kwargs)

    def callback_update(
        self,
        user_id: int,
        data: str,
        message_id: int | None = None,
        *,
        token: str | None = None,
        first_name: str = "Sanne",
        language_code: str | None = "nl",
        update_id: int | None = None,
    ) -> JsonDict:
        """A ``callback_query`` update: the resident pressed an inline button.

        The attached message is the one the bot sent (``message_id``, default: the bot's
        latest message in the chat). Unknown messages become an ``InaccessibleMessage``.
        """
        state = self._state(self._token(token))
        user = self.user(user_id, first_name=first_name, language_code=language_code)
        if message_id is None:
            ids = [mid for (chat, mid) in state.messages if chat == user_id]
            message_id = max(ids) if ids else None
        message = state.messages.get((user_id, message_id)) if message_id is not None else None
        if message is None:
            message = {
                "chat": self.private_chat(user),
                "message_id": message_id or 0,
                "date": 0,
            }
        query_id = str(next(self._callback_ids))
        state.open_callbacks.add(query_id)
        callback: JsonDict = {
            "id": query_id,
            "from": user,
            "message": json.loads(json.dumps(message)),
            "chat_instance": str(-(zlib.crc32(f"{state.info.id}:{user_id}".encode()))),
            "data": data,
        }
        update: JsonDict = {"callback_query": callback}
        if update_id is not None:
            update = {"update_id": update_id, **update}
        return update

    def my_chat_member_update(
        self,
        user_id: int,
        new_status: str = "kicked",
        *,
        old_status: str | None = None,
        token: str | None = None,
        first_name: str = "Sanne",
        update_id: int | None = None,
    ) -> JsonDict:
        """A ``my_chat_member`` update; ``"kicked"`` means the resident blocked the bot.

        Pushing/delivering it makes further sends to that chat fail with 403 (blocked);
        a ``"member"`` update unblocks.
        """
        state = self._state(self._token(token))
        if old_status is None:
            old_status = "member" if new_status == "kicked" else "kicked"
        user = self.user(user_id, first_name=first_name)

        def member(status: str) -> JsonDict:
            member: JsonDict = {"user": state.info.user(), "status": status}
            if status in ("kicked", "restricted"):
                member["until_date"] = 0
            return member

        update: JsonDict = {
            "my_chat_member": {
                "chat": self.private_chat(user),
                "from": user,
                "date": int(time.time()),
                "old_chat_member": member(old_status),
                "new_chat_member": member(new_status),
            }
        }
        if update_id is not None:
            update = {"update_id": update_id, **update}
        return update

    # ==================================================================================
    # Resident simulation: delivering updates
    # ==================================================================================
    def _observe_update(self, state: _BotState, update: Mapping[str, Any]) -> None:
        """Track chats, callback ids and blocking state carried by an update."""
        for key in ("message", "edited_message", "my_chat_member"):
            if key in update and "chat" in update[key]:
                chat = update[key]["chat"]
                state.chats.setdefault(chat["id"], dict(chat))
        if "message" in update:
            message = update["message"]
            chat_id, message_id = message["chat"]["id"], message.get("message_id", 0)
            if message_id > state.last_message_id[chat_id]:
                state.last_message_id[chat_id] = message_id
        if "callback_query" in update:
            state.open_callbacks.add(str(update["callback_query"]["id"]))
        if "my_chat_member" in update:
            change = update["my_chat_member"]
            chat_id = change["chat"]["id"]
            if change["new_chat_member"]["status"] in ("kicked", "left"):
                state.blocked.add(chat_id)
            else:
                state.blocked.discard(chat_id)

    def push_update(self, token: str | None, update: Mapping[str, Any]) -> JsonDict:
        """Queue ``update`` for ``getUpdates`` (assigning the next ``update_id`` if absent).

        Returns the queued update. Wakes a pending long poll.
        """
        state = self._state(self._token(token))
        queued = dict(update)
        if "update_id" not in queued:
            queued = {"update_id": state.next_update_id, **queued}
        state.next_update_id = max(state.next_update_id, int(queued["update_id"]) + 1)
        self._observe_update(state, queued)
        state.updates.append(queued)
        state.wake()
        return queued

    def pending_updates(self, token: str | None = None) -> list[JsonDict]:
        """Updates queued and not yet confirmed with an ``offset``."""
        return list(self._state(self._token(token)).updates)

    async def deliver_webhook(
        self,
        url: str,
        update: Mapping[str, Any],
        secret_token: str | None = None,
        *,
        token: str | None = None,
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> int:
        """POST ``update`` to a webhook like Telegram does; returns the HTTP status.

        Sends ``X-Telegram-Bot-Api-Secret-Token`` when ``secret_token`` is given. With
        ``token`` the update is numbered per bot and tracked (chats, callbacks, blocking).
        """
        body = dict(update)
        if token is not None or self._bots:
            state = self._state(self._token(token))
            if "update_id" not in body:
                body = {"update_id": state.next_update_id, **body}
            state.next_update_id = max(state.next_update_id, int(body["update_id"]) + 1)
            self._observe_update(state, body)
        elif "update_id" not in body:
            body = {"update_id": next(self._loose_update_ids), **body}
        headers = {"Content-Type": "application/json"}
        if secret_token is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret_token
        client = await self.http_client()
        async with client.post(
            url, data=json.dumps(body), headers=headers, timeout=ClientTimeout(total=timeout)
        ) as response:
            text = await response.text()
            status = response.status
            reply_type = response.content_type
        self.webhook_deliveries.append(
            {"url": url, "update": body, "status": status, "response": text}
        )
        if 200 <= status < 300 and reply_type == "application/json" and text:
            await self._webhook_reply(self._token(token), json.loads(text))
        return status

    async def _webhook_reply(self, token: str, payload: JsonDict) -> None:
        """Run the Bot API method a webhook answered with, as Telegram does.

        Telegram executes a ``{"method": ..., ...}`` response body and tells the bot nothing
        about the outcome; the call is logged like any other.
        """
        method = str(payload.pop("method", ""))
        handler = self._handlers.get(method.lower())
        at = time.monotonic()
        self.stats.requests += 1
        self.stats.by_method[method] += 1
        status, response = 200, {"ok": True}
        try:
            if handler is None:
                raise TelegramApiError(404, "Not Found: method not found")
            result = await handler(self._state(token), payload)
            response = {"ok": True, "result": result[0] if isinstance(result, tuple) else result}
        except TelegramApiError as exc:
            status, response = exc.error_code, exc.body()
            self.stats.errors += 1
        self.log.append(BotCall(method, token, payload, at, status, response, "WEBHOOK"))

    async def flush_webhook(self, token: str | None = None) -> list[int]:
        """Deliver queued updates to the webhook set with ``setWebhook``; returns statuses.

        Updates answered with 2xx are removed from the queue, like Telegram does.
        """
        state = self._state(self._token(token))
        if state.webhook is None:
            msg = "no webhook set for this bot"
            raise RuntimeError(msg)
        statuses: list[int] = []
        while state.updates:
            update = state.updates[0]
            status = await self.deliver_webhook(
                state.webhook["url"],
                update,
                state.webhook.get("secret_token"),
                token=self._token(token),
            )
            statuses.append(status)
            if not 200 <= status < 300:
                break
            state.updates.popleft()
        return statuses

    def webhook(self, token: str | None = None) -> JsonDict | None:
        """The webhook configuration (including the secret token) set by the bot."""
        return self._state(self._token(token)).webhook

    def is_blocked(self, chat_id: int | str, token: str | None = None) -> bool:
        """Whether the resident blocked the bot (via a kicked ``my_chat_member`` update)."""
        return chat_id in self._state(self._token(token)).blocked

    def commands(
        self,
        token: str | None = None,
        *,
        scope: Mapping[str, Any] | None = None,
        language_code: str = "",
    ) -> list[JsonDict]:
        """Commands stored with ``setMyCommands`` for a scope and language."""
        key = (json.dumps(dict(scope or {"type": "default"}), sort_keys=True), language_code)
        return list(self._state(self._token(token)).commands.get(key, []))

    # ==================================================================================
    # Method implementations
    # ==================================================================================
    @staticmethod
    async def _true(state: _BotState, params: JsonDict) -> bool:
        return True

    async def _get_me(self, state: _BotState, params: JsonDict) -> JsonDict:
        return {
            **state.info.user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _allowed(self, state: _BotState, update: Mapping[str, Any]) -> bool:
        kind = _update_type(update)
        if not state.allowed_updates:
            return kind not in DEFAULT_EXCLUDED_UPDATES
        return kind in state.allowed_updates

    def _confirm_and_collect(
        self, state: _BotState, offset: int | None, limit: int
    ) -> list[JsonDict]:
        updates = state.updates
        if offset is not None and offset > 0:
            while updates and updates[0]["update_id"] < offset:
                updates.popleft()
        elif offset is not None and offset < 0:
            while len(updates) > -offset:
                updates.popleft()
        batch: list[JsonDict] = []
        for update in list(updates):
            if not self._allowed(state, update):
                updates.remove(update)  # Telegram never delivers filtered updates.
                continue
            batch.append(update)
            if len(batch) >= limit:
                break
        return batch

    async def _get_updates(self, state: _BotState, params: JsonDict) -> list[JsonDict]:
        if state.webhook is not None:
            raise TelegramApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = params.get("offset")
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = max(float(params.get("timeout") or 0), 0.0)
        if "allowed_updates" in params and params["allowed_updates"] is not None:
            state.allowed_updates = list(params["allowed_updates"])
        # A new getUpdates request terminates any pending one, like Telegram.
        state.poll_generation += 1
        generation = state.poll_generation
        state.wake()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            batch = self._confirm_and_collect(state, offset, limit)
            remaining = deadline - loop.time()
            if batch or remaining <= 0 or self.closing:
                return batch
            event = state.wakeup
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)
            if state.poll_generation != generation:
                raise TelegramApiError(409, _DEFAULT_DESCRIPTIONS[409])

    def _chat(self, state: _BotState, chat_id: Any) -> JsonDict:
        if chat_id is None or chat_id == "":
            raise _bad_request("chat_id is empty")
        known = state.chats.get(chat_id)
        if known is not None:
            return known
        if isinstance(chat_id, str):
            if not chat_id.startswith("@"):
                raise _bad_request("chat not found")
            name = chat_id[1:]
            chat = {
                "id": -1_000_000_000_000 - zlib.crc32(name.encode()),
                "type": "channel",
                "title": name,
                "username": name,
            }
            state.chats[chat_id] = chat
            return chat
        if chat_id > 0:
            if self.strict_chats:
                raise _bad_request("chat not found")
            chat = {"id": chat_id, "type": "private", "first_name": "Sanne"}
        else:
            kind = "supergroup" if chat_id < -1_000_000_000_000 else "group"
            chat = {"id": chat_id, "type": kind, "title": f"Group {chat_id}"}
        state.chats[chat_id] = chat
        return chat

    def _check_rate(self, state: _BotState, chat_id: Any, params: JsonDict) -> None:
        now = time.monotonic()
        bot_limit = self.per_bot_rate
        if params.get("allow_paid_broadcast"):
            bot_limit = self.paid_broadcast_rate
        if bot_limit is not None:
            wait = state.send_window.retry_after(bot_limit, now)
            if wait:
                self.stats.rate_limited_bot += 1
                self._raise_flood(wait)
        if self.per_chat_rate is not None:
            window = state.chat_windows.get(chat_id)
            if window is None:
                window = state.chat_windows[chat_id] = SlidingWindow()
            wait = window.retry_after(self.per_chat_rate, now)
            if wait:
                self.stats.rate_limited_chat += 1
                self._raise_flood(wait)
            window.add(now)
        if bot_limit is not None:
            state.send_window.add(now)

    def _raise_flood(self, wait: float) -> None:
        retry_after = self.rate_retry_after or whole_seconds(wait)
        raise TelegramApiError(
            429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after
        )

    @staticmethod
    def _validate_markup(markup: Any) -> JsonDict | None:
        if markup is None or markup == "":
            return None
        if not isinstance(markup, dict):
            raise _bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad_request(
                    'field "inline_keyboard" of the InlineKeyboardMarkup '
                    "should be an Array of Arrays"
                )
            for row in rows:
                for button in row:
                    if not button.get("text"):
                        raise _bad_request("text buttons are unallowed in the inline keyboard")
                    data = button.get("callback_data")
                    if data is not None and not 1 <= len(str(data).encode()) <= 64:
                        raise _bad_request("BUTTON_DATA_INVALID")
                    actions = set(button) - {"text", "style"}
                    if not actions:
                        raise _bad_request("text buttons are unallowed in the inline keyboard")
        return markup

    def _new_message(self, state: _BotState, chat: JsonDict, params: JsonDict) -> JsonDict:
        chat_id = chat["id"]
        message: JsonDict = {
            "message_id": state.next_message_id(chat_id),
            "from": state.info.user(),
            "chat": chat,
            "date": int(time.time()),
        }
        reply_to = params.get("reply_to_message_id")
        parameters = params.get("reply_parameters")
        if isinstance(parameters, dict):
            reply_to = parameters.get("message_id")
        if reply_to is not None:
            replied = state.messages.get((chat_id, reply_to))
            if replied is not None:
                message["reply_to_message"] = replied
        return message

    def _store(self, state: _BotState, message: JsonDict) -> JsonDict:
        state.messages[(message["chat"]["id"], message["message_id"])] = message
        self.stats.messages_sent += 1
        return message

    def _sendable_chat(self, state: _BotState, params: JsonDict) -> JsonDict:
        chat = self._chat(state, params.get("chat_id"))
        if chat["id"] in state.blocked or params.get("chat_id") in state.blocked:
            if chat["type"] == "private":
                raise TelegramApiError(403, "Forbidden: bot was blocked by the user")
            raise TelegramApiError(403, "Forbidden: bot was kicked from the group chat")
        return chat

    async def _send_message(self, state: _BotState, params: JsonDict) -> JsonDict:
        chat = self._sendable_chat(state, params)
        raw_text = params.get("text")
        if raw_text is None or str(raw_text).strip() == "":
            raise _bad_request("message text is empty")
        text = _plain_text(str(raw_text), params.get("parse_mode"))
        if len(text) > 4096:
            raise _bad_request("message is too long")
        markup = self._validate_markup(params.get("reply_markup"))
        self._check_rate(state, chat["id"], params)
        message = self._new_message(state, chat, params)
        message["text"] = text
        if params.get("entities"):
            message["entities"] = params["entities"]
        if markup is not None and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        return self._store(state, message)

    def _send_media(self, kind: str) -> Callable[[_BotState, JsonDict], Awaitable[JsonDict]]:
        async def send(state: _BotState, params: JsonDict) -> JsonDict:
            chat = self._sendable_chat(state, params)
            if not params.get(kind):
                raise _bad_request(f"there is no {kind} in the request")
            markup = self._validate_markup(params.get("reply_markup"))
            self._check_rate(state, chat["id"], params)
            message = self._new_message(state, chat, params)
            file_id = f"FAKE_{kind.upper()}_{message['message_id']}"
            if kind == "photo":
                message["photo"] = [
                    {"file_id": file_id, "file_unique_id": file_id, "width": 800, "height": 600}
                ]
            else:
                message["document"] = {
                    "file_id": file_id,
                    "file_unique_id": file_id,
                    "file_name": "document",
                }
            if params.get("caption"):
                message["caption"] = _plain_text(params["caption"], params.get("parse_mode"))
            if markup is not None and "inline_keyboard" in markup:
                message["reply_markup"] = markup
            return self._store(state, message)

        return send

    def _find_editable(self, state: _BotState, params: JsonDict, verb: str) -> JsonDict | None:
        if params.get("inline_message_id"):
            return None
        chat_id, message_id = params.get("chat_id"), params.get("message_id")
        if chat_id is None or chat_id == "":
            raise _bad_request("chat_id is empty")
        if message_id is None:
            raise _bad_request("message identifier is not specified")
        message = state.messages.get((chat_id, message_id))
        if message is None:
            raise _bad_request(f"message to {verb} not found")
        return message

    async def _edit_message_text(self, state: _BotState, params: JsonDict) -> JsonDict | bool:
        message = self._find_editable(state, params, "edit")
        raw_text = params.get("text")
        if raw_text is None or str(raw_text).strip() == "":
            raise _bad_request("message text is empty")
        text = _plain_text(str(raw_text), params.get("parse_mode"))
        if len(text) > 4096:
            raise _bad_request("message is too long")
        markup = self._validate_markup(params.get("reply_markup"))
        inline = markup if markup is not None and "inline_keyboard" in markup else None
        if message is None:
            return True
        if message.get("text") == text and message.get("reply_markup") == inline:
            raise _bad_request(
                "message is not modified: specified new message content and reply markup "
                "are exactly the same as a current content and reply markup of the message"
            )
        message["text"] = text
        if inline is None:
            message.pop("reply_markup", None)
        else:
            message["reply_markup"] = inline
        message["edit_date"] = int(time.time())
        return message

    async def _edit_message_reply_markup(
        self, state: _BotState, params: JsonDict
    ) -> JsonDict | bool:
        message = self._find_editable(state, params, "edit")
        markup = self._validate_markup(params.get("reply_markup"))
        inline = markup if markup is not None and "inline_keyboard" in markup else None
        if message is None:
            return True
        if message.get("reply_markup") == inline:
            raise _bad_request(
                "message is not modified: specified new message content and reply markup "
                "are exactly the same as a current content and reply markup of the message"
            )
        if inline is None:
            message.pop("reply_markup", None)
        else:
            message["reply_markup"] = inline
        message["edit_date"] = int(time.time())
        return message

    async def _delete_message(self, state: _BotState, params: JsonDict) -> bool:
        key = (params.get("chat_id"), params.get("message_id"))
        if state.messages.pop(key, None) is None:  # type: ignore[arg-type]
            raise _bad_request("message to delete not found")
        return True

    async def _answer_callback_query(self, state: _BotState, params: JsonDict) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        if not query_id:
            raise _bad_request("callback_query_id is empty")
        if len(str(params.get("text") or "")) > 200:
            raise _bad_request("MESSAGE_TOO_LONG")
        if self.strict_callback_queries:
            if query_id not in state.open_callbacks:
                raise _bad_request(
                    "query is too old and response timeout expired or query ID is invalid"
                )
            state.open_callbacks.discard(query_id)
        return True

    @staticmethod
    def _commands_key(params: JsonDict) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    async def _set_my_commands(self, state: _BotState, params: JsonDict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _bad_request('parameter "commands" is required')
        if len(commands) > 100:
            raise _bad_request("too many commands specified")
        for command in commands:
            name = str(command.get("command", "")).lstrip("/")
            if not _COMMAND_RE.match(name):
                raise _bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise _bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        state.commands[self._commands_key(params)] = [
            {"command": str(c["command"]).lstrip("/"), "description": c["description"]}
            for c in commands
        ]
        return True

    async def _get_my_commands(self, state: _BotState, params: JsonDict) -> list[JsonDict]:
        return list(state.commands.get(self._commands_key(params), []))

    async def _delete_my_commands(self, state: _BotState, params: JsonDict) -> bool:
        state.commands.pop(self._commands_key(params), None)
        return True

    async def _set_webhook(self, state: _BotState, params: JsonDict) -> tuple[bool, str]:
        url = str(params.get("url") or "")
        if not url:
            return await self._delete_webhook(state, params)
        secret = params.get("secret_token")
        if secret is not None and not _SECRET_RE.match(str(secret)):
            raise _bad_request("secret token contains unallowed characters")
        if not url.startswith(("http://", "https://")):
            raise _bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        if params.get("drop_pending_updates"):
            state.updates.clear()
        if params.get("allowed_updates") is not None:
            state.allowed_updates = list(params["allowed_updates"])
        was_set = state.webhook is not None and state.webhook["url"] == url
        state.webhook = {
            "url": url,
            "secret_token": None if secret is None else str(secret),
            "max_connections": int(params.get("max_connections") or 40),
            "ip_address": params.get("ip_address"),
        }
        state.poll_generation += 1
        state.wake()
        return True, "Webhook is already set" if was_set else "Webhook was set"

    async def _delete_webhook(self, state: _BotState, params: JsonDict) -> tuple[bool, str]:
        if params.get("drop_pending_updates"):
            state.updates.clear()
        if state.webhook is None:
            return True, "Webhook is already deleted"
        state.webhook = None
        return True, "Webhook was deleted"

    async def _get_webhook_info(self, state: _BotState, params: JsonDict) -> JsonDict:
        info: JsonDict = {
            "url": state.webhook["url"] if state.webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(state.updates),
        }
        if state.webhook:
            info["max_connections"] = state.webhook["max_connections"]
            if state.webhook.get("ip_address"):
                info["ip_address"] = state.webhook["ip_address"]
        if state.allowed_updates:
            info["allowed_updates"] = list(state.allowed_updates)
        return info

    async def _send_chat_action(self, state: _BotState, params: JsonDict) -> bool:
        self._sendable_chat(state, params)
        if not params.get("action"):
            raise _bad_request("wrong parameter action in request")
        return True

    async def _get_chat(self, state: _BotState, params: JsonDict) -> JsonDict:
        chat = self._chat(state, params.get("chat_id"))
        return {**chat, "accent_color_id": 0, "max_reaction_count": 11}
