from __future__ import annotations

import numpy as np

from index.embedding import (
    ONNX_MODEL,
    HashingEncoder,
    SentenceTransformerEncoder,
    encode_documents,
    make_encoder,
)
from index.onnx_embedding import ONNX_INT8_NAME, OnnxEncoder


def test_hashing_encoder_is_deterministic_unit_and_word_sensitive() -> None:
    encoder = HashingEncoder(64)
    a, b, c = encoder.embed_batch(["The ferry resumed.", "the FERRY resumed", "Parliament voted."])
    assert np.allclose(a, HashingEncoder(64).embed_batch(["The ferry resumed."])[0])
    assert np.isclose(np.linalg.norm(a), 1.0)
    assert a @ b > 0.99 > a @ c


def test_no_texts_give_an_empty_matrix_of_the_right_width() -> None:
    assert encode_documents(HashingEncoder(16), []).shape == (0, 16)


def test_make_encoder_names_each_kind_without_loading_a_model() -> None:
    assert isinstance(make_encoder("hashing-32"), HashingEncoder)
    onnx = make_encoder(ONNX_MODEL)
    assert isinstance(onnx, OnnxEncoder) and onnx.name == ONNX_INT8_NAME == ONNX_MODEL
    other = make_encoder("sentence-transformers/paraphrase-MiniLM-L3-v2")
    assert (
        isinstance(other, SentenceTransformerEncoder)
        and other.name == "sentence-transformers/paraphrase-MiniLM-L3-v2"
    )
