"""Quotes and their speakers for one article: marks -> parse -> cues -> speakers -> `Quote` records.

Each paragraph is parsed once (spaCy via `qa.nlp`). Cues are resolved to speakers in text order, so a
pronoun sees every speaker named before it. A quote with no cue of its own takes, in order: the cue of
the quote right after it ('"A." "B," she said.'), the last cue before it in its paragraph, and (for a
quote that opens its paragraph) the last speaker of the previous paragraph: news style lets a quote
paragraph with no attribution continue the speaker of the paragraph before. A short paragraph of a dash and
a name under a quote paragraph ("- Clinton.") signs the quotes there that no cue attributes.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from index.models import Article, Quote, QuoteKind, Sentence, SpeakerKind
from qa.quotes import lexicon
from qa.quotes.extraction import cues as cue_rules
from qa.quotes.extraction.cues import Cue
from qa.quotes.extraction.entities import (
    MAIN_SUBJECT_WEIGHT,
    RECENCY_WEIGHT,
    SPEAKER_WEIGHT,
    EntityKind,
    Gender,
    Mention,
    Registry,
    strip_name,
    title_gender,
    words_of_name,
)
from qa.quotes.extraction.linking import is_fragment, link_quotes, negated, own_cues
from qa.quotes.extraction.marks import DOUBLE_MARKS, QuotedSpan, as_double_marks, find_quoted_spans
from qa.quotes.extraction.mentions import build_registry
from qa.quotes.extraction.paragraphs import Paragraph, paragraph_bounds, parse_paragraphs, parsed_ahead
from qa.quotes.extraction.speaker_model import QuoteWindow, SpeakerGuess, SpeakerModel
from qa.quotes.extraction.speaker_words import SpeakerWords, describe, is_non_speaker
from qa.quotes.extraction.transcripts import TranscriptLine, transcript_lines

if TYPE_CHECKING:
    from spacy.tokens import Token

# A fragment of at most this many words is a scare quote ('called it "gossip"'), nobody's statement.
SCARE_QUOTE_WORDS = 1
# The speaker model reads quotes of at least this many words; shorter ones are titles, scare quotes and
# one-word answers, whose speaker the cue rules find as well (and the model costs a window each).
MODEL_MIN_WORDS = 2

# Quotes mostly inside a reported clause make it direct speech, not indirect.
_MAX_QUOTED_SHARE_OF_INDIRECT = 0.5


@dataclass(frozen=True, slots=True)
class Speaker:
    """A resolved speaker: the canonical name (None when unknown), the words at the cue, and its kind
    ("person", "organisation", "source": a described source; None when unknown)."""

    name: str | None
    mention: str | None
    role: str | None
    cue: str | None
    kind: SpeakerKind | None = None


SpeakerPolicy = Literal["rules", "model", "own", "fill"]


@dataclass(frozen=True, slots=True)
class ExtractOptions:
    """Switches for the heuristics that the evaluation weighs (see qa.evaluation.quotes).

    `speakers`: whose speaker a quote gets: the cue rules' ("rules"), the speaker model's where it finds
    one over `model_margin` ("model"), the model's unless a cue the rules trust names a person or an
    organisation ("own": a cue of the quote's own, or, for a quote that is a whole statement, the cue
    it is linked to in its paragraph), or the model's only where the rules find none ("fill").
    """

    continue_paragraphs: bool = True
    resolve_descriptions: bool = True
    drop_unattributed_fragments: bool = True
    speakers: SpeakerPolicy = "own"
    model_margin: float = 0.0


# Loaded on first use, shared by every extraction in the process. One thread: articles are prepared in
# two worker processes beside the encoder, which already keep both cores busy.
SPEAKER_MODEL = SpeakerModel(threads=1)


def extract_quotes(
    article: Article,
    sentences: Sequence[Sentence],
    options: ExtractOptions | None = None,
    model: SpeakerModel = SPEAKER_MODEL,
) -> list[Quote]:
    """Direct, mixed and indirect quotes of `article`, each with its speaker where one can be found.

    Args:
        article: the article; every offset returned indexes `article.text`.
        sentences: its sentences (from `index.sentences.split_sentences`), used for paragraph bounds and
            the `first_sentence`/`last_sentence` positions.
        options: heuristic switches; the defaults are the measured best.
        model: the speaker model (`options.speakers` other than "rules").

    Returns:
        Quotes in text order, `article.text[q.start:q.end] == q.text` for each.
    """
    options = options or ExtractOptions()
    text = as_double_marks(article.text)  # the article's offsets: quote texts are taken from it
    bounds = paragraph_bounds(sentences)
    if not bounds:
        return []
    spans = find_quoted_spans(text, bounds)
    paragraphs = parse_paragraphs(text, bounds, spans)
    registry = build_registry(paragraphs)
    resolver = _Resolver(registry, options)
    cues_by_paragraph = [_paragraph_cues(p, resolver) for p in paragraphs]

    records: list[tuple[int, int, QuoteKind, Speaker]] = []
    last_speaker: Speaker | None = None
    quotes_by_paragraph: dict[int, list[int]] = {}
    for index, span in enumerate(spans):
        quotes_by_paragraph.setdefault(span.paragraph, []).append(index)
    headline = _headline_paragraph(article, text, bounds)
    transcript = {line.paragraph: line for line in transcript_lines(text, bounds)}
    guesses = _Guesses(model, text, bounds, spans)
    # The subjects of cues that deny speech ("Comey has not said"): never a quote's speaker.
    denied = [
        (cue.speaker.start, cue.speaker.end)
        for paragraph, cues in zip(paragraphs, cues_by_paragraph, strict=True)
        for cue in cues
        if cue.speaker is not None and negated(paragraph, cue)
    ]
    for paragraph, cues in zip(paragraphs, cues_by_paragraph, strict=True):
        if paragraph.number == headline:
            continue  # a headline is nobody's words ("Blair says UK tsunami aid to soar")
        line = transcript.get(paragraph.number)
        if line is not None and paragraph.number not in quotes_by_paragraph:
            said = _transcript_speaker(line, registry)
            if said is not None:
                records.append((line.start, line.end, "direct", said))
        indices = quotes_by_paragraph.get(paragraph.number, [])
        own = own_cues(paragraph, spans, indices, cues)
        linked = link_quotes(paragraph, spans, indices, cues, own)
        for index in quotes_by_paragraph.get(paragraph.number, []):
            span = spans[index]
            cue = linked.get(index)
            speaker = resolver.speaker(cue) if cue is not None else None
            fragment = is_fragment(paragraph, span)
            # A whole statement linked to a cue naming someone ('"A," he said. "B."') keeps that
            # speaker: the model changed 10 of 1,396 such quotes on the train articles (bench/README.md).
            trusted = index in own or not fragment
            guess = guesses.get(index) if _model_may_decide(options, speaker, trusted) else None
            if guess is not None and _take_guess(text, guess, denied, options.model_margin):
                speaker = _prefer_named(_mention_speaker(guess, paragraphs, resolver, cue), speaker)
            if speaker is not None and _markup(speaker.name):
                speaker = None
            opens_paragraph = not text[paragraph.start : span.open_mark].strip() and _first_quote(
                quotes_by_paragraph, paragraph, index
            )
            if (
                speaker is None
                and options.continue_paragraphs
                and last_speaker is not None
                and opens_paragraph
            ):
                # News convention: a quote paragraph with no cue continues the previous paragraph's speaker.
                speaker = Speaker(last_speaker.name, None, last_speaker.role, None, last_speaker.kind)
            if fragment and _scare_quote(text, span) and (cue is None or _so_called(text, span)):
                records.append((span.start, span.end, "partial", Speaker(None, None, None, None)))
                continue
            if fragment and (speaker is None or speaker.name is None) and options.drop_unattributed_fragments:
                continue
            kind: QuoteKind = "mixed" if fragment else "direct"
            records.append((span.start, span.end, kind, speaker or Speaker(None, None, None, None)))
        for cue in cues:
            if cue.content is None:
                continue
            start, end = cue.content[0] + paragraph.start, cue.content[1] + paragraph.start
            if _quoted_share(spans, start, end) > _MAX_QUOTED_SHARE_OF_INDIRECT:
                continue
            records.append((start, end, "indirect", resolver.speaker(cue)))
        signed = _signature(paragraph, registry)
        if signed is not None and paragraph.number > 0:
            # "- Clinton." under a quote paragraph signs its quotes that no cue attributes.
            previous = paragraphs[paragraph.number - 1]
            records = [
                (start, end, kind, signed)
                if previous.start <= start < previous.end and kind != "indirect" and speaker.cue is None
                else (start, end, kind, speaker)
                for start, end, kind, speaker in records
            ]
        last_speaker = _last_speaker(paragraph, records, cues, resolver)

    nobody = Speaker(None, None, None, None)
    records = [
        (start, end, kind, nobody if _markup(said.name) else said) for start, end, kind, said in records
    ]
    starts = [s.start for s in sentences]
    quotes = [
        Quote(
            article_id=article.id,
            text=article.text[start:end],
            start=start,
            end=end,
            kind=kind,
            speaker=speaker.name,
            speaker_mention=speaker.mention,
            cue=speaker.cue,
            first_sentence=_sentence_at(sentences, starts, start),
            last_sentence=_sentence_at(sentences, starts, max(start, end - 1)),
            role=speaker.role,
            speaker_kind=speaker.kind if speaker.name is not None else None,
        )
        for start, end, kind, speaker in records
    ]
    return sorted(quotes, key=lambda q: (q.start, q.end))


class IndexingExtractor:
    """`extract_quotes` as indexing runs it: `read_ahead` parses the paragraphs of a whole batch of
    articles in one stream first, and each article's extraction takes its parses from there."""

    def __call__(self, article: Article, sentences: Sequence[Sentence]) -> list[Quote]:
        return extract_quotes(article, sentences)

    def read_ahead(self, items: Sequence[tuple[Article, Sequence[Sentence]]]) -> AbstractContextManager[None]:
        """Within: the paragraphs of `items` (articles and their sentences) are parsed already."""
        return parsed_ahead(_paragraph_texts(items))


