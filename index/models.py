"""Records of the offline side: an article, its sentences, its chunks, its quotes and their speakers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

QuoteKind = Literal["direct", "indirect", "mixed", "partial"]
SpeakerKind = Literal["person", "organisation", "source"]


@dataclass(frozen=True, slots=True)
class Article:
    """One news article; `text` is stored exactly as given so offsets index the source."""

    id: str
    title: str
    text: str
    source: str = ""
    url: str = ""
    published: str = ""  # YYYY-MM-DD or empty


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of an article: `article.text[start:end] == text`."""

    article_id: str
    position: int
    start: int
    end: int
    text: str
    paragraph: int = 0


@dataclass(frozen=True, slots=True)
class Chunk:
    """Consecutive sentences `first..last` (inclusive) of one article, embedded together."""

    article_id: str
    first: int
    last: int
    text: str
    id: int = -1  # row id in the store, -1 before it is stored


@dataclass(frozen=True, slots=True)
class Quote:
    """A statement in an article and who made it, found at indexing time.

    `kind`: "direct" (a quoted statement), "mixed" (a quoted fragment woven into the writer's sentence),
    "indirect" (reported speech), "partial" (a scare-quoted word or two, 'called it "gossip"': nobody's
    statement, so never a speaker's; kept searchable).
    `start`/`end` index `Article.text`; `speaker` is the canonical name for the article (None when no
    speaker can be found: never guessed); `speaker_mention` is the words naming the speaker at the cue;
    `speaker_kind` is "person", "organisation" or "source" (a described source: "a defence analyst"),
    None when unknown (the store infers it). Read from a store, `speaker` is the speaker's canonical
    name across the store and `speaker_id` its id in the store's speakers table (`Speaker`).
    """

    article_id: str
    text: str
    start: int
    end: int
    kind: QuoteKind
    speaker: str | None
    speaker_mention: str | None
    cue: str | None
    first_sentence: int
    last_sentence: int
    role: str | None = None
    speaker_kind: str | None = None
    speaker_id: int | None = None  # the store's, None before the quote is stored


@dataclass(frozen=True, slots=True)
class Speaker:
    """One person, organisation or described source across the articles of a store (`index.speakers`
    decides who is who): its canonical name (the fullest form seen), every name form seen, its roles as
    the articles give them ("Prime Minister", never "Mr"), and how often it is quoted."""

    id: int
    name: str
    kind: SpeakerKind
    aliases: tuple[str, ...]
    roles: tuple[str, ...]
    quotes: int
    articles: int
