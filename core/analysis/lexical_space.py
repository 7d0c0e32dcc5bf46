"""One hashed TF-IDF space (words or character n-grams) that grows by rows: the lexical part of
:class:`core.analysis.similarity.SimilarityIndex`.

IDF weights are refreshed when the index has grown by ``REFRESH_GROWTH`` since the last refresh
(and on every add while it holds fewer than ``EXACT_BELOW`` ideas); in between, new ideas are
weighed with the last IDF, and kept apart from the settled rows until ``MERGE_PENDING`` of them
gather, which keeps one add and one query cheap at 10,000 ideas.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer

REFRESH_GROWTH = 0.1
EXACT_BELOW = 200
MERGE_PENDING = 512
WORD_FEATURES = 2**18
CHAR_FEATURES = 2**20


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


class LexicalSpace:
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


def word_space() -> LexicalSpace:
    vectorizer = HashingVectorizer(
        n_features=WORD_FEATURES,
        analyzer="word",
        token_pattern=r"\S+",
        lowercase=False,
        alternate_sign=False,
        norm=None,
    )
    return LexicalSpace(vectorizer, WORD_FEATURES)


def char_space() -> LexicalSpace:
    vectorizer = HashingVectorizer(
        n_features=CHAR_FEATURES,
        analyzer="char_wb",
        ngram_range=(3, 5),
        lowercase=False,
        alternate_sign=False,
        norm=None,
    )
    return LexicalSpace(vectorizer, CHAR_FEATURES)
