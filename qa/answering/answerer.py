"""`Answerer`: a question in, a cited answer out, in named steps over a library's store.

The steps of `ask`: check the question; turn away what cannot be answered (another language, an empty
store or scope); answer a who-said question from the quote table; otherwise read the best candidate
sentences, let the reader decide, and compose the cited answer, or say what was searched."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Collection, Sequence

from index.embedding import encode_query
from index.errors import InputError
from index.models import Sentence
from index.store import Store
from qa.answering.citations import cite_one_copy
from qa.answering.compose import abstain, compose_answer
from qa.answering.followup import Resolved, resolve_followup
from qa.answering.language import question_language
from qa.answering.question import Question, analyze_question
from qa.answering.reader.aboutness import is_number, terms_apart
from qa.answering.reader.decide import (
    Decision,
    ReadCandidate,
    ReaderSettings,
    complete_first,
    decide,
    gives_no_amount,
    gives_no_time,
    names_only_the_asked,
    order_by_reader,
    read_candidates,
    read_sentences,
)
from qa.answering.reader.probe import Instead, named_instead
from qa.answering.reader.reader import Reader
from qa.answering.reader.terms import missing_terms
from qa.answering.rerank import reader_typed_first
from qa.answering.retrieve import retrieve
from qa.answering.sentences import ScoredSentence, score_sentences
from qa.answering.spans import find_labelled_span
from qa.answering.spans.reasons import reason_span
from qa.answering.spans.whole import whole_answer
from qa.answering.why import read_reasons_after
from qa.lexical import content_words
from qa.library import Library
from qa.models import Answer, Turn
from qa.nlp import named_entities
from qa.quotes.answers import answer_quote_question
from qa.quotes.whosaid import QuoteQuery, parse_quote_question

MAX_QUESTION_CHARS = 1000
DEFAULT_CITATIONS = 3

Spans = dict[tuple[str, int], tuple[int, int] | None]


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


class Answerer:
    """Answers questions over the articles of `library` with `reader`; the encoder is the library's."""

    def __init__(self, library: Library, reader: Reader, settings: ReaderSettings) -> None:
        self.library = library
        self.reader = reader
        self.settings = settings

    @property
    def store(self) -> Store:
        return self.library.store

    def warm_up(self) -> None:
        """Load the models and the vectors now rather than on the first question (spaCy, which parses
        the question, took most of the first answer's time: bench/README.md)."""
        query = encode_query(self.library.encoder, "warm up")
        for kind in ("chunks", "sentences"):
            self.store.search_dense(kind, query, 1)
        self.reader.read("warm up", [("", "Warm up.")])
        analyze_question("Who warmed up the models?")
        named_entities("Warm up.")  # NER runs apart from the question's parse (`qa.answering.question`)

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
        searched = set(scope) if scope is not None else None
        turned_away = self._turn_away(question, searched)
        if turned_away is not None:
            return turned_away
        resolved = resolve_followup(question, history)
        quote_query = parse_quote_question(resolved.question)
        if quote_query is not None:
            answer = self._answer_from_quotes(question, resolved, quote_query, k, searched)
            if answer is not None:
                return answer
            if quote_query.speaker and resolved.exclude and self.library.speakers(quote_query.speaker):
                # "What else did he say?" once all of a known speaker's quotes were shown: the reader
                # would cite whoever else the sentences quote.
                return self._nothing_else(question, quote_query.speaker, searched)
        read = self._read_for_answer(resolved, k, searched)
        missing = self.missing_terms(resolved.question, read)
        apart = self.terms_apart(resolved.question, read)
        analysed = analyze_question(resolved.question)
        kind = analysed.type
        not_given, instead = self._not_given(analysed, read, missing)
        lacks = bool(not_given) or instead is not None
        decision = decide(read, missing, self.settings, apart, kind, not_given=lacks)
        answer = self._compose(question, resolved.question, read, decision, k)
        if not answer.abstained:
            note = (
                f"The cited article never mentions {', '.join(decision.missing)}." if decision.missing else ""
            )
            if numbers := [t for t in decision.apart if is_number(t)]:
                note = f"{note} The cited passage does not mention {', '.join(numbers)}.".strip()
            if not_given:
                note = f"{note} The cited sentence gives no {not_given}.".strip()
            if instead is not None:
                about = f"The cited passage reads as about {instead.named}, not {instead.asked}."
                note = f"{note} {about}".strip()
            return dataclasses.replace(answer, confidence=decision.confidence, reason=note)
        if instead is not None:
            not_given = f"answer about {instead.asked} (it reads as about {instead.named})"
        return self._nothing_answers(question, resolved, quote_query, read, decision, searched, not_given)

    # -- the steps of `ask` -----------------------------------------------------------------------

    def _turn_away(self, question: str, scope: set[str] | None) -> Answer | None:
        """The answer to a question nothing can be searched for: not English, an empty store or scope."""
        language = question_language(question)
        if language is not None:
            return abstain(
                question, f"I can read English only (this question looks like {language}); ask it in English."
            )
        if self.store.count() == 0:
            return abstain(question, "The store holds no articles yet; add some with `qa index`.")
        if scope is not None and not scope:
            return abstain(question, "No articles are in the search scope; widen the filter.")
        return None

    def _answer_from_quotes(
        self, question: str, resolved: Resolved, query: QuoteQuery, k: int, scope: set[str] | None
    ) -> Answer | None:
        """The quote table's answer to a who-said question, with the reader's confidence; None when the
        table has nothing to say and the question goes to the reader."""
        answer = answer_quote_question(
            self.store, query, question, k, scope, resolved.exclude, self.library.encoder
        )
        if answer is None or answer.abstained:
            return answer
        answer = cite_one_copy(
            answer, self.store.originals([c.sentence.article_id for c in answer.citations])
        )
        decision = self._quote_decision(resolved.question, answer)
        if query.kind == "what_said" and query.topic and not decision.answers:
            return None  # none of the speaker's quotes reads as an answer on the topic: the reader searches
        return dataclasses.replace(answer, confidence=decision.confidence)

    def _read_for_answer(self, resolved: Resolved, k: int, scope: set[str] | None) -> list[ReadCandidate]:
        """The candidates read for the answer, best first, the wanted kind of answer first if so set."""
        read = self.read(resolved.question, scope, resolved.exclude, max(k, self.settings.depth), first=k)
        analysed = analyze_question(resolved.question)
        if self.settings.typed_first:
            read = reader_typed_first(analysed, read)
        read = read_reasons_after(self.reader, self.store, analysed, resolved.question, read, self.settings)
        return complete_first(read, lambda c: self._lacking(resolved.question, c), self.settings)

    def _not_given(
        self, analysed: Question, read: Sequence[ReadCandidate], missing: Sequence[str]
    ) -> tuple[str, Instead | None]:
        """What the question asks for and the first candidate does not give: "number", "date or time",
        "person other than X" ("Whom did X defeat?" answered by X), or "" when it gives it; and, when
        none of those nor a missing term is found, whether its passage reads as about another name of
        the kind the question names (`qa.answering.reader.probe`)."""
        not_given = "number" if gives_no_amount(analysed.text, read) else ""
        not_given = not_given or ("date or time" if gives_no_time(analysed, read) else "")
        if not not_given and (asked := names_only_the_asked(analysed, read)):
            not_given = f"person other than {asked}"
        settings = self.settings
        if not_given or missing or not read or settings.swap_gain is None:
            return not_given, None
        instead = named_instead(
            self.reader,
            self.store,
            analysed.text,
            read[0],
            settings.short_paragraph,
            settings.swap_gain,
            settings.swap_tries,
        )
        return not_given, instead

    def _lacking(self, question: str, candidate: ReadCandidate) -> bool:
        """Whether the candidate's article lacks a term of the question, or names a year or number of
        it only away from the candidate (`qa.answering.reader.aboutness`)."""
        if self.missing_terms(question, [candidate]):
            return True
        return any(is_number(t) for t in self.terms_apart(question, [candidate]))

    def _compose(
        self, question: str, resolved: str, read: list[ReadCandidate], decision: Decision, k: int
    ) -> Answer:
        """The cited answer from the candidates the reader kept (none when it decided not to answer)."""
        store = self.store
        spans: Spans = {(c.sentence.article_id, c.sentence.position): c.reading.span for c in read}
        if read and decision.answers:
            first = read[0].sentence
            key = (first.article_id, first.position)
            spans[key] = whole_answer(first.text, spans[key])  # "Alexandria" -> "Alexandria, Va."
            spans.update(self._described(resolved, read[0].sentence))
            spans.update(self._reasons(resolved, read[: k * 2]))
        return compose_answer(
            question,
            [dataclasses.replace(c.scored, score=c.mixed) for c in read] if decision.answers else [],
            store.titles(list({c.sentence.article_id for c in read})),
            {a: store.quotes(a) for a in {c.sentence.article_id for c in read[: k * 4]}},
            k=k,
            threshold=-math.inf,
            support_threshold=self.settings.support_below,
            find_span=lambda sentence: spans.get((sentence.article_id, sentence.position)),
            originals=store.originals(list({c.sentence.article_id for c in read})),
        )

    def _nothing_answers(
        self,
        question: str,
        resolved: Resolved,
        quote_query: QuoteQuery | None,
        read: list[ReadCandidate],
        decision: Decision,
        scope: set[str] | None,
        not_given: str = "",
    ) -> Answer:
        """The abstention: what was searched, and what the closest article lacks when that is why (or
        what the closest passage does not give: `not_given`, "number", "date or time" or "person other
        than X")."""
        if quote_query is not None and quote_query.speaker and resolved.exclude:
            return self._nothing_else(question, quote_query.speaker, scope)
        count = len(scope) if scope is not None else self.store.count()
        searched = f"{count} article{'s' if count != 1 else ''} searched"
        if decision.missing and read:
            named = ", ".join(decision.missing)
            return abstain(
                question,
                f"Nothing in the {searched} answers this question: the closest passages are from an "
                f"article that never mentions {named}.",
            )
        if (numbers := [t for t in decision.apart if is_number(t)]) and read:
            return abstain(
                question,
                f"Nothing in the {searched} answers this question: the closest passages do not mention "
                f"{', '.join(numbers)} (their article does, elsewhere).",
            )
        if not_given and read:
            return abstain(
                question,
                f"Nothing in the {searched} answers this question: the closest passage gives no {not_given}.",
            )
        terms = ", ".join(content_words(resolved.question)[:6]) or resolved.question
        return abstain(question, f"Nothing in the {searched} answers this question (searched for: {terms}).")

    def _nothing_else(self, question: str, speaker: str, scope: set[str] | None) -> Answer:
        count = len(scope) if scope is not None else self.store.count()
        searched = f"{count} article{'s' if count != 1 else ''} searched"
        return abstain(question, f"{speaker} says nothing else in the {searched} than the answers above.")

    def _described(self, question: str, sentence: Sentence) -> Spans:
        """For "Who is Dmitry Peskov?" the span is what he is ("Kremlin spokesman"), which the rules
        find (`qa.answering.spans`) and the reader, trained on questions asking for names, does not: its
        span was the name itself ("Mykhaylo" for "Who is Podolyak?")."""
        analysed = analyze_question(question)
        if analysed.type != "who" or "PERSON" in analysed.expected_labels:
            return {}
        span = find_labelled_span(analysed, sentence.text, encoder=self.library.encoder)
        return {(sentence.article_id, sentence.position): None if span is None else (span.start, span.end)}

    def _reasons(self, question: str, read: Sequence[ReadCandidate]) -> Spans:
        """For "why" the span is the reason a sentence gives (`qa.answering.spans.reasons`): the reader,
        trained on SQuAD where few questions ask why, bolded a "despite" clause or a restatement."""
        analysed = analyze_question(question)
        if analysed.type != "why":
            return {}
        terms = frozenset(analysed.terms)
        return {
            (c.sentence.article_id, c.sentence.position): reason_span(terms, c.sentence.text, c.reading.span)
            for c in read
        }

    def _quote_decision(self, question: str, answer: Answer) -> Decision:
        """The reader's decision on an answer from the quote table: its cited sentences read as
        candidates."""
        sentences = [c.sentence for c in answer.citations]
        readings = read_sentences(self.reader, self.store, question, sentences, self.settings.short_paragraph)
        read = [
            ReadCandidate(ScoredSentence(c.sentence, c.score, 0.0, 0.0, 0.0), r)
            for c, r in zip(answer.citations, readings)
        ]
        kind = analyze_question(question).type
        return decide(read, self.missing_terms(question, read), self.settings, kind=kind, quoted=True)

    # -- reading, also used by evaluation and calibration -----------------------------------------

    def missing_terms(self, question: str, read: Sequence[ReadCandidate]) -> list[str]:
        """The question's years, numbers and names that the best candidate's article does not mention."""
        if not read:
            return []
        article = self.store.article(read[0].sentence.article_id)
        return (
            # the source counts as mentioned: "according to USA Today" of an article USA Today published
            missing_terms(question, f"{article.title}\n{article.source}\n{article.text}", article.published)
            if article
            else []
        )

    def terms_apart(self, question: str, read: Sequence[ReadCandidate]) -> list[str]:
        """The question's terms the best candidate's article names, but not near its sentence."""
        if not read:
            return []
        sentence = read[0].sentence
        article = self.store.article(sentence.article_id)
        if article is None:
            return []
        sentences = self.store.sentences(sentence.article_id)
        return terms_apart(
            question, article, sentences, sentence.position, self.missing_terms(question, read)
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
        (`qa.answering.reader.decide`)."""
        read = self.read_unordered(question, scope, exclude, depth, first)
        return order_by_reader(read, self.settings)

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
        query = encode_query(self.library.encoder, question)
        hits = retrieve(store, question, query, scope=scope)
        ranked = score_sentences(store, question, query, hits, scope)
        ranked = [s for s in ranked if (s.sentence.article_id, s.sentence.position) not in exclude]
        return read_candidates(
            self.reader,
            store,
            question,
            ranked,
            self.settings,
            depth or self.settings.depth,
            max(self.settings.first_read, first),
        )
