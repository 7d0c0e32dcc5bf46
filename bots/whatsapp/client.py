"""A small Cloud API client over httpx: POST ``/{phone_number_id}/messages``, nothing else.

No SDK: none lets us point it at a test server, and we need one endpoint.
"""

from __future__ import annotations

from typing import Any

import httpx

JsonDict = dict[str, Any]


class GraphError(Exception):
    """The Graph API answered with an error object (or an unreadable error)."""

    def __init__(self, http_status: int, code: int, message: str, transient: bool = False) -> None:
        super().__init__(f"HTTP {http_status}, code {code}: {message}")
        self.http_status = http_status
        self.code = code
        self.message = message
        self.transient = transient


class GraphNetworkError(Exception):
    """No answer: the connection failed or timed out."""


class GraphClient:
    """Sends message payloads for one business phone number."""

    def __init__(
        self,
        api_base: str,
        phone_number_id: str,
        token: str,
        *,
        timeout: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.url = f"{api_base.rstrip('/')}/{phone_number_id}/messages"
        self._token = token
        self._timeout = timeout
        self._transport = transport
        self._http: httpx.AsyncClient | None = None

    def _client(self) -> httpx.AsyncClient:
        if self._http is None or self._http.is_closed:
            self._http = httpx.AsyncClient(
                timeout=self._timeout,
                transport=self._transport,
                headers={"Authorization": f"Bearer {self._token}"},
            )
        return self._http

    async def send(self, payload: JsonDict) -> str:
        """Send one message payload; return its ``wamid``.

        Raises:
            GraphError: Graph refused the message.
            GraphNetworkError: no answer.
        """
        try:
            response = await self._client().post(self.url, json=payload)
        except httpx.HTTPError as error:
            raise GraphNetworkError(str(error) or type(error).__name__) from error
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.is_success:
            try:
                return str(body["messages"][0]["id"])
            except (KeyError, IndexError, TypeError):
                return ""
        error = body.get("error") if isinstance(body, dict) else None
        if not isinstance(error, dict):
            raise GraphError(response.status_code, 0, response.text[:200])
        details = (error.get("error_data") or {}).get("details") or ""
        message = str(error.get("message") or "")
        if details:
            message = f"{message} ({details})"
        raise GraphError(
            response.status_code,
            int(error.get("code") or 0),
            message,
            bool(error.get("is_transient")),
        )

    async def close(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None
