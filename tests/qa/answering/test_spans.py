"""Answer spans on short sentences written for these tests."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

import qa.answering.spans
from index.embedding import Encoder, HashingEncoder, Vectors
from qa.answering.question import Question, analyze_question
from qa.answering.spans import find_labelled_span, parse_sentence
from qa.answering.spans.candidates import generate_candidates
from qa.answering.spans.semantic import fill_question, semantic_features
from qa.nlp import load_spacy


def find_span(
    question: Question, sentence: str, doc: object | None = None, *, encoder: Encoder | None = None
) -> tuple[int, int] | None:
    """The offsets of `find_labelled_span`'s span, without its label."""
    span = find_labelled_span(question, sentence, doc, encoder=encoder)
    return None if span is None else (span.start, span.end)


def _span_text(question: str, sentence: str) -> str | None:
    span = find_span(analyze_question(question), sentence)
    return None if span is None else sentence[span[0] : span[1]]


@pytest.mark.parametrize(
    ("question", "sentence", "answer"),
    [
        ("Who founded the bakery?", "The bakery was founded by Anna Berg in 1998.", "Anna Berg"),
        (
            "When did the bridge open?",
            "The new bridge opened on 4 March 2021 after two years of work.",
            "4 March 2021",
        ),
        ("Where was the festival held?", "The festival was held in Lisbon last summer.", "Lisbon"),
        ("How much did the stadium cost?", "The stadium cost $450 million to build.", "$450 million"),
        (
            "In what year did the factory close?",
            "The factory closed in 1987, and 300 workers lost their jobs.",
            "1987",
        ),
        ("What percentage of voters supported the plan?", "Some 62% of voters supported the plan.", "62%"),
    ],
)
def test_typed_question_takes_the_entity_of_its_type(question: str, sentence: str, answer: str) -> None:
    assert _span_text(question, sentence) == answer


@pytest.mark.parametrize(
    ("question", "sentence", "answer"),
    [
        (
            "How many people attended the concert?",
            "About 12,000 people attended the concert on Saturday.",
            "12,000",
        ),
        ("How many ships were lost?", "Four ships were lost in the storm.", "Four"),
    ],
)
def test_count_drops_approximators_and_keeps_number_words(question: str, sentence: str, answer: str) -> None:
    assert _span_text(question, sentence) == answer


def test_what_object_is_the_noun_phrase_after_the_question_verb() -> None:
    sentence = "Maria Lopez opened a small bookshop in Lyon in 2015."
    assert _span_text("What did Maria Lopez open in Lyon?", sentence) == "small bookshop"


def test_another_name_is_found_inside_parentheses() -> None:
    sentence = "The harbour district (known locally as the Docks) is being rebuilt."
    assert _span_text("What is another name for the harbour district?", sentence) == "Docks"


@pytest.mark.parametrize(
    ("question", "sentence", "answer"),
    [
        (
            "Why did the court block the closure?",
            "A court on Friday suspended the closure of the hospital, ruling that residents had not been "
            "consulted.",
            "residents had not been consulted",
        ),
        (
            "Why did the airline cancel flights?",
            "The airline cancelled 200 flights, citing a shortage of pilots.",
            "a shortage of pilots",
        ),
    ],
)
def test_why_takes_the_reason_a_news_participle_gives(question: str, sentence: str, answer: str) -> None:
    assert _span_text(question, sentence) == answer


def test_why_takes_the_clause_after_because() -> None:
    sentence = "The council delayed the vote because the budget figures were incomplete."
    assert _span_text("Why did the council delay the vote?", sentence) == "the budget figures were incomplete"


def test_when_question_without_a_date_has_no_span() -> None:
    assert _span_text("When did the bridge open?", "The bridge is made of steel.") is None


@pytest.mark.parametrize(
    ("question", "sentence", "answer"),
    [
        (
            "Who is Tom Hale?",
            "Former Scottish League Cup winner Tom Hale took over the team in May.",
            "Former Scottish League Cup winner",
        ),
        ("Who is Tom Hale?", "The team is coached by Tom Hale, a former striker.", "former striker"),
    ],
)
def test_who_is_a_named_person_takes_their_title(question: str, sentence: str, answer: str) -> None:
    assert _span_text(question, sentence) == answer


@pytest.mark.model
def test_who_takes_the_name_beside_a_noun_phrase(real_encoder: Encoder) -> None:
    # With the encoder's signals "Rudar's coach" scored best; "who" asks for the name beside it.
    sentence = (
        "Rudar's coach, Zoran Simic, complained that the referee had missed a foul on his goalkeeper "
        "before the winning goal."
    )
    question = analyze_question("Who complained about the referee?")
    span = find_span(question, sentence, encoder=real_encoder)
    assert span is not None and sentence[span[0] : span[1]] == "Zoran Simic"


def test_who_is_a_named_person_has_no_span_where_nothing_describes_them() -> None:
    assert _span_text("Who is Tom Hale?", '"We lost the cup," Tom Hale told reporters on Sunday.') is None


def test_a_person_with_no_proper_noun_is_no_person() -> None:
    # The small model tags "Turnout" PERSON at the start of this sentence, and NOUN.
    doc = parse_sentence("Turnout was 68 percent, up from 61 percent at the last election in 2021.")
    candidates = generate_candidates(analyze_question("Who won the election?"), doc)
    assert "PERSON" not in {c.label for c in candidates}