def _paragraph_texts(items: Sequence[tuple[Article, Sequence[Sentence]]]) -> Iterator[str]:
    """Each paragraph of `items` as `extract_quotes` parses it (two-character marks read as one)."""
    for article, sentences in items:
        text = as_double_marks(article.text)  # once an article, not once a paragraph
        for start, end in paragraph_bounds(sentences):
            yield text[start:end]


def _scare_quote(text: str, span: QuotedSpan) -> bool:
    """A quoted fragment of one word with no sentence punctuation inside ('an "awful" job')."""
    words = text[span.start : span.end].split()
    return len(words) <= SCARE_QUOTE_WORDS and not any(mark in text[span.start : span.end] for mark in "!?")


def _so_called(text: str, span: QuotedSpan) -> bool:
    """'the so-called "reform"': the writer's distance from a word, whoever speaks around it."""
    return text[max(0, span.open_mark - 12) : span.open_mark].rstrip().lower().endswith("so-called")


def _model_may_decide(options: ExtractOptions, speaker: Speaker | None, trusted_cue: bool) -> bool:
    """Whether the policy lets the model's guess replace the rules' `speaker` (found through a cue
    the rules trust when `trusted_cue`); when it cannot, the model is not run for the quote."""
    if options.speakers == "rules":
        return False
    if options.speakers == "model":
        return True
    named = speaker is not None and speaker.kind in ("person", "organisation")
    if options.speakers == "own":
        return not (trusted_cue and named)
    return speaker is None or speaker.name is None


