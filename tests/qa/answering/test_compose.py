"""Answer composition: who says what when the cited sentences hold a claim and a denial."""

from __future__ import annotations

from index.models import Quote, Sentence
from qa.answering.compose import who_says_what
from qa.models import Citation

TEXT = (
    "The port authority claimed on Monday that the strike had ended, but the union said talks were "
    "continuing and the workers denied any agreement."
)
SENTENCE = Sentence("port", 0, 0, len(TEXT), TEXT)


def quote(text: str, speaker: str, cue: str, kind: str = "indirect") -> Quote:
    start = TEXT.index(text)
    return Quote("port", text, start, start + len(text), kind, speaker, speaker, cue, 0, 0)


CLAIM = quote("the strike had ended", "the port authority", "claimed")
# The extractor's quote runs on into the workers' denial, as it does on news text.
UNION = quote("talks were continuing and the workers denied any agreement", "the union", "said")
DENIAL = quote("any agreement", "the workers", "denied")


def statements(*quotes: Quote) -> list[tuple[int, str]]:
    found = who_says_what([Citation(1, SENTENCE, "Port", 0.9)], {"port": quotes})
    return [(st.n, st.text) for st in found]


def test_a_claim_and_a_denial_say_who_says_what_in_text_order() -> None:
    assert statements(DENIAL, UNION, CLAIM) == [
        (1, "the port authority claimed the strike had ended"),
        (1, "the union said talks were continuing"),
        (1, "the workers denied any agreement"),
    ]


def test_a_cut_statement_still_indexes_the_article() -> None:
    cut = who_says_what([Citation(1, SENTENCE, "Port", 0.9)], {"port": (CLAIM, UNION, DENIAL)})[1].quote
    assert TEXT[cut.start : cut.end] == cut.text == "talks were continuing"


def test_nothing_when_no_one_contests_or_one_speaker_speaks() -> None:
    assert statements(CLAIM, UNION) == []  # two speakers, no denial
    assert statements(quote("any agreement", "the port authority", "denied"), CLAIM) == []
    scare_quote = quote("the strike", "the workers", "denied", kind="mixed")
    assert statements(CLAIM, scare_quote) == []  # a quoted fragment is not a statement


def test_a_denial_takes_in_the_cited_sentence_right_before_it_and_nothing_else() -> None:
    claim = Sentence("strike", 3, 0, 40, "The company said the strike was over.")
    denial = Sentence("strike", 4, 41, 80, "The union denied it the next morning.")
    aside = Sentence("strike", 9, 200, 240, "The mayor said talks would go on.")
    quotes = (
        Quote(
            "strike", "the strike was over", 17, 36, "indirect", "the company", "The company", "said", 3, 3
        ),
        Quote("strike", "it", 57, 59, "indirect", "the union", "The union", "denied", 4, 4),
        Quote("strike", "talks would go on", 215, 232, "indirect", "the mayor", "The mayor", "said", 9, 9),
    )
    cited = [Citation(1, aside, "", 0.9), Citation(2, denial, "", 0.8), Citation(3, claim, "", 0.7)]
    found = who_says_what(cited, {"strike": quotes})
    assert [(st.n, st.text) for st in found] == [
        (2, "the union denied it"),
        (3, "the company said the strike was over"),
    ]
