"""Parsing sentences with spaCy, cached by text.

Parsing a sentence costs a few milliseconds, and the same sentences come back for many questions, so
docs are cached by text.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from qa.nlp import load_spacy

__all__ = ["doc_for", "parse_sentence"]

_CACHE_SIZE = 8192
_docs: OrderedDict[str, Any] = OrderedDict()  # sentence text -> spaCy Doc, least recently used first


def parse_sentence(text: str) -> Any:
    """The spaCy doc of one sentence, cached by text."""
    doc = _docs.get(text)
    if doc is None:
        doc = load_spacy()(text)
        _remember(text, doc)
    else:
        _docs.move_to_end(text)
    return doc


def _remember(text: str, doc: Any) -> None:
    _docs[text] = doc
    if len(_docs) > _CACHE_SIZE:
        _docs.popitem(last=False)


def doc_for(sentence_text: str, doc: Any | None) -> Any:
    if doc is None:
        return parse_sentence(sentence_text)
    if doc.text != sentence_text:
        raise ValueError(
            f"The doc passed was parsed from {doc.text[:60]!r}, not from {sentence_text[:60]!r}."
        )
    return doc