def _markup(name: str | None) -> bool:
    """Whether a speaker's name is words of markup the text kept ('<tweet pic="" author=...>'): nobody."""
    return name is not None and any(mark in name for mark in "<>=")


def _take_guess(text: str, guess: SpeakerGuess, denied: Sequence[tuple[int, int]], margin: float) -> bool:
    """Whether the model found a speaker in reach by more than `margin`, not the subject of a denial
    (`denied`) and not words of markup the text kept ('<tweet pic="" author=...>')."""
    if guess.span is None or guess.margin <= margin:
        return False
    start, end = guess.span
    if any(mark in text[start:end] for mark in "<>="):
        return False
    return not any(s < end and start < e for s, e in denied)


def _prefer_named(found: Speaker | None, rules: Speaker | None) -> Speaker | None:
    """The model's speaker `found`, unless it is a description and the rules name someone: "SEIU
    officials" or "workers" never displace the person a cue names."""
    if found is None:
        return rules
    named = ("person", "organisation")
    if found.kind == "source" and rules is not None and rules.name is not None and rules.kind in named:
        return rules
    return found


class _Guesses:
    """The speaker model's guess for a quoted span, asked for one span at a time and only where the
    policy lets it decide: on most quotes a cue of their own names the speaker and the model never runs."""

    def __init__(
        self,
        model: SpeakerModel,
        text: str,
        bounds: Sequence[tuple[int, int]],
        spans: Sequence[QuotedSpan],
    ) -> None:
        self._model = model
        self._text = text
        self._bounds = bounds
        self._starts = [b[0] for b in bounds]
        self._spans = spans

    def get(self, index: int) -> SpeakerGuess | None:
        """The guess for span `index` read with its paragraph and one on each side; None for a span
        shorter than `MODEL_MIN_WORDS` words."""
        span = self._spans[index]
        if len(self._text[span.start : span.end].split()) < MODEL_MIN_WORDS:
            return None
        bounds = self._bounds
        last = max(span.paragraph, bisect.bisect_right(self._starts, span.end - 1) - 1)
        first, last = max(span.paragraph - 1, 0), min(last + 1, len(bounds) - 1)
        window = QuoteWindow(bounds[first][0], bounds[last][1], span.start, span.end)
        return self._model.find(self._text, [window])[0]


