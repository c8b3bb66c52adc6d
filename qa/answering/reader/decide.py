"""Let the reader decide: read the best candidates, order them by what the reader finds, abstain when
no candidate answers, and say how sure the answer is.

After retrieval and sentence scoring (`qa.answering.sentences`) the best candidates are read, each with the
sentence before it in its paragraph: the first `first_read` in one batch, more (up to `depth`) only when
none of those is a sure answer; with the first batch, the sentence after the best candidate, read with it as
its context ("How long will the bridge repairs take?": "The bridge closed on Monday for repairs. They will
take six weeks."). The sentence before a candidate, read as its context, becomes a candidate itself when
the reader's best span lies there: the answer often stands just before the sentence that repeats the
question's words ("Who founded Northwind Tools?": "The company was started by Maria Lopez ... Today
Northwind Tools employs 400 people."). A candidate's new score mixes its retrieval score with the
reader's margin over "no answer" squashed to 0–1. Whether to answer at all rests on the answerability
(the best margin plus a share of the best retrieval score), with a higher bar when the best candidate's
article never mentions a year, number or name of the question (`qa.answering.reader.terms`); `confidence` maps
both to the chance that the first citation holds the answer (a logistic fitted on dev). All figures are
chosen by `python -m lab.reader.calibrate` on the dev questions (docs/reader.md).
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from index.models import Sentence
from index.store import Store
from qa.answering.datelines import read_bodies
from qa.answering.question import Question
from qa.answering.reader.aboutness import is_number
from qa.answering.reader.reader import Reader, Reading
from qa.answering.reader.terms import NUMBER_WORDS
from qa.answering.sentences import ScoredSentence
from qa.nlp import entities_of

# What a "when" answer may be besides a year: an entity of these labels, or a span opening with a word
# of time ("when the immune system is less active", "after the war", "during the strike").
_TIME_LABELS = frozenset({"DATE", "TIME", "EVENT"})
_TIME_WORDS = frozenset(
    "when whenever after before during while until till since once following upon".split()
)
_YEAR = re.compile(r"(?<![\d,.])(?:1\d|20)\d\d(?![\d,])")
# A question that asks for an amount ("How many", "By how much", "At what age"; not "How was it decided
# how many ..."), and the words that give one without a digit ("three", "a dozen", "several", "half").
_ASKS_AMOUNT = re.compile(r"^\W*(?:[a-z]+\s+)?(?:how\s+(?:many|much|old)|what\s+age)\b", re.IGNORECASE)
# "How many votes": the thing counted; and the units of time, which count none of the others.
_COUNTED = re.compile(r"\bhow\s+many\s+([a-z]+)", re.IGNORECASE)
_TIME_UNITS = frozenset(
    "second seconds minute minutes hour hours day days week weeks month months year years decade decades "
    "century centuries".split()
)
_AMOUNT_WORDS = NUMBER_WORDS | frozenset(
    """hundred hundreds thousand thousands million millions billion billions trillion trillions dozen
    dozens score scores half quarter third twice once thrice double triple several few many none no all
    most some handful percent cent decade decades century centuries""".split()
)

__all__ = [
    "Decision",
    "ReadCandidate",
    "ReaderSettings",
    "answerability",
    "answers_before",
    "complete_first",
    "confidence",
    "confidence_logit",
    "decide",
    "gives_no_amount",
    "gives_no_time",
    "names_only_the_asked",
    "order_by_reader",
    "read_candidates",
    "read_sentences",
]


@dataclass(frozen=True, slots=True)
class ReaderSettings:
    """How the reader's findings are used; chosen on dev by `lab.reader.calibrate` (docs/reader.md)."""

    depth: int = 8  # candidates read per question at most
    # Read the first `first_read` candidates; when one beats "no answer" by `sure_above`, stop there
    # (most questions), else read the rest up to `depth` (latency: docs/reader.md).
    first_read: int = 3
    sure_above: float = 3.0
    # A candidate's sentence before, read as its context, becomes a candidate itself when the reader's
    # best span there beats the candidate's own by `before_over` (None: never; docs/reader.md); -1.0
    # (was 0.0): the answer before the sentence repeating the question ("I'm the catcher because ...")
    # may read a little weaker, chosen on news half nA over 1 / 0 / -1 / -2 / -3 (docs/news.md).
    before_over: float | None = -1.0
    # The sentences after the first `after_of` candidates are read too, each with its candidate as its
    # context, when they are not candidates already read (docs/reader.md).
    after_of: int = 1
    # The sentence ending a paragraph of at most `short_paragraph` sentences is the context of the next
    # paragraph's first (`contexts`; 0: only the same paragraph). News is written in paragraphs of one
    # sentence, so with 0 the reader read most news candidates alone ("He has anchored the channel's
    # nightly news program since 1986"): 1, chosen on news half nA over 0-2 (docs/news.md).
    short_paragraph: int = 1
    weight: float = 0.6  # share of the reader in a candidate's score (the rest: retrieval)
    scale: float = 2.0  # margin units per step of the logistic squashing the margin to 0-1
    support_below: float = 0.25  # mixed score under which a candidate is not cited after the first
    typed_first: bool = (
        True  # "who": a close candidate whose span is a person goes first (qa.answering.rerank)
    )
    # Answerability = best reader margin + `retrieval_share` x best retrieval score; the answer
    # abstains below `abstain_below`, or below `missing_below` when the best candidate's article lacks
    # a year, number or name of the question (`qa.answering.reader.terms`). `missing_below` fitted on
    # news half nA with `abstain_below` kept (lower, it answers Wikipedia's leave-one-out questions):
    # the lowest floor declining the most near misses at <= 5% of the answerable declined
    # (`python -m lab.news.calibrate`, session 19; was 23.5).
    retrieval_share: float = 24.0
    abstain_below: float = 12.65
    missing_below: float = 26.15
    # confidence = logistic(slope * answerability + missing_slope * [a term is missing] + intercept),
    # fitted on the news questions of half nA (`python -m lab.news.calibrate`, docs/news.md; refitted in
    # session 16 after the reader's context changes, was 0.0433 / -1.5798 / -0.1755; the intercept alone
    # refitted in session 19 after a speaker's own words came first for what-said, was 0.3354); the
    # Wikipedia dev fit was slope 0.2179, missing_slope -3.9541, intercept -3.7157.
    slope: float = 0.0278
    missing_slope: float = -1.7953
    intercept: float = 0.6521
    # News (issue 29, fitted on half nA on the rows of `python -m lab.news.readings`, docs/news.md):
    # the floors are lower by `type_offsets` for a question of that type (the reader gives a "why" a
    # small margin even on the right sentence; for "what did X say" a lower floor answered with the
    # speaker's quote on another topic: tests/qa/quotes/test_topic.py); a year or number of
    # the question standing apart from the cited sentence (`qa.answering.reader.aboutness`) counts as
    # missing; a candidate within `complete_within` of the first (mixed score), among the first
    # `complete_depth`, whose article holds every term of the question goes first when the first's lacks
    # one (None: never).
    type_offsets: tuple[tuple[str, float], ...] = (("why", 1.0),)
    complete_within: float | None = 0.05
    complete_depth: int = 4
    quote_offset: float = 0.0  # added to the confidence's logit for an answer from the quote table
    # "why": the sentence after one of the first `why_after_of` candidates that gives no reason, read
    # with it as context, goes ahead of it when it reads at most `why_after_over` weaker (None: never;
    # `qa.answering.why`, docs/news.md).
    why_after_of: int = 3
    why_after_over: float | None = -2.0
    why_after_reach: int = (
        2  # sentences after read (the reason two on, a premise between; nA: 1 8/12, 2-3 9/12)
    )
    # The first candidate is read again with a name of the question its passage lacks swapped for one
    # of the same kind the passage names (`qa.answering.reader.probe`, at most `swap_tries` swaps): a
    # margin higher by `swap_gain` says the passage is about the other name, which counts as a term
    # lacking (None: never). 3.0 on news half nA over 0 / 2 / 3 / 4 (docs/news.md, session 21).
    swap_gain: float | None = 3.0
    swap_tries: int = 3


