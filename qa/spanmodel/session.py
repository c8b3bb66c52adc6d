"""Loading an int8 ONNX span model and its tokenizer from a local folder, once per process."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from index.errors import ModelError
from qa.spanmodel.encoding import load_tokenizer

__all__ = ["load_model"]


def load_model(model: Path, threads: int, what: str, restore: str) -> tuple[Any, Any]:
    """The onnxruntime session and tokenizer of `model` (with `tokenizer.json` beside it).

    Args:
        model: the .onnx file.
        threads: onnxruntime intra-op threads; 0 lets onnxruntime choose.
        what: the model's name in messages ("reader", "speaker").
        restore: how to get the file back, said when it is missing or damaged.

    Raises:
        ModelError: the model or tokenizer file is missing or damaged.
    """
    for file in (model, model.parent / "tokenizer.json"):
        if not file.is_file():
            raise ModelError(f"The {what} model file '{file}' is missing; {restore}.")
    try:
        return _load(model, threads)
    except Exception as error:  # onnxruntime and tokenizers raise their own types for a bad file
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ModelError(
            f"The {what} model in '{model.parent}' is damaged ({first_line[:120]}); {restore}."
        ) from None


@lru_cache(maxsize=4)
def _load(model: Path, threads: int) -> tuple[Any, Any]:
    import onnxruntime  # type: ignore[import-untyped]

    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")  # as the encoder
    if threads:
        options.intra_op_num_threads = threads
    tokenizer = load_tokenizer(model.parent)
    session = onnxruntime.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
    return session, tokenizer
