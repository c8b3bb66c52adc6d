"""Question analysis: what kind of answer a question wants and which words it is about.

`analyze_question` turns the question text into a `Question` record: its type (who / when / where /
how many / why / ...), the entity labels an answer of that type carries (spaCy's OntoNotes labels), the
content lemmas to look for in the articles, the named entities and quoted phrases it contains, and the
syntactic role of the wh-phrase (subject, object, object of "in", ...), which `qa.answering.spans` uses to
pick the answer words inside a sentence.

SQuAD-style phrasing is mapped onto the same types: "In what year ..." and "What day ..." are `when`,
"What percentage ..." is `how_much`, "Which team ..." is `which` expecting an organisation, "What was the
name of ..." looks through "name of" to the noun that says what is named.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from qa.nlp import entities_of, load_spacy

__all__ = ["Question", "QuestionType", "WhRole", "analyze_question"]

QuestionType = Literal[
    "who",  # a person, organisation or group
    "when",  # a date or time
    "where",  # a place
    "how_many",  # a count
    "how_much",  # an amount or measure: money, percentages, how long / far / old / big
    "why",  # a reason
    "how",  # a manner or means ("How does Kenya curb corruption?")
    "what",  # a thing, named by a noun phrase
    "which",  # a choice among named things ("Which team ...")
    "yes_no",  # "Did ...?", "Is ...?"
    "quote_who",  # who said "..."
    "quote_what",  # what did X say (about Y)
    "other",
]

# The grammatical role of the wh-phrase in the question, voice-normalised: the subject of a passive verb
# is its logical object, the object of passive "by" its logical subject (so "What was opened by X?" and
# "X opened the bridge" line up).
WhRole = Literal["subj", "obj", "attr", "prep", "other"]

_WH_WORDS = frozenset({"what", "which", "who", "whom", "whose", "when", "where", "why", "how"})
_AUXILIARIES = frozenset(
    "is are was were am be do does did has have had can could will would shall should may might must".split()
)
# Reporting verbs, kept as data (after textacy's lexicons); lemmas.
_SPEECH_VERBS = frozenset(
    "say tell state claim argue add declare announce insist warn comment remark explain admit deny "
    "reply respond tweet".split()
)

# "Who" asks for a person, an organisation or a group; not a place (a GPE may still be the span when
# nothing better fits, with the wrong-label penalty).
_PERSON = ("PERSON", "ORG", "NORP")
_TIME = ("DATE", "TIME")
_PLACE = ("GPE", "LOC", "FAC")
_COUNT = ("CARDINAL", "QUANTITY", "MONEY", "PERCENT")
_AMOUNT = ("MONEY", "PERCENT", "QUANTITY", "CARDINAL")

# Head nouns of "what/which X" phrases and the answer they ask for. Lemmas; kept as data so a new noun
# is one line. The type says how the answer is found, the labels what spaCy calls it.
_HEAD_NOUNS: dict[str, tuple[QuestionType, tuple[str, ...]]] = {}
_HEAD_TABLE: tuple[tuple[str, tuple[QuestionType, tuple[str, ...]]], ...] = (
    ("year decade century date day month time period era week morning night season", ("when", _TIME)),
    ("percentage percent proportion", ("how_much", ("PERCENT",))),
    ("amount cost price sum fee salary revenue budget endowment", ("how_much", ("MONEY", "CARDINAL"))),
    (
        "number population total count age length distance height width depth weight speed size score",
        ("how_many", _AMOUNT),
    ),
    (
        "city country state nation place location region continent town county area island province "
        "village capital neighborhood neighbourhood district site territory",
        ("where", ("GPE", "LOC", "FAC")),
    ),
    (
        "team company organization organisation university school college agency party band club "
        "newspaper network church league firm corporation institution group body committee airline "
        "magazine station channel court government department ministry union council",
        ("which", ("ORG", "NORP", "GPE")),
    ),
    (
        "person player man woman president king queen coach quarterback leader scientist author "
        "writer ceo director minister chancellor official mayor governor emperor pope bishop senator "
        "physicist chemist philosopher mathematician economist artist actor singer architect "
        "engineer inventor founder member alumnus alumni student professor theologian reformer "
        "explorer general officer commander judge journalist musician composer poet painter ruler "
        "owner manager teacher speaker winner editor sculptor investor successor predecessor ancestor "
        "translator instructor ambassador doctor lawyer priest monk saint prince princess duke lord "
        "scholar historian politician businessman entrepreneur chairman spokesman pilot astronaut "
        "soldier captain lieutenant receiver linebacker kicker athlete champion actress defender",
        ("who", ("PERSON",)),
    ),
    ("nationality ethnicity religion", ("which", ("NORP",))),
    ("language", ("which", ("LANGUAGE", "NORP"))),
    ("event war battle", ("which", ("EVENT",))),
    ("temperature", ("how_much", ("QUANTITY", "CARDINAL"))),
    ("efficiency rate", ("how_much", ("PERCENT", "QUANTITY", "CARDINAL"))),
    ("law act treaty", ("which", ("LAW",))),
    ("building stadium bridge airport", ("where", ("FAC", "ORG"))),
)
for _words, _entry in _HEAD_TABLE:
    for _word in _words.split():
        _HEAD_NOUNS[_word] = _entry

# "how long", "how far", ...: measure questions and the labels their answers carry.
_HOW_ADJECTIVES: dict[str, tuple[str, ...]] = {
    "long": ("DATE", "TIME", "QUANTITY", "CARDINAL"),
    "old": ("DATE", "CARDINAL", "QUANTITY"),
    "often": ("DATE", "TIME", "CARDINAL"),
    "soon": ("DATE", "TIME"),
    "late": ("DATE", "TIME"),
    "early": ("DATE", "TIME"),
}
_MEASURE = ("QUANTITY", "CARDINAL", "PERCENT", "MONEY")

_TIME_UNITS = frozenset("second minute hour day week month year decade century".split())

# Nouns that only say "the name/type of": the real head is the noun after "of".
_LIGHT_NOUNS = frozenset("name kind type sort form example title".split())

_QUOTED = re.compile(r"\"([^\"]+)\"|\u201c([^\u201d]+)\u201d")


@dataclass(frozen=True, slots=True)
class Question:
    """A question and what its answer should look like.

    `terms` are content lemmas (lowercase, no stop words, no wh-words); `answer_head` is the noun of a
    "what/which X" phrase ("year" in "In what year ..."), `wh_prep` the preposition before the wh-phrase
    ("in"), `wh_role` its role, `wh_governor` the lemma of the word it depends on ("open" in "What did
    the Queen open?"), `wh_span` the character offsets of the wh-phrase ("In what year" -> "what year").
    """

    text: str
    type: QuestionType
    expected_labels: tuple[str, ...]
    terms: tuple[str, ...]
    quotes: tuple[str, ...]
    wh: str | None = None
    answer_head: str | None = None
    wh_role: WhRole = "other"
    wh_prep: str | None = None
    wh_governor: str | None = None
    term_distances: tuple[tuple[str, int], ...] = ()
    governor_arguments: tuple[str, ...] = ()
    wh_span: tuple[int, int] | None = None

    @property
    def entities(self) -> tuple[tuple[str, str], ...]:
        """(text, label) of the question's named entities, found on first use: NER is more than a third
        of a question's parse and most questions never need it."""
        return tuple((self.text[start:end], label) for start, end, label in entities_of(self.text))


def analyze_question(question: str) -> Question:
    """Analyse a question.

    Args:
        question: the question as the user typed it.

    Returns:
        The `Question` record; `type` is "other" when no wh-word or auxiliary gives it away.

    Raises:
        ValueError: when the question is empty.
    """
    text = question.strip()
    if not text:
        raise ValueError("Cannot analyse an empty question.")
    return _analyze(text)


@lru_cache(maxsize=1024)
def _analyze(text: str) -> Question:
    doc = _parse(text)
    quotes = tuple(a or b for a, b in _QUOTED.findall(text))
    terms = _content_terms(doc)
    wh = _wh_token(doc)
    if wh is None:
        first = doc[0].lower_ if len(doc) else ""
        qtype: QuestionType = "yes_no" if first in _AUXILIARIES else "other"
        if first == "name" or first == "list":
            qtype = "what"
        return Question(text, qtype, (), terms, quotes)

    word = wh.lower_
    role, prep = _wh_role(wh)
    governor_token = _governor(wh)
    governor = None if governor_token is None else str(governor_token.lemma_.lower())
    arguments = () if governor_token is None else _arguments(governor_token, wh)
    head: str | None = None
    qtype, labels = _type_of_wh(wh)
    if word in ("what", "which"):
        head = _answer_head(wh)
        if head is not None and head in _HEAD_NOUNS:
            qtype, labels = _HEAD_NOUNS[head]
        elif word == "which":
            qtype, labels = "which", ()
        if _asks_for_speech(doc, wh):
            qtype, labels = "quote_what", ()
    elif word == "how" and qtype in ("how_many", "how_much"):
        head = _counted_noun(wh)
        if head in _TIME_UNITS:
            labels = (*labels, *_TIME)  # "how many seconds": spaCy tags "17 seconds" TIME
    elif word in ("who", "whom", "whose") and _asks_for_speech(doc, wh):
        qtype = "quote_who"
    elif word == "who" and role == "attr" and terms and _all_named(doc, terms):
        labels = ()  # "Who is Dmitry Peskov?" asks what he is ("Kremlin spokesman"), not for a name
    distances = tuple((term, _tree_distance(wh, doc, term)) for term in terms)
    return Question(
        text=text,
        type=qtype,
        expected_labels=labels,
        terms=terms,
        quotes=quotes,
        wh=word,
        answer_head=head,
        wh_role=role,
        wh_prep=prep,
        wh_governor=governor,
        term_distances=distances,
        governor_arguments=arguments,
        wh_span=_wh_phrase_span(wh),
    )


def _wh_phrase_span(wh: Any) -> tuple[int, int]:
    """Character offsets of the wh-phrase: "What" alone, or "what year" when the wh-word is a determiner."""
    last = wh.head if wh.dep_ == "det" and wh.head.i > wh.i else wh
    return int(wh.idx), int(last.idx + len(last.text))


def _tree_distance(wh: Any, doc: Any, term: str) -> int:
    """Dependency edges from the wh-word to the nearest token of `term` in the question."""
    up = {t.i: n for n, t in enumerate([wh, *wh.ancestors])}
    best = len(doc)
    for token in doc:
        if token.lemma_.lower() != term:
            continue
        for n, node in enumerate([token, *token.ancestors]):
            if node.i in up:
                best = min(best, n + up[node.i])
                break
    return best


def _content_terms(doc: Any) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for token in doc:
        if token.is_stop or token.is_punct or token.lower_ in _WH_WORDS or not token.text.strip():
            continue
        if not (token.is_alpha or token.like_num or any(ch.isalnum() for ch in token.text)):
            continue
        seen[token.lemma_.lower()] = None
    return tuple(seen)


def _all_named(doc: Any, terms: Sequence[str]) -> bool:
    """Whether every content word of the question stands inside a named entity."""
    spans = [doc.char_span(start, end, alignment_mode="expand") for start, end, _ in entities_of(doc.text)]
    tokens = [t for span in spans if span is not None for t in span]
    named = {t.lemma_.lower() for t in tokens} | {t.lower_ for t in tokens}
    return all(term in named for term in terms)


def _parse(text: str) -> Any:
    """`text` through the whole pipeline but NER (the last component, whose entities nothing else in
    the pipeline reads): tagger, parser and lemmas as `nlp(text)` gives them."""
    nlp = load_spacy()
    doc = nlp.make_doc(text)
    for name, component in nlp.pipeline:
        if name != "ner":
            doc = component(doc)
    return doc


def _wh_token(doc: Any) -> Any | None:
    """The wh-word that is asked about: the first one, unless it only opens a relative clause."""
    candidates = [t for t in doc if t.lower_ in _WH_WORDS]
    for token in candidates:
        # "the process by which ...", "When X happens, what is it called?": a wh-word inside a relative or
        # adverbial clause is not the one asked about while another wh-word follows.
        if token is not candidates[-1] and _is_subordinate(token):
            continue
        return token
    return candidates[0] if candidates else None


def _is_subordinate(token: Any) -> bool:
    node = token
    while node.head.i != node.i:
        if node.dep_ in ("relcl", "advcl", "acl"):
            return True
        node = node.head
    return False


def _type_of_wh(wh: Any) -> tuple[QuestionType, tuple[str, ...]]:
    word = wh.lower_
    if word in ("who", "whom", "whose"):
        return "who", _PERSON
    if word == "when":
        return "when", _TIME
    if word == "where":
        return "where", _PLACE
    if word == "why":
        return "why", ()
    if word == "how":
        following = wh.nbor(1).lower_ if wh.i + 1 < len(wh.doc) else ""
        if following == "many":
            return "how_many", _COUNT
        if following == "much":
            return "how_much", _AMOUNT
        if following in _HOW_ADJECTIVES:
            return "how_much", _HOW_ADJECTIVES[following]
        if following and wh.nbor(1).pos_ in ("ADJ", "ADV") and following not in ("come",):
            return "how_much", _MEASURE
        return "how", ()
    return "what", ()


def _answer_head(wh: Any) -> str | None:
    """The noun the wh-phrase asks for: "what year" -> year, "what is the name of the river" -> river."""
    noun: Any | None = None
    after = wh.head.i > wh.i
    if wh.dep_ in ("det", "attr", "dobj", "nsubj", "pobj") and wh.head.pos_ in ("NOUN", "PROPN") and after:
        noun = wh.head
    elif wh.dep_ in ("attr", "nsubj", "nsubjpass") and wh.head.lemma_ == "be":
        # "What is the capital of X?" -> the subject noun of the copula.
        subjects = [c for c in wh.head.children if c.dep_ in ("nsubj", "attr") and c.i != wh.i]
        if subjects and subjects[0].pos_ in ("NOUN", "PROPN"):
            noun = subjects[0]
    if noun is None:
        return None
    # "name of X", "type of X": the noun after "of" says what is asked for.
    while noun.lemma_.lower() in _LIGHT_NOUNS:
        objects = [g for c in noun.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children]
        if not objects or objects[0].pos_ not in ("NOUN", "PROPN"):
            break
        noun = objects[0]
    return str(noun.lemma_.lower())


def _counted_noun(wh: Any) -> str | None:
    """The noun of "how many X" ("how many seasons" -> season)."""
    if wh.i + 1 >= len(wh.doc):
        return None
    noun = wh.nbor(1).head
    return str(noun.lemma_.lower()) if noun.pos_ in ("NOUN", "PROPN") and noun.i > wh.i else None


def _wh_role(wh: Any) -> tuple[WhRole, str | None]:
    """The role of the wh-phrase in its clause, and the preposition in front of it, if any."""
    phrase = wh.head if wh.dep_ in ("det", "poss", "advmod", "amod") and wh.head.i != wh.i else wh
    if wh.lower_ == "how" and phrase is not wh:
        phrase = phrase.head if phrase.dep_ in ("amod", "nummod") else phrase
    dep = phrase.dep_
    if dep == "pobj":
        prep = phrase.head.lower_
        if prep == "by" and phrase.head.dep_ == "agent":
            return "subj", None
        return "prep", prep
    if dep in ("nsubj", "csubj"):
        return "subj", None
    if dep in ("nsubjpass", "dobj"):
        return "obj", None
    if dep in ("attr", "oprd", "acomp"):
        return "attr", None
    return "other", None


def _governor(wh: Any) -> Any | None:
    """The verb (or noun) the wh-phrase hangs on, through determiners and prepositions; not a copula."""
    token = wh
    for _ in range(4):
        if token.head.i == token.i:
            return None
        token = token.head
        if token.pos_ in ("VERB", "AUX") or (token.pos_ == "NOUN" and token.i < wh.i):
            if token.lemma_ == "be" or token.pos_ == "AUX":
                return None
            return token
    return None


def _arguments(governor: Any, wh: Any) -> tuple[str, ...]:
    """Lemmas of the governor's other arguments ("Gaga" in "What did Lady Gaga sing?"), through prepositions.

    In a sentence that says the same with another verb ("Lady Gaga performed the anthem"), the verb
    these hang on stands in for the governor.
    """
    wh_phrase = {t.i for t in wh.head.subtree} if wh.dep_ in ("det", "poss") else {t.i for t in wh.subtree}
    found: list[str] = []
    for child in governor.children:
        through = child.dep_ in ("prep", "agent")
        heads = [g for g in child.children if g.dep_ == "pobj"] if through else [child]
        for head in heads:
            if head.i in wh_phrase or head.is_stop or head.pos_ not in ("NOUN", "PROPN", "NUM"):
                continue
            found.append(str(head.lemma_.lower()))
    return tuple(dict.fromkeys(found))


def _asks_for_speech(doc: Any, wh: Any) -> bool:
    """True for "Who said ...?" and "What did X say ...?": the wh-word hangs on a reporting verb."""
    verb = wh if wh.pos_ == "VERB" else wh.head
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    return bool(verb.lemma_.lower() in _SPEECH_VERBS and verb.i > wh.i - 1)
