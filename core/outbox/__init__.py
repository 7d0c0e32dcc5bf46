"""The outbox: durable outgoing messages and the rate-limited worker that drains them.

Every message the core sends on its own initiative (a round's prompt, a reminder, the results)
is first a row in the ``outbox`` table, written in the same transaction as the decision to send
it (``queue``). The worker claims due rows in batches, paces them per bot and per chat
(``pacing``), hands each to the channel's ``ChannelSender`` (``ports``) and writes the outcome
(held, retried, sent, failed: ``outcomes``) back through the store (``uow.outbox``,
core/storage/outbox.py). Payloads are JSON (``codec``); receipts from the platforms act on rows
already sent (``receipts``). Quiet hours are a project's rule (core/domain/quiet_hours.py);
progress is a view (core/views/broadcast.py).
"""

from core.domain.outbox import OutboxStatus
from core.outbox.codec import dump_message, load_message
from core.outbox.pacing import Pacer
from core.outbox.queue import Envelope, enqueue
from core.outbox.worker import OutboxSender, SenderStats

__all__ = [
    "Envelope",
    "OutboxSender",
    "OutboxStatus",
    "Pacer",
    "SenderStats",
    "dump_message",
    "enqueue",
    "load_message",
]
