"""Full-text search over the store's FTS5 tables, and their tokens and stems for engines that rank text
themselves.

Every store keeps FTS5 tables (`porter unicode61`: unicode61 tokens, then Porter stems) over its chunks,
sentences and quotes, written with the records (`index.records`). `FullText` ranks chunks or sentences by
BM25 and counts document frequencies. `fts_tokens`, `stem` and `index_terms` reproduce the tokenizer, so
an engine with another analyzer (Milvus) indexes the very terms FTS5 indexes and ranks text alike.
"""

from __future__ import annotations

import functools
import re
import sqlite3
import unicodedata
from collections.abc import Collection, Sequence
from typing import Any

from index.schema import placeholders

# FTS5's unicode61 tokenizer: runs of letters and digits (underscore separates), diacritics removed.
_TOKEN = re.compile(r"[^\W_]+")
_FTS_OPERATORS = frozenset({"OR", "AND", "NOT", "NEAR"})


def fts_tokens(text: str) -> list[str]:
    """`text` split as FTS5's unicode61 tokenizer splits it: lower case, diacritics removed."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return _TOKEN.findall(plain.lower())


def stem(word: str) -> str:
    """`word` as the `porter` tokenizer of the FTS tables indexes it (its Porter stem, lower case)."""
    return str(_porter().stemWord(word.lower()))


@functools.cache
def _porter() -> Any:
    import snowballstemmer

    return snowballstemmer.stemmer("porter")


def index_terms(text: str) -> str:
    """The words of `text` as FTS5's `porter unicode61` tokenizer indexes them, space separated."""
    return " ".join(stem(word) for word in fts_tokens(text))


def match_words(match: str) -> list[str]:
    """The words of an FTS5 MATCH expression (quoted terms and bare words, operators left out), for an
    engine that ranks a bag of words."""
    words: list[str] = []
    for quoted, bare in re.findall(r'"([^"]*)"|(\S+)', match):
        if bare in _FTS_OPERATORS:
            continue
        words += _TOKEN.findall(quoted or bare)
    return words


class FullText:
    """BM25 search and document frequencies over the chunks' and sentences' FTS5 tables of one store."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self._vocabularies: set[str] = set()

    def search(
        self, kind: str, match: str, k: int, scope: Collection[str] | None = None
    ) -> list[tuple[int, float]]:
        """Row ids of the best `k` chunks or sentences for an FTS5 MATCH expression, with BM25 scores
        (higher is better); `scope` limits them to some article ids."""
        if not match or (scope is not None and not scope):
            return []
        table = f"{kind}_fts"
        where, args = "", [match]
        if scope is not None:
            where = f" AND rowid IN (SELECT id FROM {kind} WHERE article_id IN ({placeholders(list(scope))}))"
            args += list(scope)
        rows = self._db.execute(
            f"SELECT rowid, -bm25({table}) FROM {table} WHERE {table} MATCH ?{where} "
            f"ORDER BY bm25({table}) LIMIT ?",
            [*args, k],
        ).fetchall()
        return [(int(r), float(s)) for r, s in rows]

    def document_frequencies(self, kind: str, words: Sequence[str]) -> dict[str, int]:
        """How many chunks or sentences hold each word, as the full-text index counts it (Porter stems,
        like its `porter` tokenizer); 0 for words it does not hold."""
        vocab = self._vocabulary(kind)
        counts = {}
        for word in words:
            row = self._db.execute(f"SELECT doc FROM {vocab} WHERE term = ?", [stem(word)]).fetchone()
            counts[word] = int(row[0]) if row else 0
        return counts

    def _vocabulary(self, kind: str) -> str:
        """The fts5vocab table over `{kind}_fts`, made once per connection in the temp schema."""
        name = f"temp.{kind}_vocabulary"
        if name not in self._vocabularies:
            self._db.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {name} USING fts5vocab(main, {kind}_fts, row)"
            )
            self._vocabularies.add(name)
        return name
