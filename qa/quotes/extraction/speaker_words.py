"""The words that name a speaker at a cue: a name, a pronoun or a description, and which subjects are no
speakers at all (a number phrase, an event).

`describe` classifies a cue's subject for `qa.quotes.extraction.extract`, which resolves it to an entity;
`is_non_speaker` keeps "About 500 officials" and "Gordon Brown's decision" out of the speaker list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from qa.quotes import lexicon
from qa.quotes.extraction.entities import words_of_name

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

MentionKind = Literal["name", "pronoun", "nominal"]

# Dependents cut from a description: "a defense analyst, who spoke on condition of anonymity,".
_CUT_DEPS = frozenset({"relcl", "appos", "punct", "acl", "advcl", "cc", "conj", "parataxis"})


@dataclass(frozen=True, slots=True)
class SpeakerWords:
    """The words naming a speaker at a cue, classified for resolution.

    For a name, `words` are the name's tokens; for a description, `head` is its head noun's lemma.
    `role` is the description that came with a name ("Kremlin spokesman").
    """

    kind: MentionKind
    text: str
    start: int
    end: int
    words: tuple[str, ...]
    label: str
    head: str
    role: str | None
    definite: bool
    sentence: int = 0
    plural: bool = False


def is_non_speaker(subject: Token) -> bool:
    """Whether a cue's subject cannot name a speaker: a number phrase or an event.

    "About 500 officials" and "more than 100 people" are a crowd or a statistic; "the reported feud
    between Tony Blair and Gordon Brown" and "Gordon Brown's decision" are events. A person, an
    organisation or a described source ("two officials familiar with the talks", "the spokesman") is
    a speaker.
    """
    if subject.tag_ in ("WP", "WDT") and subject.head.dep_ == "relcl":
        subject = subject.head.head
    if subject.pos_ not in ("NOUN", "PROPN", "NUM") or subject.ent_type_ in _NAME_ENTITY_LABELS:
        return False
    if _is_large_number(subject):
        return True  # "Hundreds of protesters chanted", "31 percent said"
    counts = [child for child in subject.children if child.dep_ == "nummod"]
    for count in counts:
        modifiers = [t for t in count.subtree if t.i != count.i]
        if _is_large_number(count) or any(t.lower_ in lexicon.APPROXIMATORS for t in modifiers):
            return True
    return subject.pos_ == "NOUN" and subject.lemma_.lower() in lexicon.EVENT_NOUNS


_NAME_ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC"})


def _is_large_number(token: Token) -> bool:
    """A count of ten or more, in digits or in words."""
    lowered = token.lower_
    if lowered in lexicon.LARGE_NUMBER_WORDS or token.lemma_.lower() in lexicon.LARGE_NUMBER_WORDS:
        return True
    digits = lowered.replace(",", "")
    return digits.isdigit() and int(digits) >= 10


def describe(subject: Token, offset: int) -> SpeakerWords | None:
    """Classify the words of a subject: a name, a pronoun or a description. `offset` is the doc's."""
    if subject.tag_ in ("WP", "WDT") and subject.head.dep_ == "relcl":
        subject = subject.head.head  # "Trump, who said ..." speaks as "Trump"
    if subject.pos_ == "VERB" and subject.is_title and subject.dep_ in ("nsubj", "csubj"):
        # A capitalised subject the tagger took for a verb is a name ("Trump in recent days has said").
        return SpeakerWords(
            "name",
            subject.text,
            offset + subject.idx,
            offset + subject.idx + len(subject),
            (subject.text,),
            "",
            "",
            None,
            True,
        )
    if subject.pos_ == "PRON" and subject.lower_ not in lexicon.INDEFINITE_SPEAKERS:
        if subject.lower_ in lexicon.SKIPPED_PRONOUNS:
            return None
        return SpeakerWords(
            "pronoun",
            subject.text,
            offset + subject.idx,
            offset + subject.idx + len(subject),
            (),
            "",
            "",
            None,
            True,
        )
    doc = subject.doc
    entity = next((e for e in doc.ents if e.start <= subject.i < e.end), None)
    name_start, name_end = -1, -1
    label = ""
    if (entity is None or entity.label_ != "PERSON") and _named_in(subject) is None:
        person = _appositive_person(subject)
        if person is not None:
            # "The Labour MP for Vauxhall, Kate Hoey, said": the name is the most specific speaker.
            return _name_words(person, offset, role_tokens=_before_comma(doc, subject.left_edge.i, person))
    if entity is not None and entity.label_ in _NAME_ENTITY_LABELS:
        name_start, name_end, label = entity.start, entity.end, entity.label_
    elif subject.pos_ == "PROPN" and subject.text[:1].isupper():
        name_start, name_end = subject.i, subject.i + 1
        while (
            name_start > 0 and doc[name_start - 1].pos_ == "PROPN" and doc[name_start - 1].head.i == subject.i
        ):
            name_start -= 1
    else:
        named = _named_in(subject)
        if named is not None:
            return _name_words(named, offset, role_tokens=_phrase(subject))
    if name_start >= 0:
        words = words_of_name(doc[name_start:name_end].text)
        if not words:
            return None
        said_left = [
            t for t in doc[_left_start(subject, name_start) : name_start] if t.dep_ not in ("det", "punct")
        ]
        left = [
            t for t in said_left if t.lower_.rstrip(".") not in lexicon.HONORIFICS
        ]  # "Mr. Hale" has no role
        role_tokens = left if left else _appositive(subject)
        role = span_text(role_tokens) if role_tokens else None
        head = _head_lemma(role_tokens) if role_tokens else ""
        start, end = doc[name_start].idx, doc[name_end - 1].idx + len(doc[name_end - 1])
        text = span_text([*said_left, *doc[name_start:name_end]])
        return SpeakerWords(
            "name", text, offset + start, offset + end, tuple(words), label or "PROPN", head, role, True
        )
    if subject.pos_ in ("VERB", "AUX", "PUNCT", "SYM", "SCONJ", "CCONJ", "ADP"):
        return None
    phrase = _phrase(subject)
    if not phrase:
        return None
    definite = any(t.lower_ in ("the", "this", "that") or t.dep_ == "poss" for t in phrase if t.i < subject.i)
    text = span_text(phrase)
    if phrase[0].dep_ == "det" and len(phrase) > 1 and subject.pos_ != "PROPN":
        text = phrase[0].lower_ + text[len(phrase[0].text) :]  # "A Moscow-based analyst" mid-sentence
    return SpeakerWords(
        "nominal",
        text,
        offset + phrase[0].idx,
        offset + phrase[-1].idx + len(phrase[-1]),
        (),
        "",
        subject.lemma_.lower(),
        None,
        definite,
        plural=subject.tag_ in ("NNS", "NNPS"),
    )


