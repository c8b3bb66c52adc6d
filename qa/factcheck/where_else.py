"""Where else was this said: every article carrying the same words (exact or close), earliest first.

A fact-checker wants the first appearance of a statement and its repetitions, with who is credited in
each. The passages come from the quote check (`qa.factcheck.check`), one per article; a copy of an
article (the same text under another id, `Store.originals`) is not a repetition: left out when its
original is listed.
"""

from __future__ import annotations

from index.embedding import Encoder
from index.store import Store
from qa.factcheck.check import CLOSE_AT, QuoteMatch, check_quote

__all__ = ["WHERE_ELSE_LIMIT", "where_else"]

WHERE_ELSE_LIMIT = 20  # articles listed at most


def where_else(
    store: Store, encoder: Encoder, text: str, limit: int = WHERE_ELSE_LIMIT, close_at: float = CLOSE_AT
) -> list[QuoteMatch]:
    """The articles whose words match `text` exactly or closely, one passage each (the closest),
    earliest publication first, undated ones last (closest first among them).

    Raises:
        InputError: the text is empty, has no words, or is too long (as `check_quote`).
    """
    check = check_quote(store, encoder, text, None, k=limit * 2, close_at=close_at)
    copies = store.originals([m.article_id for m in check.matches])
    best: dict[str, QuoteMatch] = {}
    for match in check.matches:  # closest first
        best.setdefault(match.article_id, match)
    for copy, original in copies.items():
        if original in best:
            best.pop(copy, None)
    found = sorted(best.values(), key=lambda m: (not m.published, m.published, -m.similarity))
    return found[:limit]
