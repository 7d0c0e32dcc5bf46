"""A typed idea is looked up before the step's transaction: on SQLite every resident's step
queues on one write lock, so neither the sentence encoder nor the index's comparison (tens of
milliseconds per text under load) may run while a step holds it, or every other resident waits
that long (bench/webchat.py)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from core.analysis.similarity import SimilarityIndex
from core.services.similar_ideas import SimilarIdeas
from inspraak.bootstrap import Container
from tests.factories import ChatResident


class WatchedEncoder:
    """A small deterministic encoder that notes whether the write lock was held at each call."""

    def __init__(self, container: Container) -> None:
        self.lock = container.database.write_lock()  # the lock of the test's event loop
        self.calls: list[tuple[tuple[str, ...], bool]] = []

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append((tuple(texts), bool(self.lock and self.lock.locked())))
        rows = np.zeros((len(texts), 8), dtype=np.float32)
        for n, text in enumerate(texts):
            for word in text.lower().split():
                rows[n, hash(word) % 8] += 1.0
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        return rows / np.where(norms == 0, 1, norms)


async def test_the_typed_idea_is_looked_up_outside_the_write_lock_and_still_offered(
    demo: Container, monkeypatch: pytest.MonkeyPatch
):
    encoder = WatchedEncoder(demo)
    looked_up: list[tuple[str, bool]] = []
    similar = SimilarityIndex.similar

    def watched(index: SimilarityIndex, text: str, *args: object, **kwargs: object) -> object:
        looked_up.append((text, bool(encoder.lock and encoder.lock.locked())))
        return similar(index, text, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(SimilarityIndex, "similar", watched)
    demo.conversations.similar = SimilarIdeas(load=lambda: encoder)
    anna = ChatResident(demo.conversations, "anna")
    await anna.join()
    await anna.say("Meer bankjes in het Oosterpark")
    await anna.press("Versturen")
    bob = ChatResident(demo.conversations, "bob")
    await bob.join()
    encoder.calls.clear()
    looked_up.clear()

    await bob.say("Bankjes in het Oosterpark!")

    assert "Bedoel je dit idee?" in bob.question.text  # compared with anna's idea
    encoded = [texts for texts, _ in encoder.calls]
    assert ("Bankjes in het Oosterpark!",) in encoded
    assert not [texts for texts, held in encoder.calls if held]
    assert ("Bankjes in het Oosterpark!", False) in looked_up
    assert not [text for text, held in looked_up if held]
