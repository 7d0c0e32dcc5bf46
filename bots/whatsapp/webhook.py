"""Webhook payloads → what happened: signature check first, then messages and receipts (pure).

Meta signs the raw body with the app secret (``X-Hub-Signature-256: sha256=<hex>``); the body
is verified before it is parsed, so an unsigned request never reaches the JSON parser.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from core.dialogue import buttons
from core.domain.numbers import read_number
from core.messages import Incoming

SIGNATURE_HEADER = "x-hub-signature-256"


def signature_valid(body: bytes, header: str | None, app_secret: str) -> bool:
    """Whether ``header`` is the HMAC-SHA256 of the raw ``body`` under ``app_secret``."""
    if not header or not app_secret:
        return False
    scheme, _, received = header.partition("=")
    if scheme.strip().lower() != "sha256" or not received:
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, received.strip().lower())


def verification_challenge(query: Mapping[str, str], verify_token: str) -> str | None:
    """Return ``hub.challenge`` when the subscription handshake names our verify token."""
    token = query.get("hub.verify_token", "")
    if query.get("hub.mode") != "subscribe" or not verify_token:
        return None
    if not hmac.compare_digest(token.encode(), verify_token.encode()):
        return None
    return query.get("hub.challenge", "")


@dataclass(frozen=True)
class InboundMessage:
    wa_id: str
    wamid: str
    sent_at: datetime | None
    incoming: Incoming | None  # None: a kind we cannot read (image, voice, location...)
    kind: str


@dataclass(frozen=True)
class Receipt:
    wamid: str
    status: str  # sent | delivered | read | failed
    error_code: int | None = None
    error: str | None = None


def parse(body: bytes, phone_number_id: str) -> Iterator[InboundMessage | Receipt]:
    """Yield the messages and receipts addressed to our phone number, in order."""
    try:
        payload = json.loads(body)
    except ValueError:
        return
    for entry in _list(_dict(payload).get("entry")):
        for change in _list(_dict(entry).get("changes")):
            change = _dict(change)
            value = _dict(change.get("value"))
            if change.get("field") != "messages":
                continue
            metadata = _dict(value.get("metadata"))
            if phone_number_id and metadata.get("phone_number_id") != phone_number_id:
                continue
            for message in _list(value.get("messages")):
                inbound = _inbound(message)
                if inbound is not None:
                    yield inbound
            for status in _list(value.get("statuses")):
                receipt = _receipt(status)
                if receipt is not None:
                    yield receipt


def _dict(value: Any) -> dict[str, Any]:
    """``value`` if it is a JSON object, else an empty one (a payload of another shape)."""
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _inbound(message: Any) -> InboundMessage | None:
    if not isinstance(message, dict) or not message.get("from") or not message.get("id"):
        return None
    kind = str(message.get("type") or "")
    return InboundMessage(
        wa_id=str(message["from"]),
        wamid=str(message["id"])[:200],
        sent_at=_timestamp(message.get("timestamp")),
        incoming=to_incoming(kind, message.get(kind)),
        kind=kind,
    )


def to_incoming(kind: str, content: Any) -> Incoming | None:
    """The core's view of one WhatsApp message, or None for kinds without text or choice."""
    if not isinstance(content, dict):
        return None
    if kind == "text":
        return Incoming.message(str(content.get("body") or ""))
    if kind == "interactive":
        reply = content.get(str(content.get("type")))
        if isinstance(reply, dict) and reply.get("id"):
            return Incoming.choice(str(reply["id"])[:64])
        return None
    if kind == "button":  # a template's quick-reply button
        return template_button(str(content.get("payload") or ""), str(content.get("text") or ""))
    return None


def template_button(payload: str, text: str) -> Incoming:
    """``start:CODE`` resumes a project, ``go:CODE:ROUND`` opens that round (a prompt's or a
    reminder's button, as on the other channels), ``stop`` unsubscribes; anything else is
    typed text."""
    action = buttons.decode(payload)
    if isinstance(action, buttons.Start):
        return Incoming.start(action.code)
    if isinstance(action, buttons.Go):
        return Incoming.choice(payload)
    if isinstance(action, buttons.Stop):
        return Incoming.command("stop")
    return Incoming.message(text or payload)


def _receipt(status: Any) -> Receipt | None:
    if not isinstance(status, dict) or not status.get("id") or not status.get("status"):
        return None
    errors = _list(status.get("errors"))
    first = _dict(errors[0]) if errors else {}
    code = first.get("code")
    reason = first.get("title") or first.get("message")
    return Receipt(
        wamid=str(status["id"]),
        status=str(status["status"]),
        error_code=read_number(str(code), signed=True) if code is not None else None,
        error=f"{code}: {reason}" if first else None,
    )


def _timestamp(value: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(value), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None