def _mention_speaker(
    guess: SpeakerGuess,
    paragraphs: Sequence[Paragraph],
    resolver: _Resolver,
    cue: Cue | None,
) -> Speaker | None:
    """The speaker the words the model found name, resolved as a cue's subject would be;
    None when they name no one the rules can describe."""
    assert guess.span is not None
    start, end = guess.span
    if cue is not None and cue.speaker is not None and cue.speaker.start < end and start < cue.speaker.end:
        return resolver.speaker(cue)  # the model and the rules found the same words
    else:
        paragraph = next((p for p in paragraphs if p.start <= start < p.end), None)
        if paragraph is None:
            return None
        tokens = [t for t in paragraph.doc if start <= paragraph.start + t.idx < end]
        inside = {t.i for t in tokens}
        heads = [t for t in tokens if t.head.i not in inside or t.head.i == t.i]
        if not heads:
            return None
        head = heads[-1]
        words = describe(head, paragraph.start)
        if words is None:
            return None
        words = replace(words, sentence=paragraph.sentence_of[head.i])
        found = Cue(
            paragraph.number, head.i, paragraph.start + head.idx, cue.text if cue else None, words, None
        )
        return resolver.speaker(found)


def _transcript_speaker(line: TranscriptLine, registry: Registry) -> Speaker | None:
    """The speaker a transcript label names ("MR. O'NEILL" -> the article's O'Neill), or None when the
    article names no such person and the label opens only this paragraph."""
    words = strip_name(words_of_name(line.label.title()))
    if not words:
        return None
    entity = registry.known_name(words[-1])
    if entity is None:
        if not line.repeated:
            return None
        entity = registry.person_or_org(words, "PERSON")
    return Speaker(
        registry.name(entity), line.label, registry.role(entity), None, speaker_kind(registry, entity)
    )


def _headline_paragraph(article: Article, text: str, bounds: Sequence[tuple[int, int]]) -> int | None:
    """0 when the article's first paragraph is its title (a .txt headline kept in the text), else None."""
    title = " ".join(article.title.split()).strip("# ")
    first = " ".join(text[bounds[0][0] : bounds[0][1]].split()).strip("# ")
    return 0 if title and first == title and len(bounds) > 1 else None


