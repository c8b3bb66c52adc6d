"""Train the speaker model: `make train-speaker` (never part of `make test`).

Given a quote and the text around it (`lab.speaker.windows`: the quote's paragraph and the ones before and
after, the quote marked « »), the model finds the speaker's mention or says none is in reach. It is the
reader's recipe (`lab.reader.train.train_spans`): the installed all-MiniLM-L6-v2 weights with a start/end
span head, SQuAD-style, "no speaker" pointing at [CLS]; windows encoded and spans decoded by
`qa.spanmodel.encoding`, as the reader's are. A seeded tenth of the train articles is held out to
choose settings and report scores; the dev articles are never read here.

The run is seeded and resumable (a checkpoint every `--checkpoint-every` steps; a run started again
continues from the last one), prints progress and the held-out scores at each checkpoint and at the end,
and exports int8 ONNX with its tokenizer into `--work` (`speaker.int8.onnx`, `tokenizer.json`).

    nice -n 19 .venv/bin/python -m lab.speaker.train --work build/speaker
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from lab.reader.export import export_reader, onnx_logits
from lab.reader.train import (
    Distillation,
    Logits,
    base_model,
    span_model,
    span_targets,
    torch_logits,
    train_spans,
    training_parser,
)
from lab.speaker.windows import HELD_OUT_SHARE, SEED, Window, build_windows, read_articles, split_articles
from qa.evaluation.scoring import normalize, token_f1  # the same F1 and normalisation as `qa eval`
from qa.spanmodel.encoding import Encoded, best_span, encode_windows, load_tokenizer

__all__ = ["MAX_TOKENS", "evaluate", "fit_windows", "held_out_windows", "main", "parse", "train"]

DEFAULT_DATA = Path("../shared/eval/quotes.train.jsonl")
DEFAULT_WORK = Path("build/speaker")
MODEL_FILE = "speaker.int8.onnx"
# Three paragraphs and the quote's first words: the reader's 192 tokens would cut the paragraph after the
# quote, where news most often names the speaker.
MAX_TOKENS = 384


def speaker_tokenizer() -> Any:
    """The reader's tokenizer (`load_tokenizer`) with room for three paragraphs."""
    tokenizer = load_tokenizer(base_model())
    tokenizer.enable_truncation(max_length=MAX_TOKENS, strategy="only_second")
    return tokenizer


def _split(args: argparse.Namespace) -> tuple[list[Window], list[Window]]:
    """The fit and held-out windows of `args.data`."""
    articles = read_articles(args.data)
    held = split_articles((a.article_id for a in articles), args.held_out_share, args.seed)
    windows = build_windows(articles, out_of_reach=args.out_of_reach)
    return [w for w in windows if w.article_id not in held], [w for w in windows if w.article_id in held]


def fit_windows(
    windows: Sequence[Window], tokenizer: Any
) -> tuple[list[Window], list[Encoded], list[tuple[int, int]]]:
    """The windows to train on, encoded, with their token targets; a window whose speaker the
    truncation cut off is left out."""
    encoded = encode_windows(tokenizer, [(w.question, w.context) for w in windows])
    kept: tuple[list[Window], list[Encoded], list[tuple[int, int]]] = ([], [], [])
    for window, enc in zip(windows, encoded):
        target = span_targets(enc, window.answer_start, window.answer_end)
        if target is not None:
            kept[0].append(window)
            kept[1].append(enc)
            kept[2].append(target)
    return kept


def _count(windows: Sequence[Window]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for w in windows:
        key = f"{w.quote_type} {'speaker' if w.has_speaker else 'none'}"
        counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items()))


def evaluate(windows: Sequence[Window], logits: Logits, tokenizer: Any) -> dict[str, Any]:
    """Span exact/F1 of the speaker mention (on windows with one in reach, whatever the margin) and the
    accuracy of "a speaker in reach" (the span beats [CLS]) at several margins."""
    encoded = encode_windows(tokenizer, [(w.question, w.context) for w in windows])
    choices = []
    for start in range(0, len(encoded), 32):
        batch = encoded[start : start + 32]
        starts, ends = logits(batch)
        for i, enc in enumerate(batch):
            n = len(enc.ids)
            choices.append(best_span(enc, starts[i, :n], ends[i, :n]))
    f1s: dict[str, list[float]] = {"all": [], "pronoun": [], "name": []}
    exact: dict[str, list[float]] = {"all": [], "pronoun": [], "name": []}
    for window, choice in zip(windows, choices):
        if window.has_speaker:
            gold = window.context[window.answer_start : window.answer_end]
            predicted = window.context[choice.start : choice.end]
            for key in ("all", "pronoun" if window.speaker_is_pronoun else "name"):
                f1s[key].append(token_f1(predicted, gold))
                exact[key].append(float(normalize(predicted) == normalize(gold)))
    report: dict[str, Any] = {
        "windows": _count(windows),
        "exact": {k: round(float(np.mean(v)), 4) for k, v in exact.items() if v},
        "f1": {k: round(float(np.mean(v)), 4) for k, v in f1s.items() if v},
        "reach_accuracy": {},
    }
    gold_reach = np.array([w.has_speaker for w in windows])
    margins = np.array([c.margin for c in choices])
    for margin in (-2.0, 0.0, 2.0):
        said = margins > margin
        report["reach_accuracy"][str(margin)] = {
            "accuracy": round(float(np.mean(said == gold_reach)), 4),
            "none_found": f"{int(np.sum(~said & ~gold_reach))}/{int(np.sum(~gold_reach))}",
        }
    return report


