"""A speaker's record: everything one speaker said across the articles, by publication date."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from index.models import Quote
from index.store import Store

__all__ = ["ArticleQuotes", "speaker_record"]


@dataclass(frozen=True, slots=True)
class ArticleQuotes:
    """The quotes of one speaker in one article, in article order."""

    article_id: str
    title: str
    source: str
    url: str
    published: str  # YYYY-MM-DD or empty
    quotes: tuple[Quote, ...]


def speaker_record(store: Store, quotes: Sequence[Quote]) -> list[ArticleQuotes]:
    """`quotes` (one speaker's) grouped by article, oldest article first, undated ones last."""
    by_article: dict[str, list[Quote]] = {}
    for quote in quotes:
        by_article.setdefault(quote.article_id, []).append(quote)
    groups = []
    for article_id, found in by_article.items():
        article = store.article(article_id)
        if article is None:
            continue
        found.sort(key=lambda q: q.start)
        groups.append(
            ArticleQuotes(
                article_id, article.title, article.source, article.url, article.published, tuple(found)
            )
        )
    groups.sort(key=lambda g: (not g.published, g.published, g.title))
    return groups
