"""Features of a candidate answer phrase, in the manner of the pre-neural SQuAD baselines
(Rajpurkar et al. 2016, section 5), and their hand-set weights.

- type: the candidate carries an entity label the question type expects (a date for "when");
- novelty: the candidate does not repeat the question's words (answers rarely do);
- proximity: it stands near the words it shares with the question;
- syntax: it hangs on a word of the question (the verb the wh-phrase depends on), in the same role as the
  wh-phrase (subject, object, object of the same preposition), or is the other side of a copula or an
  appositive whose one side the question names ("X is Y", "X, Y,").
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from qa.answering.question import Question
from qa.answering.spans.candidates import STRICT_TYPES, Candidate, is_question_word

__all__ = ["WEIGHTS", "Context", "build_context", "candidate_features"]

_NAME_LABELS = frozenset(
    {"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE"}
)
_SUBJECT_DEPS = frozenset({"nsubj", "csubj"})
_OBJECT_DEPS = frozenset({"dobj", "nsubjpass"})
_ATTR_DEPS = frozenset({"attr", "oprd", "appos", "acomp"})
_PLACE_PREPOSITIONS = frozenset("in at on within near inside outside throughout across from to into".split())
_NAMING_CUES = frozenset({"called", "named", "known", "termed", "dubbed", "titled"})


@dataclass(frozen=True, slots=True)
class Context:
    """What every candidate of one (question, sentence) pair is scored against, computed once."""

    question: Question
    doc: Any
    terms: frozenset[str]
    matched: tuple[int, ...]  # positions of sentence tokens that are question words
    occurrences: dict[str, tuple[Any, ...]]  # question term -> sentence tokens with that lemma or form
    governors: tuple[Any, ...]  # sentence tokens standing for the wh-phrase's governor


def build_context(question: Question, doc: Any) -> Context:
    terms = frozenset(question.terms)
    occurrences: dict[str, list[Any]] = {term: [] for term in question.terms}
    for token in doc:
        for form in {token.lemma_.lower(), token.lower_}:
            if form in occurrences:
                occurrences[form].append(token)
    return Context(
        question=question,
        doc=doc,
        terms=terms,
        matched=tuple(t.i for t in doc if is_question_word(t, terms)),
        occurrences={term: tuple(tokens) for term, tokens in occurrences.items() if tokens},
        governors=tuple(_aligned_governors(question, doc)),
    )


def candidate_features(ctx: Context, cand: Candidate) -> dict[str, float] | None:
    """The candidate's features (see `WEIGHTS`), or None when it cannot be the answer at all."""
    question, terms = ctx.question, ctx.terms
    tokens = ctx.doc[cand.start : cand.end]
    content = [t for t in tokens if t.like_num or not (t.is_stop or t.is_punct)]
    if not content:
        return None
    head = question.answer_head
    overlap = sum(is_question_word(t, terms) and t.lemma_.lower() != head for t in content) / len(content)
    if overlap == 1.0:
        return None
    labels = question.expected_labels
    if labels and cand.label not in labels and question.type in STRICT_TYPES:
        return None
    root = tokens.root
    features = {
        "type": float(bool(labels) and cand.label in labels),
        "place_phrase": float(question.type == "where" and not cand.label and _is_place_phrase(root)),
        "wrong_label": float(bool(labels) and bool(cand.label) and cand.label not in labels),
        "overlap": overlap,
        "named": float(not labels and cand.label in _NAME_LABELS),
        "number_for_thing": float(not labels and bool(cand.label) and cand.label not in _NAME_LABELS),
        "modifier": float(root.dep_ in ("compound", "amod", "poss", "npadvmod") and question.wh != "whose"),
        "proximity": 0.0,
        "clause_terms": len(_clause_terms(root, cand, terms)) / len(terms) if terms else 0.0,
        "density": _density(ctx, cand),
        "alignment": _alignment(ctx, cand, root),
    }
    outside = [i for i in ctx.matched if i < cand.start or i >= cand.end]
    if outside:
        distance = min(cand.start - i if i < cand.start else i - cand.end + 1 for i in outside)
        features["proximity"] = 1.0 / (1.0 + distance / 3.0)
    features.update(_syntax_features(ctx, cand, root))
    if question.type == "who" and not labels and not (features["copula"] or features["equivalent"]):
        return None  # "Who is Dmitry Peskov?" is answered by what he is called beside his name, or not
    return features


def _density(ctx: Context, cand: Candidate) -> float:
    """Mean over the question's terms of 1 / (1 + words from the candidate to the term / 4).

    Unlike the distance to the nearest question word, this rewards a candidate in the middle of the
    sentence region that restates the question, not one next to a single stray match.
    """
    if not ctx.question.terms:
        return 0.0
    total = 0.0
    for tokens in ctx.occurrences.values():
        distances = [
            cand.start - t.i if t.i < cand.start else t.i - cand.end + 1
            for t in tokens
            if not cand.start <= t.i < cand.end
        ]
        if distances:
            total += 1.0 / (1.0 + min(distances) / 4.0)
    return total / len(ctx.question.terms)


