"""``Reply`` → Bot API methods: HTML-escaped text cut at 4,096 characters, inline keyboards."""

from __future__ import annotations

import html
import re

from aiogram.methods import SendMessage
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from core.messages import Reply

MAX_TEXT = 4096  # Telegram's limit on a message's text, after entity parsing
_WORDS = re.compile(r"(?<= )")


def escape(text: str) -> str:
    """Escape resident or project text for ``parse_mode=HTML``."""
    return html.escape(text, quote=False)


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Escape ``text`` and cut it into pieces of at most ``limit`` characters.

    Cuts between lines where it can, between words when one line is too long, inside a word
    only when one word is longer than a message; never inside an HTML entity.
    """
    chunks: list[str] = []
    current = ""

    def add(piece: str) -> None:
        nonlocal current
        escaped = escape(piece)
        if len(current) + len(escaped) <= limit:
            current += escaped
            return
        if current:
            chunks.append(current)
            current = ""
        while len(escaped) > limit:
            head, piece = _cut(piece, limit)
            chunks.append(escape(head))
            escaped = escape(piece)
        current = escaped

    for line in text.splitlines(keepends=True):
        if len(escape(line)) <= limit:
            add(line)
        else:
            for word in _WORDS.split(line):
                add(word)
    if current:
        chunks.append(current)
    return [c for c in (chunk.rstrip("\n") for chunk in chunks) if c.strip()] or [""]


def _cut(raw: str, limit: int) -> tuple[str, str]:
    """Split ``raw`` at the longest prefix whose escaped form fits in ``limit``."""
    size = 0
    for index, char in enumerate(raw):
        size += len(escape(char))
        if size > limit:
            return raw[:index], raw[index:]
    return raw, ""


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """Options as inline buttons, ``reply.columns`` per row (one per row when unset)."""
    if not reply.options:
        return None
    per_row = max(reply.columns, 1)
    buttons = [InlineKeyboardButton(text=o.label, callback_data=o.data) for o in reply.options]
    rows = [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def send_methods(chat_id: int | str, reply: Reply) -> list[SendMessage]:
    """The ``sendMessage`` calls for one reply; the buttons go with its last piece."""
    pieces = split_text(reply.text)
    if pieces == [""]:
        if not reply.options:
            return []
        pieces = ["\u2026"]
    methods = [SendMessage(chat_id=chat_id, text=piece, parse_mode="HTML") for piece in pieces]
    markup = keyboard(reply)
    if markup is not None:
        methods[-1] = methods[-1].model_copy(update={"reply_markup": markup})
    return methods


def answered_text(question: str, answer: str) -> str:
    """The question's text with the chosen answer below it (escaped, within the limit)."""
    tail = "\n\n\u2713 " + escape(answer)
    head = escape(question)
    if len(head) + len(tail) > MAX_TEXT:
        head = escape(question[: MAX_TEXT - len(tail) - 1]) + "\u2026"
        head = head[: MAX_TEXT - len(tail)]
    return head + tail
