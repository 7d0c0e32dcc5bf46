"""Similar ideas in a round: which say the same thing, which say the opposite.

Pure: numpy, scikit-learn and scipy's sparse matrices; no database, no web, no files (the
synonym list is package data, see ``similarity_text``). A sentence encoder may be handed in; it
is any callable from texts to L2-normalised rows (``similarity_encoder.bundled_encoder()``
gives the one whose weights ship inside its package).

How two ideas are scored (0 = unrelated, 1 = the same):

- **Lexical**: TF-IDF over the ideas' stems (after stop words, markers and synonyms, see
  ``similarity_text``) and over their character 3- to 5-grams, so typos and Dutch compounds
  still meet; features are hashed, so ideas can be added without refitting a vocabulary
  (``lexical_space``, which also says when the IDF weights are refreshed). The
  two cosines are mixed ``WORD_SHARE`` : 1 - ``WORD_SHARE``.
- **Meaning**: the encoder's cosine, rescaled so that what an encoder gives unrelated
  sentences (``SEMANTIC_FLOOR``) counts as 0.
- **Combined**: ``LEXICAL_SHARE`` of the lexical score plus the rest of the meaning score
  (without an encoder: the lexical score alone).
- **Opposites**: when the polarity rule (``similarity_text.opposite``) finds a stem wished for in
  one idea and against in the other, the score is multiplied by ``OPPOSITE_FACTOR``, which keeps
  "meer bomen" and "minder bomen" below every threshold (even identical wording scores 0.1).

Clusters come from agglomerative clustering with average linkage over 1 - score (the polarity
rule applied): two groups merge while their ideas score, on average, at least the strictness's
threshold (``threshold_for``: ``LOOSEST`` at 0, ``AT_DEFAULT`` at the default strictness,
``STRICTEST`` at 1). Average linkage rather than connected components over a threshold,
because one loose pair then cannot chain two large groups together (measured: adjusted Rand
0.77 against 0.57 on the labelled set); weighted and complete linkage did no better on the
tuning half. Every idea is in exactly one cluster. It holds all pairs in memory: about 100 MB
for 5,000 ideas.

The constants below were chosen on half of the labelled set's groups (the tuning half of
tests/fixtures/ideas/labelled.csv), checked on the other half, and measured on a fresh part
written later (tests/fixtures/ideas/fresh.csv, never tuned on); ``bench/similarity.py`` prints
the figures.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np
from scipy import sparse
from scipy.cluster.hierarchy import fcluster, linkage

from core.analysis.lexical_space import char_space, word_space
from core.analysis.similarity_text import Analysed, analyse, heads, opposite

Encoder = Callable[[Sequence[str]], np.ndarray]
IdeaId = int

WORD_SHARE = 0.5
LEXICAL_SHARE = 0.7
SEMANTIC_FLOOR = 0.3
OPPOSITE_FACTOR = 0.1  # below LOOSEST: opposites are never offered nor clustered
THRESHOLD = 0.25  # similar(): what the chat offers
# clusters(): the threshold at strictness 0, at the default strictness and at 1
LOOSEST, AT_DEFAULT, STRICTEST = 0.12, 0.175, 0.45
DEFAULT_STRICTNESS = 0.5


def _stems(analysed: Analysed) -> str:
    return " ".join(analysed.stems)


class SimilarityIndex:
    """The ideas of one round, to which ideas can be added, asked for similar ideas and clusters.

    Args:
        encoder: optional sentence encoder (texts → L2-normalised rows); without one the
            score is lexical only.
    """

    def __init__(self, encoder: Encoder | None = None) -> None:
        self.encoder = encoder
        self.ids: list[IdeaId] = []
        self.analysed: list[Analysed] = []
        self._position: dict[IdeaId, int] = {}
        self._words = word_space()
        self._chars = char_space()
        self._vectors = np.zeros((0, 0), dtype=np.float32)

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, idea_id: object) -> bool:
        return idea_id in self._position

    def add(self, idea_id: IdeaId, text: str) -> None:
        """Add one idea; an id already in the index is refused with ValueError."""
        self.add_many([(idea_id, text)])

    def add_many(self, ideas: Iterable[tuple[IdeaId, str]]) -> None:
        """Add ideas at once (faster than one by one: one encoder call, one IDF refresh)."""
        batch = list(ideas)
        new_ids = [idea_id for idea_id, _ in batch]
        if len(set(new_ids)) != len(new_ids) or any(i in self._position for i in new_ids):
            raise ValueError("an idea id can be added to the index only once")
        if not batch:
            return
        texts = [text for _, text in batch]
        analysed = [analyse(text) for text in texts]
        stems = [_stems(a) for a in analysed]
        self._words.add(stems)
        self._chars.add(stems)
        if self.encoder is not None:
            self._append_vectors(self._encode(texts))
        for idea_id, one in zip(new_ids, analysed, strict=True):
            self._position[idea_id] = len(self.ids)
            self.ids.append(idea_id)
            self.analysed.append(one)

    def _encode(self, texts: list[str]) -> np.ndarray:
        assert self.encoder is not None
        vectors = np.asarray(self.encoder(texts), dtype=np.float32)
        return vectors.reshape(len(texts), -1)

    def _append_vectors(self, vectors: np.ndarray) -> None:
        n = len(self.ids)
        if self._vectors.shape[1] != vectors.shape[1]:
            self._vectors = np.zeros((max(16, 2 * n), vectors.shape[1]), dtype=np.float32)
        if n + len(vectors) > self._vectors.shape[0]:
            grown = np.zeros((2 * (n + len(vectors)), vectors.shape[1]), dtype=np.float32)
            grown[:n] = self._vectors[:n]
            self._vectors = grown
        self._vectors[n : n + len(vectors)] = vectors

    def _scores(self, texts: list[str], analysed: list[Analysed]) -> np.ndarray:
        """Scores (before the polarity rule) of each text against every idea, (texts, ideas)."""
        stems = [_stems(a) for a in analysed]
        word = self._words.cosines(stems)
        char = self._chars.cosines(stems)
        score = WORD_SHARE * word + (1 - WORD_SHARE) * char
        if self.encoder is not None and len(self.ids):
            cosine = self._encode(texts) @ self._vectors[: len(self.ids)].T
            meaning = np.clip((cosine - SEMANTIC_FLOOR) / (1 - SEMANTIC_FLOOR), 0.0, 1.0)
            score = LEXICAL_SHARE * score + (1 - LEXICAL_SHARE) * meaning
        return np.clip(score, 0.0, 1.0)

    def similar(
        self, text: str, k: int = 3, threshold: float = THRESHOLD
    ) -> list[tuple[IdeaId, float]]:
        """Up to ``k`` ideas most like ``text``, best first, scoring at least ``threshold``.

        An idea the polarity rule finds opposite to ``text`` scores ``OPPOSITE_FACTOR`` of its
        similarity, so the chat does not offer "minder bomen" to someone asking "meer bomen"
        (at any threshold of at least ``OPPOSITE_FACTOR``).
        """
        if not self.ids or k <= 0:
            return []
        query = analyse(text)
        scores = self._scores([text], [query])[0]
        look = min(len(scores), 4 * k + 8)
        candidates = np.argpartition(-scores, look - 1)[:look]
        found = []
        for position in candidates:
            score = float(scores[position])
            if opposite(query, self.analysed[position]):
                score *= OPPOSITE_FACTOR
            if score >= threshold:
                found.append((self.ids[position], score))
        found.sort(key=lambda pair: (-pair[1], pair[0]))
        return found[:k]

    def clusters(self, strictness: float = DEFAULT_STRICTNESS) -> list[list[IdeaId]]:
        """Groups of ids covering every idea exactly once; stricter means smaller groups.

        ``strictness`` runs from 0 (loosest) to 1 (strictest); the largest group comes first.
        """
        n = len(self.ids)
        if n < 2:
            return [list(self.ids)] if n else []
        tree = linkage(self._distances(), method="average")
        labels = fcluster(tree, t=1.0 - threshold_for(strictness), criterion="distance")
        groups: dict[int, list[IdeaId]] = {}
        for position, label in enumerate(labels):
            groups.setdefault(int(label), []).append(self.ids[position])
        return sorted(groups.values(), key=lambda group: (-len(group), group[0]))

    def cohesion(self, groups: Sequence[Sequence[IdeaId]]) -> list[list[float]]:
        """How well each idea fits its group: its mean score with the group's other ideas
        (polarity rule applied), per group in the group's order; 1.0 for an idea alone.

        A suggested cluster holds ideas that score, on average, at least the strictness's
        threshold; one that scores much lower with the others was pulled in by a few
        neighbours (a shared place name, say) and is worth a second look. Costs the square of
        each group's size, not of the index's.
        """
        signs = self._sign_matrices() if any(len(g) > 1 for g in groups) else ()
        return [self._fit(list(group), signs) for group in groups]

    def _fit(self, group: list[IdeaId], signs: tuple[sparse.csr_matrix, ...]) -> list[float]:
        positions = [self._position[idea_id] for idea_id in group]
        g = len(positions)
        if g < 2:
            return [1.0] * g
        words, chars = self._words.matrix()[positions], self._chars.matrix()[positions]
        score = WORD_SHARE * (words @ words.T).toarray()
        score += (1 - WORD_SHARE) * (chars @ chars.T).toarray()
        if self.encoder is not None:
            vectors = self._vectors[positions]
            cosine = vectors @ vectors.T
            meaning = np.clip((cosine - SEMANTIC_FLOOR) / (1 - SEMANTIC_FLOOR), 0.0, 1.0)
            score = LEXICAL_SHARE * score + (1 - LEXICAL_SHARE) * meaning
        plus, minus, plus_heads, minus_heads = (m[positions] for m in signs)
        clash = (
            plus @ minus_heads.T
            + plus_heads @ minus.T
            + minus @ plus_heads.T
            + minus_heads @ plus.T
        ).toarray() > 0
        score = np.where(clash, np.clip(score, 0.0, 1.0) * OPPOSITE_FACTOR, np.clip(score, 0, 1))
        np.fill_diagonal(score, 0.0)
        return [float(v) for v in score.sum(axis=1) / (g - 1)]

    def _distances(self, block: int = 512) -> np.ndarray:
        """1 - score for every pair, condensed (scipy's order), with the polarity rule applied."""
        n = len(self.ids)
        plus, minus, plus_heads, minus_heads = self._sign_matrices()
        condensed = np.empty(n * (n - 1) // 2, dtype=np.float64)
        offset = 0
        for start in range(0, n, block):
            stop = min(n, start + block)
            scores = self._scores_between(start, stop)
            clash = (
                plus[start:stop] @ minus_heads.T
                + plus_heads[start:stop] @ minus.T
                + minus[start:stop] @ plus_heads.T
                + minus_heads[start:stop] @ plus.T
            ).toarray() > 0
            scores = np.where(clash, scores * OPPOSITE_FACTOR, scores)
            for row, a in enumerate(range(start, stop)):
                tail = scores[row, a + 1 :]
                condensed[offset : offset + len(tail)] = 1.0 - tail
                offset += len(tail)
        return condensed

    def _sign_matrices(self) -> tuple[sparse.csr_matrix, ...]:
        """Which stems each idea wishes for and against, as 0/1 rows: (plus, minus) by the stem
        itself, then (plus, minus) by each of its heads (``similarity_text.heads``).

        Two ideas clash (``similarity_text.opposite``) exactly when a plus stem of one is a head
        of a minus stem of the other, or the other way round.
        """
        columns: dict[str, int] = {}
        cells: list[tuple[list[int], list[int]]] = [([], []) for _ in range(4)]
        for position, analysed in enumerate(self.analysed):
            for word, sign in analysed.signs.items():
                own, by_head = (0, 2) if sign > 0 else (1, 3)
                cells[own][0].append(position)
                cells[own][1].append(columns.setdefault(word, len(columns)))
                for head in heads(word):
                    cells[by_head][0].append(position)
                    cells[by_head][1].append(columns.setdefault(head, len(columns)))
        shape = (len(self.ids), max(1, len(columns)))
        return tuple(
            sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=shape)
            for rows, cols in cells
        )

    def _scores_between(self, start: int, stop: int) -> np.ndarray:
        words, chars = self._words.matrix(), self._chars.matrix()
        word = (words[start:stop] @ words.T).toarray()
        char = (chars[start:stop] @ chars.T).toarray()
        score = WORD_SHARE * word + (1 - WORD_SHARE) * char
        if self.encoder is not None:
            vectors = self._vectors[: len(self.ids)]
            cosine = vectors[start:stop] @ vectors.T
            meaning = np.clip((cosine - SEMANTIC_FLOOR) / (1 - SEMANTIC_FLOOR), 0.0, 1.0)
            score = LEXICAL_SHARE * score + (1 - LEXICAL_SHARE) * meaning
        return np.asarray(np.clip(score, 0.0, 1.0))


def threshold_for(strictness: float) -> float:
    """The score two ideas need to share a cluster at this strictness (clamped to 0..1)."""
    strictness = min(1.0, max(0.0, float(strictness)))
    if strictness <= DEFAULT_STRICTNESS:
        share = strictness / DEFAULT_STRICTNESS
        return LOOSEST + share * (AT_DEFAULT - LOOSEST)
    share = (strictness - DEFAULT_STRICTNESS) / (1.0 - DEFAULT_STRICTNESS)
    return AT_DEFAULT + share * (STRICTEST - AT_DEFAULT)


def similarity(a: str, b: str, encoder: Encoder | None = None) -> float:
    """The score of two texts, in [0, 1], with the polarity rule applied; symmetric."""
    index = SimilarityIndex(encoder)
    index.add_many([(0, a), (1, b)])
    score = float(index._scores_between(0, 1)[0, 1])
    return score * OPPOSITE_FACTOR if opposite(index.analysed[0], index.analysed[1]) else score
