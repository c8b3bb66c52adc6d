""" "Why" on news: the reason in the sentence after the one repeating the question, the body's reason
before the headline's."""

from __future__ import annotations

from index.models import Sentence
from qa.answering.question import analyze_question
from qa.answering.reader.decide import ReadCandidate
from qa.answering.reader.reader import Reading
from qa.answering.sentences import ScoredSentence
from qa.answering.why import body_before_headline, gives_reason, reasons_after

WHY = analyze_question("Why is the ferry service leaving Port Alder after 2025?")
HEADLINE = "Ferry Line Quits Port Alder To Cut Costs"
RESTATING = "The ferry has called at Port Alder since 1950, but the service will leave the port in 2026."
REASON = "The council declined to renew its berth contract and no other harbour offered one."
REASON_BODY = "The operator said it would leave Port Alder to cut costs after fuel prices doubled."
ASIDE = "Passengers were told on Monday."


def _read(text: str, position: int, margin: float, mixed: float, article: str = "a") -> ReadCandidate:
    sentence = Sentence(article, position, 0, len(text), text)
    scored = ScoredSentence(sentence, mixed, dense=mixed, overlap=0.0, chunk=0.0)
    return ReadCandidate(scored, Reading(None, margin), mixed)


def _texts(read: list[ReadCandidate]) -> list[str]:
    return [c.sentence.text for c in read]


def test_a_restating_sentence_gives_no_reason_and_a_because_clause_does() -> None:
    assert not gives_reason(WHY, RESTATING)
    assert not gives_reason(WHY, REASON)  # the reason stands without a connective: the order finds it
    assert gives_reason(WHY, "The service will leave because the council declined to renew its contract.")


def test_the_sentence_after_a_restatement_goes_ahead_of_it() -> None:
    restating, reason = _read(RESTATING, 2, 1.0, 0.76), _read(REASON, 3, -0.1, 0.61)
    read = [restating, _read(ASIDE, 7, -3.0, 0.5), reason]
    following = {("a", 3): reason}
    found = reasons_after(WHY, read, following, over=-2.0, of=3)
    assert _texts(found) == [REASON, RESTATING, ASIDE]
    assert found[0].mixed > found[1].mixed  # later ordering keeps it ahead


def test_the_sentence_after_stays_behind_when_it_reads_much_weaker_or_the_first_gives_a_reason() -> None:
    restating, reason = _read(RESTATING, 2, 1.0, 0.76), _read(REASON, 3, -4.0, 0.3)
    assert _texts(reasons_after(WHY, [restating, reason], {("a", 3): reason}, over=-2.0, of=3)) == [
        RESTATING,
        REASON,
    ]
    giving = _read(REASON_BODY, 2, 1.0, 0.76)
    after = _read(ASIDE, 3, 1.0, 0.3)
    assert _texts(reasons_after(WHY, [giving, after], {("a", 3): after}, over=-2.0, of=3)) == [
        REASON_BODY,
        ASIDE,
    ]
    # Not a "why" question: nothing moves.
    when = analyze_question("When will the ferry leave Port Alder?")
    assert _texts(reasons_after(when, [restating, reason], {("a", 3): reason}, over=-9.0, of=3)) == [
        RESTATING,
        REASON,
    ]


def test_a_sentence_after_that_goes_first_already_stays_first() -> None:
    reason, restating = _read(REASON, 3, 2.0, 0.8), _read(RESTATING, 2, 1.0, 0.7)
    found = reasons_after(WHY, [reason, restating], {("a", 3): reason}, over=-2.0, of=3)
    assert _texts(found) == [REASON, RESTATING]
    assert found[0].mixed == 0.8


def test_the_body_sentence_giving_the_reason_goes_before_the_headline() -> None:
    titles = {"a": HEADLINE, "b": "Another story"}
    read = [_read(f"{HEADLINE}.", 0, 2.0, 0.67), _read(ASIDE, 5, 0.0, 0.6), _read(REASON_BODY, 2, -1.3, 0.5)]
    assert _texts(body_before_headline(WHY, read, titles, depth=4)) == [REASON_BODY, f"{HEADLINE}.", ASIDE]
    # A body sentence of another article does not move; nor does anything when the first is no headline.
    other = [_read(f"{HEADLINE}.", 0, 2.0, 0.67), _read(REASON_BODY, 2, -1.3, 0.5, article="b")]
    assert _texts(body_before_headline(WHY, other, titles, depth=4)) == [f"{HEADLINE}.", REASON_BODY]
    body_first = [_read(RESTATING, 1, 2.0, 0.67), _read(REASON_BODY, 2, -1.3, 0.5)]
    assert _texts(body_before_headline(WHY, body_first, titles, depth=4)) == [RESTATING, REASON_BODY]


def test_the_reason_two_sentences_on_goes_ahead_past_a_premise() -> None:
    premise = "Under harbour rules, a berth contract needs the council's vote."
    restating, between, reason = (
        _read(RESTATING, 2, -3.7, 0.31),
        _read(premise, 3, -8.4, 0.1),
        _read(REASON, 4, -1.8, 0.2),
    )
    following = {("a", 3): between, ("a", 4): reason}
    assert _texts(reasons_after(WHY, [restating], following, over=-2.0, of=3, reach=2)) == [REASON, RESTATING]
    assert _texts(reasons_after(WHY, [restating], following, over=-2.0, of=3, reach=1)) == [RESTATING]