def _alignment(ctx: Context, cand: Candidate, root: Any) -> float:
    """How well the candidate sits among the question's words as the wh-word does in the question.

    For every question term found in the sentence, compare its tree distance to the candidate with its
    distance to the wh-word in the question; the mean of 1 / (1 + excess) over the question's terms.
    """
    distances = ctx.question.term_distances
    total = 0.0
    for term, asked in distances:
        tokens = [t for t in ctx.occurrences.get(term, ()) if not cand.start <= t.i < cand.end]
        if tokens:
            distance = min(_tree_distance(root, t) for t in tokens)
            total += 1.0 / (1.0 + max(0, distance - asked))
    return total / len(distances) if distances else 0.0


def _clause_terms(root: Any, cand: Candidate, terms: frozenset[str]) -> set[str]:
    """The question terms found in the candidate's own clause (and in a relative clause on it).

    Subordinate and coordinated clauses are left out, so a candidate only gets credit for the question
    words that are said about it ("Ealy, who had 5 sacks" answers "Who had five sacks?").
    """
    verb = root
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    found: set[str] = set()
    stack = [verb] + [c for c in root.children if c.dep_ in ("relcl", "acl", "appos")]
    while stack:
        token = stack.pop()
        if cand.start <= token.i < cand.end and token.i != root.i and token is not verb:
            continue
        if not (cand.start <= token.i < cand.end):
            found.update(_terms_of(token, terms))
        for child in token.children:
            if child.dep_ in ("advcl", "ccomp", "conj", "parataxis", "relcl") and token is not root:
                continue
            stack.append(child)
    return found


def _terms_of(token: Any, terms: frozenset[str]) -> set[str]:
    if not is_question_word(token, terms):
        return set()
    for form in (token.lemma_.lower(), token.lower_):
        if form in terms:
            return {form}
    return {token.lower_[:5]}


def _syntax_features(ctx: Context, cand: Candidate, root: Any) -> dict[str, float]:
    question, doc, terms = ctx.question, ctx.doc, ctx.terms
    features = dict.fromkeys(
        ("governor", "role", "anchor", "head", "total", "copula", "equivalent", "naming"), 0.0
    )
    anchor, prep = root.head, None
    if anchor.dep_ in ("prep", "agent") and anchor.i != root.i:
        prep = anchor.lower_
        anchor = anchor.head
    attached = anchor.i != root.i and not (cand.start <= anchor.i < cand.end)
    governors = ctx.governors
    if governors:
        features["governor"] = 1.0 / (1.0 + min(_tree_distance(root, g) for g in governors))
        if attached and anchor in governors and _role(root, prep) == (question.wh_role, question.wh_prep):
            features["role"] = 1.0
    if attached and is_question_word(anchor, terms):
        features["anchor"] = 1.0
    head = question.answer_head
    if head and (
        any(t.lemma_.lower() == head for t in doc[cand.start : cand.end])
        or anchor.lemma_.lower() == head
        or any(c.lemma_.lower() == head for c in root.children)
        or any(c.lemma_.lower() == head for c in _partitive_nouns(root))
    ):
        features["head"] = 1.0
    # "71 of the 150 seats": the number the "of" phrase hangs on counts them; the one inside is the total.
    if head and root.dep_ == "nummod" and root.head.lemma_.lower() == head and root.head.dep_ == "pobj":
        of = root.head.head
        features["total"] = float(of.lower_ == "of" and (of.head.like_num or of.head.pos_ == "NUM"))
    # "X is Y", "X, Y," and "X (Y)": the question names one side, the answer is the other.
    identity = question.wh_role == "attr" or question.type == "who"
    if identity and root.dep_ in _ATTR_DEPS and root.dep_ != "acomp":
        other = root.head if root.dep_ == "appos" else _subject_of(root.head)
        if other is not None and any(is_question_word(t, terms) for t in other.subtree):
            features["copula"] = 1.0
    if any(any(is_question_word(t, terms) for t in other) for other in _equivalents(doc, cand)):
        features["equivalent"] = 1.0
    if identity and cand.kind == "title":
        features["copula"] = 1.0  # "[adviser] Mykhaylo Podolyak" names the same person as "X is Y"
    if identity and any(
        child.dep_ == "appos" and any(is_question_word(t, terms) for t in child.subtree)
        for child in root.children
        if not cand.start <= child.i < cand.end
    ):
        features["copula"] = 1.0  # "[Chief of the General Staff] Valery Gerasimov", parsed as an appositive
    if any(doc[i].lower_ in _NAMING_CUES for i in range(max(0, cand.start - 2), cand.start)):
        features["naming"] = 1.0
    return features


