"""Narrative vectors: exact top-k is right, the kept index finds what exact search finds, like texts score high."""

from __future__ import annotations

import numpy as np

from openpso.suggest.similar import VectorIndex, embed, top_k_exact


def _unit_rows(n: int, seed: int = 0) -> np.ndarray:
    rows = np.random.default_rng(seed).standard_normal((n, 256)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_exact_search_returns_the_best_rows_in_order_across_chunks():
    matrix = _unit_rows(1000)
    queries = _unit_rows(5, seed=1)
    rows, scores = top_k_exact(matrix, queries, 7, chunk=128)  # several chunks
    full = queries @ matrix.T
    for q in range(5):
        expected = np.argsort(-full[q], kind="stable")[:7]
        assert rows[q].tolist() == expected.tolist()
        assert np.allclose(scores[q], full[q][expected], atol=1e-5)


def test_exact_search_asks_for_more_than_there_are_and_gets_them_all():
    rows, _ = top_k_exact(_unit_rows(3), _unit_rows(1, seed=2), 10)
    assert sorted(rows[0].tolist()) == [0, 1, 2]


def _clustered(n: int, seed: int) -> np.ndarray:
    """Rows around 40 centres, as narratives gather around kinds of event (uniform noise is HNSW's worst case)."""
    rng = np.random.default_rng(seed)
    centres = _unit_rows(40, seed=99)
    rows = centres[rng.integers(0, 40, n)] + 0.08 * rng.standard_normal((n, 256)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_the_index_finds_the_exact_neighbours_under_their_keys():
    matrix = _clustered(5000, seed=0)
    queries = _clustered(50, seed=3)
    keys = np.arange(5000, dtype=np.int64) + 10_000
    index = VectorIndex()
    index.add(keys, matrix, threads=1)
    assert len(index) == 5000
    found, scores = index.search(queries, 10)
    truth, _ = top_k_exact(matrix, queries, 10)
    recall = np.mean([len(np.intersect1d(found[q], truth[q] + 10_000)) / 10 for q in range(50)])
    assert recall >= 0.9
    assert np.all(scores[:, :-1] >= scores[:, 1:] - 1e-6)  # best first


def test_two_accounts_of_one_fall_are_closer_than_a_fall_and_a_medication_error():
    fall, fall_again, insulin = embed(
        [
            "Patient found on the floor beside the bed at night, unwitnessed fall.",
            "Pt was found on floor next to bed overnight after an unwitnessed fall.",
            "Insulin 10 units given instead of 1 unit, decimal error.",
        ]
    )
    assert float(fall @ fall_again) > 0.5
    assert float(fall @ insulin) < 0.3
    assert np.isclose(np.linalg.norm(fall), 1.0, atol=1e-5)


def test_an_empty_text_is_similar_to_nothing():
    assert not embed([""]).any()
