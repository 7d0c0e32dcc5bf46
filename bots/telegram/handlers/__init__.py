"""The channel's routers, one per module, in the order they are tried."""

from __future__ import annotations

from aiogram import Router

from bots.telegram.handlers import buttons, commands, membership, messages, start


def get_routers() -> list[Router]:
    """Fresh routers for one Dispatcher (a router can be attached only once)."""
    return [
        start.make_router(),
        commands.make_router(),
        messages.make_router(),
        buttons.make_router(),
        membership.make_router(),
    ]