class _Resolver:
    """Turns cue subjects into speakers, in text order, recording each as a mention for later pronouns."""

    def __init__(self, registry: Registry, options: ExtractOptions) -> None:
        self._registry = registry
        self._options = options
        self._resolved: dict[tuple[int, int], Speaker] = {}

    def speaker(self, cue: Cue) -> Speaker:
        """The cue's speaker; resolved on first call, which must come in text order."""
        key = (cue.paragraph, cue.token)
        if key in self._resolved:
            return self._resolved[key]
        words = cue.speaker
        registry = self._registry
        if words is None:
            speaker = Speaker(None, None, None, cue.text)
        else:
            shown, referent = self._entities(words)
            if referent is not None:
                weight = RECENCY_WEIGHT + MAIN_SUBJECT_WEIGHT + SPEAKER_WEIGHT
                registry.add_mention(Mention(words.start, words.end, referent, words.sentence, weight))
            if shown is None:
                speaker = Speaker(None, words.text, words.role, cue.text)
            else:
                kind = speaker_kind(registry, shown)
                # A described source is its own role: "the Prime Minister's spokesman" is not a Prime
                # Minister, whoever the description leads later pronouns to.
                led_to = shown if referent is None else referent
                role = words.role or registry.role(shown) or registry.role(led_to)
                if kind == "source":
                    role = None
                speaker = Speaker(registry.name(shown), words.text, role, cue.text, kind)
        self._resolved[key] = speaker
        return speaker

    def _entities(self, words: SpeakerWords) -> tuple[int | None, int | None]:
        """The entity to show as the speaker and the one the words refer to (for later pronouns)."""
        registry = self._registry
        if words.kind == "pronoun":
            entity = registry.resolve_pronoun(words.text, words.start, words.sentence)
            return entity, entity
        if words.kind == "name":
            name = strip_name(words.words)
            if not name:
                return None, None
            # A bare surname is whoever the article's pass over names decided it was at this place
            # ("Mr. Obama" is not Michelle Obama); anything else is looked up by its words.
            entity = registry.named_at(words.start, words.end) if len(name) == 1 else None
            if entity is None or registry.kind(entity) == "org":
                gender = title_gender(words.words)
                role_head = words.head if words.role else None
                entity = registry.person_or_org(name, words.label, gender, role_head, words.start)
            if words.role and words.head:
                registry.set_role(entity, words.role, words.head)
            return entity, entity
        description = registry.nominal(words.text, words.head, _description_kind(words))
        if not words.definite or words.plural:
            return description, description
        by_role = registry.resolve_role(words.head, words.start)
        if by_role is not None:
            # Only a bare role ("the spokesman") is shown as the person introduced with it: a fuller
            # description ("the ad's narrator", "the law firm") is how the text names the speaker.
            bare = len(words.text.split()) == 2 and registry.is_named(by_role)
            shown = by_role if self._options.resolve_descriptions and bare else description
            return shown, by_role
        antecedent = self._antecedent(words)
        return description, description if antecedent is None else antecedent

    def _antecedent(self, words: SpeakerWords) -> int | None:
        """The most salient named person of compatible gender before a definite person description.

        News rarely writes "the GOP nominee said" of someone new, so later pronouns should reach the named
        person through it; the description itself stays the shown speaker, since nothing but salience
        links the two.
        """
        if words.head not in lexicon.PERSON_NOUNS:
            return None
        registry = self._registry
        gender: Gender | None = None
        if words.head in lexicon.MALE_NOUNS:
            gender = "m"
        elif words.head in lexicon.FEMALE_NOUNS:
            gender = "f"
        return registry.resolve_antecedent(("person",), gender, words.start, words.sentence, named_only=True)


def speaker_kind(registry: Registry, entity: int) -> SpeakerKind:
    """A described source when the article gives no name ("a defence analyst", "officials"), else a
    person or an organisation by the registry's kind (a bare surname of unknown kind: a person)."""
    if not registry.is_named(entity):
        return "source"
    return "organisation" if registry.kind(entity) in ("org", "group") else "person"


