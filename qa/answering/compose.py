"""Turn scored sentences into an answer: the best few, each cited [n] (chosen by
`qa.answering.citations`), and who says what when they hold statements by different speakers."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping, Sequence

from index.models import Quote, Sentence
from qa.answering.citations import select_citations
from qa.answering.sentences import ScoredSentence
from qa.models import Answer, Citation, Statement, render_text
from qa.quotes.lexicon import CONTESTING_CUES
from qa.quotes.whosaid import quote_of

SpanFinder = Callable[[Sentence], "tuple[int, int] | None"]


def compose_answer(
    question: str,
    ranked: Sequence[ScoredSentence],
    titles: Mapping[str, str],
    quotes: Mapping[str, Sequence[Quote]],
    k: int = 3,
    threshold: float = 0.0,
    find_span: SpanFinder | None = None,
    support_threshold: float | None = None,
    originals: Mapping[str, str] | None = None,
) -> Answer:
    """An answer of up to `k` sentences in the order of `ranked` (best first, though not always by
    score: see `qa.answering.rerank`), cited when they support the answer and listed apart as related
    otherwise (`qa.answering.citations`), or an abstention when the best score is below `threshold`.
    The sentences after the first need only reach `support_threshold` (default: `threshold`): once
    the best sentence is good enough to answer, weaker ones may still hold the answer it lacks.
    `originals` maps an article that is a copy of another to it (`Store.originals`)."""
    if not ranked or max(c.score for c in ranked) < threshold:
        return abstain(question, "No sentence in the articles matches the question well enough.")
    floor = threshold if support_threshold is None else support_threshold
    chosen = select_citations(question, ranked, titles, k, floor, find_span, originals)

    def cite(n: int, c: ScoredSentence, span: bool) -> Citation:
        return Citation(
            n=n,
            sentence=c.sentence,
            title=titles.get(c.sentence.article_id, ""),
            score=round(c.score, 4),
            span=find_span(c.sentence) if find_span and span else None,
            quote=quote_of(c.sentence, quotes.get(c.sentence.article_id, ())),
        )

    citations = tuple(cite(n, c, n == 1) for n, c in enumerate(chosen.cited, start=1))
    related = tuple(cite(n, c, False) for n, c in enumerate(chosen.related, start=len(citations) + 1))
    statements = who_says_what(citations, quotes)
    return Answer(
        question, render_text(citations), citations, abstained=False, statements=statements, related=related
    )


def who_says_what(
    citations: Sequence[Citation], quotes: Mapping[str, Sequence[Quote]]
) -> tuple[Statement, ...]:
    """Who says what, when a cited sentence holds a statement contesting another ("Wagner claimed its
    forces had captured Soledar; Ukraine denied any full takeover"): the statements of each cited
    sentence that holds a contesting one and of a cited sentence right before it in the article (what
    the denial answers), in the order cited, if they come from two or more speakers; none otherwise.

    Quoted fragments inside a sentence ("mixed" quotes) are left out, and a statement that runs on into
    another speaker's ("fighting was ongoing and Ukraine denied any full takeover") is cut where that
    speaker is named."""
    by_citation = {c.n: _statements_in(c, quotes.get(c.sentence.article_id, ())) for c in citations}
    contesting = [c for c in citations if any(_contests(st) for st in by_citation[c.n])]
    answered = {(c.sentence.article_id, c.sentence.position - 1) for c in contesting}
    kept = {c.n for c in contesting} | {
        c.n for c in citations if (c.sentence.article_id, c.sentence.position) in answered
    }
    statements: list[Statement] = []
    seen: set[tuple[str, int]] = set()
    for c in citations:
        for statement in by_citation[c.n] if c.n in kept else ():
            key = (statement.quote.article_id, statement.quote.start)
            if key not in seen:
                seen.add(key)
                statements.append(statement)
    if len({st.quote.speaker for st in statements}) < 2:
        return ()
    return tuple(statements)


def _statements_in(citation: Citation, quotes: Sequence[Quote]) -> list[Statement]:
    s = citation.sentence
    inside = sorted(
        (q for q in quotes if q.speaker and q.cue and q.kind != "mixed" and s.start <= q.start < s.end),
        key=lambda q: q.start,
    )
    return [Statement(citation.n, _cut_at_other_speakers(q, inside)) for q in inside]


def _contests(statement: Statement) -> bool:
    cue = statement.quote.cue or ""
    return bool(cue) and cue.split()[0].lower() in CONTESTING_CUES


_TRAILING_LINKS = re.compile(r"(?:[\s,;:]|\b(?:and|but|while|as|whereas)\b)+$")


def _cut_at_other_speakers(quote: Quote, others: Sequence[Quote]) -> Quote:
    for other in others:
        if other.speaker == quote.speaker or not quote.start < other.start < quote.end:
            continue
        mention = other.speaker_mention or other.speaker or ""
        at = quote.text.rfind(mention, 0, other.start - quote.start) if mention else -1
        if at <= 0:
            continue
        text = _TRAILING_LINKS.sub("", quote.text[:at])
        if text:
            return dataclasses.replace(quote, text=text, end=quote.start + len(text))
    return quote


def abstain(question: str, reason: str) -> Answer:
    return Answer(question, "", (), abstained=True, reason=reason)
