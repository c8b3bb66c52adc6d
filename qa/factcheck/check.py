"""Quote check: did someone really say this? A pasted wording against the words of the articles.

Candidates come from the quote table (full-text search over quotes) and from any sentence (dense and
lexical search, so reported speech is found too); each is aligned word by word with the pasted text
(`qa.factcheck.diff`). The verdict:

- `exact`: a passage holds the same words, ignoring case, punctuation and quote marks;
- `close`: the best passage is the same statement with words changed, dropped or added (a misquote
  or a paraphrase of a real quote), at similarity >= `CLOSE_AT`;
- `not_found`: nothing is that close. No passage is returned then: the least bad passage is not a
  match.

`CLOSE_AT` was chosen with `python -m lab.factcheck.calibrate` on checks built from the dev articles
(README "Check a quote").
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal

from index.embedding import Encoder, encode_query
from index.errors import InputError
from index.models import Quote
from index.speakers import is_role_only
from index.store import Store
from qa.factcheck.diff import Alignment, DiffPiece, align, folded_words, similarity_bound, words
from qa.lexical import lexical_query
from qa.quotes.whosaid import quote_of

__all__ = ["CLOSE_AT", "QuoteCheck", "QuoteMatch", "check_quote"]

Verdict = Literal["exact", "close", "not_found"]

# The similarity from which a wording is a close quote, chosen on dev checks of exact, changed and
# made-up quotes (`python -m lab.factcheck.calibrate`; the figures are in docs/results.md).
CLOSE_AT = 0.65
MAX_QUOTE_CHARS = 2000
_QUOTE_DEPTH = 30
_SENTENCE_DEPTH = 20
_QUERY_WORDS = 12  # the rarest words of a long quote find it; each word more costs FTS5 time
_DENSE_SEARCH = ThreadPoolExecutor(max_workers=2, thread_name_prefix="quote-check-dense")


@dataclass(frozen=True, slots=True)
class QuoteMatch:
    """A passage of an article close to the pasted words: `quote` is its words as they stand
    (`start`/`end` index the article text), `speaker` who says them there (its canonical name in the
    store's speakers table; None: nobody known), `speaker_matches` whether that is a speaker the name
    asked means (`qa.library.Library.speakers`)."""

    quote: str
    speaker: str | None
    article_id: str
    title: str
    published: str
    start: int
    end: int
    similarity: float
    exact: bool
    speaker_matches: bool | None
    diff: tuple[DiffPiece, ...]
    from_quote_table: bool
    speaker_kind: str | None = None  # "person", "organisation" or "source" (a described source)


@dataclass(frozen=True, slots=True)
class QuoteCheck:
    verdict: Verdict
    query: str
    speaker_asked: str | None
    matches: tuple[QuoteMatch, ...]
    searched: int  # articles searched

    @property
    def summary(self) -> str:
        """One line: the verdict in words, who said it and where."""
        if self.verdict == "not_found":
            return (
                f"Not found: nothing in the {self.searched:,} article{'s' if self.searched != 1 else ''} "
                "searched is close to these words."
            )
        best = self.matches[0]
        where = f"in \u201c{best.title}\u201d" + (f" ({best.published})" if best.published else "")
        who = f"{_named(best)} said it" if best.speaker else "the words stand, with no speaker found,"
        if self.speaker_asked and best.speaker_matches is False:
            return f"Not {self.speaker_asked}: {who}, {where}."
        if self.verdict == "exact":
            return f"Exact: {who}, {where}."
        return f"Close, not exact ({best.similarity:.0%} alike): {who}, {where}; see the words changed."


def _named(match: QuoteMatch) -> str:
    """Who said it, in words: the canonical name; a source named only by a role is said to be one."""
    if match.speaker_kind == "source" and match.speaker and is_role_only(match.speaker):
        return f"someone described only as \u201c{match.speaker}\u201d"
    return match.speaker or ""


@dataclass(frozen=True, slots=True)
class _Candidate:
    article_id: str
    offset: int  # where `text` starts in the article
    text: str
    quote: Quote | None


def check_quote(
    store: Store,
    encoder: Encoder,
    text: str,
    speaker: str | None = None,
    k: int = 5,
    close_at: float = CLOSE_AT,
) -> QuoteCheck:
    """Check the pasted wording `text` (and, with `speaker`, who said it) against the store.

    Raises:
        InputError: the text is empty, has no words, or is too long.
    """
    text = text.strip()
    speaker = (speaker or "").strip() or None
    if not text:
        raise InputError("The quote to check is empty; paste the words you want to check.")
    if len(text) > MAX_QUOTE_CHARS:
        raise InputError(
            f"The quote is {len(text):,} characters long; the limit is {MAX_QUOTE_CHARS:,}. "
            "Check one statement at a time."
        )
    pasted = words(text)
    if not pasted:
        raise InputError(f"The quote {text!r} has no words to check.")
    searched = store.count()
    scored: list[tuple[Alignment, _Candidate]] = []
    pasted_counts = Counter(w.folded for w in pasted)
    aligned: dict[str, Alignment | None] = {}  # by passage text: copies of a story align alike
    for candidate in _candidates(store, encoder, text):
        if candidate.text not in aligned:
            if similarity_bound(pasted_counts, folded_words(candidate.text)) < close_at:
                aligned[candidate.text] = None  # cannot reach `close_at`: skipped unaligned
            else:
                aligned[candidate.text] = align(pasted, candidate.text)
        alignment = aligned[candidate.text]
        if alignment is not None and alignment.similarity >= close_at:
            scored.append((alignment, candidate))
    # Best first; the quote table before a plain sentence at the same similarity.
    scored.sort(key=lambda ac: (-ac[0].similarity, not ac[0].exact, ac[1].quote is None))
    chosen: list[tuple[Alignment, _Candidate]] = []
    for alignment, candidate in scored:
        start = candidate.offset + alignment.start
        end = candidate.offset + alignment.end
        if any(
            c.article_id == candidate.article_id and start < c.offset + a.end and c.offset + a.start < end
            for a, c in chosen
        ):
            continue
        chosen.append((alignment, candidate))
        if len(chosen) == k:
            break
    asked = None if speaker is None else {s.id for s in store.find_speakers(speaker)}
    matches = tuple(_match(store, a, c, asked) for a, c in chosen)
    verdict: Verdict = "not_found"
    if matches:
        verdict = "exact" if matches[0].exact else "close"
    return QuoteCheck(verdict, text, speaker, matches, searched)


def _candidates(store: Store, encoder: Encoder, text: str) -> list[_Candidate]:
    # The dense search (encoder + FAISS, both free of the GIL) runs on the other core while SQLite
    # runs the full-text searches here: at 10k articles each takes about half of a check.
    dense = _DENSE_SEARCH.submit(
        lambda: store.search_dense("sentences", encode_query(encoder, text), _SENTENCE_DEPTH)
    )
    found: list[_Candidate] = []
    for quote in store.search_quotes(lexical_query(store, text, "quotes", _QUERY_WORDS), _QUOTE_DEPTH):
        found.append(_Candidate(quote.article_id, quote.start, quote.text, quote))
    match = lexical_query(store, text, "sentences", _QUERY_WORDS)
    lexical = store.search_lexical("sentences", match, _SENTENCE_DEPTH)
    rows = [r for r, _ in dense.result()] + [r for r, _ in lexical]
    sentences = store.sentence_rows(list(dict.fromkeys(rows)))
    following = store.sentences_at([(s.article_id, s.position + 1) for s in sentences.values()])
    for sentence in sentences.values():
        found.append(_Candidate(sentence.article_id, sentence.start, sentence.text, None))
        after = following.get((sentence.article_id, sentence.position + 1))
        if after is not None:
            # A wording that runs over two sentences; the gap between them is the article's own.
            joined = sentence.text + " " * (after.start - sentence.end) + after.text
            found.append(_Candidate(sentence.article_id, sentence.start, joined, None))
    return found


def _match(store: Store, alignment: Alignment, candidate: _Candidate, asked: set[int] | None) -> QuoteMatch:
    """The match of `candidate`; `asked`: the ids of the speakers the name asked means (None: no name)."""
    article = store.article(candidate.article_id)
    start = candidate.offset + alignment.start
    end = candidate.offset + alignment.end
    quote = candidate.quote
    if quote is None:
        sentences = [s for s in store.sentences(candidate.article_id) if s.start < end and start < s.end]
        quotes = store.quotes(candidate.article_id)
        quote = quote_of(sentences[0], quotes) if sentences else None
        if quote is not None and not (quote.start < end and start < quote.end):
            quote = None
    said_by = quote.speaker if quote is not None else None
    said_by_id = quote.speaker_id if quote is not None else None
    words_there = article.text[start:end] if article is not None else candidate.text
    return QuoteMatch(
        quote=words_there,
        speaker=said_by,
        article_id=candidate.article_id,
        title=article.title if article is not None else "",
        published=article.published if article is not None else "",
        start=start,
        end=end,
        similarity=alignment.similarity,
        exact=alignment.exact,
        speaker_matches=None if asked is None else said_by_id is not None and said_by_id in asked,
        diff=alignment.diff,
        from_quote_table=candidate.quote is not None,
        speaker_kind=quote.speaker_kind if quote is not None else None,
    )
