"""The array type of the vectors the index passes around, and how they are made unit length."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


def normalise(vectors: npt.NDArray[Any]) -> Vectors:
    """Each row of `vectors` scaled to unit length (a zero row stays zero), as float32, so that inner
    product is cosine."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    normalised: Vectors = vectors / np.maximum(norms, 1e-12)
    return normalised
