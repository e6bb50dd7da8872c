"""A pair's cosine has the same bits whatever else is in the call (runtime/cosine.py)."""

import numpy as np

from pygenerel.runtime.cosine import cosine_matrix, cosine_pairs


def test_a_pair_scores_the_same_bits_in_every_call_shape():
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((3000, 384)), rng.standard_normal((5, 384))
    a = (a / np.linalg.norm(a, axis=1, keepdims=True)).astype(np.float32)
    b = (b / np.linalg.norm(b, axis=1, keepdims=True)).astype(np.float32)
    full = cosine_matrix(a, b)
    assert full.dtype == np.float32 and full.shape == (3000, 5)
    np.testing.assert_array_equal(cosine_pairs(a[:5], b), np.diag(full))
    np.testing.assert_array_equal(cosine_matrix(a[[42]], b[3:4])[0, 0], full[42, 3])
    np.testing.assert_array_equal(cosine_matrix(a[::7], b[1:3]), full[::7, 1:3])
    fortran = cosine_matrix(np.asfortranarray(a[100:300]), np.asfortranarray(b))
    np.testing.assert_array_equal(fortran, full[100:300])
    np.testing.assert_allclose(full, a.astype(np.float64) @ b.astype(np.float64).T, atol=1e-6)


def test_a_nan_row_stays_nan():
    a = np.array([[0.6, 0.8], [np.nan, np.nan]], dtype=np.float32)
    scores = cosine_matrix(a, np.array([[1.0, 0.0]], dtype=np.float32))
    assert scores[0, 0] == np.float32(0.6) and np.isnan(scores[1, 0])