@dataclass(frozen=True, slots=True)
class ReadCandidate:
    """A candidate sentence with its retrieval score (`scored.score`), the reader's reading of it, and
    the two mixed (`mixed`, set by `order_by_reader`)."""

    scored: ScoredSentence
    reading: Reading
    mixed: float = 0.0

    @property
    def sentence(self) -> Sentence:
        return self.scored.sentence


def read_candidates(
    reader: Reader,
    store: Store,
    question: str,
    ranked: Sequence[ScoredSentence],
    settings: ReaderSettings,
    depth: int | None = None,
    first_read: int | None = None,
) -> list[ReadCandidate]:
    """The reader's reading of the first `depth` candidates (`settings.depth` when None): the first
    `first_read` (`settings.first_read`) in one batch with the sentences after the first `after_of`,
    and the rest in a second only when none of those beats "no answer" by `sure_above`. With
    `before_over`, a sentence read as context whose span beats its candidate's by that much is a
    candidate too (`answers_before`)."""
    depth = settings.depth if depth is None else depth
    first = list(ranked[: min(depth, first_read or settings.first_read)])
    short = settings.short_paragraph
    after = _sentences_after(store, first[: settings.after_of], first, short)
    read = _read(reader, store, question, first + after, short)
    if max((c.reading.margin for c, _ in read), default=-math.inf) < settings.sure_above:
        done = {(c.sentence.article_id, c.sentence.position) for c, _ in read}
        rest = [
            c for c in ranked[len(first) : depth] if (c.sentence.article_id, c.sentence.position) not in done
        ]
        read += _read(reader, store, question, rest, short)
    if settings.before_over is None:
        return [c for c, _ in read]
    return answers_before(read, settings.before_over)


