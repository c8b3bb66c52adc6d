"""The speaker model's training: a run cut off at a checkpoint resumes from it (a few steps, real weights)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import lab.speaker.train as speaker_train

ARTICLES = [
    (
        "storm",
        "The storm closed the harbour.\n\n“We will not risk lives,” said Ana Ruiz.\n\nIt rained.",
    ),
    (
        "budget",
        "The council met.\n\nBob Lee, the mayor, said: “The budget is balanced.”\n\nVoters were unsure.",
    ),
    ("match", "The match ended late.\n\n“A fair result,” the coach told reporters.\n\nFans went home."),
]


def _write(file: Path) -> None:
    rows = []
    for article_id, text in ARTICLES:
        start = text.index("“") + 1
        end = text.index("”")
        speaker = next(s for s in ("Ana Ruiz", "Bob Lee", "the coach") if s in text)
        at = text.index(speaker)
        quote = {"char_span": [start, end], "quote_type": "direct", "speaker_span": [[at, at + len(speaker)]]}
        rows.append(json.dumps({"article_id": article_id, "text": text, "quotes": [quote, quote]}))
    file.write_text("\n".join(rows) + "\n", encoding="utf-8")


class _CutOff(Exception):
    pass


@pytest.mark.model
def test_a_run_cut_off_resumes_from_its_last_checkpoint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data, work = tmp_path / "quotes.jsonl", tmp_path / "work"
    _write(data)
    argv = ["--data", str(data), "--work", str(work), "--batch-size", "2", "--epochs", "2"]
    argv += ["--checkpoint-every", "2", "--held-out-share", "0.34", "--log-every", "1", "--threads", "1"]
    args = speaker_train.parse(argv)
    scored = speaker_train.evaluate

    def cut_off(*a: object, **k: object) -> object:
        print(json.dumps(scored(*a, **k)))  # type: ignore[arg-type]
        raise _CutOff

    monkeypatch.setattr(speaker_train, "evaluate", cut_off)
    with pytest.raises(_CutOff):
        speaker_train.train(args)
    first = capsys.readouterr().out
    assert "step 2/4" in first and '"direct speaker": 2' in first  # the held-out article scored
    assert (work / "checkpoint.pt").is_file() and not (work / "final.pt").exists()

    monkeypatch.setattr(speaker_train, "evaluate", scored)
    final = speaker_train.train(speaker_train.parse(argv))
    second = capsys.readouterr().out
    assert "resuming at step 2 of 4" in second and "step 1/4" not in second
    import torch

    assert torch.load(final, weights_only=False)["step"] == 4
