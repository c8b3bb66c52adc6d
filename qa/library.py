"""`Library`: the articles of one store and what indexing found in them: add, remove, list, quotes,
a speaker's record, the search scope."""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Sequence
from pathlib import Path

from index.embedding import Encoder
from index.errors import InputError
from index.ingest import read_paths
from index.models import Article, Quote, Sentence, Speaker
from index.pipeline import (
    IndexReport,
    Notice,
    Progress,
    index_articles,
    open_or_create,
    rebuild_store,
    remove_articles,
)
from index.store import ArticleInfo, Store, is_store
from qa.factcheck.record import ArticleQuotes, speaker_record
from qa.quotes import IndexingExtractor

# Quotes as indexing finds them: the paragraphs of a batch of articles parsed in one stream.
EXTRACT_QUOTES = IndexingExtractor()
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")  # how a publication date is written (and compared, as text)


def check_since(since: str | None) -> None:
    """InputError unless `since` is empty or a date YYYY-MM-DD."""
    if since and not DATE.fullmatch(since):
        raise InputError(f"The date must be written YYYY-MM-DD, got {since!r}.")


class Library:
    """The articles of the store at `store_path`, which is opened on first use (created on first add).

    Writes (adding, removing, rebuilding) hold the store's write lock only to commit each batch, so
    another process may write between them; `on_wait` is called, once a run, when this one has to wait
    for the other's commit."""

    def __init__(self, store_path: Path, encoder: Encoder, on_wait: Notice | None = None) -> None:
        self.store_path = store_path
        self.encoder = encoder
        self.on_wait = on_wait
        self._store: Store | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store.open(self.store_path, self.encoder.name)
        return self._store

    # -- adding and removing ----------------------------------------------------------------------

    def add_paths(self, paths: Sequence[str], progress: Progress | None = None) -> IndexReport:
        """Read and index files, folders, URLs and feeds (of a feed, only the items whose URLs the store
        does not hold yet); what cannot be read is reported in `failed`, each feed in `feeds`.

        Raises:
            InputError: a path that does not exist.
        """
        indexed = self.store.urls() if is_store(self.store_path) else set()
        read = read_paths(paths, indexed=indexed)
        report = IndexReport(failed=list(read.failures), feeds=list(read.feeds))
        return self.add_articles(read.articles, progress, report)

    def add_articles(
        self, articles: Sequence[Article], progress: Progress | None = None, report: IndexReport | None = None
    ) -> IndexReport:
        store = self._writable_store()
        return index_articles(
            store, self.encoder, articles, EXTRACT_QUOTES, progress, report, on_wait=self.on_wait
        )

    def rebuild(self, progress: Progress | None = None) -> IndexReport:
        """Re-derive everything from the stored articles into a fresh store, then swap it in."""
        return rebuild_store(self.store_path, self.encoder, EXTRACT_QUOTES, progress, self.on_wait)

    def remove(self, article_ids: Sequence[str]) -> IndexReport:
        return remove_articles(self.store, article_ids, self.on_wait)

    def _writable_store(self) -> Store:
        if self._store is None:
            self._store = open_or_create(self.store_path, self.encoder)
        return self._store

    # -- reading ----------------------------------------------------------------------------------

    def articles(self, newest: int | None = None) -> list[ArticleInfo]:
        return self.store.articles(newest)

    def article(self, article_id: str) -> Article | None:
        return self.store.article(article_id)

    def sentences(self, article_id: str) -> list[Sentence]:
        return self.store.sentences(article_id)

    def resolve_article(self, ref: str) -> str | None:
        """The id of the article `ref` names: its id, its URL, or its file name (with or without the
        extension); None when no article matches."""
        if self.store.article(ref) is not None:
            return ref
        for info in self.store.articles():
            name = info.url.rstrip("/").rsplit("/", 1)[-1]
            if ref in (info.url, name, name.rsplit(".", 1)[0]):
                return info.id
        return None

    def scope(
        self, articles: Collection[str] | None = None, source: str | None = None, since: str | None = None
    ) -> set[str] | None:
        """The article ids a question may search: those chosen (all when None) from `source` published on
        or after `since` (YYYY-MM-DD); None when nothing narrows the search.

        Raises:
            InputError: `since` is not a date.
        """
        check_since(since)
        if not source and not since:
            return set(articles) if articles else None
        found = set(self.store.article_ids(source=source or None, since=since or None))
        return found & set(articles) if articles else found

    # -- quotes -----------------------------------------------------------------------------------

    def speakers(self, name: str) -> list[Speaker]:
        """The speakers `name` means, best first: its exact canonical name or alias, else the speakers
        whose names, aliases or roles hold its words ("Tony Blair" before "Tony Blair's official
        spokesman"); see `index.speakers`."""
        return self.store.find_speakers(name)

    def quotes(self, speaker: str | None = None, article_id: str | None = None) -> list[Quote]:
        """The quotes of an article, or every one; with `speaker`, those of the speakers it means
        (`speakers`), the best one's first."""
        if not speaker:
            return self.store.quotes(article_id)
        ids = [s.id for s in self.speakers(speaker)]
        rank = {speaker_id: n for n, speaker_id in enumerate(ids)}
        quotes = [
            q for q in self.store.speaker_quotes(ids) if article_id is None or q.article_id == article_id
        ]
        return sorted(quotes, key=lambda q: rank[q.speaker_id or 0])

    def speaker_record(self, speaker: str) -> list[ArticleQuotes]:
        """Everything one speaker said, grouped by article, by publication date (undated last): the
        speaker `speaker` means first (`speakers`); the quotes the speakers table counts for it."""
        found = self.speakers(speaker)
        return speaker_record(self.store, self.store.speaker_quotes([found[0].id])) if found else []

    def no_quotes_line(self, speaker: str) -> str:
        """'No quotes by X', with the speakers of close names when there are any."""
        names = [s.name for s in self.store.speakers(5000)]
        last = speaker.split()[-1].lower() if speaker.split() else ""
        close = [n for n in names if n.split()[-1].lower() == last]
        close += difflib.get_close_matches(speaker, names, n=3, cutoff=0.6)
        close = list(dict.fromkeys(close))[:5]
        if close:
            return f"No quotes by {speaker}; speakers with a close name: {', '.join(close)}."
        searched = f"{self.store.count():,} articles"
        return f"No quotes by {speaker} in the {searched}; `qa quotes` lists who is quoted."
