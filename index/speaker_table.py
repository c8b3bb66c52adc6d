"""The store's speakers table, kept in step with its quotes: who each quote's speaker is across the
articles (`index.speakers` decides), its canonical name, aliases and roles, and a typed name resolved
to speakers.

Each stored quote keeps the article's name for its speaker (`quotes.speaker_name`), its kind and its
family (`quotes.speaker_key`: a person's surname, else the normalised name). A commit that adds or
removes quotes decides the identity of the speakers of the families it touched again, from all of
their quotes in the store (`refresh_speakers`), so the table is the same whatever order articles came
in. A speaker keeps its id while its canonical name stays the same.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import cast

from index.models import Quote, Speaker, SpeakerKind
from index.speakers import (
    NameForm,
    SpeakerGroup,
    family,
    group_forms,
    is_partial_name,
    prepare_quotes,
    rank_speakers,
    search_words,
)

__all__ = [
    "QUOTES_OF_SPEAKERS",
    "build_speakers",
    "find_speakers",
    "quote_speaker_columns",
    "read_speakers",
    "refresh_speakers",
    "speaker_families",
]

Connection = sqlite3.Connection | sqlite3.Cursor

# The quotes of the speakers whose ids are the JSON list bound to it: a speaker's quote count in the
# table (`read_speakers`) and its record (`index.records.Records.speaker_quotes`) are both this set.
QUOTES_OF_SPEAKERS = "q.speaker_id IN (SELECT value FROM json_each(?))"


def quote_speaker_columns(quote: Quote) -> tuple[str | None, str | None, str | None]:
    """(speaker_name, speaker_kind, speaker_key) of a prepared quote (`index.speakers.prepare_quotes`)."""
    if not quote.speaker or quote.speaker_kind is None:
        return None, None, None
    kind = cast(SpeakerKind, quote.speaker_kind)
    return quote.speaker, kind, family(quote.speaker, kind)


def speaker_families(db: Connection, article_ids: Sequence[str]) -> set[str]:
    """The families of the speakers quoted in these articles."""
    rows = db.execute(
        "SELECT DISTINCT speaker_key FROM quotes WHERE speaker_key IS NOT NULL "
        "AND article_id IN (SELECT value FROM json_each(?))",
        (json.dumps(list(article_ids)),),
    )
    return {row[0] for row in rows}


def refresh_speakers(cur: sqlite3.Cursor, families: Iterable[str]) -> None:
    """Decide again who is who among the speakers of `families`, from all their quotes in the store:
    speakers made, renamed or merged, quotes pointed at them, speakers no quote names removed."""
    for key in sorted(set(families)):
        rows = cur.execute(
            "SELECT speaker_name, role, speaker_mention, count(*) FROM quotes WHERE speaker_key = ? "
            "GROUP BY speaker_name, role, speaker_mention",
            (key,),
        ).fetchall()
        kind = cast(SpeakerKind, key.split(":", 1)[0])
        kept = {_write_group(cur, key, group) for group in group_forms(_forms(rows, kind))}
        stale = [row[0] for row in cur.execute("SELECT id FROM speakers WHERE family = ?", (key,))]
        for speaker_id in (s for s in stale if s not in kept):
            cur.execute("UPDATE quotes SET speaker_id = NULL WHERE speaker_id = ?", (speaker_id,))
            _forget(cur, speaker_id)


def _forms(rows: Iterable[tuple[str, str | None, str | None, int]], kind: SpeakerKind) -> list[NameForm]:
    roles: dict[str, set[str]] = {}
    mentions: dict[str, set[str]] = {}
    counts: dict[str, int] = {}
    for name, role, mention, count in rows:
        counts[name] = counts.get(name, 0) + count
        roles.setdefault(name, set()).update([role] if role else [])
        mentions.setdefault(name, set()).update([mention] if mention else [])
    return [
        NameForm(name, kind, frozenset(roles[name]), frozenset(mentions[name]), counts[name])
        for name in sorted(counts)
    ]


def _write_group(cur: sqlite3.Cursor, key: str, group: SpeakerGroup) -> int:
    """The id of the speaker `group` names (made when new), its quotes, aliases and roles set."""
    row = cur.execute(
        "SELECT id FROM speakers WHERE name = ? AND kind = ?", (group.name, group.kind)
    ).fetchone()
    if row is None:
        cur.execute(
            "INSERT INTO speakers (name, kind, family) VALUES (?, ?, ?)", (group.name, group.kind, key)
        )
        speaker_id = int(cur.lastrowid or 0)
    else:
        speaker_id = int(row[0])
        cur.execute("UPDATE speakers SET family = ? WHERE id = ?", (key, speaker_id))
    cur.execute(
        "UPDATE quotes SET speaker_id = ? WHERE speaker_key = ? AND speaker_id IS NOT ? "
        "AND speaker_name IN (SELECT value FROM json_each(?))",
        (speaker_id, key, speaker_id, json.dumps(list(group.forms))),
    )
    cur.execute("DELETE FROM speaker_aliases WHERE speaker_id = ?", (speaker_id,))
    cur.executemany(
        "INSERT OR IGNORE INTO speaker_aliases (speaker_id, alias) VALUES (?, ?)",
        [(speaker_id, alias) for alias in group.aliases],
    )
    cur.execute("DELETE FROM speaker_roles WHERE speaker_id = ?", (speaker_id,))
    cur.executemany(
        "INSERT OR IGNORE INTO speaker_roles (speaker_id, role) VALUES (?, ?)",
        [(speaker_id, role) for role in group.roles],
    )
    return speaker_id


def _forget(cur: sqlite3.Cursor, speaker_id: int) -> None:
    for table, column in (
        ("speaker_aliases", "speaker_id"),
        ("speaker_roles", "speaker_id"),
        ("speakers", "id"),
    ):
        cur.execute(f"DELETE FROM {table} WHERE {column} = ?", (speaker_id,))


def build_speakers(cur: sqlite3.Cursor) -> None:
    """Fill the speakers tables from the stored quotes, whose `speaker_name` holds each article's name
    (a store migrated from before the table): each article's quotes prepared as a commit prepares them
    (kinds, roles, bare roles), then every family decided."""
    rows = cur.execute(
        'SELECT id, article_id, text, start, "end", kind, speaker_name, speaker_mention, cue, '
        "first_sentence, last_sentence, role FROM quotes ORDER BY article_id, start, id"
    ).fetchall()
    by_article: dict[str, list[tuple[int, Quote]]] = {}
    for row in rows:
        by_article.setdefault(row[1], []).append((row[0], Quote(*row[1:])))
    families: set[str] = set()
    for quotes in by_article.values():
        for (quote_id, _), quote in zip(quotes, prepare_quotes([q for _, q in quotes]), strict=True):
            name, kind, key = quote_speaker_columns(quote)
            cur.execute(
                "UPDATE quotes SET speaker_name = ?, speaker_kind = ?, speaker_key = ?, role = ?, "
                "speaker_id = NULL WHERE id = ?",
                (name, kind, key, quote.role, quote_id),
            )
            families.update([key] if key else [])
    refresh_speakers(cur, families)


# -- reading ----------------------------------------------------------------------------------------


def read_speakers(db: Connection, ids: Sequence[int] | None = None, limit: int = 1000) -> list[Speaker]:
    """The speakers of `ids` (all when None, up to `limit`), most quoted first, with their aliases,
    roles and counts."""
    where = "WHERE q.speaker_id IS NOT NULL" if ids is None else f"WHERE {QUOTES_OF_SPEAKERS}"
    args: list[object] = [] if ids is None else [json.dumps(list(ids))]
    rows = db.execute(
        "SELECT s.id, s.name, s.kind, count(*), count(DISTINCT q.article_id) FROM quotes q "
        f"JOIN speakers s ON s.id = q.speaker_id {where} "
        "GROUP BY s.id ORDER BY count(*) DESC, s.name LIMIT ?",
        [*args, limit],
    ).fetchall()
    found = json.dumps([row[0] for row in rows])
    aliases: dict[int, list[str]] = {}
    for speaker_id, alias in db.execute(
        "SELECT speaker_id, alias FROM speaker_aliases WHERE speaker_id IN (SELECT value FROM json_each(?)) "
        "ORDER BY rowid",
        (found,),
    ):
        aliases.setdefault(speaker_id, []).append(alias)
    roles: dict[int, list[str]] = {}
    for speaker_id, role in db.execute(
        "SELECT speaker_id, role FROM speaker_roles WHERE speaker_id IN (SELECT value FROM json_each(?)) "
        "ORDER BY rowid",
        (found,),
    ):
        roles.setdefault(speaker_id, []).append(role)
    return [
        Speaker(i, name, kind, tuple(aliases.get(i, ())), tuple(roles.get(i, ())), quotes, articles)
        for i, name, kind, quotes, articles in rows
    ]


def find_speakers(db: Connection, name: str) -> list[Speaker]:
    """The speakers a typed name means, best first: the one whose canonical name it is (any case), else
    those with it as an alias, else those `index.speakers.rank_speakers` finds among the speakers whose
    names, aliases or roles hold its words. An alias that is a bare surname ("Brown", "Mr Brown") is
    its speaker's first, then the other people of that surname."""
    name = " ".join(name.split())
    if not name:
        return []
    exact = [row[0] for row in db.execute("SELECT id FROM speakers WHERE name = ? COLLATE NOCASE", (name,))]
    if exact:
        return read_speakers(db, exact)
    alias = [
        row[0]
        for row in db.execute("SELECT DISTINCT speaker_id FROM speaker_aliases WHERE alias = ?", (name,))
    ]
    if alias and not is_partial_name(name):
        return read_speakers(db, alias)
    ranked = _speakers_holding(db, name)
    if alias:
        return read_speakers(db, alias) + [s for s in ranked if s.kind == "person" and s.id not in alias]
    return ranked


def _speakers_holding(db: Connection, name: str) -> list[Speaker]:
    """The speakers whose names, aliases or roles hold the words of `name`, ranked."""
    words = search_words(name)
    if not words:
        return []
    clause = " OR ".join(
        "s.name LIKE ? "
        "OR EXISTS (SELECT 1 FROM speaker_aliases a WHERE a.speaker_id = s.id AND a.alias LIKE ?) "
        "OR EXISTS (SELECT 1 FROM speaker_roles r WHERE r.speaker_id = s.id AND r.role LIKE ?)"
        for _ in words
    )
    args = [f"%{w}%" for w in words for _ in range(3)]
    ids = [row[0] for row in db.execute(f"SELECT s.id FROM speakers s WHERE {clause}", args)]
    return rank_speakers(name, read_speakers(db, ids, limit=len(ids) or 1))