def _left_start(subject: Token, name_start: int) -> int:
    """Where the words said of a name on its left begin: never before a quote mark or comma, since a
    quote the parser hung on the name ('"...," Nate Silver tweeted') is not a description of it."""
    doc = subject.doc
    for i in range(name_start - 1, subject.left_edge.i - 1, -1):
        if doc[i].text in ('"', ",", "\u201c", "\u201d", "\u201e"):
            return i + 1
    return subject.left_edge.i


def _appositive_person(subject: Token) -> Token | None:
    """A person's name set off by commas inside the subject's phrase, wherever the parser hung it."""
    for token in subject.subtree:
        if (
            token.i > subject.i
            and token.dep_ == "appos"
            and token.ent_type_ == "PERSON"
            and token.i > 0
            and any(t.text == "," for t in token.doc[subject.i : token.left_edge.i])
        ):
            return token
    return None


def _before_comma(doc: Doc, start: int, name: Token) -> list[Token]:
    """The words of a phrase from `start` up to the comma before `name`'s words."""
    tokens = list(doc[start : name.left_edge.i])
    while tokens and (tokens[-1].is_punct or tokens[-1].is_space):
        tokens.pop()
    return tokens


def _named_in(subject: Token) -> Token | None:
    """A name attached to a description: "the spokesman, Dmitry Peskov," or "a freshman named Hailey"."""
    for child in subject.children:
        if child.dep_ == "appos" and child.pos_ == "PROPN":
            return child
        if child.dep_ == "acl" and child.lemma_.lower() in ("name", "call"):
            for grandchild in child.children:
                if grandchild.pos_ == "PROPN" and grandchild.dep_ in ("oprd", "dobj", "attr", "xcomp"):
                    return grandchild
    return None


def _name_words(name: Token, offset: int, role_tokens: list[Token]) -> SpeakerWords | None:
    described = describe(name, offset)
    if described is None or described.kind != "name":
        return described
    role = span_text(role_tokens) if role_tokens else described.role
    head = _head_lemma(role_tokens) if role_tokens else described.head
    return SpeakerWords(
        "name",
        described.text,
        described.start,
        described.end,
        described.words,
        described.label,
        head,
        role,
        True,
    )


def _phrase(head: Token) -> list[Token]:
    """The noun phrase of `head` up to (not including) a relative clause, apposition or comma."""
    left = head.left_edge.i
    right = head.i
    for child in head.rights:
        if child.dep_ in _CUT_DEPS:
            break
        right = child.right_edge.i
    tokens = list(head.doc[left : right + 1])
    while tokens and tokens[-1].is_punct:
        tokens.pop()
    while tokens and tokens[0].is_punct:
        tokens.pop(0)
    return tokens


def _appositive(head: Token) -> list[Token]:
    for child in head.rights:
        if child.dep_ == "appos":
            tokens = list(head.doc[child.left_edge.i : child.right_edge.i + 1])
            while tokens and tokens[-1].is_punct:
                tokens.pop()
            return tokens
    return []


def _head_lemma(tokens: Sequence[Token]) -> str:
    nouns = [t for t in tokens if t.pos_ in ("NOUN", "PROPN")]
    if not nouns:
        return ""
    # The role's head is the noun no other role noun depends on ("defense analyst" -> "analyst").
    inside = {t.i for t in tokens}
    heads = [t for t in nouns if t.head.i not in inside or t.head.i == t.i]
    chosen = heads[0] if heads else nouns[-1]
    return chosen.lemma_.lower()


def span_text(tokens: Sequence[Token]) -> str:
    """The article words from the first token to the last, as written."""
    if not tokens:
        return ""
    return tokens[0].doc[tokens[0].i : tokens[-1].i + 1].text
