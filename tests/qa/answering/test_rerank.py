"""Answer-type order: the first citation holds the kind of answer asked for (a person for "who", a date
for "when") when a sentence that does is close behind the best one."""

from __future__ import annotations

from index.models import Sentence
from qa.answering.question import analyze_question
from qa.answering.rerank import TYPE_MARGIN, SpanOf, typed_first
from qa.answering.sentences import ScoredSentence
from qa.answering.spans import Span, find_labelled_span

UNNAMED = "An analyst said that appointing an army chief in charge of the inquiry was unprecedented."
NAMED = "The ministry put Deputy Minister Olena Marchuk in charge of the inquiry on Monday."
ASIDE = "The inquiry began in March."


def scored(text: str, score: float, position: int) -> ScoredSentence:
    sentence = Sentence("a", position, 0, len(text), text)
    return ScoredSentence(sentence, score, dense=score, overlap=0.0, chunk=0.0)


def labelled(labels: dict[str, str | None]) -> SpanOf:
    """A span finder that gives each sentence the label asked for (None: no span at all)."""

    def span_of(sentence: Sentence) -> Span | None:
        label = labels[sentence.text]
        return None if label is None else Span(0, 1, label)

    return span_of


def texts(ranked: list[ScoredSentence]) -> list[str]:
    return [s.sentence.text for s in ranked]


def test_a_close_sentence_naming_a_person_goes_first_for_who() -> None:
    question = analyze_question("Who is in charge of the inquiry?")
    ranked = [scored(UNNAMED, 0.9, 0), scored(ASIDE, 0.85, 2), scored(NAMED, 0.8, 1)]
    span_of = labelled({UNNAMED: "", ASIDE: None, NAMED: "PERSON"})
    assert texts(typed_first(question, ranked, span_of)) == [NAMED, UNNAMED, ASIDE]


def test_order_is_kept_when_it_should_be() -> None:
    who = analyze_question("Who is in charge of the inquiry?")
    ranked = [scored(UNNAMED, 0.9, 0), scored(NAMED, 0.8, 1)]
    person = labelled({UNNAMED: "", NAMED: "PERSON"})
    # The best answer already names an organisation; the question is not "who"; the named sentence
    # is too far behind; the question names the person.
    organisation = labelled({UNNAMED: "ORG", NAMED: "PERSON"})
    assert texts(typed_first(who, ranked, organisation)) == [UNNAMED, NAMED]
    what = analyze_question("What happened to the inquiry?")
    assert texts(typed_first(what, ranked, person)) == [UNNAMED, NAMED]
    far = [scored(UNNAMED, 0.9, 0), scored(NAMED, 0.9 - TYPE_MARGIN, 1)]
    assert texts(typed_first(who, far, person)) == [UNNAMED, NAMED]
    # "Who is Olena Marchuk?" asks what she is: a name is not the answer.
    identity = analyze_question("Who is Olena Marchuk?")
    assert identity.expected_labels == ()
    assert texts(typed_first(identity, ranked, person)) == [UNNAMED, NAMED]


def test_a_when_question_puts_a_close_sentence_with_a_date_first() -> None:
    question = analyze_question("When did the inquiry begin?")
    ranked = [scored(UNNAMED, 0.9, 0), scored(ASIDE, 0.8, 2)]
    assert texts(typed_first(question, ranked, labelled({UNNAMED: None, ASIDE: "DATE"}))) == [ASIDE, UNNAMED]
    # A best sentence with a date of its own stays first.
    assert texts(typed_first(question, ranked, labelled({UNNAMED: "DATE", ASIDE: "DATE"}))) == [
        UNNAMED,
        ASIDE,
    ]


def test_a_why_question_puts_a_close_sentence_giving_a_reason_first() -> None:
    question = analyze_question("Why did the inquiry begin?")
    ranked = [scored(UNNAMED, 0.9, 0), scored(ASIDE, 0.8, 2)]
    assert texts(typed_first(question, ranked, labelled({UNNAMED: None, ASIDE: ""}))) == [ASIDE, UNNAMED]


def test_a_who_span_is_the_person_not_a_place() -> None:
    question = analyze_question("Who is in charge of the inquiry?")
    # The place hangs on a question word ("inquiry in Odesa") and once won as a "who" answer.
    text = (
        "On Monday, Kyiv announced a reshuffle, putting the head of the police Olena Marchuk in charge "
        "of its inquiry in Odesa."
    )
    span = find_labelled_span(question, text)
    assert span is not None
    assert (text[span.start : span.end], span.label) == ("Olena Marchuk", "PERSON")
