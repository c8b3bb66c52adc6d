"""A corpus of N realistic articles, made by recombining paragraphs of the dev articles.

Each article takes a run of consecutive paragraphs from one dev article (its lead and title) and
splices in a few paragraphs from others, so lengths, sentence shapes, quotes and names are those of
real news and Wikipedia text, while every article has its own id and its own paragraph mix. The
texts are read at run time from ../shared/eval/ and never copied into the repository.

Paragraphs repeat across articles (about 1,600 distinct ones feed any N), so identical sentences recur
in a large corpus more than in a real feed; `describe_corpus` reports how many texts are distinct so
a benchmark can say how much deduplication helped.

    python -m bench.corpus --n 1000 --out /tmp/corpus-1k.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from index.models import Article

EVAL = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"
SOURCES = (EVAL / "articles.dev.jsonl", EVAL / "quotes.dev.jsonl")
_PUBLISHERS = ("wire", "daily", "times", "post", "herald", "tribune", "gazette", "chronicle")
_FIRST_DAY = date(2016, 1, 1)


@dataclass(frozen=True, slots=True)
class SourceArticle:
    """A dev article split at its blank lines."""

    title: str
    paragraphs: tuple[str, ...]


def read_sources(paths: Sequence[Path] = SOURCES) -> list[SourceArticle]:
    """The dev articles of `paths` (JSONL with `title` and `text`) as paragraph lists.

    Raises:
        FileNotFoundError: a path does not exist (the message names it).
    """
    sources = []
    for path in paths:
        if not path.is_file():
            raise FileNotFoundError(f"Cannot read '{path}': the bench corpus is built from ../shared/eval/.")
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                record = json.loads(line)
                paragraphs = tuple(p.strip() for p in record["text"].split("\n\n") if p.strip())
                if paragraphs:
                    sources.append(SourceArticle(record.get("title") or paragraphs[0][:80], paragraphs))
    return sources


def generate_articles(
    n: int, seed: int = 0, sources: Sequence[SourceArticle] | None = None
) -> Iterator[Article]:
    """`n` articles with ids `bench-{seed}-{i}`, the same for the same `n` and `seed`.

    Raises:
        ValueError: `n` is negative.
    """
    if n < 0:
        raise ValueError(f"The number of articles must be 0 or more, got {n}.")
    sources = list(sources if sources is not None else read_sources())
    rng = random.Random(seed)
    width = max(len(str(n - 1)), 6)
    for i in range(n):
        lead = rng.choice(sources)
        length = rng.randint(3, 12)
        start = rng.randrange(max(len(lead.paragraphs) - length, 0) + 1)
        paragraphs = list(lead.paragraphs[start : start + length])
        for _ in range(rng.randint(0, 3)):
            other = rng.choice(sources).paragraphs
            paragraphs.insert(rng.randint(1, len(paragraphs)), rng.choice(other))
        publisher = rng.choice(_PUBLISHERS)
        article_id = f"bench-{seed}-{i:0{width}d}"
        yield Article(
            id=article_id,
            title=f"{lead.title} ({publisher} {i})",
            text="\n\n".join(paragraphs),
            source=publisher,
            url=f"https://{publisher}.example/{article_id}",
            published=(_FIRST_DAY + timedelta(days=rng.randrange(3 * 365))).isoformat(),
        )


def write_jsonl(articles: Iterator[Article], out: Path) -> int:
    """Write articles in the DESIGN.md JSONL schema; returns how many were written."""
    count = 0
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8") as fh:
        for a in articles:
            record = {
                "id": a.id,
                "title": a.title,
                "text": a.text,
                "source": a.source,
                "url": a.url,
                "published": a.published,
            }
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def main(argv: Sequence[str] | None = None) -> int:
    """Write a generated corpus as JSONL.

    Example: python -m bench.corpus --n 1000 --out /tmp/corpus-1k.jsonl
    """
    parser = argparse.ArgumentParser(prog="python -m bench.corpus", description=main.__doc__)
    parser.add_argument("--n", type=int, default=1000, help="number of articles (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--out", type=Path, required=True, help="JSONL file to write")
    args = parser.parse_args(argv)
    if args.n < 0:
        parser.error(f"--n must be 0 or more, got {args.n}")
    count = write_jsonl(generate_articles(args.n, args.seed), args.out)
    print(f"wrote {count} articles to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
