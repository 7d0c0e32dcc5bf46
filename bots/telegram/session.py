"""aiogram's aiohttp session, sending Bot API calls as JSON.

Why a subclass: aiogram encodes every call as a form, serialising each field separately and
URL-quoting it; for the small calls a dialogue makes (a text and a keyboard) that was about a
third of a call's cost on our side. The Bot API takes ``application/json`` for every method, so
one ``json.dumps`` does. Calls that upload a file keep aiogram's multipart form. Responses,
errors and retries stay aiogram's own (``check_response``), so nothing else changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import InputFile
from aiohttp import ClientError

if TYPE_CHECKING:
    from aiogram import Bot

JSON_HEADERS = {"Content-Type": "application/json"}


def method_payload(
    bot: Bot, method: TelegramMethod[Any], files: dict[str, InputFile] | None = None
) -> dict[str, Any]:
    """A call's parameters as JSON-ready values (defaults such as ``parse_mode`` resolved).

    Files found on the way are put in ``files`` and referenced as ``attach://<key>``.
    """
    files = {} if files is None else files
    payload: dict[str, Any] = {}
    for key, value in method.model_dump(warnings=False).items():
        prepared = bot.session.prepare_value(value, bot=bot, files=files, _dumps_json=False)
        if prepared is not None:
            payload[key] = prepared
    return payload


class JsonSession(AiohttpSession):
    """``AiohttpSession`` whose requests carry a JSON body instead of a form."""

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 - aiogram's signature
    ) -> TelegramType:
        files: dict[str, InputFile] = {}
        payload = method_payload(bot, method, files)
        if files:
            return await super().make_request(bot, method, timeout)
        session = await self.create_session()
        url = self.api.api_url(token=bot.token, method=method.__api_method__)
        try:
            async with session.post(
                url,
                data=self.json_dumps(payload),
                headers=JSON_HEADERS,
                timeout=self.timeout if timeout is None else timeout,
            ) as response:
                raw = await response.text()
        except TimeoutError as error:
            raise TelegramNetworkError(method=method, message="Request timeout error") from error
        except ClientError as error:
            message = f"{type(error).__name__}: {error}"
            raise TelegramNetworkError(method=method, message=message) from error
        checked = self.check_response(
            bot=bot, method=method, status_code=response.status, content=raw
        )
        return cast(TelegramType, checked.result)
