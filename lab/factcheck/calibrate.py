"""Choose `CLOSE_AT`, the similarity between a close quote and one not found, on checks built here.

    python -m lab.factcheck.calibrate [--store DIR]

The dev quotes articles (../shared/eval/quotes.dev.jsonl, read at run time) are indexed; from their
gold direct quotes of 6 words or more, with a fixed seed, three kinds of checks are made:

- exact: the quote as it stands (verdict must be `exact`);
- changed: the quote with words dropped, two words swapped, a word replaced by another of the quote
  or by a near synonym, or a word added (verdict must be `close`, best match in the right article by
  the right speaker);
- made up: gold quotes of other articles (quotes.train.jsonl, not indexed) (verdict `not_found`).

For each threshold the shares right are printed; the chosen one goes into `qa.factcheck.check`.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from index.embedding import DEFAULT_MODEL, make_encoder
from index.ingest import article_from_record
from qa.engine import QAEngine
from qa.evaluation.quotes import speaker_ok
from qa.evaluation.scoring import read_jsonl
from qa.factcheck.check import check_quote

_EVAL = Path("../shared/eval")
# Near synonyms a misquote or paraphrase swaps in (general English, not drawn from the data).
_SWAPS = {
    "said": "stated", "think": "believe", "big": "large", "very": "really", "people": "folks",
    "going": "about", "want": "wish", "never": "not", "great": "good", "country": "nation",
    "can": "could", "will": "would", "must": "should", "is": "was", "are": "were", "we": "they",
    "all": "every", "help": "support", "get": "obtain", "make": "create", "know": "understand",
}  # fmt: skip


def change(text: str, rng: random.Random) -> str:
    """One or two edits of `text`'s words, of the kinds a misquote makes."""
    words = text.split()
    for _ in range(rng.choice([1, 1, 2])):
        kind = rng.choice(["drop", "swap", "replace", "add"])
        i = rng.randrange(len(words))
        if kind == "drop" and len(words) > 4:
            del words[i : i + rng.choice([1, 2])]
        elif kind == "swap" and i + 1 < len(words):
            words[i], words[i + 1] = words[i + 1], words[i]
        elif kind == "replace":
            bare = words[i].lower().strip(".,;:!?\"'")
            words[i] = _SWAPS.get(bare, rng.choice(words))
        else:
            words.insert(i, rng.choice(["really", "certainly", "just", "also", "very"]))
    return " ".join(words)


def build_checks(seed: int = 11) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(records of the indexed articles, checks)."""
    rng = random.Random(seed)
    records = read_jsonl(_EVAL / "quotes.dev.jsonl")
    checks: list[dict[str, Any]] = []
    for record in records:
        for quote in record["quotes"]:
            text = quote["quote"].strip().strip("\"'\u201c\u201d ")
            if quote["quote_type"] != "direct" or len(text.split()) < 6:
                continue
            base = {"article_id": record["article_id"], "aliases": quote.get("speaker_aliases") or []}
            checks.append({**base, "kind": "exact", "text": text})
            checks.append({**base, "kind": "changed", "text": change(text, rng)})
    others = [
        q["quote"].strip()
        for r in read_jsonl(_EVAL / "quotes.train.jsonl")
        for q in r["quotes"]
        if q["quote_type"] == "direct" and len(q["quote"].split()) >= 6
    ]
    made_up = rng.sample(others, min(len(others), sum(c["kind"] == "exact" for c in checks)))
    checks += [{"article_id": None, "aliases": [], "kind": "made_up", "text": t} for t in made_up]
    return records, checks


def run(store: Path) -> None:
    records, checks = build_checks()
    engine = QAEngine(store, make_encoder(DEFAULT_MODEL))
    if not store.exists():
        engine.add_articles(
            [
                article_from_record({"id": r["article_id"], "title": r.get("title", ""), "text": r["text"]})
                for r in records
            ]
        )
    outcomes = []
    for c in checks:
        result = check_quote(engine.store, engine.encoder, c["text"], close_at=0.0)  # thresholds below
        best = result.matches[0] if result.matches else None
        right_place = best is not None and best.article_id == c["article_id"]
        right_speaker = (
            right_place and best is not None and (not c["aliases"] or speaker_ok(best.speaker, c["aliases"]))
        )
        outcomes.append(
            (
                c["kind"],
                best.similarity if best else 0.0,
                bool(best and best.exact),
                right_place,
                right_speaker,
            )
        )
    counts = {k: sum(o[0] == k for o in outcomes) for k in ("exact", "changed", "made_up")}
    print(f"checks: {counts}")
    print("close_at  exact_ok  changed_close_right  changed_close_any  made_up_not_found")
    for t in [x / 100 for x in range(40, 91, 5)]:
        exact_ok = sum(o[2] for o in outcomes if o[0] == "exact") / counts["exact"]
        changed = [o for o in outcomes if o[0] == "changed"]
        close_right = sum(o[1] >= t and not o[2] and o[4] for o in changed) / len(changed)
        close_any = sum(o[1] >= t and not o[2] and o[3] for o in changed) / len(changed)
        not_found = sum(o[1] < t for o in outcomes if o[0] == "made_up") / counts["made_up"]
        print(f"{t:8.2f}  {exact_ok:8.3f}  {close_right:19.3f}  {close_any:17.3f}  {not_found:17.3f}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m lab.factcheck.calibrate")
    parser.add_argument("--store", type=Path, default=Path("build/quotes-dev-store"))
    args = parser.parse_args(argv)
    run(args.store)


if __name__ == "__main__":
    main()