def test_an_age_is_not_a_date() -> None:
    # The small model labels "34-year-old" DATE; it still answers "how old".
    sentence = "Rescuers reached the 34-year-old climber on the north ridge."
    assert _span_text("When was the climber rescued?", sentence) is None
    assert _span_text("How old is the climber?", sentence) == "34-year-old"


@pytest.mark.parametrize(
    ("question", "sentence", "answer"),
    [
        (
            "When did the bridge open to traffic?",
            "The bridge carried its first cars as early as 1887, long before the road was paved.",
            "1887",
        ),
        ("What percentage of voters backed the plan?", "Some 27-30% of voters backed the plan.", "27-30%"),
        (
            "How long did the meeting last?",
            "The meeting lasted 45 minutes and ended without a deal.",
            "45 minutes",
        ),
        (
            "How many boats did the fishermen lose?",
            "The fishermen lost four fishing boats in the storm.",
            "four",
        ),
        (
            "When does the flood alarm sound?",
            "The flood alarm sounds when the water rises above the red mark on the gauge.",
            "when the water rises above the red mark on the gauge",
        ),
        ("When will the museum reopen?", "The museum is expected to reopen in the autumn.", "autumn"),
        (
            "How many seats did the Farmers' Party win?",
            "The Farmers' Party won the vote on Sunday, taking 71 of the 150 seats.",
            "71",
        ),
        (
            "How much did the club pay for the striker?",
            "The club agreed a 45 million pound fee for the striker.",
            "45 million pound fee",
        ),
    ],
)
def test_numbers_and_times_the_entity_model_misses(question: str, sentence: str, answer: str) -> None:
    assert _span_text(question, sentence) == answer


def test_yes_no_question_has_no_span() -> None:
    assert _span_text("Did the mayor resign?", "The mayor resigned on Monday.") is None


def test_span_offsets_index_the_sentence() -> None:
    sentence = "The festival was held in Lisbon last summer."
    assert find_span(analyze_question("Where was the festival held?"), sentence) == (25, 31)


def test_pre_parsed_doc_gives_the_same_span() -> None:
    sentence = "The bakery was founded by Anna Berg in 1998."
    question = analyze_question("Who founded the bakery?")
    doc = load_spacy()(sentence)
    assert find_span(question, sentence, doc) == find_span(question, sentence) == (26, 35)


def test_doc_of_another_sentence_is_rejected() -> None:
    doc = parse_sentence("The festival was held in Lisbon last summer.")
    with pytest.raises(ValueError, match="parsed from"):
        find_span(analyze_question("Who founded the bakery?"), "The bakery was founded by Anna Berg.", doc)


def test_parsed_sentences_are_cached_by_text() -> None:
    sentence = "The bridge is made of steel."
    assert parse_sentence(sentence) is parse_sentence(sentence)


def test_public_names_do_not_drift() -> None:
    assert sorted(qa.answering.spans.__all__) == [
        "Span",
        "find_labelled_span",
        "parse_sentence",
    ]


@pytest.mark.parametrize(
    ("sentence", "phrase"),
    [
        ("Anna Berg is the Minister of Finance.", "the Minister of Finance"),
        ("The river feeds the lakes of the northern valley.", "the lakes of the northern valley"),
    ],
)
def test_noun_phrase_with_a_short_of_complement_is_a_candidate(sentence: str, phrase: str) -> None:
    doc = parse_sentence(sentence)
    question = analyze_question("What does the sentence mention?")
    texts = {doc[c.start : c.end].text for c in generate_candidates(question, doc)}
    assert phrase in texts


@pytest.mark.parametrize(
    ("question", "phrase", "filled"),
    [
        ("What did Maria Lopez open?", "a bookshop", "a bookshop did Maria Lopez open?"),
        ("In what year did the factory close?", "1987", "In 1987 did the factory close?"),
    ],
)
def test_fill_question_puts_the_candidate_in_the_wh_phrase(question: str, phrase: str, filled: str) -> None:
    assert fill_question(analyze_question(question), phrase) == filled


def test_encoder_features_come_one_per_candidate_from_one_batch() -> None:
    sentence = "Maria Lopez opened a small bookshop in Lyon in 2015."
    question = analyze_question("What did Maria Lopez open in Lyon?")
    doc = parse_sentence(sentence)
    candidates = list(generate_candidates(question, doc))
    encoder = _CountingEncoder()
    features = semantic_features(question, doc, candidates, encoder)
    assert encoder.calls == 1
    assert len(features) == len(candidates)
    assert all(set(f) == {"filled", "asked"} for f in features)


def test_span_with_an_encoder_stays_inside_the_sentence() -> None:
    sentence = "Maria Lopez opened a small bookshop in Lyon in 2015."
    span = find_span(analyze_question("What did Maria Lopez open?"), sentence, encoder=HashingEncoder(64))
    assert span is not None
    assert sentence[span[0] : span[1]] in {"Maria Lopez", "small bookshop", "Lyon", "2015"}


class _CountingEncoder(HashingEncoder):
    """The hashing test encoder, counting its `embed_batch` calls."""

    def __init__(self) -> None:
        super().__init__(64)
        self.calls = 0

    def embed_batch(self, texts: Sequence[str]) -> Vectors:
        self.calls += 1
        return super().embed_batch(texts)