def answers_before(read: Sequence[tuple[ReadCandidate, Sentence | None]], over: float) -> list[ReadCandidate]:
    """The candidates, with each sentence before one whose reading there beats the candidate's own by
    `over`: that sentence, read with what follows it, holds the answer (it takes its candidate's
    retrieval score; read both ways, a sentence keeps its better reading)."""
    found = {(c.sentence.article_id, c.sentence.position): c for c, _ in read}
    for candidate, previous in read:
        before = candidate.reading.before
        if previous is None or before is None or before.margin < candidate.reading.margin + over:
            continue
        place = (previous.article_id, previous.position)
        known = found.get(place)
        if known is None:
            scored = dataclasses.replace(candidate.scored, sentence=previous)
            found[place] = ReadCandidate(scored, dataclasses.replace(before, before=None))
        elif known.reading.margin < before.margin:
            found[place] = dataclasses.replace(known, reading=dataclasses.replace(before, before=None))
    return list(found.values())


def _sentences_after(
    store: Store, candidates: Sequence[ScoredSentence], read: Sequence[ScoredSentence], short: int
) -> list[ScoredSentence]:
    """The sentence after each of `candidates` whose context it is (`contexts`), with its candidate's
    retrieval score, unless it is one of `read`."""
    known = {(c.sentence.article_id, c.sentence.position) for c in read}
    places = [(c.sentence.article_id, c.sentence.position + 1) for c in candidates]
    at = store.sentences_at([p for p in places if p not in known])
    found = [(c, at[place]) for c, place in zip(candidates, places) if place in at]
    if not short:  # the same paragraph only: no need to look further back (`contexts`)
        return [dataclasses.replace(c, sentence=s) for c, s in found if s.paragraph == c.sentence.paragraph]
    befores = contexts(store, [s for _, s in found], short)
    return [dataclasses.replace(c, sentence=s) for (c, s), b in zip(found, befores) if b is not None]


def read_sentences(
    reader: Reader, store: Store, question: str, sentences: Sequence[Sentence], short: int = 0
) -> list[Reading]:
    """The reader's reading of `sentences`, each with its context (`contexts`), in one batch."""
    scored = [ScoredSentence(s, 0.0, 0.0, 0.0, 0.0) for s in sentences]
    return [c.reading for c, _ in _read(reader, store, question, scored, short)]


