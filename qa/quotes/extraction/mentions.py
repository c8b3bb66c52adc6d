"""The registry of an article's entities, built from the named entities and names in its parse."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from qa.quotes import lexicon
from qa.quotes.extraction.entities import (
    EMBEDDED_SUBJECT_WEIGHT,
    MAIN_SUBJECT_WEIGHT,
    OBJECT_WEIGHT,
    RECENCY_WEIGHT,
    Mention,
    Registry,
    entity_spans,
    strip_name,
    title_gender,
    words_of_name,
)
from qa.quotes.extraction.paragraphs import Paragraph
from qa.quotes.extraction.speaker_words import span_text

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token


def build_registry(paragraphs: Sequence[Paragraph]) -> Registry:
    """Every name outside quotes as a mention, with gender evidence and roles, in text order."""
    registry = Registry()
    for paragraph in paragraphs:
        doc = paragraph.doc
        for sentence in paragraph.sentences:
            persons: list[tuple[int, int]] = []  # (entity, token after the mention)
            for ent in _ents_in(doc, sentence.start, sentence.end):
                if any(paragraph.in_quote[t.i] >= 0 for t in ent):
                    continue
                words = strip_name(words_of_name(ent.text))
                if not words:
                    continue
                before = [doc[ent.start - 1].text] if ent.start > 0 else []
                gender = title_gender(before + [t.text for t in ent])
                role = _role_words(ent.root, ent.start)
                start = paragraph.start + ent.start_char
                entity = registry.person_or_org(words, ent.label_, gender, role[1] if role else None, start)
                if gender is not None:
                    registry.vote_gender(entity, gender, 3)
                if role is not None:
                    registry.set_role(entity, *role)
                weight = _mention_weight(ent.root)
                sentence_number = paragraph.sentence_of[ent.root.i]
                registry.add_mention(Mention(start, start + len(ent.text), entity, sentence_number, weight))
                if registry.kind(entity) in ("person", "unknown"):
                    persons.append((entity, ent.end))
            _vote_pronouns(registry, paragraph, sentence.start, sentence.end, persons)
    registry.absorb_single_names()
    _add_untagged_names(registry, paragraphs)
    return registry


def _add_untagged_names(registry: Registry, paragraphs: Sequence[Paragraph]) -> None:
    """Mentions of known surnames the NER missed ("looked to Kukura"), so pronouns can reach them."""
    for paragraph in paragraphs:
        for token in paragraph.doc:
            if token.pos_ != "PROPN" or token.ent_iob_ != "O" or paragraph.in_quote[token.i] >= 0:
                continue
            entity = registry.known_name(token.text)
            if entity is not None:
                start = paragraph.start + token.idx
                registry.add_mention(
                    Mention(
                        start,
                        start + len(token),
                        entity,
                        paragraph.sentence_of[token.i],
                        _mention_weight(token),
                    )
                )


def _ents_in(doc: Doc, start: int, end: int) -> list[Span]:
    return [e for e in entity_spans(doc) if start <= e.start and e.end <= end]


def _mention_weight(root: Token) -> int:
    """Salience of a mention by its grammatical role (Lappin and Leass 1994, simplified)."""
    if root.dep_ in ("nsubj", "nsubjpass"):
        head = root.head
        main = head.dep_ == "ROOT" or (head.dep_ == "conj" and head.head.dep_ == "ROOT")
        return RECENCY_WEIGHT + (MAIN_SUBJECT_WEIGHT if main else EMBEDDED_SUBJECT_WEIGHT)
    if root.dep_ in ("dobj", "attr", "dative"):
        return RECENCY_WEIGHT + OBJECT_WEIGHT
    return RECENCY_WEIGHT


def _role_words(root: Token, name_start: int) -> tuple[str, str] | None:
    """The role that comes with a name ("Kremlin spokesman Dmitry Peskov", "Peskov, the spokesman") and
    its head word, or None."""
    doc = root.doc
    left = [
        t
        for t in doc[root.left_edge.i : name_start]
        if t.dep_ not in ("det", "punct") and t.lower_.rstrip(".") not in lexicon.HONORIFICS
    ]
    if left and any(t.pos_ == "NOUN" or t.lower_ in lexicon.TITLES for t in left):
        return span_text(left), left[-1].lemma_.lower()
    for child in root.rights:
        if child.dep_ == "appos" and child.pos_ == "NOUN":
            tokens = list(doc[child.left_edge.i : child.right_edge.i + 1])
            while tokens and tokens[-1].is_punct:
                tokens.pop()
            return (span_text(tokens), child.lemma_.lower()) if tokens else None
    return None


def _vote_pronouns(
    registry: Registry, paragraph: Paragraph, start: int, end: int, persons: list[tuple[int, int]]
) -> None:
    """A sentence naming one person votes that person's gender with its later gendered pronouns."""
    if len({entity for entity, _ in persons}) != 1:
        return
    entity, after = persons[0]
    for token in paragraph.doc[after:end]:
        if paragraph.in_quote[token.i] >= 0:
            continue
        lowered = token.lower_
        if lowered in lexicon.MALE_PRONOUNS:
            registry.vote_gender(entity, "m")
        elif lowered in lexicon.FEMALE_PRONOUNS:
            registry.vote_gender(entity, "f")
