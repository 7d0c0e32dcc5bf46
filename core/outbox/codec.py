"""The message codec: an ``OutboundMessage`` to and from the JSON kept in ``outbox.payload``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.messages import Option, Reply
from core.outbox.ports import OutboundMessage, Template


def dump_message(message: OutboundMessage) -> dict[str, Any]:
    """Serialise an ``OutboundMessage`` into the JSON stored in ``outbox.payload``."""
    data: dict[str, Any] = {
        "kind": message.kind,
        "replies": [
            {
                "text": r.text,
                "options": [{"label": o.label, "data": o.data} for o in r.options],
                "columns": r.columns,
            }
            for r in message.replies
        ],
    }
    if message.template is not None:
        tpl = message.template
        data["template"] = {
            "name": tpl.name,
            "language": tpl.language,
            "parameters": list(tpl.parameters),
            "buttons": list(tpl.buttons),
        }
    if message.extra:
        data["extra"] = dict(message.extra)
    return data


def load_message(data: Mapping[str, Any]) -> OutboundMessage:
    """Rebuild the ``OutboundMessage`` stored by :func:`dump_message`."""
    replies = tuple(
        Reply(
            str(r["text"]),
            tuple(Option(str(o["label"]), str(o["data"])) for o in r.get("options", ())),
            int(r.get("columns", 0)),
        )
        for r in data.get("replies", ())
    )
    tpl = data.get("template")
    template = (
        Template(
            str(tpl["name"]),
            str(tpl["language"]),
            tuple(str(p) for p in tpl.get("parameters", ())),
            tuple(str(b) for b in tpl.get("buttons", ())),
        )
        if tpl
        else None
    )
    return OutboundMessage(
        replies, str(data.get("kind", "message")), template, dict(data.get("extra") or {})
    )
