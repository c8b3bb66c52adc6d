"""Answer-type fit and answer spans inside a sentence, from spaCy's entities, noun chunks and parse.

No reader model is available offline (../shared/MODELS.md), so the answer words are chosen among
candidate phrases of the sentence (entities, noun chunks, numbers, causal or purpose clauses), each
scored by features in the manner of the pre-neural SQuAD baselines (Rajpurkar et al. 2016, section 5):

- type: the candidate carries an entity label the question type expects (a date for "when");
- novelty: the candidate does not repeat the question's words (answers rarely do);
- proximity: it stands near the words it shares with the question;
- syntax: it hangs on a word of the question (the verb the wh-phrase depends on), in the same role as the
  wh-phrase (subject, object, object of the same preposition), or is the other side of a copula or an
  appositive whose one side the question names ("X is Y", "X, Y,").

Parsing a sentence costs a few milliseconds, and the same sentences come back for many questions, so
docs are cached by text; `analyze_sentences` parses a batch with `nlp.pipe`, and `find_span` accepts a
doc parsed beforehand (for instance at index time).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from qa.nlp import load_spacy
from qa.question import Question

__all__ = ["analyze_sentences", "find_span", "parse_sentence", "type_fit"]

_CACHE_SIZE = 8192
_docs: OrderedDict[str, Any] = OrderedDict()  # sentence text -> spaCy Doc, least recently used first

# Types whose answer must carry one of the expected labels: without one, there is no span.
_STRICT_TYPES = frozenset({"when", "how_many", "how_much"})
_NAME_LABELS = frozenset(
    {"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE"}
)
_CAUSAL_MARKERS = ("because", "due to", "owing to", "as a result of", "since", "so that", "in order to")
_SUBJECT_DEPS = frozenset({"nsubj", "csubj"})
_OBJECT_DEPS = frozenset({"dobj", "nsubjpass"})
_ATTR_DEPS = frozenset({"attr", "oprd", "appos", "acomp"})
# Punctuation trimmed from a span's edges ("%" and "$" belong to the answer).
_EDGE_PUNCTUATION = frozenset(",.;:!?\"'()[]{}-\u2013\u2014\u201c\u201d\u2018\u2019")
_REPORTING_VERBS = frozenset("say tell state claim argue add announce insist warn explain write".split())
_MANNER_PREPOSITIONS = frozenset({"by", "through", "via", "with"})
_PLACE_PREPOSITIONS = frozenset("in at on within near inside outside throughout across from to into".split())
_APPROXIMATORS = frozenset(
    "only about roughly approximately nearly almost around some over under just estimated".split()
)
_NAMING_CUES = frozenset({"called", "named", "known", "termed", "dubbed", "titled"})


def parse_sentence(text: str) -> Any:
    """The spaCy doc of one sentence, cached by text."""
    doc = _docs.get(text)
    if doc is None:
        doc = load_spacy()(text)
        _remember(text, doc)
    else:
        _docs.move_to_end(text)
    return doc


def analyze_sentences(texts: Iterable[str]) -> list[Any]:
    """Parse many sentences at once (`nlp.pipe` batches them); results are cached like `parse_sentence`."""
    texts = list(texts)
    missing = list(dict.fromkeys(t for t in texts if t not in _docs))
    if missing:
        for text, doc in zip(missing, load_spacy().pipe(missing, batch_size=64)):
            _remember(text, doc)
    return [parse_sentence(t) for t in texts]


def _remember(text: str, doc: Any) -> None:
    _docs[text] = doc
    if len(_docs) > _CACHE_SIZE:
        _docs.popitem(last=False)


def type_fit(question: Question, sentence_text: str, doc: Any | None = None) -> float:
    """How well the sentence can answer the question's type, in [0, 1].

    1.0 when it holds an entity (or number) of an expected label that the question does not already
    name; for "why", 1.0 when it has a causal clause; 0.5 when the type expects nothing in particular
    (so the score does not move the ranking); low values when the expected kind of answer is missing.
    """
    doc = _doc_for(sentence_text, doc)
    if question.type == "why":
        return 1.0 if _causal_candidates(doc) else 0.2
    if not question.expected_labels:
        return 0.5
    asked = {_norm(text) for text, _ in question.entities}
    terms = frozenset(question.terms)
    best = 0.0
    for ent in doc.ents:
        if ent.label_ not in question.expected_labels or _norm(ent.text) in asked:
            continue
        fresh = [t for t in ent if not _is_question_word(t, terms)]
        best = max(best, 1.0 if fresh else 0.3)
    if best < 1.0 and question.type == "how_many" and any(t.like_num for t in doc if t.ent_type_ == ""):
        best = max(best, 0.7)
    return best


def find_span(question: Question, sentence_text: str, doc: Any | None = None) -> tuple[int, int] | None:
    """The answer words inside the sentence.

    Args:
        question: the analysed question.
        sentence_text: the sentence.
        doc: the sentence's spaCy doc if it was parsed beforehand (its text must equal `sentence_text`).

    Returns:
        (start, end) character offsets into `sentence_text`, or None when no phrase of the sentence fits
        the question's type (a "when" question and a sentence without a date).

    Raises:
        ValueError: when `doc` was parsed from another text.
    """
    doc = _doc_for(sentence_text, doc)
    best = _best_candidate(question, doc)
    if best is None:
        return None
    first, last = doc[best.start], doc[best.end - 1]
    return first.idx, last.idx + len(last.text)


def _doc_for(sentence_text: str, doc: Any | None) -> Any:
    if doc is None:
        return parse_sentence(sentence_text)
    if doc.text != sentence_text:
        raise ValueError(
            f"The doc passed was parsed from {doc.text[:60]!r}, not from {sentence_text[:60]!r}."
        )
    return doc


@dataclass(frozen=True, slots=True)
class _Candidate:
    start: int  # token offsets, end exclusive
    end: int
    label: str  # entity label, or "" for noun phrases and clauses
    kind: str  # "entity", "chunk", "number", "clause"


@dataclass(frozen=True, slots=True)
class _Context:
    """What every candidate of one (question, sentence) pair is scored against, computed once."""

    question: Question
    doc: Any
    terms: frozenset[str]
    matched: tuple[int, ...]  # positions of sentence tokens that are question words
    occurrences: dict[str, tuple[Any, ...]]  # question term -> sentence tokens with that lemma or form
    governors: tuple[Any, ...]  # sentence tokens standing for the wh-phrase's governor


def _context(question: Question, doc: Any) -> _Context:
    terms = frozenset(question.terms)
    occurrences: dict[str, list[Any]] = {term: [] for term in question.terms}
    for token in doc:
        for form in {token.lemma_.lower(), token.lower_}:
            if form in occurrences:
                occurrences[form].append(token)
    return _Context(
        question=question,
        doc=doc,
        terms=terms,
        matched=tuple(t.i for t in doc if _is_question_word(t, terms)),
        occurrences={term: tuple(tokens) for term, tokens in occurrences.items() if tokens},
        governors=tuple(_aligned_governors(question, doc)),
    )


def _best_candidate(question: Question, doc: Any) -> _Candidate | None:
    if question.type == "yes_no":
        return None
    ctx = _context(question, doc)
    scored: list[tuple[float, int, _Candidate]] = []
    for raw in _candidates(question, doc):
        cand = _trimmed(raw, doc, ctx.terms)
        if cand is None:
            continue
        features = _features(ctx, cand)
        if features is not None:
            score = sum(_WEIGHTS[name] * value for name, value in features.items())
            scored.append((score, -cand.start, cand))  # ties go to the earlier candidate
    if not scored:
        return None
    return max(scored, key=lambda s: (s[0], s[1]))[2]


def _candidates(question: Question, doc: Any) -> Iterator[_Candidate]:
    if question.type == "why":
        yield from _causal_candidates(doc)
        return
    if question.type == "quote_what":
        yield from _statement_candidates(doc)
        return
    for ent in doc.ents:
        yield _Candidate(ent.start, ent.end, ent.label_, "entity")
    if question.type in _STRICT_TYPES:
        if "CARDINAL" in question.expected_labels:
            for token in doc:
                if _is_number(token) and not token.ent_type_:
                    yield _Candidate(token.i, token.i + 1, "CARDINAL", "number")
        return
    for chunk in doc.noun_chunks:
        yield _Candidate(chunk.start, chunk.end, "", "chunk")
        group_end = _coordination_end(chunk)
        if group_end > chunk.end:
            yield _Candidate(chunk.start, group_end, "", "chunk")
    if question.type == "how":
        yield from _manner_candidates(doc)


def _coordination_end(chunk: Any) -> int:
    """The end of "A, B and C" when the chunk is A: coordinated nouns answer "what are some X?"."""
    end: int = chunk.end
    conjuncts = [c for c in chunk.root.conjuncts if c.i > chunk.root.i and c.pos_ in ("NOUN", "PROPN")]
    for conj in conjuncts:
        end = max(end, conj.right_edge.i + 1 if conj.right_edge.i - conj.i < 4 else conj.i + 1)
    return end


def _causal_candidates(doc: Any) -> list[_Candidate]:
    """Clauses giving a reason: "because ...", "due to ...", and purpose "to ..." / "in order to ..."."""
    found: list[_Candidate] = []
    lower = [t.lower_ for t in doc]
    for token in doc:
        if token.lower_ == "because" and token.dep_ == "mark":
            clause = token.head
            found.append(_Candidate(token.i + 1, clause.right_edge.i + 1, "", "clause"))
        elif token.lower_ in ("because", "due", "owing") and lower[token.i + 1 : token.i + 2] in (
            ["of"],
            ["to"],
        ):
            prep = doc[token.i + 1]
            found.append(_Candidate(token.i + 2, prep.right_edge.i + 1, "", "clause"))
        elif token.dep_ == "advcl" and any(c.lower_ == "to" and c.dep_ == "aux" for c in token.children):
            start = token.left_edge.i
            found.append(_Candidate(start, token.right_edge.i + 1, "", "clause"))
        elif token.lower_ == "since" and token.dep_ == "mark":
            found.append(_Candidate(token.i + 1, token.head.right_edge.i + 1, "", "clause"))
    return [c for c in found if c.end > c.start]


def _statement_candidates(doc: Any) -> Iterator[_Candidate]:
    """What was said: the words inside quotation marks, else the clause a reporting verb introduces."""
    opened: int | None = None
    for token in doc:
        if token.text in ('"', "\u201c", "\u201d"):
            if opened is None and token.text != "\u201d":
                opened = token.i
            elif opened is not None:
                if token.i > opened + 1:
                    yield _Candidate(opened + 1, token.i, "", "clause")
                opened = None
    for token in doc:
        if token.dep_ == "ccomp" and token.head.lemma_.lower() in _REPORTING_VERBS:
            yield _Candidate(token.left_edge.i, token.right_edge.i + 1, "", "clause")


def _manner_candidates(doc: Any) -> Iterator[_Candidate]:
    """ "by doing X", "through X", "with X": how something is done."""
    for token in doc:
        if token.dep_ == "prep" and token.lower_ in _MANNER_PREPOSITIONS and token.head.pos_ == "VERB":
            end = token.right_edge.i + 1
            if end > token.i + 1:
                yield _Candidate(token.i + 1, end, "", "clause")


def _trimmed(cand: _Candidate, doc: Any, terms: frozenset[str]) -> _Candidate | None:
    """Tidy a candidate's edges: determiners, punctuation, "only"/"about" before a number, half brackets,
    and question words in front of the head noun ("kinescope recordings" stays whole: answers keep their
    head noun, but "the German Bible" for a question about the Bible loses "Bible" only if it is a
    modifier)."""
    start, end = cand.start, cand.end
    determiners = ("DT", "PRP$", "POS") if cand.kind != "clause" else ()
    while start < end and (doc[start].tag_ in determiners or doc[start].text in _EDGE_PUNCTUATION):
        start += 1
    while end > start and (doc[end - 1].text in _EDGE_PUNCTUATION or doc[end - 1].tag_ == "POS"):
        end -= 1
    while end - start > 1 and doc[start].lower_ in _APPROXIMATORS and _is_number(doc[start + 1]):
        start += 1
    start, end = _balanced(doc, start, end)
    if start >= end:
        return None
    root = doc[start:end].root
    if cand.kind != "entity":
        while start < root.i and (_is_question_word(doc[start], terms) or doc[start].is_punct):
            start += 1
    if not any(t.pos_ in ("NOUN", "PROPN", "NUM", "VERB", "PRON") or t.like_num for t in doc[start:end]):
        return None
    return _Candidate(start, end, cand.label, cand.kind)


def _balanced(doc: Any, start: int, end: int) -> tuple[int, int]:
    """Brackets closed inside the span: "(5 ft 3 in) broad" grows back to the measure before "("."""
    depth = 0
    for i in range(start, end):
        if doc[i].text == "(":
            depth += 1
        elif doc[i].text == ")":
            if depth == 0:
                window = range(start - 1, max(-1, start - 12), -1)
                opener = next((j for j in window if doc[j].text == "("), None)
                if opener is None:
                    return i + 1, end
                start = opener
                if opener > 0 and doc[opener - 1].ent_type_:
                    start = next(e.start for e in doc.ents if e.start <= opener - 1 < e.end)
                return start, end
            depth -= 1
    if depth > 0:
        end = next(i for i in range(start, end) if doc[i].text == "(")
        while end > start and doc[end - 1].is_punct:
            end -= 1
    return start, end


def _features(ctx: _Context, cand: _Candidate) -> dict[str, float] | None:
    """The candidate's features (see `_WEIGHTS`), or None when it cannot be the answer at all."""
    question, terms = ctx.question, ctx.terms
    tokens = ctx.doc[cand.start : cand.end]
    content = [t for t in tokens if t.like_num or not (t.is_stop or t.is_punct)]
    if not content:
        return None
    head = question.answer_head
    overlap = sum(_is_question_word(t, terms) and t.lemma_.lower() != head for t in content) / len(content)
    if overlap == 1.0:
        return None
    labels = question.expected_labels
    if labels and cand.label not in labels and question.type in _STRICT_TYPES:
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
    return features


