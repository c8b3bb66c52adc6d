"""The NER component alone gives the entities of the whole pipeline."""

from __future__ import annotations

import pytest

from qa.nlp import load_spacy, named_entities


@pytest.mark.model
@pytest.mark.parametrize(
    "text",
    [
        "Chief of the General Staff Valery Gerasimov was put in charge of the operation in Ukraine.",
        "Kremlin spokesman Dmitry Peskov said on Friday that the main work was yet to come.",
        "The Wagner group claimed 500 fighters had taken Soledar by 12 January 2023.",
    ],
)
def test_named_entities_are_those_of_the_full_pipeline(text: str) -> None:
    full = [(e.start_char, e.end_char, e.label_) for e in load_spacy()(text).ents]
    assert named_entities(text) == full
    assert full  # every sentence here names someone or something
