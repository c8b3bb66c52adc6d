"""The reason after the sentence that repeats a "why" question's event.

News often states the event in one sentence and gives the reason in the next, with no connective
("It's unlikely the nomination will go anywhere. With months left in his term, the Senate has all but
stopped confirming his picks."; "He explained why he will not back the mayor. 'He has no
experience,' he said."). The reader, trained on SQuAD where few questions ask why, gives both small
margins and the retrieval score favours the first, which repeats the question's words: the first
citation was the restatement. So for "why", the sentences after the first candidates that give no
reason (`qa.answering.spans.reasons`; `ReaderSettings.why_after_of`) are read, each with its candidate
as its context, and one that reads at most `why_after_over` weaker than its candidate takes its place,
just ahead of it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from index.models import Sentence
from index.store import Store
from qa.answering.question import Question
from qa.answering.reader.decide import ReadCandidate, ReaderSettings, read_sentences, squash
from qa.answering.reader.reader import Reader
from qa.answering.spans.parsing import parse_sentence
from qa.answering.spans.reasons import reason_clauses, restates

__all__ = ["body_before_headline", "gives_reason", "read_reasons_after", "reasons_after"]

Place = tuple[str, int]


def gives_reason(question: Question, text: str) -> bool:
    """Whether the sentence gives a reason clause that does not only repeat the question's words."""
    terms = frozenset(question.terms)
    return any(not restates(text, c, terms) for c in reason_clauses(parse_sentence(text)))


def reasons_after(
    question: Question,
    read: Sequence[ReadCandidate],
    following: dict[Place, ReadCandidate],
    over: float,
    of: int,
    reach: int = 1,
) -> list[ReadCandidate]:
    """`read` (best first) with the sentence after each of the first `of` candidates that give no
    reason moved (or added) just ahead of it, when it reads at most `over` weaker (`following`: the
    sentences after, read with their context, by their place; of the `reach` sentences after, the
    one read best). It takes its candidate's
    mixed score, a hair higher, so that later ordering keeps it ahead."""
    if question.type != "why":
        return list(read)
    found = list(read)
    for place in [_place(c.sentence) for c in found[:of]]:
        at = next(i for i, c in enumerate(found) if _place(c.sentence) == place)
        candidate = found[at]
        if gives_reason(question, candidate.sentence.text):
            continue
        afters = [following.get((place[0], place[1] + k)) for k in range(1, reach + 1)]
        close = [a for a in afters if a is not None and a.reading.margin >= candidate.reading.margin + over]
        if not close:
            continue
        after = max(close, key=lambda a: a.reading.margin)
        ahead = [i for i, c in enumerate(found[:at]) if _place(c.sentence) == _place(after.sentence)]
        if ahead:
            continue  # it goes first already
        found = [c for c in found if _place(c.sentence) != _place(after.sentence)]
        at = next(i for i, c in enumerate(found) if _place(c.sentence) == place)
        found.insert(at, dataclasses.replace(after, mixed=max(after.mixed, candidate.mixed + 1e-6)))
    return found


def body_before_headline(
    question: Question, read: Sequence[ReadCandidate], titles: dict[str, str], depth: int
) -> list[ReadCandidate]:
    """`read` with the first sentence of the first candidate's article among the first `depth` that
    gives a reason moved ahead of it, when the first candidate is its article's headline: a headline
    gives the reason in a few words ("Bank Covers Up Hack To Protect Chief"), the body in full."""
    found = list(read)
    if question.type != "why" or not found or not _is_title(found[0].sentence, titles):
        return found
    first = found[0].sentence
    for i, candidate in enumerate(found[1:depth], start=1):
        sentence = candidate.sentence
        if sentence.article_id == first.article_id and gives_reason(question, sentence.text):
            moved = dataclasses.replace(candidate, mixed=max(candidate.mixed, found[0].mixed + 1e-6))
            return [moved, *found[:i], *found[i + 1 :]]
    return found


def _is_title(sentence: Sentence, titles: dict[str, str]) -> bool:
    """Whether the sentence is its article's title (the text's first line in most news)."""
    title = titles.get(sentence.article_id, "")
    return bool(title) and _plain(sentence.text) == _plain(title)


def _plain(text: str) -> str:
    return " ".join(text.lower().rstrip(" .!?").split())


def read_reasons_after(
    reader: Reader,
    store: Store,
    question: Question,
    text: str,
    read: Sequence[ReadCandidate],
    settings: ReaderSettings,
) -> list[ReadCandidate]:
    """`reasons_after` over `read`, reading the sentences after its first `why_after_of` candidates
    that give no reason (those not read already) in one batch, each with its candidate's retrieval
    score (not when `why_after_over` is None); then `body_before_headline`."""
    if question.type != "why" or not read:
        return list(read)
    of = settings.why_after_of
    found = list(read)
    if settings.why_after_over is not None:
        found = reasons_after(
            question,
            read,
            _following(reader, store, question, text, read, settings),
            settings.why_after_over,
            of,
            settings.why_after_reach,
        )
    titles = store.titles(list({c.sentence.article_id for c in found[:of]}))
    return body_before_headline(question, found, titles, of + 1)


def _following(
    reader: Reader,
    store: Store,
    question: Question,
    text: str,
    read: Sequence[ReadCandidate],
    settings: ReaderSettings,
) -> dict[Place, ReadCandidate]:
    """The sentences after the first `why_after_of` candidates that give no reason, read (those not
    read already) each with its candidate as context and its candidate's retrieval score."""
    known = {_place(c.sentence): c for c in read}
    wanted = [c for c in read[: settings.why_after_of] if not gives_reason(question, c.sentence.text)]
    places = [
        (c, (c.sentence.article_id, c.sentence.position + k))
        for c in wanted
        for k in range(1, settings.why_after_reach + 1)
    ]
    at = store.sentences_at([p for _, p in places if p not in known])
    following: dict[Place, ReadCandidate] = {p: known[p] for _, p in places if p in known}
    new: list[tuple[ReadCandidate, Sentence]] = list(
        {p: (c, at[p]) for c, p in places if p in at and p not in known}.values()
    )
    if new:
        readings = read_sentences(reader, store, text, [s for _, s in new], settings.short_paragraph)
        for (candidate, sentence), reading in zip(new, readings):
            scored = dataclasses.replace(candidate.scored, sentence=sentence)
            following[_place(sentence)] = ReadCandidate(
                scored, reading, _mixed(scored.score, reading.margin, settings)
            )
    return following


def _mixed(score: float, margin: float, settings: ReaderSettings) -> float:
    """The mix `order_by_reader` gives a candidate."""
    return (1 - settings.weight) * score + settings.weight * squash(margin, settings.scale)


def _place(sentence: Sentence) -> Place:
    return (sentence.article_id, sentence.position)