def _density(ctx: _Context, cand: _Candidate) -> float:
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


def _alignment(ctx: _Context, cand: _Candidate, root: Any) -> float:
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


def _clause_terms(root: Any, cand: _Candidate, terms: frozenset[str]) -> set[str]:
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
    if not _is_question_word(token, terms):
        return set()
    for form in (token.lemma_.lower(), token.lower_):
        if form in terms:
            return {form}
    return {token.lower_[:5]}


def _syntax_features(ctx: _Context, cand: _Candidate, root: Any) -> dict[str, float]:
    question, doc, terms = ctx.question, ctx.doc, ctx.terms
    features = dict.fromkeys(("governor", "role", "anchor", "head", "copula", "equivalent", "naming"), 0.0)
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
    if attached and _is_question_word(anchor, terms):
        features["anchor"] = 1.0
    head = question.answer_head
    if head and (
        any(t.lemma_.lower() == head for t in doc[cand.start : cand.end])
        or anchor.lemma_.lower() == head
        or any(c.lemma_.lower() == head for c in root.children)
    ):
        features["head"] = 1.0
    # "X is Y", "X, Y," and "X (Y)": the question names one side, the answer is the other.
    identity = question.wh_role == "attr" or question.type == "who"
    if identity and root.dep_ in _ATTR_DEPS and root.dep_ != "acomp":
        other = root.head if root.dep_ == "appos" else _subject_of(root.head)
        if other is not None and any(_is_question_word(t, terms) for t in other.subtree):
            features["copula"] = 1.0
    if any(any(_is_question_word(t, terms) for t in other) for other in _equivalents(doc, cand)):
        features["equivalent"] = 1.0
    if any(doc[i].lower_ in _NAMING_CUES for i in range(max(0, cand.start - 2), cand.start)):
        features["naming"] = 1.0
    return features


def _equivalents(doc: Any, cand: _Candidate) -> Iterator[Any]:
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
_WEIGHTS: dict[str, float] = {
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


def _is_number(token: Any) -> bool:
    """A cardinal: "17", "100–150", "four" (spaCy's `like_num` also takes "first")."""
    return bool(token.tag_ == "CD" or any(ch.isdigit() for ch in token.text))


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


def _is_question_word(token: Any, terms: frozenset[str]) -> bool:
    if token.is_stop or token.is_punct:
        return False
    lower = token.lower_
    if lower in terms or token.lemma_.lower() in terms:
        return True
    # A crude stem (five letters of words of six or more) so "naturalized" meets "naturalization".
    return len(lower) >= 6 and any(len(t) >= 6 and t[:5] == lower[:5] for t in terms)


def _norm(text: str) -> str:
    return " ".join(text.lower().split())
