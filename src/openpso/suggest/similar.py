"""Narrative similarity: the suggester's WordLlama sentence embedding, exact cosine search, and a kept index.

- `embed` gives each text the unit-length 256-d WordLlama vector the suggester already uses
  (features.WordLlamaEmbedder), so similarity and coding read the same numbers.
- `top_k_exact` is brute-force cosine (a matrix product in bounded chunks): right for one
  provider's last 90 days (thousands of reports) and the reference a benchmark compares with.
- `VectorIndex` is an approximate HNSW index (faiss-cpu, docs/decisions/0022-similar-events-index.md)
  for the sizes where exact search is too slow (the pool: up to millions of narratives).

numpy (and faiss, inside VectorIndex) are imported here, so import this module lazily from views and commands.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from openpso.suggest.features import EMBEDDING_DIM, embedder

if TYPE_CHECKING:
    from numpy.typing import NDArray

# HNSW settings measured by bench_similar.py over 1,000,000 narratives (docs/decisions/0022-similar-
# events-index.md): 16 links per node, 64 candidates while adding, 256 while searching (recall@10
# 0.963 against exact search, p95 9.3 ms per query; 128 gave 0.942).
CONNECTIVITY = 16
EXPANSION_ADD = 64
EXPANSION_SEARCH = 256


def embed(texts: Sequence[str], batch: int = 4096) -> NDArray[np.float32]:
    """One unit-length row per text (an empty text gives a zero row, similar to nothing)."""
    model = embedder()
    out = np.zeros((len(texts), EMBEDDING_DIM), dtype=np.float32)
    for start in range(0, len(texts), batch):
        out[start : start + batch] = model.embed(texts[start : start + batch])
    return out


def top_k_exact(
    matrix: NDArray[np.float32], queries: NDArray[np.float32], k: int, chunk: int = 65536
) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
    """Rows of `matrix` most similar to each query (cosine on unit rows), best first; ties by row."""
    n = matrix.shape[0]
    k = min(k, n)
    q = queries.shape[0]
    best_rows = np.zeros((q, 0), dtype=np.int64)
    best_scores = np.zeros((q, 0), dtype=np.float32)
    for start in range(0, n, chunk):
        scores = queries @ matrix[start : start + chunk].T
        take = min(k, scores.shape[1])
        part = np.argpartition(-scores, take - 1, axis=1)[:, :take]
        rows = np.concatenate([best_rows, part + start], axis=1)
        values = np.concatenate([best_scores, np.take_along_axis(scores, part, axis=1)], axis=1)
        order = np.lexsort((rows, -values), axis=1)[:, :k]
        best_rows = np.take_along_axis(rows, order, axis=1)
        best_scores = np.take_along_axis(values, order, axis=1)
    return best_rows, best_scores


class VectorIndex:
    """An approximate nearest-neighbour index over unit vectors (faiss HNSW, inner product), keyed by int64."""

    def __init__(
        self,
        *,
        connectivity: int = CONNECTIVITY,
        expansion_add: int = EXPANSION_ADD,
        expansion_search: int = EXPANSION_SEARCH,
    ) -> None:
        import faiss

        self._hnsw = faiss.IndexHNSWFlat(EMBEDDING_DIM, connectivity, faiss.METRIC_INNER_PRODUCT)
        self._hnsw.hnsw.efConstruction = expansion_add
        self._hnsw.hnsw.efSearch = expansion_search
        self._index = faiss.IndexIDMap(self._hnsw)

    def __len__(self) -> int:
        return int(self._index.ntotal)

    @property
    def expansion_search(self) -> int:
        return int(self._hnsw.hnsw.efSearch)

    @expansion_search.setter
    def expansion_search(self, value: int) -> None:
        self._hnsw.hnsw.efSearch = value

    def add(self, keys: NDArray[np.int64], vectors: NDArray[np.float32], threads: int = 0) -> None:
        """Add rows under their keys; `threads` > 0 caps faiss's OpenMP threads (0: all cores)."""
        import faiss

        before = faiss.omp_get_max_threads()
        if threads:
            faiss.omp_set_num_threads(threads)
        try:
            self._index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(keys, dtype=np.int64))
        finally:
            faiss.omp_set_num_threads(before)

    def search(self, queries: NDArray[np.float32], k: int) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
        """Keys of the `k` nearest rows per query and their cosine similarity, best first (key -1 pads)."""
        batch = np.ascontiguousarray(queries.reshape(-1, EMBEDDING_DIM), dtype=np.float32)
        scores, keys = self._index.search(batch, k)
        return keys.astype(np.int64), scores.astype(np.float32)
