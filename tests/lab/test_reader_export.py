"""The reader's export: attention fused before int8, and the exported graph reads as the torch model."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import onnx

from lab.reader.export import export_reader, onnx_logits
from qa.answering.reader.reader import MODEL_DIR, MODEL_FILE
from qa.spanmodel.encoding import Encoded


def _operators(file: Path) -> set[str]:
    return {node.op_type for node in onnx.load(str(file)).graph.node}


def test_the_shipped_reader_has_its_attention_fused_and_quantised() -> None:
    ops = _operators(MODEL_DIR / MODEL_FILE)
    assert "QAttention" in ops and "MatMulInteger" in ops
    assert "Softmax" not in ops  # an unfused export computes attention from plain operators


def test_an_exported_reader_gives_the_logits_of_its_torch_model(tmp_path: Path) -> None:
    import torch
    from transformers import BertConfig, BertForQuestionAnswering

    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=120, hidden_size=48, num_hidden_layers=2, num_attention_heads=4, intermediate_size=96
    )
    model = BertForQuestionAnswering(config).eval()
    shutil.copyfile(MODEL_DIR / "tokenizer.json", tmp_path / "tokenizer.json")
    target = export_reader(model, tmp_path / "out" / MODEL_FILE, tmp_path)
    assert {"QAttention", "MatMulInteger"} <= _operators(target)
    assert (target.parent / "tokenizer.json").is_file()

    rng = np.random.default_rng(1)
    windows = [
        Encoded(list(rng.integers(1, 120, n)), [0] * 4 + [1] * (n - 4), list(range(4, n)), [(0, 0)] * n)
        for n in (9, 14)
    ]
    starts, ends = onnx_logits(target)(windows)
    for row, window in enumerate(windows):
        n = len(window.ids)
        with torch.no_grad():
            out = model(
                input_ids=torch.tensor([window.ids]),
                token_type_ids=torch.tensor([window.type_ids]),
                attention_mask=torch.ones((1, n), dtype=torch.int64),
            )
        expected = out.start_logits[0].numpy()
        assert np.corrcoef(starts[row, :n], expected)[0, 1] > 0.95  # int8 moves logits a little
        assert np.abs(ends[row, :n] - out.end_logits[0].numpy()).max() < 0.5
