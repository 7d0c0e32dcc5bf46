"""``Reply`` → Cloud API message payloads (pure: no I/O).

- no options: a text message;
- up to 3 options whose labels fit a button (20 characters): reply buttons;
- up to 10 options: a list message (row titles at most 24 characters; a longer label is shown
  in full in the row's description, at most 72), so a long label (a similar idea, "Nee, mijn
  idee is anders") is read in full rather than cut on a button;
- 11 options whose last one is a short extra (a 1–10 scale plus "Skip"): the first ten as a
  list and the extra named in the text ("Or type SKIP."); the engine maps the typed label
  (or its number) back to the option, so nothing is lost;
- more: numbered text; the resident answers with the number or the label.

Text-only replies (acknowledgements) are folded into the next reply's text where it fits:
one WhatsApp message instead of two, which is cheaper once service messages are billed and
stays clear of the per-recipient pair rate limit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from core.i18n import gettext_for
from core.messages import Option, Reply, numbered_text
from core.outbox.ports import Template

JsonDict = dict[str, Any]

MAX_BUTTONS = 3
MAX_ROWS = 10
FOLDABLE_EXTRAS = 1  # options past the tenth that may be typed instead of listed
BUTTON_TITLE = 20
ROW_TITLE = 24
ROW_DESCRIPTION = 72
LIST_BUTTON = 20
INTERACTIVE_BODY = 1024
TEXT_BODY = 4096


def ellipsis(text: str, limit: int) -> str:
    """Cut ``text`` to ``limit`` characters, ending in an ellipsis when cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def coalesce(replies: Iterable[Reply]) -> list[Reply]:
    """Join each text-only reply onto the reply after it when the result still fits."""
    merged: list[Reply] = []
    pending: list[str] = []
    for reply in replies:
        limit = INTERACTIVE_BODY if reply.options else TEXT_BODY
        text = "\n\n".join([*pending, reply.text])
        if pending and len(text) <= limit:
            reply = Reply(text, reply.options, reply.columns)
        else:
            merged += [Reply(p) for p in pending]
        pending = []
        if reply.options:
            merged.append(reply)
        else:
            pending.append(reply.text)
    merged += [Reply(p) for p in pending]
    return merged


def render(to: str, replies: Sequence[Reply], language: str = "nl") -> list[JsonDict]:
    """Return the payloads that send ``replies`` to ``to``, in order."""
    payloads: list[JsonDict] = []
    for reply in coalesce(replies):
        payloads += render_one(to, reply, language)
    return payloads


def render_one(to: str, reply: Reply, language: str = "nl") -> list[JsonDict]:
    """Return the payloads for one reply (more than one only when its text is very long)."""
    _ = gettext_for(language).gettext
    options = reply.options
    if not options:
        return [text_payload(to, chunk) for chunk in _chunks(reply.text, TEXT_BODY)]
    if len(options) <= MAX_BUTTONS and _fit(options, BUTTON_TITLE):
        return _with_body(to, reply.text, _("Choose an answer."), lambda b: _buttons(b, options))
    extras: tuple[Option, ...] = ()
    listed = options
    if MAX_ROWS < len(options) <= MAX_ROWS + FOLDABLE_EXTRAS:
        extras = options[MAX_ROWS:]
        if all(len(o.label) <= ROW_TITLE for o in extras):
            listed = options[:MAX_ROWS]
    if len(listed) <= MAX_ROWS:
        hint = ""
        if len(listed) < len(options):
            typed = " / ".join(o.label.upper() for o in options[len(listed) :])
            hint = _("Or type {answer}.").format(answer=typed)
        text = f"{reply.text}\n\n{hint}" if hint else reply.text
        short = f"{_('Choose an answer.')} {hint}".strip()
        button = ellipsis(_("Choose"), LIST_BUTTON)
        return _with_body(to, text, short, lambda b: _list(b, listed, button))
    return [text_payload(to, chunk) for chunk in _chunks(numbered_text(reply), TEXT_BODY)]


def _with_body(to: str, text: str, short: str, build: Any) -> list[JsonDict]:
    """An interactive message; a text too long for its body goes first as plain text."""
    if len(text) <= INTERACTIVE_BODY:
        return [_interactive(to, build(text))]
    head = [text_payload(to, chunk) for chunk in _chunks(text, TEXT_BODY)]
    return [*head, _interactive(to, build(short))]


def _fit(options: Sequence[Option], limit: int) -> bool:
    """Whether every label is shown whole within ``limit`` and no two look the same."""
    titles = [ellipsis(o.label, limit) for o in options]
    labels = [" ".join(o.label.split()) for o in options]
    whole = all(title == label for title, label in zip(titles, labels, strict=True))
    return whole and len(set(titles)) == len(titles) and all(titles)


def _buttons(body: str, options: Sequence[Option]) -> JsonDict:
    return {
        "type": "button",
        "body": {"text": body},
        "action": {
            "buttons": [
                {
                    "type": "reply",
                    "reply": {"id": o.data, "title": ellipsis(o.label, BUTTON_TITLE)},
                }
                for o in options
            ]
        },
    }


def _list(body: str, options: Sequence[Option], button: str) -> JsonDict:
    rows = []
    for option in options:
        row = {"id": option.data, "title": ellipsis(option.label, ROW_TITLE)}
        if len(" ".join(option.label.split())) > ROW_TITLE:
            row["description"] = ellipsis(option.label, ROW_DESCRIPTION)
        rows.append(row)
    return {
        "type": "list",
        "body": {"text": body},
        "action": {"button": button, "sections": [{"rows": rows}]},
    }


def _interactive(to: str, interactive: JsonDict) -> JsonDict:
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": "interactive",
        "interactive": interactive,
    }


def text_payload(to: str, text: str) -> JsonDict:
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": "text",
        "text": {"body": text, "preview_url": False},
    }


def template_payload(to: str, template: Template) -> JsonDict:
    """An approved template with its body parameters and quick-reply payloads."""
    components: list[JsonDict] = []
    if template.parameters:
        components.append(
            {
                "type": "body",
                "parameters": [{"type": "text", "text": p} for p in template.parameters],
            }
        )
    for index, payload in enumerate(template.buttons):
        components.append(
            {
                "type": "button",
                "sub_type": "quick_reply",
                "index": str(index),
                "parameters": [{"type": "payload", "payload": payload}],
            }
        )
    body: JsonDict = {"name": template.name, "language": {"code": template.language}}
    if components:
        body["components"] = components
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": "template",
        "template": body,
    }


def _chunks(text: str, limit: int) -> list[str]:
    """Split a long text at line breaks (or hard, as a last resort) into pieces ≤ ``limit``."""
    text = text or "\u2026"
    chunks: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        if cut <= 0:
            cut = limit
        chunks.append(text[:cut].rstrip())
        text = text[cut:].lstrip("\n")
    chunks.append(text)
    return chunks
