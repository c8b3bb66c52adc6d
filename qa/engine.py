"""`QAEngine`: the one entry point of the online side, shared by the CLI and the app."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from pathlib import Path

from index.embedding import DEFAULT_MODEL, Encoder, encode_query, make_encoder
from index.errors import InputError
from index.ingest import read_paths
from index.models import Article, Quote, Sentence
from index.pipeline import (
    IndexReport,
    Progress,
    index_articles,
    open_or_create,
    rebuild_store,
    remove_articles,
)
from index.store import ArticleInfo, Store
from qa.compose import abstain, compose_answer
from qa.extract import score_sentences
from qa.followup import resolve_followup
from qa.models import Answer, Turn
from qa.question import analyze_question
from qa.quote_answers import answer_quote_question
from qa.rerank import typed_first
from qa.retrieve import content_words, retrieve
from qa.spans import Span, find_labelled_span
from qa.whosaid import parse_quote_question

MAX_QUESTION_CHARS = 1000
DEFAULT_CITATIONS = 3
# Chosen on dev (int8 encoder, README "Results"): 0.56 abstains on 3.4% of answerable questions and
# 91% of unanswerable ones (0.54: 3.0% and 84%; 0.58: 4.8% and 92%).
ABSTAIN_BELOW = 0.56
# Further citations down to 0.30: +1.2 points of hit@3 on dev, the first citation unchanged.
SUPPORT_BELOW = 0.30


def check_question(question: str) -> str:
    """The question stripped, or InputError when it is empty or too long."""
    question = question.strip()
    if not question:
        raise InputError("The question is empty; ask something about the articles.")
    if len(question) > MAX_QUESTION_CHARS:
        raise InputError(
            f"The question is {len(question):,} characters long; the limit is {MAX_QUESTION_CHARS:,}. "
            "Ask a shorter question."
        )
    return question


DATE = re.compile(r"\d{4}-\d{2}-\d{2}")  # how a publication date is written (and compared, as text)


def check_since(since: str | None) -> None:
    """InputError unless `since` is empty or a date YYYY-MM-DD."""
    if since and not DATE.fullmatch(since):
        raise InputError(f"The date must be written YYYY-MM-DD, got {since!r}.")


class QAEngine:
    """Answers questions over one store; the encoder is loaded on first use."""

    def __init__(self, store_path: Path, encoder: Encoder | None = None) -> None:
        self.store_path = store_path
        self.encoder: Encoder = encoder or make_encoder(DEFAULT_MODEL)
        self._store: Store | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store.open(self.store_path, self.encoder.name)
        return self._store

    def warm_up(self) -> None:
        """Load the model and the vectors now rather than on the first question."""
        query = encode_query(self.encoder, "warm up")
        for kind in ("chunks", "sentences"):
            self.store.search_dense(kind, query, 1)

    # -- asking ---------------------------------------------------------------------------------

    def ask(
        self,
        question: str,
        history: Sequence[Turn] = (),
        k: int = DEFAULT_CITATIONS,
        scope: Collection[str] | None = None,
    ) -> Answer:
        """Answer `question` with up to `k` cited sentences; `scope` limits the articles searched.

        Raises:
            InputError: the question is empty or too long.
        """
        question = check_question(question)
        store = self.store
        if store.count() == 0:
            return abstain(question, "The store holds no articles yet; add some with `qa index`.")
        scope = set(scope) if scope is not None else None
        if scope is not None and not scope:
            return abstain(question, "No articles are in the search scope; widen the filter.")
        resolved = resolve_followup(question, history)
        quote_query = parse_quote_question(resolved.question)
        if quote_query is not None:
            answer = answer_quote_question(store, quote_query, question, k, scope, resolved.exclude)
            if answer is not None:
                return answer
        query = encode_query(self.encoder, resolved.question)
        hits = retrieve(store, resolved.question, query, scope=scope)
        ranked = score_sentences(store, resolved.question, query, hits, scope)
        ranked = [s for s in ranked if (s.sentence.article_id, s.sentence.position) not in resolved.exclude]
        analysed = analyze_question(resolved.question)
        spans: dict[tuple[str, int], Span | None] = {}

        def span_of(sentence: Sentence) -> Span | None:
            place = (sentence.article_id, sentence.position)
            if place not in spans:
                spans[place] = find_labelled_span(analysed, sentence.text, encoder=self.encoder)
            return spans[place]

        ranked = typed_first(analysed, ranked, span_of)
        article_ids = list({s.sentence.article_id for s in ranked[: k * 4]})
        titles = store.titles(article_ids)
        quotes = {a: store.quotes(a) for a in article_ids}
        answer = compose_answer(
            question,
            ranked,
            titles,
            quotes,
            k=k,
            threshold=ABSTAIN_BELOW,
            support_threshold=SUPPORT_BELOW,
            find_span=lambda sentence: _offsets(span_of(sentence)),
        )
        if answer.abstained:
            count = len(scope) if scope is not None else store.count()
            searched = f"{count} article{'s' if count != 1 else ''} searched"
            if quote_query is not None and quote_query.speaker and resolved.exclude:
                return abstain(
                    question,
                    f"{quote_query.speaker} says nothing else in the {searched} than the answers above.",
                )
            terms = ", ".join(content_words(resolved.question)[:6]) or resolved.question
            return abstain(
                question, f"Nothing in the {searched} answers this question (searched for: {terms})."
            )
        return answer

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

    # -- the library ----------------------------------------------------------------------------

    def add_paths(self, paths: Sequence[str], progress: Progress | None = None) -> IndexReport:
        """Read and index files and folders; unreadable ones are reported in `failed`, not raised."""
        read = read_paths(paths)
        return self.add_articles(read.articles, progress, IndexReport(failed=list(read.failures)))

    def add_articles(
        self, articles: Sequence[Article], progress: Progress | None = None, report: IndexReport | None = None
    ) -> IndexReport:
        from qa.quotes import extract_quotes

        store = self._writable_store()
        return index_articles(store, self.encoder, articles, extract_quotes, progress, report)

    def rebuild(self, progress: Progress | None = None) -> IndexReport:
        """Re-derive everything from the stored articles into a fresh store, then swap it in."""
        from qa.quotes import extract_quotes

        return rebuild_store(self.store_path, self.encoder, extract_quotes, progress)

    def remove(self, article_ids: Sequence[str]) -> IndexReport:
        return remove_articles(self.store, article_ids)

    def articles(self, newest: int | None = None) -> list[ArticleInfo]:
        return self.store.articles(newest)

    def article(self, article_id: str) -> Article | None:
        return self.store.article(article_id)

    def sentences(self, article_id: str) -> list[Sentence]:
        return self.store.sentences(article_id)

    def quotes(self, speaker: str | None = None, article_id: str | None = None) -> list[Quote]:
        quotes = self.store.quotes(article_id)
        if speaker:
            from qa.whosaid import speaker_matches

            quotes = [q for q in quotes if q.speaker and speaker_matches(speaker, q.speaker)]
        return quotes

    def _writable_store(self) -> Store:
        if self._store is None:
            self._store = open_or_create(self.store_path, self.encoder)
        return self._store


def _offsets(span: Span | None) -> tuple[int, int] | None:
    return None if span is None else (span.start, span.end)