def _description_kind(words: SpeakerWords) -> EntityKind:
    if words.plural:
        return "group"
    if words.head in lexicon.PERSON_NOUNS:
        return "person"
    if words.head in lexicon.ORG_NOUNS:
        return "org"
    return "unknown"


def _paragraph_cues(paragraph: Paragraph, resolver: _Resolver) -> list[Cue]:
    """The paragraph's cues in text order, each resolved to a speaker as it is found."""
    doc, in_quote = paragraph.doc, paragraph.in_quote
    found: list[tuple[Token, Token | None, str | None, tuple[int, int] | None]] = []
    for verb in cue_rules.cue_tokens(doc, in_quote):
        found.append(
            (
                verb,
                cue_rules.subject_of(verb, in_quote),
                cue_rules.cue_text(verb),
                cue_rules.content_of(verb, in_quote),
            )
        )
    taken = {verb.i for verb, _, _, _ in found}
    for colon, subject, verb_text in cue_rules.colon_cues(doc, in_quote, taken):
        found.append((colon, subject, verb_text, None))
    found.sort(key=lambda item: item[0].i)
    cues: list[Cue] = []
    for token, subject, text, content in found:
        if subject is not None and is_non_speaker(subject):
            continue  # "About 500 officials said", "Gordon Brown's decision confirmed": no speech
        words = None if subject is None else describe(subject, paragraph.start)
        if words is not None:
            words = replace(words, sentence=paragraph.sentence_of[subject.i] if subject is not None else 0)
        cue = Cue(paragraph.number, token.i, paragraph.start + token.idx, text, words, content)
        resolver.speaker(cue)
        cues.append(cue)
    return cues


# A paragraph that signs the quote above it: "- Clinton.", "—President Obama, tweeting after the speech."
_SIGNATURE = re.compile(r"[-\u2012\u2013\u2014\u2015]+\s*[A-Z]")
_SIGNATURE_WORDS = 12


def _signature(paragraph: Paragraph, registry: Registry) -> Speaker | None:
    """The speaker a short paragraph opening with a dash and a name names, or None."""
    text = paragraph.text
    if (
        not _SIGNATURE.match(text)
        or len(text.split()) > _SIGNATURE_WORDS
        or any(m in text for m in DOUBLE_MARKS)
    ):
        return None
    entity = next((e for e in paragraph.doc.ents if e.label_ in ("PERSON", "ORG")), None)
    if entity is None or entity.start > 3:
        return None
    words = strip_name(words_of_name(entity.text))
    if not words:
        return None
    found = registry.person_or_org(words, entity.label_)
    kind = speaker_kind(registry, found)
    return Speaker(registry.name(found), entity.text, registry.role(found), None, kind)


def _first_quote(quotes_by_paragraph: dict[int, list[int]], paragraph: Paragraph, index: int) -> bool:
    indices = quotes_by_paragraph.get(paragraph.number, [])
    return bool(indices) and indices[0] == index


def _last_speaker(
    paragraph: Paragraph,
    records: Sequence[tuple[int, int, QuoteKind, Speaker]],
    cues: Sequence[Cue],
    resolver: _Resolver,
) -> Speaker | None:
    """The speaker a cue-less quote paragraph right after this one continues."""
    in_paragraph = [r for r in records if paragraph.start <= r[0] < paragraph.end and r[3].name is not None]
    cue_speakers = [(cue.offset, resolver.speaker(cue)) for cue in cues if cue.speaker is not None]
    candidates = [(r[0], r[3]) for r in in_paragraph] + [
        (o, s) for o, s in cue_speakers if s.name is not None
    ]
    if not candidates:
        # A paragraph with no quote and no cue breaks the chain.
        return None
    return max(candidates, key=lambda c: c[0])[1]


def _quoted_share(spans: Sequence[QuotedSpan], start: int, end: int) -> float:
    inside = 0
    for span in spans:
        inside += max(0, min(end, span.outer_end) - max(start, span.open_mark))
    return inside / max(1, end - start)


def _sentence_at(sentences: Sequence[Sentence], starts: list[int], offset: int) -> int:
    index = max(0, bisect.bisect_right(starts, offset) - 1)
    return sentences[index].position if sentences else 0
