"""Training windows for the reader, built from SQuAD-style paragraphs.

At answer time the reader reads one candidate sentence with the sentence before it in its paragraph
(`qa.answering.reader.reader`), so training windows have the same shape: the answer's sentence with its
previous sentence (or, one time in four, with the next one, so an answer is not always last). Three kinds of
"no answer" windows teach the reader to decline (SQuAD 2.0 style, after Rajpurkar et al. 2018):

- `other_sentence`: the question over two other sentences of its own paragraph, which do not hold the
  answer text (same topic, same words: the hard kind);
- `other_paragraph`: the question over two sentences of another paragraph of the same article;
- `near_miss`: the question with a year, number or name changed to one the paragraph does not hold,
  over the answer's own window ("in 1997" for "in 1995", another person): the answer sentence no longer
  answers it;
- `swap`: the question with a name, place, date or number of the answer's window changed to another of
  the same kind (by the NER model) that the same article names elsewhere ("How much is Northway paying
  for Orsted?" over "Northway is paying £2bn for Vestas", Orsted named two paragraphs down): the near
  miss news readers write, which no missing word gives away.

With `hard` > 0, that share of the `other_sentence` and `other_paragraph` windows is the one sharing the
most words with the question (for `other_paragraph`, over every other paragraph of the article) rather
than one drawn at random: retrieval hands the reader exactly such sentences (a news lead repeating the
question's words beside the detail that answers it), and the reader must learn that repeating the
question is not answering it.

The data (`../shared/train/squad-v1-train.jsonl`) is read at training time and never copied: windows
live in memory. `answer_start` there is the *first* occurrence of the answer text; questions whose
answer text occurs more than once in the paragraph are left out rather than trained on a wrong place.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from index.sentences import split_sentences
from qa.nlp import named_entities

__all__ = [
    "HELD_OUT_ARTICLES",
    "SEED",
    "Window",
    "WindowKind",
    "build_windows",
    "held_out_titles",
    "read_paragraphs",
]

# The training file's articles held out from training (`lab.reader.train`, `lab.reader.held_out_eval`).
HELD_OUT_ARTICLES = 20
SEED = 13

WindowKind = Literal["answer", "other_sentence", "other_paragraph", "near_miss", "swap"]

# Entity labels a swap may change (the NER model's); one is replaced by another of the same label.
SWAPPABLE = frozenset(
    "PERSON ORG GPE NORP LOC FAC EVENT WORK_OF_ART PRODUCT LAW LANGUAGE DATE TIME CARDINAL MONEY "
    "PERCENT QUANTITY".split()
)

_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")
_NUMBER = re.compile(r"\b\d+\b")
_NAME = re.compile(r"\b[A-Z][a-z]{2,}(?:\s+[A-Z][a-z]{2,})*\b")


@dataclass(frozen=True, slots=True)
class Window:
    """A question over a context; `answer_start`/`answer_end` index `context`, -1 for no answer."""

    question: str
    context: str
    answer_start: int
    answer_end: int
    kind: WindowKind
    title: str


@dataclass(frozen=True, slots=True)
class _Paragraph:
    title: str
    context: str
    qas: tuple[tuple[str, str, int, int], ...]  # question, answer text, answer_start, occurrences


def read_paragraphs(file: Path) -> list[_Paragraph]:
    """The paragraphs of a SQuAD-style JSONL file, one per line."""
    paragraphs = []
    with file.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            qas = tuple(
                (
                    qa["question"],
                    qa["answers"][0]["text"],
                    qa["answers"][0]["answer_start"],
                    qa["occurrences"],
                )
                for qa in row["qas"]
            )
            paragraphs.append(_Paragraph(row["title"], row["context"], qas))
    return paragraphs


def held_out_titles(titles: Iterable[str], count: int, seed: int) -> set[str]:
    """`count` of the article `titles` drawn with `seed`: their paragraphs are the held-out slice."""
    return set(random.Random(seed).sample(sorted(set(titles)), count))


def build_windows(
    paragraphs: list[_Paragraph],
    seed: int,
    other_sentence: float = 0.35,
    other_paragraph: float = 0.1,
    near_miss: float = 0.12,
    hard: float = 0.0,
    swap: float = 0.0,
) -> list[Window]:
    """Every answer window of `paragraphs`, with no-answer windows in the given shares per question
    (`hard` of them the one sharing the most words with the question)."""
    rng = random.Random(seed)
    entities = _entities(paragraphs) if swap else []
    by_title: dict[str, list[int]] = {}
    for i, paragraph in enumerate(paragraphs):
        by_title.setdefault(paragraph.title, []).append(i)
    names = _name_pool(paragraphs)
    split = [_sentence_bounds(p.context) for p in paragraphs]
    windows: list[Window] = []
    for i, paragraph in enumerate(paragraphs):
        bounds = split[i]
        for question, answer, start, occurrences in paragraph.qas:
            if occurrences != 1:
                continue
            window = _answer_window(paragraph, bounds, question, answer, start, rng)
            if window is None:
                continue
            windows.append(window)
            if rng.random() < other_sentence:
                pool = [(paragraph, bounds)]
                windows.extend(_no_answer(pool, question, answer, "other_sentence", rng, hard))
            if rng.random() < other_paragraph:
                others = [j for j in by_title[paragraph.title] if j != i]
                if others:
                    # a hard window is sought over every other paragraph, a drawn one in one of them
                    hardest = hard > 0 and rng.random() < hard
                    chosen = others if hardest else [rng.choice(others)]
                    pool = [(paragraphs[j], split[j]) for j in chosen]
                    windows.extend(_no_answer(pool, question, answer, "other_paragraph", rng, float(hardest)))
            if rng.random() < near_miss:
                changed = _near_miss(question, paragraph.context, names, rng)
                if changed is not None:
                    windows.append(Window(changed, window.context, -1, -1, "near_miss", paragraph.title))
            if swap and rng.random() < swap:
                article = [entities[j] for j in by_title[paragraph.title]]
                swapped = _swap(question, paragraph.context, window.context, entities[i], article, rng)
                if swapped is not None:
                    windows.append(Window(swapped, window.context, -1, -1, "swap", paragraph.title))
    return windows


_Entity = tuple[int, int, str, str]  # start, end, label, text
# Labels whose replacement must hold a digit ("1995" for "1912", never "annual").
_NUMERIC = frozenset("DATE TIME CARDINAL MONEY PERCENT QUANTITY".split())


def _entities(paragraphs: list[_Paragraph]) -> list[list[_Entity]]:
    """The swappable named entities of each paragraph, by the NER model."""
    found = []
    for paragraph in paragraphs:
        text = paragraph.context
        found.append([(s, e, label, text[s:e]) for s, e, label in named_entities(text) if label in SWAPPABLE])
    return found


def _swap(
    question: str,
    context: str,
    window: str,
    own: list[_Entity],
    article: list[list[_Entity]],
    rng: random.Random,
) -> str | None:
    """`question` with an entity of `window` (a part of `context`, whose entities are `own`) it names
    changed to another of the same label that the article (`article`: each paragraph's entities) names
    but the window does not; None when the question names none of the window's entities."""
    low = context.find(window)
    if low < 0:
        return None
    high = low + len(window)
    folded = window.lower()
    named = [
        (e, where)
        for e in own
        if low <= e[0]
        and e[1] <= high
        and (where := re.search(rf"(?<!\w){re.escape(e[3])}(?!\w)", question)) is not None
    ]
    if not named:
        return None
    (_start, _end, label, text), where = rng.choice(named)
    words = set(text.lower().split())
    numeric = label in _NUMERIC
    others = sorted(
        {
            e[3]
            for entities in article
            for e in entities
            if e[2] == label
            and e[3].lower() not in folded
            and e[3] not in question
            and not words & set(e[3].lower().split())
            and (not numeric or any(c.isdigit() for c in e[3]))
        }
    )
    if not others:
        return None
    return question[: where.start()] + rng.choice(others) + question[where.end() :]


def _sentence_bounds(context: str) -> list[tuple[int, int]]:
    return [(s.start, s.end) for s in split_sentences("squad", context)]


def _answer_window(
    paragraph: _Paragraph,
    bounds: list[tuple[int, int]],
    question: str,
    answer: str,
    start: int,
    rng: random.Random,
) -> Window | None:
    end = start + len(answer)
    inside = [k for k, (s, e) in enumerate(bounds) if s < end and e > start]
    if not inside:
        return None
    first, last = inside[0], inside[-1]
    if rng.random() < 0.25 and last + 1 < len(bounds):
        last += 1
    elif first > 0:
        first -= 1
    offset = bounds[first][0]
    context = paragraph.context[offset : bounds[last][1]]
    return Window(question, context, start - offset, end - offset, "answer", paragraph.title)


def _pairs(bounds: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """(first, last) sentence indices of previous-sentence + sentence windows."""
    return [(max(0, k - 1), k) for k in range(len(bounds))]


def _no_answer(
    pool: list[tuple[_Paragraph, list[tuple[int, int]]]],
    question: str,
    answer: str,
    kind: WindowKind,
    rng: random.Random,
    hard: float = 0.0,
) -> Iterator[Window]:
    """A window of two sentences of `pool`'s paragraphs that does not hold the answer: with chance
    `hard` the one sharing the most words with the question, else one drawn at random."""
    folded = answer.lower()
    choices = []
    for paragraph, bounds in pool:
        for first, last in _pairs(bounds):
            text = paragraph.context[bounds[first][0] : bounds[last][1]]
            if folded not in text.lower():
                choices.append((paragraph.title, text))
    if not choices:
        return
    if hard and rng.random() < hard:
        asked = _words(question)
        title, text = max(choices, key=lambda choice: len(asked & _words(choice[1])))
    else:
        title, text = rng.choice(choices)
    yield Window(question, text, -1, -1, kind, title)


def _words(text: str) -> set[str]:
    """The lower-cased words of `text` of four letters or more, by their first five letters."""
    return {w.lower()[:5] for w in re.findall(r"[A-Za-z]{4,}", text)}


def _name_pool(paragraphs: list[_Paragraph]) -> list[str]:
    pool = set()
    for paragraph in paragraphs:
        for question, *_ in paragraph.qas:
            for match in _NAME.finditer(question[1:]):
                pool.add(match.group())
    return sorted(pool)


def _near_miss(question: str, context: str, names: list[str], rng: random.Random) -> str | None:
    """`question` with a year, number or name it shares with `context` changed to one `context` lacks."""
    folded = context.lower()
    years = [m for m in _YEAR.finditer(question) if m.group() in context]
    if years:
        match = rng.choice(years)
        for _ in range(10):
            year = str(int(match.group()) + rng.choice([-1, 1]) * rng.randint(1, 15))
            if year not in context:
                return question[: match.start()] + year + question[match.end() :]
    numbers = [
        m for m in _NUMBER.finditer(question) if m.group() in context and not _YEAR.fullmatch(m.group())
    ]
    if numbers:
        match = rng.choice(numbers)
        for _ in range(10):
            number = str(max(2, int(match.group()) * rng.choice([2, 3, 10]) + rng.randint(1, 9)))
            if number not in context:
                return question[: match.start()] + number + question[match.end() :]
    found = [m for m in _NAME.finditer(question) if m.start() > 0 and m.group().lower() in folded]
    if found and names:
        match = rng.choice(found)
        for _ in range(10):
            name = rng.choice(names)
            if name.lower() not in folded and name != match.group():
                return question[: match.start()] + name + question[match.end() :]
    return None
