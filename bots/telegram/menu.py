"""The command menu (``setMyCommands``), in Dutch and English."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand

from core.i18n import N_, gettext_for

# (command, description): the names the dialogue's parse_intent knows (core/dialogue/intents.py).
MENU = {
    "nl": (
        ("start", N_("Take part in a project, or continue")),
        ("help", N_("How this works")),
        ("stop", N_("No more messages from us")),
        ("taal", N_("Nederlands / English")),
        ("mijngegevens", N_("See what we store about you")),
        ("vergeet", N_("Erase everything we store about you")),
    ),
    "en": (
        ("start", N_("Take part in a project, or continue")),
        ("help", N_("How this works")),
        ("stop", N_("No more messages from us")),
        ("language", N_("Nederlands / English")),
        ("mydata", N_("See what we store about you")),
        ("forget", N_("Erase everything we store about you")),
    ),
}


def commands(language: str) -> list[BotCommand]:
    _ = gettext_for(language).gettext
    return [BotCommand(command=name, description=_(text)) for name, text in MENU[language]]


async def set_menu(bot: Bot) -> None:
    """Dutch for Dutch clients and by default, English for English clients."""
    await bot.set_my_commands(commands("nl"))
    await bot.set_my_commands(commands("nl"), language_code="nl")
    await bot.set_my_commands(commands("en"), language_code="en")
