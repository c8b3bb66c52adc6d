"""Cues: the reporting verbs outside quote marks, their subjects, and the quotes they introduce.

A cue is a reporting verb ("said", "told AFP", "warned") or "according to X", found in the parse of one
paragraph. Its subject names the speaker; the words are described by `qa.quotes.extraction.speaker_words`
(name, pronoun or description) and resolved to an entity by `qa.quotes.extraction.extract`. A quote is
linked to a cue in three ways, most reliable first (the ordering of Pareti et al. 2013 and of textacy's
`direct_quotations`): the cue governs the quote in the parse; the cue follows the quote in the same
sentence ('"...," said Caddell'); the cue ends the text before the quote ('Caddell said: "..."').
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qa.quotes import lexicon
from qa.quotes.extraction.speaker_words import SpeakerWords, span_text

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token


# Sentence-ending tokens: the adjacency rules never look past one.
_SENTENCE_END = frozenset({".", "!", "?", ";"})
# Subject-like dependents a parser gives an inverted subject ('"...," said Caddell').
_INVERTED_SUBJECT_DEPS = frozenset({"dobj", "attr", "npadvmod", "oprd", "appos", "dative", "nsubj"})
# Verbs whose passive subject is the addressee, not the speaker ("she was asked").
_ADDRESSEE_PASSIVES = frozenset({"ask", "tell", "urge", "advise", "warn", "assure"})


@dataclass(frozen=True, slots=True)
class Cue:
    """A reporting verb (or "according to") at token `token` of paragraph `paragraph`."""

    paragraph: int
    token: int
    offset: int
    text: str | None
    speaker: SpeakerWords | None
    content: tuple[int, int] | None


def cue_tokens(doc: Doc, in_quote: Sequence[int]) -> list[Token]:
    """Reporting verbs and "according" outside quotes, in text order."""
    found: list[Token] = []
    for token in doc:
        if in_quote[token.i] >= 0:
            continue
        according = token.lower_ == "according" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to"
        lemma = token.lemma_.lower()
        reporting = token.pos_ == "VERB" and (
            lemma in lexicon.REPORTING_VERBS
            or lemma in lexicon.CHARACTERISING_VERBS
            or _puts_it(token)
            or _phrasal_cue(token)
        )
        if according or reporting:
            found.append(token)
    return found


def _puts_it(verb: Token) -> bool:
    """The idiom 'as X put it, "..."'."""
    return verb.lemma_.lower() == "put" and any(c.lower_ == "it" and c.dep_ == "dobj" for c in verb.children)


# Verbs that report speech with a particle: '"...," Trump shot back', 'he points out'.
_PHRASAL_CUES = frozenset(
    {("shoot", "back"), ("fire", "back"), ("point", "out"), ("cut", "in"), ("go", "on")}
)


def _phrasal_cue(verb: Token) -> bool:
    """A reporting phrasal verb ('shot back', 'fired back', 'points out', 'cut in')."""
    lemma = verb.lemma_.lower()
    return any(
        (lemma, c.lower_) in _PHRASAL_CUES and c.dep_ in ("prt", "advmod", "prep") for c in verb.children
    )


def subject_of(verb: Token, in_quote: Sequence[int], depth: int = 0) -> Token | None:
    """The speaker token of a cue verb, or None.

    Coordinated and participle verbs share their head's subject ("she said, adding that ..."); an
    inverted subject after the verb is taken when the parser made it an object ('"...," said Caddell').
    """
    if verb.lower_ == "according":
        for to in verb.children:
            if to.lower_ == "to":
                for obj in to.children:
                    if obj.dep_ == "pobj" and in_quote[obj.i] < 0:
                        return obj
        return None
    lemma = verb.lemma_.lower()
    for child in verb.children:
        if in_quote[child.i] >= 0 or not any(ch.isalpha() for ch in child.text):
            continue
        if child.dep_ in ("nsubj", "csubj"):
            return child
        if child.dep_ == "nsubjpass" and lemma not in _ADDRESSEE_PASSIVES:
            return child
    if verb.dep_ == "acl" and verb.head.pos_ in ("PROPN", "NOUN", "PRON"):
        head = verb.head
        if head.dep_ == "appos" and head.head.pos_ == "PROPN" and in_quote[head.head.i] < 0:
            # '"...," Nate Silver, the polling guru who founded it, tweeted': the name, not its appositive.
            return head.head
        return head  # "footage of Trump saying ..."
    if verb.dep_ == "compound" and verb.head.pos_ == "PROPN":
        return verb.head  # "Said Ellis: ..." parsed as a name compound
    reporter = _coordinated_reporter(verb) if depth < 2 else None
    if reporter is not None:
        return subject_of(reporter, in_quote, depth + 1)
    if depth < 2 and verb.dep_ in ("conj", "advcl", "xcomp", "pcomp") and verb.head.i != verb.i:
        head = verb.head if verb.head.dep_ != "prep" else verb.head.head
        if head.pos_ in ("VERB", "AUX") and in_quote[head.i] < 0:
            return subject_of(head, in_quote, depth + 1)
    left = _subject_on_the_left(verb, in_quote)
    if left is not None:
        return left
    if lemma in lexicon.INVERTING_VERBS and verb.i > 0:
        inverted = _name_right_after(verb, in_quote)
        if inverted is not None:
            return inverted
        for child in verb.rights:
            if (
                child.dep_ in _INVERTED_SUBJECT_DEPS
                and child.pos_ in ("PROPN", "NOUN", "PRON")
                and child.ent_type_ not in ("DATE", "TIME")
                and in_quote[child.i] < 0
                and child.i - verb.i <= 6
            ):
                return child
    return None


def _name_right_after(verb: Token, in_quote: Sequence[int]) -> Token | None:
    """The name right after a verb that follows a quote ('"The risk," said Edward Leamer, ...'), when the
    parser hung the name on a later verb."""
    doc = verb.doc
    before = doc[verb.i - 1]
    if not (in_quote[before.i] >= 0 or before.text == ","):
        return None
    end = verb.i + 1
    while end < len(doc) and doc[end].pos_ == "PROPN" and in_quote[end] < 0:
        end += 1
    if end == verb.i + 1:
        # '"...," said the woman, who ...': a determiner, modifiers and the noun they lead to.
        if end >= len(doc) or doc[end].lower_ not in ("the", "a", "an") or in_quote[end] >= 0:
            return None
        end += 1
        while end < len(doc) and doc[end].pos_ in ("ADJ", "NOUN", "PROPN") and in_quote[end] < 0:
            end += 1
        last = doc[end - 1]
        return last if last.pos_ == "NOUN" and (end == len(doc) or not doc[end].is_alpha) else None
    if doc[end - 1].ent_type_ not in ("PERSON", "ORG", ""):
        return None
    return doc[end - 1]


def _is_reporting(token: Token) -> bool:
    return token.pos_ == "VERB" and token.lemma_.lower() in lexicon.REPORTING_VERBS


# Clause links climbed from a conjoined verb to the reporting verb whose reported clause holds it.
_CLAUSE_DEPS = frozenset({"ccomp", "xcomp", "conj", "advcl"})
_SHARED_SUBJECT_CC = frozenset({"and", "but"})


def _coordinated_reporter(verb: Token) -> Token | None:
    """The earlier reporting verb a subjectless conjoined verb shares its speaker with, or None.

    News-attribution practice: reporting verbs coordinated under one subject report one speaker
    ("X said ... and added ..."; a cue with no source of its own takes its coordinate's, as in the
    attribution relations of Pareti et al. 2013). In "Austin told reporters that Washington could not
    confirm it and said ..." or "Ukraine said its forces were fighting to retain control but cautioned ...",
    the second reporting verb coordinates with the first, though the parser hangs it as a conjunct of a
    verb inside the first one's reported clause, at any depth. Called only once the verb is known to
    have no subject of its own. The outermost reporting verb whose reported clause (a ccomp) holds the
    verb is taken: a reporting verb nested inside that clause ("could not confirm") is reported, not
    the coordinate. The parser may instead make the second verb the first one's reported clause ("Silva
    said doctors hoped they would recover and added that ..." with "added" a ccomp of "said").
    """
    if verb.dep_ == "conj":
        first = verb.head
        joined = any(
            t.dep_ == "cc" and t.lower_ in _SHARED_SUBJECT_CC and first.i < t.i < verb.i
            for t in (*first.children, *verb.children)
        )
        node = first
    elif verb.dep_ == "ccomp" and verb.i > 0 and verb.head.i < verb.i and _is_reporting(verb.head):
        before = verb.doc[verb.i - 1]
        joined = before.dep_ == "cc" and before.lower_ in _SHARED_SUBJECT_CC
        node = verb
    else:
        return None
    if not joined:
        return None
    reporter: Token | None = None
    while node.dep_ in _CLAUSE_DEPS and node.head.i != node.i:
        if node.dep_ == "ccomp" and _is_reporting(node.head):
            reporter = node.head
        node = node.head
    return reporter


def _subject_on_the_left(verb: Token, in_quote: Sequence[int]) -> Token | None:
    """The name between a closing quote and its verb when the parser attached it elsewhere.

    '"...," Flynn, a top Trump surrogate, said' is sometimes parsed with "Flynn" in apposition to a word
    inside the quote; the first noun after the quote, with no verb in between, is the subject.
    """
    doc = verb.doc
    start = verb.i
    while start > 0 and in_quote[start - 1] < 0 and verb.i - start < 15:
        previous = doc[start - 1]
        if is_sentence_end(previous) or previous.pos_ in ("VERB", "AUX"):
            return None
        start -= 1
    if start == 0 or in_quote[start - 1] < 0:
        return None
    for token in doc[start : verb.i]:
        if token.pos_ in ("PROPN", "NOUN", "PRON") and token.ent_type_ not in ("DATE", "TIME"):
            return token
    return None


def cue_text(verb: Token) -> str:
    """The cue as shown to a reader: "said", "told AFP", "according to"."""
    if verb.lower_ == "according":
        return "according to"
    for child in verb.rights:
        if child.dep_ in ("dobj", "dative") and child.i == verb.i + 1 and child.lemma_.lower() != "that":
            tokens = list(verb.doc[child.left_edge.i : child.right_edge.i + 1])
            if len(tokens) <= 3:
                return span_text([verb, *tokens])
    return verb.text


def content_of(verb: Token, in_quote: Sequence[int]) -> tuple[int, int] | None:
    """The reported clause of a cue (doc character offsets), or None when it has none."""
    doc = verb.doc
    if verb.lower_ == "according":
        return _according_clause(verb)
    lemma = verb.lemma_.lower()
    if lemma in lexicon.CHARACTERISING_VERBS:
        return None
    for child in verb.children:
        if child.dep_ == "ccomp" and child.i > verb.i:
            return _clause_span(doc, child.left_edge.i, child.right_edge.i)
    that_clause = _that_clause_in_adjunct(verb)
    if that_clause is not None:
        return _clause_span(doc, that_clause.left_edge.i, that_clause.right_edge.i)
    if lemma in lexicon.CONTENT_OBJECT_VERBS:
        for child in verb.rights:
            if child.dep_ == "dobj" and child.pos_ in ("NOUN", "PROPN"):
                return _clause_span(doc, child.left_edge.i, child.right_edge.i)
    return None


def _that_clause_in_adjunct(verb: Token) -> Token | None:
    """'said in a statement that ...': the parser hangs the that-clause on "statement"."""
    for prep in verb.rights:
        if prep.dep_ != "prep":
            continue
        for obj in prep.children:
            for clause in obj.rights:
                if clause.dep_ in ("acl", "relcl", "ccomp") and any(
                    c.dep_ == "mark" and c.lower_ == "that" for c in clause.children
                ):
                    return clause
    return None


def _according_clause(according: Token) -> tuple[int, int] | None:
    head = according.head
    doc = according.doc
    if head.i == according.i:
        return None
    tokens = [t for t in head.subtree]
    skip = {t.i for t in according.subtree}
    if according.i < head.i:
        start = max(skip) + 1
        return _clause_span(doc, start, tokens[-1].i)
    return _clause_span(doc, tokens[0].i, min(skip) - 1)


def _clause_span(doc: Doc, first: int, last: int) -> tuple[int, int] | None:
    while first <= last and (doc[first].is_punct or doc[first].dep_ == "mark" or doc[first].is_space):
        first += 1
    untrimmed = last
    while last >= first and (doc[last].is_punct or doc[last].is_space or doc[last].dep_ == "cc"):
        last -= 1  # "said doctors hoped they would recover and | added that ...": the "and" is not reported
    if last <= first:
        return None  # a reported clause has at least two words
    end = doc[last].idx + len(doc[last])
    if _left_open(doc.text[doc[first].idx : end]):  # 'said the offer was "fair and full".' keeps its mark
        closing = next((t for t in doc[last + 1 : untrimmed + 1] if t.text in ('"', "\u201d")), None)
        if closing is not None:
            end = closing.idx + len(closing)
    return doc[first].idx, end


def _left_open(text: str) -> bool:
    """Whether `text` opens a quoted phrase it does not close."""
    return text.count('"') % 2 == 1 or text.count("\u201c") > text.count("\u201d")


def colon_cues(
    doc: Doc, in_quote: Sequence[int], taken: set[int]
) -> list[tuple[Token, Token | None, str | None]]:
    """Colons (and commas) that introduce a quote with no reporting verb before them.

    'Trump swiped at Ryan in a series of tweets: "..."', 'Meghan McCain, Twitter: "..."' and
    'Abedin's succinct reply: "..."' attribute the quote to the clause's subject, to the first name, or to
    the possessor. The colon must be followed by a quote (or end the paragraph, when the quote is the next
    paragraph); a clause holding a reporting verb is left to that verb.
    """
    found: list[tuple[Token, Token | None, str | None]] = []
    for token in doc:
        if token.text not in (":", ",") or in_quote[token.i] >= 0:
            continue
        following = next((t for t in doc[token.i + 1 :] if not t.is_space), None)
        if following is None and token.text == ",":
            continue
        if following is not None and in_quote[following.i] < 0:
            continue
        clause = _clause_before(doc, in_quote, token.i)
        if not clause or any(t.i in taken for t in clause):
            continue
        subject, verb = _clause_subject(clause)
        # After a comma only a clause with its own subject and verb hands over ('He paused, "..."').
        if subject is not None and (token.text == ":" or verb is not None):
            found.append((token, subject, None if verb is None else verb.text))
    return found


def _clause_before(doc: Doc, in_quote: Sequence[int], end: int) -> list[Token]:
    tokens: list[Token] = []
    for token in reversed(doc[:end]):
        if in_quote[token.i] >= 0 or is_sentence_end(token):
            break
        tokens.append(token)
    return tokens[::-1]


def _clause_subject(clause: Sequence[Token]) -> tuple[Token | None, Token | None]:
    inside = {t.i for t in clause}
    verbs = [t for t in clause if t.pos_ in ("VERB", "AUX") and (t.head.i not in inside or t.head.i == t.i)]
    for verb in verbs:
        for child in verb.children:
            if child.dep_ in ("nsubj", "nsubjpass") and child.i in inside:
                return child, verb
    if verbs:
        return None, None
    # The person before the organisation: "Labour's Kate Hoey, in a tweet: ..." is Kate Hoey's.
    for label in ("PERSON", "ORG"):
        for token in clause:
            if token.ent_type_ == label and token.ent_iob_ == "B":
                entity = next(e for e in token.doc.ents if e.start == token.i)
                return entity.root, None
    for token in clause:
        if token.dep_ == "poss" and token.pos_ in ("PROPN", "NOUN"):
            return token, None
    return None, None


def is_sentence_end(token: Token) -> bool:
    return token.text in _SENTENCE_END
