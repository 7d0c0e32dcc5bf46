"""Rendering replies for Telegram: escaping, cutting at 4,096 characters, keyboards."""

from __future__ import annotations

import asyncio
import html

from bots.telegram.locks import KeyedLocks
from bots.telegram.render import MAX_TEXT, answered_text, keyboard, send_methods, split_text
from core.messages import Option, Reply


def test_text_is_escaped_for_html() -> None:
    assert split_text("<b>a</b> & b") == ["&lt;b&gt;a&lt;/b&gt; &amp; b"]


def test_long_text_is_cut_at_line_ends_within_the_limit() -> None:
    paragraph = ("Een regel met <tekens> & meer. " * 20).strip() + "\n"
    text = paragraph * 40
    chunks = split_text(text)
    assert len(chunks) > 1
    assert all(len(chunk) <= MAX_TEXT for chunk in chunks)
    assert "".join(html.unescape(c) for c in chunks).replace("\n", "") == text.replace("\n", "")
    assert all(chunk.endswith("meer.") for chunk in chunks)


def test_one_enormous_word_is_cut_without_breaking_an_entity() -> None:
    chunks = split_text("&" * 5000)
    assert all(len(chunk) <= MAX_TEXT for chunk in chunks)
    assert sum(chunk.count("&amp;") for chunk in chunks) == 5000


def test_buttons_go_with_the_last_piece_and_rows_follow_columns() -> None:
    options = tuple(Option(str(n), f"fb:1:{n}") for n in range(1, 11)) + (
        Option("Overslaan", "fb:1:skip"),
    )
    methods = send_methods(7, Reply("x" * 5000, options, columns=5))
    assert [m.reply_markup is None for m in methods] == [True, False]
    markup = keyboard(Reply("?", options, columns=5))
    assert markup is not None
    assert [len(row) for row in markup.inline_keyboard] == [5, 5, 1]


def test_an_answered_question_keeps_its_text_and_shows_the_answer() -> None:
    assert answered_text("Mag <dit>?", "Ja & graag") == "Mag &lt;dit&gt;?\n\n\u2713 Ja &amp; graag"
    assert len(answered_text("x" * 5000, "Ja")) <= MAX_TEXT


async def test_keyed_locks_keep_order_per_key_and_forget_idle_keys() -> None:
    locks = KeyedLocks()
    seen: list[tuple[str, int]] = []

    async def work(key: str, n: int) -> None:
        async with locks.hold(key):
            await asyncio.sleep(0.001 * (5 - n))
            seen.append((key, n))

    await asyncio.gather(*(work(k, n) for n in range(5) for k in ("a", "b")))
    assert [n for k, n in seen if k == "a"] == [0, 1, 2, 3, 4]
    assert [n for k, n in seen if k == "b"] == [0, 1, 2, 3, 4]
    assert len(locks) == 0
