"""How fast indexing with quotes could be on this machine: the encoder alone and the parse alone.

    python -m bench.index_ceiling [--n 200]

Splits the first `--n` PolNeAR articles of `../shared/eval/quotes.train.jsonl` into sentences, then
times, each alone on the idle machine with both cores:

- the encoder (`OnnxEncoder`, int8, its own two threads) embedding every sentence once, as indexing
  does;
- spaCy's pipeline (as quote attribution loads it) parsing every paragraph, in two processes.

Indexing needs both for every sentence, so with perfect overlap on the same two cores it cannot beat
1 / (1 / encoder rate + 1 / parse rate). The tokens the encoder reads a second, against the
multiply-adds of MiniLM's linear layers, say how near the hardware it runs. Speed is measured here,
never asserted in tests (bench/README.md).
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

from bench.index_stages import news_articles

# Multiply-adds of all-MiniLM-L6-v2's linear layers per token: 6 layers x (4 x 384^2 + 2 x 384 x 1536).
_MACS_PER_TOKEN = 6 * (4 * 384 * 384 + 2 * 384 * 1536)


def _load() -> None:
    from qa.nlp import load_spacy

    load_spacy()


def _parse(paragraphs: list[str]) -> int:
    from qa.nlp import load_spacy

    return sum(1 for _ in load_spacy().pipe(paragraphs, batch_size=64))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.index_ceiling", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--n", type=int, default=200, help="articles")
    args = parser.parse_args(argv)

    from index.onnx_embedding import OnnxEncoder
    from index.sentences import split_sentences
    from qa.quotes.extraction.paragraphs import paragraph_bounds

    sentences: list[str] = []
    paragraphs: list[str] = []
    for article in news_articles(args.n):
        split = split_sentences(article.id, article.text)
        sentences += [s.text for s in split]
        paragraphs += [article.text[start:end] for start, end in paragraph_bounds(split)]
    counts = f"{len(sentences):,} sentences, {len(paragraphs):,} paragraphs"
    print(f"{args.n} articles, {counts}; {os.cpu_count()} cores")

    encoder = OnnxEncoder()
    encoder.embed_batch(sentences[:64])  # load and warm up
    _, tokenizer = encoder._load()
    tokens = sum(len(e.ids) for e in tokenizer.encode_batch(sentences))
    started = time.perf_counter()
    for start in range(0, len(sentences), 512):
        encoder.embed_batch(sentences[start : start + 512])
    encode_s = time.perf_counter() - started

    half = len(paragraphs) // 2
    with ProcessPoolExecutor(2, initializer=_load) as pool:
        list(pool.map(_parse, [paragraphs[:50], paragraphs[50:100]]))  # both workers up, spaCy loaded
        started = time.perf_counter()
        list(pool.map(_parse, [paragraphs[:half], paragraphs[half:]]))
        parse_s = time.perf_counter() - started

    encode_rate, parse_rate = len(sentences) / encode_s, len(sentences) / parse_s
    ceiling = 1 / (1 / encode_rate + 1 / parse_rate)
    gmacs = tokens * _MACS_PER_TOKEN / encode_s / 1e9
    print("| stage, alone on both cores | seconds | sentences/s |")
    print("|---|---:|---:|")
    what = f"{tokens / len(sentences):.1f} tokens a sentence, {gmacs:.0f} G multiply-adds/s"
    print(f"| encoder (int8 ONNX, {what}) | {encode_s:.1f} | {encode_rate:,.0f} |")
    print(f"| spaCy parse (two processes) | {parse_s:.1f} | {parse_rate:,.0f} |")
    print(f"| **both, perfectly overlapped (ceiling)** | {encode_s + parse_s:.1f} | **{ceiling:,.0f}** |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
