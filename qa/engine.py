"""`QAEngine`: the one entry point of the online side, shared by the CLI and the app."""

from __future__ import annotations

import dataclasses
import math
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
from index.store import ArticleInfo, Store, is_store
from qa.compose import abstain, compose_answer
from qa.extract import ScoredSentence, score_sentences
from qa.factcheck.check import QuoteCheck, check_quote
from qa.factcheck.record import ArticleQuotes, speaker_record
from qa.followup import resolve_followup
from qa.language import question_language
from qa.models import Answer, Turn
from qa.nlp import named_entities
from qa.question import analyze_question
from qa.quote_answers import answer_quote_question
from qa.reader.decide import (
    ReadCandidate,
    ReaderSettings,
    decide,
    order_by_reader,
    read_candidates,
    read_sentences,
)
from qa.reader.reader import Reader
from qa.reader.terms import missing_terms
from qa.rerank import reader_typed_first
from qa.retrieve import content_words, retrieve
from qa.spans import find_labelled_span
from qa.whosaid import parse_quote_question

MAX_QUESTION_CHARS = 1000
DEFAULT_CITATIONS = 3


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

    def __init__(
        self,
        store_path: Path,
        encoder: Encoder | None = None,
        reader: Reader | None = None,
        reader_settings: ReaderSettings | None = None,
    ) -> None:
        self.store_path = store_path
        self.encoder: Encoder = encoder or make_encoder(DEFAULT_MODEL)
        self.reader = reader or Reader()
        self.reader_settings = reader_settings or ReaderSettings()
        self._store: Store | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store.open(self.store_path, self.encoder.name)
        return self._store

    def warm_up(self) -> None:
        """Load the models and the vectors now rather than on the first question (spaCy, which parses
        the question, took 4.8 s of the first answer: bench/README.md)."""
        query = encode_query(self.encoder, "warm up")
        for kind in ("chunks", "sentences"):
            self.store.search_dense(kind, query, 1)
        self.reader.read("warm up", [("", "Warm up.")])
        analyze_question("Who warmed up the models?")
        named_entities("Warm up.")  # NER runs apart from the question's parse (`qa.question`)

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
        language = question_language(question)
        if language is not None:
            return abstain(
                question, f"I can read English only (this question looks like {language}); ask it in English."
            )
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
            if answer is not None and not answer.abstained:
                return dataclasses.replace(
                    answer, confidence=self._quote_confidence(resolved.question, answer)
                )
            if answer is not None:
                return answer
        settings = self.reader_settings
        read = self.read(resolved.question, scope, resolved.exclude, max(k, settings.depth), first=k)
        if settings.typed_first:
            read = reader_typed_first(analyze_question(resolved.question), read)
        decision = decide(read, self.missing_terms(resolved.question, read), settings)
        spans = {(c.sentence.article_id, c.sentence.position): c.reading.span for c in read}
        if read and decision.answers:
            spans.update(self._described(resolved.question, read[0].sentence))
        answer = compose_answer(
            question,
            [dataclasses.replace(c.scored, score=c.mixed) for c in read] if decision.answers else [],
            store.titles(list({c.sentence.article_id for c in read})),
            {a: store.quotes(a) for a in {c.sentence.article_id for c in read[: k * 4]}},
            k=k,
            threshold=-math.inf,
            support_threshold=settings.support_below,
            find_span=lambda sentence: spans.get((sentence.article_id, sentence.position)),
        )
        if not answer.abstained:
            note = (
                f"The cited article never mentions {', '.join(decision.missing)}." if decision.missing else ""
            )
            return dataclasses.replace(answer, confidence=decision.confidence, reason=note)
        count = len(scope) if scope is not None else store.count()
        searched = f"{count} article{'s' if count != 1 else ''} searched"
        if quote_query is not None and quote_query.speaker and resolved.exclude:
            return abstain(
                question,
                f"{quote_query.speaker} says nothing else in the {searched} than the answers above.",
            )
        if decision.missing and read:
            named = ", ".join(decision.missing)
            return abstain(
                question,
                f"Nothing in the {searched} answers this question: the closest passages are from an "
                f"article that never mentions {named}.",
            )
        terms = ", ".join(content_words(resolved.question)[:6]) or resolved.question
        return abstain(question, f"Nothing in the {searched} answers this question (searched for: {terms}).")

    def _described(self, question: str, sentence: Sentence) -> dict[tuple[str, int], tuple[int, int] | None]:
        """For "Who is Dmitry Peskov?" the span is what he is ("Kremlin spokesman"), which the rules
        find (`qa.spans`) and the reader, trained on questions asking for names, does not: its span
        was the name itself ("Mykhaylo" for "Who is Podolyak?")."""
        analysed = analyze_question(question)
        if analysed.type != "who" or "PERSON" in analysed.expected_labels:
            return {}
        span = find_labelled_span(analysed, sentence.text, encoder=self.encoder)
        return {(sentence.article_id, sentence.position): None if span is None else (span.start, span.end)}

    def _quote_confidence(self, question: str, answer: Answer) -> float:
        """The confidence of an answer from the quote table: its cited sentences read as candidates."""
        sentences = [c.sentence for c in answer.citations]
        readings = read_sentences(
            self.reader, self.store, question, sentences, self.reader_settings.short_paragraph
        )
        read = [
            ReadCandidate(ScoredSentence(c.sentence, c.score, 0.0, 0.0, 0.0), r)
            for c, r in zip(answer.citations, readings)
        ]
        return decide(read, self.missing_terms(question, read), self.reader_settings).confidence

    def missing_terms(self, question: str, read: Sequence[ReadCandidate]) -> list[str]:
        """The question's years, numbers and names that the best candidate's article does not mention."""
        if not read:
            return []
        article = self.store.article(read[0].sentence.article_id)
        return (
            missing_terms(question, f"{article.title}\n{article.text}", article.published) if article else []
        )

    def read(
        self,
        question: str,
        scope: set[str] | None,
        exclude: Collection[tuple[str, int]] = (),
        depth: int = 0,
        first: int = 0,
    ) -> list[ReadCandidate]:
        """Retrieve, score and read the best `depth` candidate sentences (at least `first` of them, so
        `k` citations can be given); best first by the reader's mix of retrieval score and margin
        (`qa.reader.decide`)."""
        read = self.read_unordered(question, scope, exclude, depth, first)
        return order_by_reader(read, self.reader_settings)

    def read_unordered(
        self,
        question: str,
        scope: set[str] | None,
        exclude: Collection[tuple[str, int]] = (),
        depth: int = 0,
        first: int = 0,
    ) -> list[ReadCandidate]:
        """`read` before the reader's order: in retrieval order, with retrieval scores."""
        store = self.store
        query = encode_query(self.encoder, question)
        hits = retrieve(store, question, query, scope=scope)
        ranked = score_sentences(store, question, query, hits, scope)
        ranked = [s for s in ranked if (s.sentence.article_id, s.sentence.position) not in exclude]
        settings = self.reader_settings
        return read_candidates(
            self.reader,
            store,
            question,
            ranked,
            settings,
            depth or settings.depth,
            max(settings.first_read, first),
        )

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

    def no_quotes_line(self, speaker: str) -> str:
        """'No quotes by X', with the speakers of close names when there are any."""
        import difflib

        names = [name for name, _, _ in self.store.speakers(5000)]
        last = speaker.split()[-1].lower() if speaker.split() else ""
        close = [n for n in names if n.split()[-1].lower() == last]
        close += difflib.get_close_matches(speaker, names, n=3, cutoff=0.6)
        close = list(dict.fromkeys(close))[:5]
        if close:
            return f"No quotes by {speaker}; speakers with a close name: {', '.join(close)}."
        searched = f"{self.store.count():,} articles"
        return f"No quotes by {speaker} in the {searched}; `qa quotes` lists who is quoted."

    def speaker_record(self, speaker: str) -> list[ArticleQuotes]:
        """Everything `speaker` said, grouped by article, by publication date (undated last)."""
        return speaker_record(self.store, self.quotes(speaker=speaker))

    def check_quote(self, text: str, speaker: str | None = None, k: int = 5) -> QuoteCheck:
        """Did someone really say `text`? See `qa.factcheck.check`.

        Raises:
            InputError: the text is empty or too long.
        """
        return check_quote(self.store, self.encoder, text, speaker, k)

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
