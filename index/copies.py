"""Copies of an article: the same story indexed twice under another id or title (a wire story run by
two sites, a page saved again the next day). Found when articles are written, so that an answer cites
one copy rather than the same sentence from each.

An article is a copy of one written before it when their texts are the same after whitespace, case
and quote-mark normalisation (`copy_key`), or when nearly all sentences of each stand in the other
(`NEARLY_ALL`, counted by the sentences' stored text keys: a changed byline or a last paragraph added
keeps it a copy). The `copies` table holds every article's key and, for a copy, the first article of
its kind (`copy_of`; NULL for an original). A store made before the table gains it, filled from its
stored articles, at its next write; until then it has no copies (`originals` answers {}).
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Sequence

from index.schema import placeholders, slices

__all__ = ["NEARLY_ALL", "copy_key", "originals", "record_copies"]

# Share of the sentences of each of two articles that must stand in the other for a near copy; two
# articles of fewer than `NEAR_MIN_SENTENCES` sentences are copies only when equal (`copy_key`).
NEARLY_ALL = 0.8
NEAR_MIN_SENTENCES = 4

_TABLE = """
CREATE TABLE IF NOT EXISTS copies (
    article_id TEXT PRIMARY KEY, copy_key INTEGER NOT NULL, copy_of TEXT);
CREATE INDEX IF NOT EXISTS copies_key ON copies (copy_key);
CREATE INDEX IF NOT EXISTS copies_of ON copies (copy_of);
"""
_QUOTE_MARKS = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_SPACES = re.compile(r"\s+")


def copy_key(text: str) -> int:
    """A 64-bit key of `text` that ignores case, runs of whitespace and curly against straight quotes."""
    normal = _SPACES.sub(" ", text.translate(_QUOTE_MARKS)).strip().casefold()
    return int.from_bytes(hashlib.blake2b(normal.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


def record_copies(cur: sqlite3.Cursor, written: Sequence[str], removed: Sequence[str] = ()) -> None:
    """Decide, inside the write transaction that wrote them, which of the articles `written` (in the
    order written) are copies of an article written before; forget the articles `removed` (a copy of
    one of them is decided again, the first of them becoming the original). The articles and their
    sentences must be in the store already."""
    if not _has_table(cur):
        for statement in _TABLE.split(";"):
            if statement.strip():
                cur.execute(statement)
        new = set(written)
        rows = cur.execute("SELECT article_id FROM articles ORDER BY id").fetchall()
        written = [*[r[0] for r in rows if r[0] not in new], *written]
    gone = list(dict.fromkeys([*removed, *written]))
    gone_set = set(gone)
    orphans = [
        row[0]
        for part in slices(gone)
        for row in cur.execute(
            f"SELECT article_id FROM copies WHERE copy_of IN ({placeholders(part)}) ORDER BY rowid", part
        ).fetchall()
    ]
    for part in slices(gone):
        cur.execute(f"DELETE FROM copies WHERE article_id IN ({placeholders(part)})", part)
    orphans = [a for a in orphans if a not in gone_set]
    for part in slices(orphans):
        cur.execute(f"DELETE FROM copies WHERE article_id IN ({placeholders(part)})", part)
    for article_id in [*orphans, *written]:
        _record(cur, article_id)


def originals(db: sqlite3.Connection | sqlite3.Cursor, article_ids: Sequence[str]) -> dict[str, str]:
    """Article id -> the article it is a copy of, for those of `article_ids` that are copies ({} in a
    store without the table)."""
    found: dict[str, str] = {}
    try:
        for part in slices(list(dict.fromkeys(article_ids))):
            query = (
                "SELECT article_id, copy_of FROM copies "
                f"WHERE copy_of IS NOT NULL AND article_id IN ({placeholders(part)})"
            )
            found.update(db.execute(query, part).fetchall())
    except sqlite3.OperationalError:  # a store made before the table: no copies known
        return {}
    return found


def _record(cur: sqlite3.Cursor, article_id: str) -> None:
    row = cur.execute("SELECT text FROM articles WHERE article_id = ?", (article_id,)).fetchone()
    if row is None:
        return
    key = copy_key(row[0])
    same = cur.execute(
        "SELECT article_id, copy_of FROM copies WHERE copy_key = ? ORDER BY rowid LIMIT 1", (key,)
    ).fetchone()
    copy_of = (same[1] or same[0]) if same else _near_original(cur, article_id)
    cur.execute(
        "INSERT INTO copies (article_id, copy_key, copy_of) VALUES (?, ?, ?)", (article_id, key, copy_of)
    )


def _near_original(cur: sqlite3.Cursor, article_id: str) -> str | None:
    """The original of the first article recorded before whose sentences and `article_id`'s nearly all
    stand in each other (by text key), or None."""
    own = cur.execute(
        "SELECT count(DISTINCT text_key) FROM sentences WHERE article_id = ?", (article_id,)
    ).fetchone()[0]
    if own < NEAR_MIN_SENTENCES:
        return None
    shared = cur.execute(
        """SELECT o.article_id, c.copy_of, count(DISTINCT o.text_key),
                  (SELECT count(DISTINCT text_key) FROM sentences t WHERE t.article_id = o.article_id)
           FROM sentences s JOIN sentences o ON o.text_key = s.text_key AND o.article_id != s.article_id
           JOIN copies c ON c.article_id = o.article_id
           WHERE s.article_id = ? GROUP BY o.article_id ORDER BY c.rowid""",
        (article_id,),
    ).fetchall()
    for other, copy_of, common, theirs in shared:
        if common >= NEARLY_ALL * own and common >= NEARLY_ALL * theirs:
            return str(copy_of or other)
    return None


def _has_table(cur: sqlite3.Cursor) -> bool:
    return (
        cur.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'copies'").fetchone()
        is not None
    )
