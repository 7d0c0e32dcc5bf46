"""The message bus: runs a command's handler in a unit of work, then the events it raised."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from core.domain.commands import Command
from core.domain.events import Event
from core.services import audit
from core.services.account_commands import STAGED_HANDLERS
from core.services.carry_over import CARRY_OVER_HANDLERS
from core.services.erasure import ERASURE_HANDLERS
from core.services.handlers import COMMAND_HANDLERS, Handler
from core.services.moderation import MODERATION_HANDLERS
from core.services.notify import NOTIFY_HANDLERS
from core.services.organisations import ORGANISATION_HANDLERS
from core.services.organise import ORGANISE_HANDLERS
from core.services.population import POPULATION_HANDLERS
from core.storage.uow import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)

DEFAULT_HANDLERS: dict[type[Command], Handler] = {
    **COMMAND_HANDLERS,
    **MODERATION_HANDLERS,
    **ORGANISE_HANDLERS,
    **ORGANISATION_HANDLERS,
    **ERASURE_HANDLERS,
    **POPULATION_HANDLERS,
    **NOTIFY_HANDLERS,
    **CARRY_OVER_HANDLERS,
}

EventHandler = Callable[[Any], Awaitable[None]]
# A handler with a slow step that must hold no transaction (a password hash): it gets the
# unit-of-work factory and opens, commits and closes its own short units; it raises no events.
StagedHandler = Callable[[Any, UnitOfWorkFactory], Awaitable[Any]]


class MessageBus:
    """Dispatches commands to their handler and events to their subscribers."""

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        command_handlers: dict[type[Command], Handler] | None = None,
        *,
        bulk: tuple[dict[type[Command], Handler], UnitOfWorkFactory] | None = None,
        staged: dict[type[Command], StagedHandler] | None = None,
    ) -> None:
        """``bulk``: handlers that write many rows at once (queueing a broadcast) and the
        units of work to run them in when handled on their own (on SQLite: the engine on the
        worker thread, so residents are answered meanwhile). ``staged``: handlers that open
        their own units of work (by default signing in and changing a password)."""
        self.uow_factory = uow_factory
        self.command_handlers = dict(command_handlers or DEFAULT_HANDLERS)
        self.staged_handlers = dict(STAGED_HANDLERS if staged is None else staged)
        self.bulk_factories: dict[type[Command], UnitOfWorkFactory] = {}
        if bulk is not None:
            handlers, factory = bulk
            self.command_handlers.update(handlers)
            self.bulk_factories = dict.fromkeys(handlers, factory)
        self.event_handlers: dict[type[Event], list[EventHandler]] = {}

    def subscribe(self, event_type: type[Event], handler: EventHandler) -> None:
        """Run ``handler`` after every committed ``event_type`` (e.g. the scheduler, a sender)."""
        self.event_handlers.setdefault(event_type, []).append(handler)

    async def handle(self, command: Command) -> Any:
        """Run one command in its own transaction and publish its events once committed."""
        staged = self.staged_handlers.get(type(command))
        if staged is not None:
            return await staged(command, self.uow_factory)
        factory = self.bulk_factories.get(type(command), self.uow_factory)
        async with factory() as uow:
            result = await self.run(command, uow)
            await uow.commit()
            events = uow.collect_events()
        await self.publish(events)
        return result

    async def run(self, command: Command, uow: UnitOfWork) -> Any:
        """Run a command inside a unit of work the caller owns (and commits); a person's
        action in the web area is recorded in the audit log in the same transaction."""
        handler = self.command_handlers[type(command)]
        result = await handler(command, uow)
        await audit.record(command, uow, result)
        return result

    async def publish(self, events: list[Event]) -> None:
        for event in events:
            for handler in self.event_handlers.get(type(event), []):
                try:
                    await handler(event)
                except Exception:  # an event subscriber must never undo a committed command
                    log.exception("event handler failed for %r", event)