def held_out_windows(args: argparse.Namespace) -> list[Window]:
    return _split(args)[1]


def train(args: argparse.Namespace) -> Path:
    """Train (or resume) to the end, scoring the held-out windows at each checkpoint; returns the final
    checkpoint."""
    tokenizer = speaker_tokenizer()
    held = held_out_windows(args)

    def prepare() -> tuple[list[Encoded], list[tuple[int, int]]]:
        fit = _split(args)[0]
        kept, encoded, targets = fit_windows(fit, tokenizer)
        print(
            f"{len(fit)} fit windows {_count(fit)}; {len(fit) - len(kept)} cut off by truncation", flush=True
        )
        print(f"{len(held)} held-out windows {_count(held)}", flush=True)
        return encoded, targets

    def on_checkpoint(model: Any, step: int) -> None:
        model.eval()
        print(
            f"held out at step {step}: {json.dumps(evaluate(held, torch_logits(model), tokenizer))}",
            flush=True,
        )

    distillation = None
    if args.teacher:
        distillation = Distillation(onnx_logits(args.teacher), args.distil_weight, args.temperature)
    return train_spans(
        args, _settings(args), prepare, None, on_checkpoint if held else None, args.max_steps, distillation
    )


def finish(args: argparse.Namespace, final: Path) -> None:
    """Score `final` in torch fp32 and exported to int8 on the held-out windows; export into `args.work`."""
    import torch

    state = torch.load(final, weights_only=False)
    model = span_model(state["settings"].get("layers", 0))
    model.load_state_dict(state["model"])
    model.eval()
    tokenizer = speaker_tokenizer()
    held = held_out_windows(args)
    report: dict[str, Any] = {"settings": state["settings"], "step": state["step"]}
    report["fp32"] = evaluate(held, torch_logits(model), tokenizer)
    print(f"held out, fp32: {json.dumps(report['fp32'])}", flush=True)
    onnx_file = export_reader(model, args.work / MODEL_FILE, base_model())
    report["int8"] = evaluate(held, onnx_logits(onnx_file), tokenizer)
    print(f"held out, int8: {json.dumps(report['int8'])}", flush=True)
    (args.work / "scores.json").write_text(json.dumps(report, indent=1) + "\n")
    print(f"exported {onnx_file}; scores in {args.work / 'scores.json'}", flush=True)


def _settings(args: argparse.Namespace) -> dict[str, Any]:
    keys = ("seed", "lr", "epochs", "batch_size", "warmup", "held_out_share", "max_steps", "out_of_reach")
    settings = {"model": "speaker", "max_tokens": MAX_TOKENS, **{k: getattr(args, k) for k in keys}}
    if args.layers:  # the shipped six-layer runs were made before the setting existed
        settings["layers"] = args.layers
    if args.teacher:
        settings["teacher"] = str(args.teacher)
        settings["distil_weight"], settings["temperature"] = args.distil_weight, args.temperature
    return settings


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = training_parser(
        "python -m lab.speaker.train",
        __doc__.split("\n\n")[0],
        data=DEFAULT_DATA,
        work=DEFAULT_WORK,
        seed=SEED,
        lr=5e-5,
        epochs=2,
        log_every=10,
        checkpoint_every=60,
        checkpoint_help="steps (2 min, idle cores)",
    )
    parser.add_argument("--held-out-share", type=float, default=HELD_OUT_SHARE)
    parser.add_argument(
        "--max-steps", type=int, default=0, help="stop after this many steps (0 = all epochs)"
    )
    parser.add_argument(
        "--no-out-of-reach",
        dest="out_of_reach",
        action="store_false",
        help="no windows without the paragraph holding the speaker (windows.speaker_out_of_reach)",
    )
    parser.add_argument(
        "--layers", type=int, default=0, help="keep only the base's first N transformer layers (0 = all six)"
    )
    parser.add_argument(
        "--teacher",
        type=Path,
        help="an int8 ONNX speaker model (the shipped one: qa/quotes/extraction/model/speaker.int8.onnx) "
        "whose span distributions the model learns beside the gold spans (distillation into fewer --layers)",
    )
    parser.add_argument("--distil-weight", type=float, default=0.5, help="the teacher's share of the loss")
    parser.add_argument("--temperature", type=float, default=2.0, help="softening of the teacher's logits")
    parser.add_argument("--export-only", action="store_true", help="score and export final.pt again")
    args = parser.parse_args(argv)
    return args


def main(argv: Sequence[str] | None = None) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    args = parse(argv)
    if not args.data.is_file():
        sys.exit(f"No training data at '{args.data}': the PolNeAR quotes are read from ../shared/eval/.")
    if args.teacher is not None and not args.teacher.is_file():
        sys.exit(f"No teacher model at '{args.teacher}': train one with `make train-speaker` first.")
    final = args.work / "final.pt"
    if not args.export_only:
        final = train(args)
    finish(args, final)


if __name__ == "__main__":
    main()