def _partitive_nouns(root: Any) -> Iterator[Any]:
    """The nouns of an "of" phrase on a number: "seats" in "71 of the 150 seats"."""
    if root.like_num or root.pos_ == "NUM":
        for prep in root.children:
            if prep.dep_ == "prep" and prep.lower_ == "of":
                yield from (c for c in prep.children if c.dep_ == "pobj")


def _equivalents(doc: Any, cand: Candidate) -> Iterator[Any]:
    """Phrases set beside the candidate as another name for it: "rotors (rotating discs)", "X, Y,"."""
    if cand.end + 1 < len(doc) and doc[cand.end].text == "(":
        close = next((t.i for t in doc[cand.end + 1 :] if t.text == ")"), None)
        if close is not None and close - cand.end <= 8:
            yield doc[cand.end + 1 : close]
    before = doc[cand.start - 1].text if cand.start >= 2 else ""
    if before in ("(", "\u201c", '"') and doc[cand.start - 2].text != ",":
        opener = cand.start - 1 if doc[cand.start - 1].text == "(" else cand.start - 2
        left = opener - 1
        if left >= 0:
            yield doc[doc[left].left_edge.i : left + 1]


def _tree_distance(a: Any, b: Any) -> int:
    """Edges between two tokens in the dependency tree."""
    up_a = [a, *a.ancestors]
    depth_b = {t.i: n for n, t in enumerate([b, *b.ancestors])}
    for n, token in enumerate(up_a):
        if token.i in depth_b:
            return n + depth_b[token.i]
    return len(up_a) + len(depth_b)


# Hand-set weights, reasoned per error category on the dev questions (see qa/evaluate_spans.py).
WEIGHTS: dict[str, float] = {
    "type": 2.0,  # carries an expected entity label
    "place_phrase": 1.2,  # for "where": the object of "in", "at", "within" ... without a place label
    "wrong_label": -1.0,  # carries an entity label of another kind (a date for "where")
    "overlap": -1.0,  # share of its words that the question already has
    "named": 0.2,  # a named entity, for questions that expect no label
    "number_for_thing": -1.0,  # a number or date where no measure was asked for
    "modifier": -0.5,  # a modifier inside a larger phrase ("Grammy" in "Grammy winner")
    "proximity": 0.7,  # 1 / (1 + words to the nearest question word / 3)
    "clause_terms": 2.0,  # share of the question's terms in the candidate's own clause
    "governor": 0.8,  # 1 / (1 + tree distance to the verb the wh-phrase hangs on)
    "role": 0.6,  # attached to that verb in the wh-phrase's role
    "anchor": 0.3,  # attached to a question word
    "head": 1.2,  # contains or hangs on the noun of "what X"
    "total": -1.2,  # the total in "71 of the 150 seats" for "how many seats"
    "copula": 0.8,  # "X is Y" / "X, Y" and the question names X
    "equivalent": 0.8,  # "Y (X)" / "X (Y)" and the question names X
    "naming": 1.0,  # right after "called", "named", "known as"
    "density": 1.0,  # see `_density`
    "alignment": 1.0,  # placed among the question words as the wh-word is (see `_alignment`)
}


def _aligned_governors(question: Question, doc: Any) -> list[Any]:
    """Tokens standing for the question's governor: the same lemma, else the verb over its arguments."""
    if not question.wh_governor:
        return []
    same = [t for t in doc if t.lemma_.lower() == question.wh_governor]
    if same:
        return same
    verbs: list[Any] = []
    for token in doc:
        if token.lemma_.lower() in question.governor_arguments or token.lower_ in question.governor_arguments:
            node = token
            while node.pos_ not in ("VERB", "AUX") and node.head.i != node.i:
                node = node.head
            if node.pos_ in ("VERB", "AUX") and node not in verbs:
                verbs.append(node)
    return verbs


def _is_place_phrase(root: Any) -> bool:
    return bool(root.dep_ == "pobj" and root.head.lower_ in _PLACE_PREPOSITIONS)


def _subject_of(verb: Any) -> Any | None:
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            return child
    return None


def _role(root: Any, prep: str | None) -> tuple[str, str | None]:
    if prep is not None:
        if prep == "by" and root.head.dep_ == "agent":
            return "subj", None
        return "prep", prep
    if root.dep_ in _SUBJECT_DEPS:
        return "subj", None
    if root.dep_ in _OBJECT_DEPS:
        return "obj", None
    if root.dep_ in _ATTR_DEPS:
        return "attr", None
    return "other", None