def contexts(store: Store, sentences: Sequence[Sentence], short: int) -> list[Sentence | None]:
    """The sentence before each of `sentences` when it is its context: in the same paragraph, or ending
    a paragraph of at most `short` sentences (news is written in paragraphs of a sentence or two that
    run on, "He said ..." after the line naming him; an encyclopaedia's paragraph break changes the
    topic). None where there is no such sentence."""
    places = [(s.article_id, s.position - 1) for s in sentences if s.position > 0]
    places += [(s.article_id, s.position - 1 - short) for s in sentences if short and s.position > short]
    at = store.sentences_at(places)
    found: list[Sentence | None] = []
    for s in sentences:
        previous = at.get((s.article_id, s.position - 1))
        if previous is not None and previous.paragraph != s.paragraph:
            further = at.get((s.article_id, s.position - 1 - short)) if short else previous
            if further is not None and further.paragraph == previous.paragraph:
                previous = None  # a longer paragraph before: a new topic
        found.append(previous)
    return found


def _read(
    reader: Reader, store: Store, question: str, candidates: Sequence[ScoredSentence], short: int
) -> list[tuple[ReadCandidate, Sentence | None]]:
    """Each candidate read with its context (`contexts`; None when there is none), both without a
    news dateline (`qa.answering.datelines`)."""
    if not candidates:
        return []
    sentences = [c.sentence for c in candidates]
    befores = contexts(store, sentences, short)
    readings = read_bodies(reader, question, list(zip(befores, sentences)))
    return [(ReadCandidate(c, r), b) for c, r, b in zip(candidates, readings, befores)]


def squash(margin: float, scale: float) -> float:
    """The margin mapped to 0-1 (a margin of -1e9, a window with nothing readable, is about 0)."""
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, margin / scale))))


def order_by_reader(candidates: Sequence[ReadCandidate], settings: ReaderSettings) -> list[ReadCandidate]:
    """`candidates` best first by retrieval score and reader margin mixed (`mixed`)."""
    mixed = [
        dataclasses.replace(
            c,
            mixed=(1 - settings.weight) * c.scored.score
            + settings.weight * squash(c.reading.margin, settings.scale),
        )
        for c in candidates
    ]
    mixed.sort(key=lambda c: -c.mixed)
    return mixed


@dataclass(frozen=True, slots=True)
class Decision:
    """Whether the read candidates answer the question, and how sure that is."""

    answers: bool
    answerability: float
    missing: tuple[str, ...]  # key terms of the question the best candidate's article lacks
    confidence: float
    # years and numbers of the question its article names only apart from the cited sentence (counted
    # as missing) and names so placed (`qa.answering.reader.aboutness`)
    apart: tuple[str, ...] = ()
    # what the floor and the confidence rest on besides the answerability: a term lacking (missing, a
    # number apart, an amount not given) and an answer from the quote table
    lacking: bool = False
    quoted: bool = False


def answerability(candidates: Sequence[ReadCandidate], settings: ReaderSettings) -> float:
    """Best reader margin plus `retrieval_share` x best retrieval score (-inf with no candidate)."""
    if not candidates:
        return -math.inf
    best_margin = max(c.reading.margin for c in candidates)
    best_retrieval = max(c.scored.score for c in candidates)
    return best_margin + settings.retrieval_share * best_retrieval


def decide(
    candidates: Sequence[ReadCandidate],
    missing: Sequence[str],
    settings: ReaderSettings,
    apart: Sequence[str] = (),
    kind: str = "",
    quoted: bool = False,
    not_given: bool = False,
) -> Decision:
    """Answer or abstain (`ReaderSettings`), with the calibrated confidence of answering: `apart`, the
    question's terms its article names away from the cited sentence (a year or number apart counts as
    missing); `kind`, the question's type (`qa.answering.question`); `quoted`, an answer from the quote
    table; `not_given`, the question asks for an amount or a time the first candidate does not give
    (`gives_no_amount`, `gives_no_time`), which counts as a term missing."""
    score = answerability(candidates, settings)
    lacking = bool(missing) or any(is_number(t) for t in apart) or not_given
    floor = settings.missing_below if lacking else settings.abstain_below
    if not quoted:  # the quote table's answer keeps the full floor: a quote off the topic is not answered
        floor -= dict(settings.type_offsets).get(kind, 0.0)
    sure = confidence(score, lacking, settings, quoted)
    return Decision(score >= floor, score, tuple(missing), sure, tuple(apart), lacking, quoted)


