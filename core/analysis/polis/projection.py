"""Pol.is's sparsity-aware PCA: every voter projected onto the first two axes (step 3)."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from core.analysis.polis.model import FloatArray


def project(
    matrix: FloatArray, zeroed: NDArray[np.bool_]
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Project every voter to 2-D with Pol.is's sparsity-aware PCA."""
    n_rows, n_cols = matrix.shape
    if n_rows == 0 or n_cols == 0:
        return np.zeros((n_rows, 2)), np.zeros(n_cols), np.zeros((2, n_cols))
    work = matrix.copy()
    work[:, zeroed] = 0.0
    missing = np.isnan(work)
    center = np.where(missing, 0.0, work).sum(axis=0) / np.maximum(
        1, np.count_nonzero(~missing, axis=0)
    )
    centred = np.where(missing, 0.0, work - center)
    # Eigen-decomposition of the (n_cols x n_cols) scatter matrix: the same axes as an SVD of
    # the centred matrix, much cheaper when there are more voters than statements.
    scatter = centred.T @ centred
    eigvals, eigvecs = np.linalg.eigh(scatter)
    order = np.argsort(eigvals)[::-1][:2]
    components = eigvecs[:, order].T
    if components.shape[0] < 2:
        components = np.vstack([components, np.zeros((2 - components.shape[0], n_cols))])
    # Deterministic signs: the largest loading of each axis is positive.
    for k in range(2):
        pivot = int(np.argmax(np.abs(components[k])))
        if components[k, pivot] < 0:
            components[k] = -components[k]
    return project_rows(work, center, components), center, components


def project_rows(rows: FloatArray, center: FloatArray, components: FloatArray) -> FloatArray:
    """Project rows (NaN = no vote) onto the axes, scaled by sqrt(n_cols / n_votes)."""
    missing = np.isnan(rows)
    centred = np.where(missing, 0.0, rows - center)
    n_votes = np.count_nonzero(~missing, axis=1)
    scale = np.sqrt(rows.shape[1] / np.maximum(1, n_votes))
    projected: FloatArray = (centred @ components.T) * scale[:, None]
    return projected


def xy(point: FloatArray) -> tuple[float, float]:
    """Turn a 2-vector into a tuple of finite floats."""
    x, y = float(point[0]), float(point[1])
    return (x if math.isfinite(x) else 0.0, y if math.isfinite(y) else 0.0)
