"""Similar ideas in a round: which say the same thing, which say the opposite.

Pure: numpy, scikit-learn and scipy's sparse matrices; no database, no web, no files (the
synonym list is package data, see ``similarity_text``). A sentence encoder may be handed in; it
is any callable from texts to L2-normalised rows (``similarity_encoder.bundled_encoder()``
gives the one whose weights ship inside its package).

How two ideas are scored (0 = unrelated, 1 = the same):

- **Lexical**: TF-IDF over the ideas' stems (after stop words, markers and synonyms, see
  ``similarity_text``) and over their character 3- to 5-grams, so typos and Dutch compounds
  still meet; features are hashed, so ideas can be added without refitting a vocabulary. The
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

IDF weights are refreshed when the index has grown by ``REFRESH_GROWTH`` since the last refresh
(and on every add while it holds fewer than ``EXACT_BELOW`` ideas); in between, new ideas are
weighed with the last IDF, and kept apart from the settled rows until ``MERGE_PENDING`` of them
gather, which keeps one add and one query cheap at 10,000 ideas.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np
from scipy import sparse
from scipy.cluster.hierarchy import fcluster, linkage
from sklearn.feature_extraction.text import HashingVectorizer

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
REFRESH_GROWTH = 0.1
EXACT_BELOW = 200
MERGE_PENDING = 512
WORD_FEATURES = 2**18
CHAR_FEATURES = 2**20


def _stems(analysed: Analysed) -> str:
    return " ".join(analysed.stems)


def _unit_rows(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    """``matrix`` with each row scaled to length 1 (empty rows stay empty), in place.

    By hand rather than sklearn's ``normalize``, whose argument checks cost more than the
    arithmetic for the one or two rows a typed idea brings (about 0.6 ms a call).
    """
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    lengths = np.sqrt(np.bincount(rows, weights=matrix.data**2, minlength=matrix.shape[0]))
    lengths[lengths == 0.0] = 1.0
    matrix.data /= lengths[rows]
    return matrix


class _LexicalSpace:
    """One hashed TF-IDF space (words or character n-grams) that grows by rows."""

    def __init__(self, vectorizer: HashingVectorizer, features: int) -> None:
        self.vectorizer = vectorizer
        self.df = np.zeros(features, dtype=np.float64)
        self.counts: list[sparse.csr_matrix] = []
        self.n = 0
        self.n_weighed = 0
        # the document frequencies the weights were computed with: each weighing computes the
        # IDF of the columns it reads, not of all 2^20. While every new row refreshes the
        # weights (a small space) this is ``df`` itself; a copy (8 MB) only once rows wait.
        self.df_weighed = self.df
        self.weighted = sparse.csr_matrix((0, features), dtype=np.float64)
        self.pending: list[sparse.csr_matrix] = []
        self.columns: sparse.csc_matrix | None = None

    def add(self, docs: list[str]) -> None:
        counts = sparse.csr_matrix(self.vectorizer.transform(docs))
        counts.sum_duplicates()
        if self.df_weighed is self.df and self.n + counts.shape[0] >= EXACT_BELOW:
            self.df_weighed = self.df.copy()  # rows weighed until the next refresh need it
        np.add.at(self.df, counts.indices, 1.0)
        self.counts.append(counts)
        self.n += counts.shape[0]
        grown = self.n - self.n_weighed
        if self.n < EXACT_BELOW or grown >= REFRESH_GROWTH * max(self.n_weighed, 1):
            self._refresh()
        else:
            self.pending.append(self.weigh(counts))

    def _refresh(self) -> None:
        small = self.n < EXACT_BELOW  # then the next row refreshes again: no copy needed
        self.df_weighed, self.n_weighed = (self.df if small else self.df.copy()), self.n
        counts = sparse.vstack(self.counts, format="csr")
        self.counts = [counts]
        self.weighted = self.weigh(counts)
        self.pending = []

    def weigh(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        weighted = counts.astype(np.float64)
        idf = np.log((1.0 + self.n_weighed) / (1.0 + self.df_weighed[weighted.indices])) + 1.0
        weighted.data = (1.0 + np.log(weighted.data)) * idf
        return _unit_rows(sparse.csr_matrix(weighted))

    def matrix(self) -> sparse.csr_matrix:
        """All weighted rows, in the order added."""
        if self.pending:
            self.weighted = sparse.vstack([self.weighted, *self.pending], format="csr")
            self.pending = []
        return self.weighted

    def transform(self, docs: list[str]) -> sparse.csr_matrix:
        counts = sparse.csr_matrix(self.vectorizer.transform(docs))
        counts.sum_duplicates()
        return self.weigh(counts)

    def by_feature(self) -> sparse.csc_matrix:
        """The settled rows by column, kept until they change: a query reads few columns."""
        if sum(p.shape[0] for p in self.pending) > MERGE_PENDING:
            self.matrix()
        if self.columns is None or self.columns.shape[0] != self.weighted.shape[0]:
            self.columns = sparse.csc_matrix(self.weighted)
        return self.columns

    def cosines(self, docs: list[str]) -> np.ndarray:
        """Cosine of each doc with every row, (docs, rows); rows added lately are read apart."""
        queries = self.transform(docs)
        if self.n_weighed < EXACT_BELOW:
            # a small round is weighed again on every new idea: turning its rows around by
            # column (2^20 of them) would cost more than reading every row once
            return self._by_rows(queries)
        columns = self.by_feature()
        settled = np.zeros((len(docs), columns.shape[0]))
        for row in range(len(docs)):
            start, stop = queries.indptr[row], queries.indptr[row + 1]
            picked = columns[:, queries.indices[start:stop]]
            settled[row] = picked @ queries.data[start:stop]
        if not self.pending:
            return settled
        recent = sparse.vstack(self.pending, format="csr")
        return np.hstack([settled, (queries @ recent.T).toarray()])

    def _by_rows(self, queries: sparse.csr_matrix) -> np.ndarray:
        """Cosines of each query with every row, reading the rows as they are stored."""
        rows = self.matrix()
        found = np.zeros((queries.shape[0], rows.shape[0]))
        if rows.nnz == 0:
            return found
        row_of = np.repeat(np.arange(rows.shape[0]), np.diff(rows.indptr))
        for row in range(queries.shape[0]):
            start, stop = queries.indptr[row], queries.indptr[row + 1]
            order = np.argsort(queries.indices[start:stop])
            columns = queries.indices[start:stop][order]
            weights = queries.data[start:stop][order]
            if len(columns) == 0:
                continue
            at = np.minimum(np.searchsorted(columns, rows.indices), len(columns) - 1)
            shared = columns[at] == rows.indices  # the row's columns the query has too
            products = np.where(shared, rows.data * weights[at], 0.0)
            found[row] = np.bincount(row_of, weights=products, minlength=rows.shape[0])
        return found


def _word_space() -> _LexicalSpace:
    vectorizer = HashingVectorizer(
        n_features=WORD_FEATURES,
        analyzer="word",
        token_pattern=r"\S+",
        lowercase=False,
        alternate_sign=False,
        norm=None,
    )
    return _LexicalSpace(vectorizer, WORD_FEATURES)


def _char_space() -> _LexicalSpace:
    vectorizer = HashingVectorizer(
        n_features=CHAR_FEATURES,
        analyzer="char_wb",
        ngram_range=(3, 5),
        lowercase=False,
        alternate_sign=False,
        norm=None,
    )
    return _LexicalSpace(vectorizer, CHAR_FEATURES)


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
        self._words = _word_space()
        self._chars = _char_space()
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