def gives_no_amount(question: str, candidates: Sequence[ReadCandidate]) -> bool:
    """Whether `question` asks for an amount ("how many", "how much", "how old", "at what age") and the
    reader's span in the first candidate holds none: no digit, no word of number or quantity ("At what
    age did Betty Friedan die?" -> "the feminist leader and author": the sentence is not the answer),
    or only a time where the question counts something else ("By how many votes?" -> "Three weeks")."""
    if not candidates or _ASKS_AMOUNT.search(question) is None:
        return False
    first = candidates[0]
    if first.reading.span is None:
        return True
    start, end = first.reading.span
    words = first.sentence.text[start:end].lower()
    found = set(re.findall(r"[a-z]+", words))
    if not any(ch.isdigit() for ch in words) and not _AMOUNT_WORDS & found:
        return True
    # a time for a count of something else: "By how many votes ...?" -> "Three weeks"
    counted = _COUNTED.search(question)
    return bool(counted and not _is_time(counted.group(1)) and any(_is_time(w) for w in found))


def gives_no_time(question: Question, candidates: Sequence[ReadCandidate]) -> bool:
    """Whether `question` asks when ("When ...?", "In what year ...?", "On what date ...?") and the
    reader's span in the first candidate names no time: no date, time or event by the NER model, no
    year, no clause of time ("when the immune system is less active", "after the war"). A headline
    repeating the question's name ("Ashford & Greaves to close 24 stores as profits slide" for "When
    was Ashford & Greaves founded?") names none, nor does a crowd of "14,382" for "When did they win
    the cup?"."""
    if question.type != "when" or not candidates:
        return False
    first = candidates[0]
    if first.reading.span is None:
        return True
    start, end = first.reading.span
    words = first.sentence.text[start:end]
    opening = words.split()[:1]
    if _YEAR.search(words) or (opening and opening[0].lower() in _TIME_WORDS):
        return False
    entities = entities_of(first.sentence.text)
    return not any(label in _TIME_LABELS and s < end and e > start for s, e, label in entities)


def names_only_the_asked(question: Question, candidates: Sequence[ReadCandidate]) -> str | None:
    """The person the question itself names, when the question asks for a person ("Who ...?", "Whom
    ...?") and every person the reader's span in the first candidate names is that one: "Whom did Chris
    Murphy defeat in his 2012 Senate race?" -> "Sen. Chris Murphy (a Connecticut Democrat" from a
    sentence about his election. The answer to a question about someone is another person (a "Who is
    X?" asks for what X is, not a person, and is not checked). None otherwise."""
    if question.type != "who" or "PERSON" not in question.expected_labels or not candidates:
        return None
    first = candidates[0]
    if first.reading.span is None:
        return None
    start, end = first.reading.span
    text = first.sentence.text
    people = [text[s:e] for s, e, label in entities_of(text) if label == "PERSON" and s < end and e > start]
    asked = question.text.lower()
    if people and all(person.lower() in asked for person in people):
        return people[0]
    return None


def _is_time(word: str) -> bool:
    """Whether `word` is a unit of time ("weeks", "year")."""
    return word.lower() in _TIME_UNITS


def complete_first(
    candidates: Sequence[ReadCandidate], lacking: Callable[[ReadCandidate], bool], settings: ReaderSettings
) -> list[ReadCandidate]:
    """`candidates` with the first whose article holds every term of the question (`lacking` false)
    moved to the front when the first's article lacks one and it is close (`complete_within`)."""
    found = list(candidates)
    if settings.complete_within is None or not found or not lacking(found[0]):
        return found
    for i, candidate in enumerate(found[1 : settings.complete_depth], start=1):
        if candidate.mixed >= found[0].mixed - settings.complete_within and not lacking(candidate):
            return [candidate, *found[:i], *found[i + 1 :]]
    return found


def confidence(score: float, missing: bool, settings: ReaderSettings, quoted: bool = False) -> float:
    """The chance, fitted on dev, that the first citation of an answer with this answerability holds
    the answer."""
    if score == -math.inf:
        return 0.0
    z = confidence_logit(score, missing, settings, quoted)
    return round(1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z)))), 3)


def confidence_logit(score: float, missing: bool, settings: ReaderSettings, quoted: bool = False) -> float:
    """The logit behind `confidence`, unrounded (what the lab fits the intercept on)."""
    z = settings.slope * score + settings.missing_slope * missing + settings.intercept
    return z + settings.quote_offset * quoted
