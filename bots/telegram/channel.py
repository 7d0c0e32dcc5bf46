"""The Telegram channel: its bots, one Dispatcher polling them all or fed by the webhook.

Lifecycle (the composition root calls these from the web app's startup and shutdown):

* ``start()`` loads the bots (the environment's token is the default bot, ``inspraak bot add``
  stores more), then in the background asks each for its identity (``getMe``), sets the
  command menu and either polls (``getUpdates``, after removing any webhook) or sets the
  webhook with its secret token.
* ``stop()`` stops polling and closes the HTTP session. A webhook is left in place on
  purpose: during a restart or a rolling deploy Telegram keeps the updates and retries them,
  whereas deleting it would leave a newer instance without updates until it set it again.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
from collections.abc import Mapping
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.base import Response
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramAPIError, TelegramUnauthorizedError
from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteWebhook,
    EditMessageText,
    GetMe,
    GetUpdates,
    SendMessage,
    SetMyCommands,
    SetWebhook,
    TelegramMethod,
)
from aiogram.types import Update
from aiogram.utils.backoff import BackoffConfig
from pydantic import ValidationError

from bots.telegram.handlers import get_routers
from bots.telegram.locks import KeyedLocks
from bots.telegram.menu import set_menu
from bots.telegram.middleware import ConversationMiddleware
from bots.telegram.registry import BotEntry, BotRegistry, RegisterDefaultBot
from bots.telegram.replier import Sleep
from bots.telegram.sender import TelegramSender
from bots.telegram.session import JsonSession, method_payload
from bots.telegram.tokens import InvalidToken, TokenBox
from config.settings import Settings
from core.channels import WebhookHandler
from core.services.conversation import Conversations

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]

# aiogram parses every answer with ``Response[method.__returning__]``; pydantic keeps such
# parametrised classes only weakly, so after a garbage collection each call built the class
# again (about 10 ms). Holding them here keeps the calls we make at a few microseconds.
PINNED_RESPONSES = tuple(
    Response[method.__returning__]  # type: ignore[attr-defined]
    for method in (
        SendMessage,
        EditMessageText,
        AnswerCallbackQuery,
        GetUpdates,
        GetMe,
        SetWebhook,
        DeleteWebhook,
        SetMyCommands,
    )
)
SECRET_HEADER = "x-telegram-bot-api-secret-token"
MAX_BODY = 1_000_000


class TelegramChannel:
    """Translates Telegram updates into ``Incoming`` and renders the core's replies.

    Registered as ``container.channels["telegram"]``; ``sender`` is its ``ChannelSender``.
    """

    name = "telegram"

    def __init__(
        self,
        conversations: Conversations,
        *,
        secret_key: str,
        token: str | None = None,
        api_base: str = "https://api.telegram.org",
        mode: str = "polling",
        webhook_secret: str | None = None,
        public_url: str = "",
        polling_timeout: int = 10,
        backoff: BackoffConfig | None = None,
        sleep: Sleep = asyncio.sleep,
        paid_broadcast: bool = False,
    ) -> None:
        self.conversations = conversations
        self.secret_key = secret_key
        self.token = token
        self.mode = mode
        self.webhook_secret = webhook_secret
        self.public_url = public_url.rstrip("/")
        self.polling_timeout = polling_timeout
        self.backoff = backoff or BackoffConfig(
            min_delay=1.0, max_delay=30.0, factor=1.5, jitter=0.1
        )
        self.sleep = sleep
        self.session = JsonSession(api=TelegramAPIServer.from_base(api_base))
        self.registry = BotRegistry()
        self.sender = TelegramSender(self.registry, paid_broadcast=paid_broadcast)
        self.locks = KeyedLocks()
        self.middleware = ConversationMiddleware(conversations, self.registry, self.locks, sleep)
        # no aiogram FSM: the dialogue state is the core's, stored with the answers
        self.dispatcher = Dispatcher(disable_fsm=True)
        self.dispatcher.update.outer_middleware(self.middleware)
        self.dispatcher.include_routers(*get_routers())
        self.ready = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._links_task: asyncio.Task[None] | None = None
        self._polling = False
        self._project_bots: dict[str, int | None] = {}

    @classmethod
    def from_settings(
        cls, settings: Settings, conversations: Conversations, secret_key: str
    ) -> TelegramChannel:
        def secret(value: Any) -> str | None:
            return value.get_secret_value() if value is not None else None

        return cls(
            conversations,
            secret_key=secret_key,
            token=secret(settings.telegram_token),
            api_base=settings.telegram_api_base,
            mode=settings.telegram_mode,
            webhook_secret=secret(settings.telegram_webhook_secret),
            public_url=settings.public_url,
            paid_broadcast=settings.telegram_paid_broadcast,
        )

    # -- lifecycle ----------------------------------------------------------------------------
    async def start(self) -> None:
        """Load the bots and start them in the background (never blocks the web app)."""
        if self._task is not None:
            return
        await self._load_bots()
        if not self.registry.entries:
            log.info("Telegram: no bot configured (INSPRAAK_TELEGRAM_TOKEN unset)")
            return
        self._task = asyncio.create_task(self._run(), name="telegram")

    async def stop(self) -> None:
        """Stop polling, let running updates finish (5 s at most), close the session."""
        if self._polling:
            with contextlib.suppress(RuntimeError):
                await self.dispatcher.stop_polling()
        for task in (self._task, self._links_task):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._task = self._links_task = None
        running = set(self.middleware.in_flight)
        if running:
            await asyncio.wait(running, timeout=5)
        await self.session.close()

    async def wait_ready(self, timeout: float = 10) -> None:  # noqa: ASYNC109
        await asyncio.wait_for(self.ready.wait(), timeout)

    async def _load_bots(self) -> None:
        async with self.conversations.bus.uow_factory() as uow:
            rows = await uow.bots.all()
        await self.refresh_links()
        defaults = DefaultBotProperties(parse_mode="HTML", link_preview_is_disabled=True)
        if self.token:
            bot = Bot(self.token, session=self.session, default=defaults)
            known = next((r for r in rows if r.telegram_id == bot.id), None)
            self.registry.add(
                BotEntry(
                    bot,
                    known.username if known else "",
                    known.id if known and known.is_default else None,
                    is_default=True,
                    secret=self.webhook_secret,
                )
            )
        box = TokenBox(self.secret_key)
        for row in rows:
            if row.token_encrypted is None or row.telegram_id in self.registry.entries:
                continue
            try:
                token = box.open(row.token_encrypted)
            except InvalidToken:
                log.error("bot @%s: token unreadable (secret key changed?)", row.username)
                continue
            bot = Bot(token, session=self.session, default=defaults)
            self.registry.add(
                BotEntry(bot, row.username, row.id, False, self._derived_secret(bot.id))
            )

    def _derived_secret(self, telegram_id: int) -> str | None:
        if not self.webhook_secret:
            return None
        message = f"telegram-webhook:{telegram_id}".encode()
        return hmac.new(self.webhook_secret.encode(), message, hashlib.sha256).hexdigest()

    async def _run(self) -> None:
        await self._introduce_bots()
        self.ready.set()
        self._links_task = asyncio.create_task(self._refresh_links_forever())
        if self.mode == "webhook":
            for entry in list(self.registry.entries.values()):
                await self._retry(lambda e=entry: self._set_webhook(e), "setWebhook")
        else:
            await self._poll_forever()

    async def _introduce_bots(self) -> None:
        """getMe (retrying until Telegram answers), record the default bot, set the menu."""
        for entry in list(self.registry.entries.values()):
            try:
                me = await self._retry(entry.bot.me, "getMe")
            except TelegramUnauthorizedError:
                log.error("Telegram refused the token of bot %s; it stays off", entry.telegram_id)
                del self.registry.entries[entry.telegram_id]
                continue
            entry.username = me.username or entry.username
            if entry.is_default:
                entry.db_id = await self._register_default(me.id, entry.username)
            try:
                await set_menu(entry.bot)
            except TelegramAPIError as error:
                log.warning("bot @%s: could not set the command menu: %s", entry.username, error)

    async def _register_default(self, telegram_id: int, username: str) -> int:
        """Record the default bot, trying again while the database fails: a channel that gave
        up here would never be ready, and its webhook would answer 503 for good."""
        delay = 1.0
        while True:
            try:
                command = RegisterDefaultBot(telegram_id, username)
                bot_id: int = await self.conversations.bus.handle(command)
                return bot_id
            except Exception:
                log.exception("bot @%s: recording it failed; retrying in %.0f s", username, delay)
                await self.sleep(delay)
                delay = min(delay * 2, 60.0)

    async def _retry(self, call: Any, what: str) -> Any:
        """Retry a start-up call on network and server errors, with backoff up to a minute."""
        delay = 1.0
        while True:
            try:
                return await call()
            except TelegramUnauthorizedError:
                raise
            except (TelegramAPIError, OSError) as error:
                log.warning("Telegram %s failed (%s); retrying in %.0f s", what, error, delay)
                await self.sleep(delay)
                delay = min(delay * 2, 60.0)

    async def _set_webhook(self, entry: BotEntry) -> None:
        await entry.bot.set_webhook(
            f"{self.public_url}/webhook/telegram",
            secret_token=entry.secret,
            allowed_updates=ALLOWED_UPDATES,
        )
        log.info("bot @%s: webhook set", entry.username)

    async def _poll_forever(self) -> None:
        """Poll every bot with one Dispatcher; whatever happens, start polling again."""
        bots = [entry.bot for entry in self.registry.entries.values()]
        for bot in bots:  # a webhook left from webhook mode would make getUpdates fail
            await self._retry(bot.delete_webhook, "deleteWebhook")
        while True:
            self._polling = True
            try:
                await self.dispatcher.start_polling(
                    *bots,
                    polling_timeout=self.polling_timeout,
                    backoff_config=self.backoff,
                    allowed_updates=ALLOWED_UPDATES,
                    handle_signals=False,
                    close_bot_session=False,
                )
                return
            except Exception:
                log.exception("Telegram polling stopped; starting again in 5 s")
                await self.sleep(5)
            finally:
                self._polling = False

    # -- webhook ------------------------------------------------------------------------------
    async def handle_update_post(
        self, headers: Mapping[str, str], body: bytes
    ) -> tuple[int, bytes, str]:
        """Take one update Telegram POSTed to ``/webhook/telegram``.

        403 without the right secret token (nothing is read or stored); 200 once handled;
        500 when handling failed, so that Telegram delivers the update again. A handler may
        return one Bot API method (answering a pressed button); it goes back in the 200
        response as JSON, which Telegram executes.
        """
        secret = next((v for k, v in headers.items() if k.lower() == SECRET_HEADER), None)
        entry = self.registry.by_secret(secret)
        if entry is None:
            return 403, b"forbidden", "text/plain"
        if len(body) > MAX_BODY:
            return 413, b"too large", "text/plain"
        try:
            update = Update.model_validate(json.loads(body), context={"bot": entry.bot})
        except (ValueError, ValidationError):
            return 400, b"not an update", "text/plain"
        try:
            await asyncio.wait_for(self.ready.wait(), 10)
        except TimeoutError:
            return 503, b"starting", "text/plain"
        try:
            reply = await self.dispatcher.feed_webhook_update(
                entry.bot, update, webhook_reply=True
            )
        except Exception:
            log.exception("update %s failed", update.update_id)
            return 500, b"failed", "text/plain"
        if isinstance(reply, TelegramMethod):
            return 200, webhook_reply_body(entry.bot, reply), "application/json"
        return 200, b"", "text/plain"

    @property
    def webhook(self) -> WebhookHandler | None:
        """``handle_webhook`` in webhook mode; None when polling (Telegram must not be able to
        post updates at us then)."""
        return self.handle_webhook if self.mode == "webhook" else None

    async def close(self) -> None:
        """Nothing to release here: ``stop()`` closes the session (the server calls it)."""

    async def handle_webhook(
        self, method: str, headers: Mapping[str, str], query: Mapping[str, str], body: bytes
    ) -> tuple[int, bytes, str]:
        """The generic webhook signature of ``/webhook/{name}``: only POST is Telegram's."""
        if method != "POST":
            return 405, b"method not allowed", "text/plain"
        return await self.handle_update_post(headers, body)

    # -- links --------------------------------------------------------------------------------
    async def refresh_links(self) -> None:
        """Re-read which bot each project belongs to (for ``join_link``)."""
        async with self.conversations.bus.uow_factory() as uow:
            self._project_bots = await uow.bots.project_bots()

    async def _refresh_links_forever(self, every: float = 60) -> None:
        while True:
            await asyncio.sleep(every)
            try:
                await self.refresh_links()
            except Exception:
                log.exception("could not refresh the join links")

    def join_link(self, code: str, payload: str | None = None) -> str | None:
        """``https://t.me/<bot>?start=CODE`` (or ``?start=PAYLOAD``) through the project's
        bot, when it runs."""
        bound = self._project_bots.get(code)
        entry = self.registry.by_db_id(bound) if bound is not None else self.registry.default
        if entry is None or not entry.username:
            return None
        return f"https://t.me/{entry.username}?start={payload or code}"


def webhook_reply_body(bot: Bot, method: TelegramMethod[Any]) -> bytes:
    """A Bot API call as a webhook response: ``{"method": ..., parameters...}`` in JSON."""
    return json.dumps({"method": method.__api_method__, **method_payload(bot, method)}).encode()
