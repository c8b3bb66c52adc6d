"""The attribute ruler matched by lookup sets what spaCy's own Matcher sets, token for token."""

from __future__ import annotations

from typing import Any

import pytest
import spacy

from qa.attribute_rules import speed_up
from qa.nlp import load_spacy

# Two-token rules ("ain't", "gonna", "let's"), rules on a word and its tag ("his", "gets", "got"), on
# dependencies, and spaces.
TEXTS = [
    "Kremlin spokesman Dmitry Peskov said on Friday that the main work was yet to come.",
    '"We ain\'t gonna stop," she said. "Let\'s see what his lawyers got."',
    "He gets   what he wants, and  they got theirs:\n\nthe deal is done.",
    "Its shares fell 3% to $12.33 after the company's results, which I think were awful.",
    "Who said the main work is yet to come?  Nobody knows -- not even us.",
]


def _attributes(doc: Any) -> list[tuple[str, ...]]:
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_) for t in doc]


@pytest.fixture(scope="module")
def plain() -> Any:
    """The same English pipeline with spaCy's own attribute ruler."""
    return spacy.load(load_spacy().meta["lang"] + "_" + load_spacy().meta["name"])


@pytest.mark.model
def test_the_pipeline_is_sped_up_and_sets_the_same_attributes(plain: Any) -> None:
    fast = load_spacy()
    assert fast.get_pipe("attribute_ruler").match is not plain.get_pipe("attribute_ruler").match
    assert "match" in vars(fast.get_pipe("attribute_ruler"))
    for text in TEXTS:
        assert _attributes(fast(text)) == _attributes(plain(text))


@pytest.mark.model
def test_the_lookup_finds_the_matchers_matches(plain: Any) -> None:
    ruler = plain.get_pipe("attribute_ruler")
    docs = [plain.make_doc(text) for text in TEXTS]
    for name, component in plain.pipeline:
        if name == "attribute_ruler":
            break
        docs = [component(doc) for doc in docs]
    expected = [ruler.match(doc) for doc in docs]
    assert any(end - start == 2 for matches in expected for _, _, start, end in matches)  # a two-token rule
    fast = spacy.load(plain.meta["lang"] + "_" + plain.meta["name"])
    assert speed_up(fast.get_pipe("attribute_ruler"))
    assert [fast.get_pipe("attribute_ruler").match(doc) for doc in docs] == expected


@pytest.mark.model
def test_a_pattern_form_it_does_not_read_leaves_the_ruler_to_spacy() -> None:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "run", "OP": "+"}]], {"LEMMA": "run"})
    assert not speed_up(ruler)
    assert "match" not in vars(ruler)
