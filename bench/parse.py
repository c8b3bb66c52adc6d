"""spaCy's parse alone, component by component: what each part of the pipeline costs on real news.

    python -m bench.parse [--n 200]

Parses the paragraphs of the first `--n` PolNeAR articles of `../shared/eval/quotes.train.jsonl` (as
`qa.quotes.extraction.paragraphs` does: one `nlp.pipe` pass per article) with the pipeline as the project
loads it, then with components left out, and prints words per second on one core for each. Speed is
measured here, never asserted in tests (bench/README.md).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence

from bench.index_stages import news_articles


def _paragraphs(n: int) -> list[list[str]]:
    from index.sentences import split_sentences
    from qa.quotes.extraction.paragraphs import paragraph_bounds

    articles = []
    for article in news_articles(n):
        bounds = paragraph_bounds(split_sentences(article.id, article.text))
        articles.append([article.text[start:end] for start, end in bounds])
    return articles


def _rate(articles: list[list[str]], parse) -> float:  # type: ignore[no-untyped-def]
    words = sum(len(p.split()) for paragraphs in articles for p in paragraphs)
    started = time.process_time()
    for paragraphs in articles:
        for _ in parse(paragraphs):
            pass
    return words / (time.process_time() - started)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.parse", description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200, help="articles to parse")
    args = parser.parse_args(argv)

    from qa.nlp import load_spacy

    nlp = load_spacy()
    articles = _paragraphs(args.n)
    paragraphs = sum(len(a) for a in articles)
    words = sum(len(p.split()) for a in articles for p in a)
    print(f"{args.n} articles, {paragraphs:,} paragraphs, {words:,} words; CPU seconds of this process")
    # Warm up on the whole corpus: the lemmatizer caches each word's lemma, the vocabulary grows, so a
    # first pass costs more than the steady state that indexing many articles runs in.
    _rate(articles, lambda ps: nlp.pipe(ps))

    def without(*names: str):  # type: ignore[no-untyped-def]
        def parse(ps):  # type: ignore[no-untyped-def]
            with nlp.select_pipes(disable=list(names)):
                yield from nlp.pipe(ps, batch_size=64)

        return parse

    def ner_only(ps):  # type: ignore[no-untyped-def]
        ner = nlp.get_pipe("ner")
        for p in ps:
            yield ner(nlp.make_doc(p))

    rows = [
        ("whole pipeline (as indexing runs it)", without()),
        ("without the lemmatizer", without("lemmatizer")),
        ("without NER", without("ner")),
        ("without NER and the lemmatizer", without("ner", "lemmatizer")),
        ("tokenizer + tok2vec + tagger only", without("parser", "attribute_ruler", "lemmatizer", "ner")),
        ("NER only (its own token vectors)", ner_only),
        ("tokenizer only", lambda ps: (nlp.make_doc(p) for p in ps)),
    ]
    print(f"| {'pipeline':<40} | words/s |")
    print(f"|{'-' * 42}|--------:|")
    for name, parse in rows:
        print(f"| {name:<40} | {_rate(articles, parse):7,.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
