"""The int8 ONNX encoder against the torch model it was exported from."""

from __future__ import annotations

import numpy as np
import pytest

from index.embedding import SentenceTransformerEncoder
from index.onnx_embedding import ONNX_INT8_NAME, OnnxEncoder

pytestmark = pytest.mark.model

NEWS = [
    "The central bank raised interest rates by a quarter of a percentage point on Wednesday.",
    '"We will not back down," the senator told reporters outside the Capitol.',
    "Flooding forced more than 3,000 residents from their homes in the river valley.",
    "The company said its quarterly profit rose 12 percent, beating analysts' forecasts.",
    "Police arrested two men in connection with the robbery, a spokeswoman said.",
    "Talks between the two governments ended without an agreement late on Friday night.",
    "Shares fell.",
]


@pytest.fixture(scope="session")
def onnx_encoder(tmp_path_factory: pytest.TempPathFactory) -> OnnxEncoder:
    """One export per session, into a temporary cache folder."""
    encoder = OnnxEncoder(tmp_path_factory.mktemp("onnx-cache"))
    encoder.embed_batch(["warm up"])
    return encoder


def test_vectors_are_close_to_the_torch_model(
    onnx_encoder: OnnxEncoder, torch_encoder: SentenceTransformerEncoder
) -> None:
    cosines = (onnx_encoder.embed_batch(NEWS) * torch_encoder.embed_batch(NEWS)).sum(axis=1)
    assert cosines.min() >= 0.98, cosines


def test_vectors_have_unit_norm_and_the_model_dimension(onnx_encoder: OnnxEncoder) -> None:
    vectors = onnx_encoder.embed_batch(NEWS)
    assert vectors.shape == (len(NEWS), 384) == (len(NEWS), onnx_encoder.dimension)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_same_texts_give_the_same_vectors(onnx_encoder: OnnxEncoder) -> None:
    np.testing.assert_array_equal(onnx_encoder.embed_batch(NEWS), onnx_encoder.embed_batch(NEWS))


def test_batch_order_and_company_do_not_change_a_vector(onnx_encoder: OnnxEncoder) -> None:
    together = onnx_encoder.embed_batch(NEWS)
    reversed_order = onnx_encoder.embed_batch(NEWS[::-1])[::-1]
    alone = np.stack([onnx_encoder.embed_batch([text])[0] for text in NEWS])
    np.testing.assert_allclose(reversed_order, together, atol=1e-5)
    # Dynamic int8 quantisation scales activations per batch, so company moves a vector a little.
    assert (alone * together).sum(axis=1).min() >= 0.98


def test_text_longer_than_the_model_limit_is_truncated_like_torch(
    onnx_encoder: OnnxEncoder, torch_encoder: SentenceTransformerEncoder
) -> None:
    long_text = " ".join(NEWS * 20)
    cosine = float(onnx_encoder.embed_batch([long_text])[0] @ torch_encoder.embed_batch([long_text])[0])
    assert cosine >= 0.98


def test_no_texts_give_an_empty_matrix(onnx_encoder: OnnxEncoder) -> None:
    assert onnx_encoder.embed_batch([]).shape == (0, 384)


def test_name_differs_from_the_torch_encoder(torch_encoder: SentenceTransformerEncoder) -> None:
    assert ONNX_INT8_NAME == OnnxEncoder().name != torch_encoder.name


def test_export_is_reused_from_the_cache(onnx_encoder: OnnxEncoder) -> None:
    file = onnx_encoder.model_file
    before = file.stat().st_mtime_ns
    OnnxEncoder(file.parent).embed_batch(["again"])
    assert file.stat().st_mtime_ns == before
    assert [p.name for p in file.parent.iterdir()] == [file.name]
