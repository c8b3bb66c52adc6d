"""Export the trained reader to ONNX, fuse its attention, and quantise it to int8 per channel.

The graph is traced with eager attention so that onnxruntime's transformer optimizer can fuse each
layer's attention, layer norms and GELU into single operators (`Attention`, `SkipLayerNormalization`,
`BiasGelu`) before `quantize_dynamic` turns them into their int8 forms (`QAttention`): faster and no
less accurate than the unfused graph (docs/reader.md).

Only training (`lab.reader.train`) imports this module; answering needs onnxruntime alone.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from index.onnx_embedding import OPSET, quantise
from qa.spanmodel.encoding import Encoded, FloatArray, pad

__all__ = ["export_reader", "onnx_logits"]


def export_reader(model: Any, target: Path, tokenizer_dir: Path) -> Path:
    """Write `model` (a torch question-answering model) as int8 ONNX at `target`, atomically.

    The tokenizer file goes beside it (`tokenizer.json`) so the shipped folder is self-contained.
    """
    import torch

    target.parent.mkdir(parents=True, exist_ok=True)
    model.eval()
    model.set_attn_implementation("eager")  # the attention pattern the optimizer fuses
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".export-") as tmp:
        fp32 = Path(tmp) / "reader.fp32.onnx"
        int8 = Path(tmp) / "reader.int8.onnx"
        sample = torch.ones((2, 8), dtype=torch.int64)
        axes = {0: "batch", 1: "sequence"}
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                _logits_module(model),
                (sample, sample, torch.zeros_like(sample)),
                str(fp32),
                input_names=["input_ids", "attention_mask", "token_type_ids"],
                output_names=["start_logits", "end_logits"],
                dynamic_axes={
                    "input_ids": axes,
                    "attention_mask": axes,
                    "token_type_ids": axes,
                    "start_logits": axes,
                    "end_logits": axes,
                },
                opset_version=OPSET,
                do_constant_folding=True,
                dynamo=False,
            )
        fused = Path(tmp) / "reader.fused.onnx"
        _fuse(fp32, fused, model.config.num_attention_heads, model.config.hidden_size)
        quantise(fused, int8, fused=True)
        os.replace(int8, target)
    shutil.copyfile(tokenizer_dir / "tokenizer.json", target.parent / "tokenizer.json")
    return target


def _fuse(source: Path, target: Path, heads: int, hidden: int) -> None:
    """Fuse attention, layer norms and GELU (onnxruntime's BERT optimizer); fails if nothing fused."""
    from onnxruntime.transformers import optimizer  # type: ignore[import-untyped]

    optimized = optimizer.optimize_model(
        str(source), model_type="bert", num_heads=heads, hidden_size=hidden, opt_level=1
    )
    fused = optimized.get_fused_operator_statistics()
    if fused.get("Attention", 0) == 0:
        raise RuntimeError(f"The reader's attention did not fuse ({fused}); the export would be slow.")
    optimized.save_model_to_file(str(target))


def _logits_module(model: Any) -> Any:
    """`model` as a module returning (start logits, end logits); torch is imported late."""
    import torch

    class Logits(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            out = self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            )
            return out.start_logits, out.end_logits

    return Logits()


def onnx_logits(file: Path) -> Any:
    """A function from a batch of windows to (start, end) logits, run by onnxruntime on `file`."""
    import onnxruntime  # type: ignore[import-untyped]

    session = onnxruntime.InferenceSession(str(file), providers=["CPUExecutionProvider"])

    def run(batch: Sequence[Encoded]) -> tuple[FloatArray, FloatArray]:
        ids, mask, types = pad(batch)
        starts, ends = session.run(
            ["start_logits", "end_logits"],
            {"input_ids": ids, "attention_mask": mask, "token_type_ids": types},
        )
        return starts, ends

    return run
