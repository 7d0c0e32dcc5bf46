"""The command menu (``setMyCommands``), in Dutch, English and the residents' further languages."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand

from core.i18n import DIALOGUE_LANGUAGES, N_, gettext_for

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
    """The menu in ``language``; the further languages use the English commands."""
    _ = gettext_for(language).gettext
    menu = MENU.get(language, MENU["en"])
    return [BotCommand(command=name, description=_(text)) for name, text in menu]


async def set_menu(bot: Bot) -> None:
    """Dutch for Dutch clients and by default, and each residents' language for its clients."""
    await bot.set_my_commands(commands("nl"))
    for language in ("nl", "en", *DIALOGUE_LANGUAGES):
        await bot.set_my_commands(commands(language), language_code=language)
