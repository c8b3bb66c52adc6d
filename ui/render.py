"""Answers, articles and quotes → HTML and chat markdown. No gradio here: plain functions, easy to test.

Every piece of article text goes through `html.escape` before it is shown, so an article holding
`<script>` or `<img onerror=...>` shows those characters as text. Text shown inside the chat (which
Gradio renders as Markdown) also has its Markdown characters turned into numeric entities, so a
`[link](javascript:...)` or `**bold**` in an article stays literal.

Citation links (`<a class="cite-link">`) carry their `ReaderTarget` in the href, `#qa-ref=` and the
target as URL-quoted JSON (Gradio's chat sanitiser keeps `href` and `title` but drops `data-*`); the
app's click handler sends the href back to open the article in the reader pane at that place.
"""

from __future__ import annotations

import html
import json
import re
import urllib.parse
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from index.ingest import Failure, FeedRead
from index.models import Article, Quote, Sentence
from qa.models import NOT_SURE, Answer, Citation

__all__ = [
    "ArticleSource",
    "ReaderTarget",
    "citation_target",
    "escape_markdown",
    "parse_target",
    "quote_target",
    "render_answer_markdown",
    "render_citations_html",
    "render_index_report",
    "render_question_markdown",
    "render_reader_html",
    "speaker_link",
]

REF_PREFIX = "#qa-ref="
SPEAKER_PREFIX = "#qa-speaker="  # a speaker's name as a link: the app opens their page
CANNOT_ANSWER = "I can't answer that from the articles."
RELATED = "Related: on the question, but not saying the answer"
NO_CITATIONS = "Ask a question: the sentences cited in the answer appear here."
OPEN_TITLE = "Open the article at this sentence"
READER_EMPTY = "Click a citation [n] or a quote to read it in its article."
# Characters with a meaning in Markdown (or in Gradio's LaTeX and autolink handling): shown as entities.
_SHOWN_CHARS = re.compile(r"[&<>\"'\\`*_{}\[\]()#+\-.!|~$=:]")
_HTML_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"}
_SPACES = re.compile(r"\s+")

Range = tuple[int, int]


class ArticleSource(Protocol):
    """Where the renderer finds articles and their sentences (`QAEngine` is one)."""

    def article(self, article_id: str) -> Article | None: ...

    def sentences(self, article_id: str) -> list[Sentence]: ...


@dataclass(frozen=True, slots=True)
class ReaderTarget:
    """A place to show in the reader: `mark` is highlighted, `strong` (inside it) is bold.

    Both are (start, end) offsets into `Article.text`.
    """

    article_id: str
    mark: Range
    strong: Range | None = None

    def to_ref(self) -> str:
        """The target as a link href: `#qa-ref=` and URL-quoted compact JSON."""
        items = [self.article_id, *self.mark, *(self.strong or ())]
        return REF_PREFIX + urllib.parse.quote(json.dumps(items, separators=(",", ":")), safe="")


def parse_target(ref: str) -> ReaderTarget:
    """The `ReaderTarget` of a link href made by `ReaderTarget.to_ref`.

    Raises:
        ValueError: `ref` is not such an href.
    """
    if not ref.startswith(REF_PREFIX):
        raise ValueError(f"Not a citation reference: {ref!r}")
    try:
        items = json.loads(urllib.parse.unquote(ref.removeprefix(REF_PREFIX)))
    except json.JSONDecodeError as error:
        raise ValueError(f"Not a citation reference: {ref!r}") from error
    valid = isinstance(items, list) and len(items) in (3, 5) and isinstance(items[0], str)
    if not valid or not all(isinstance(i, int) for i in items[1:]):
        raise ValueError(f"Not a citation reference: {ref!r}")
    strong = (items[3], items[4]) if len(items) == 5 else None
    return ReaderTarget(items[0], (items[1], items[2]), strong)


def citation_target(citation: Citation) -> ReaderTarget:
    """The cited sentence, with the answer span when there is one."""
    sentence = citation.sentence
    strong = None
    if citation.span is not None:
        strong = (sentence.start + citation.span[0], sentence.start + citation.span[1])
    return ReaderTarget(sentence.article_id, (sentence.start, sentence.end), strong)


def quote_target(quote: Quote, sentences: Sequence[Sentence]) -> ReaderTarget:
    """The sentences holding a quote, with the quoted words in bold."""
    inside = [s for s in sentences if quote.first_sentence <= s.position <= quote.last_sentence]
    mark = (inside[0].start, inside[-1].end) if inside else (quote.start, quote.end)
    return ReaderTarget(quote.article_id, mark, (quote.start, quote.end))


# -- escaping --------------------------------------------------------------------------------------


def escape_markdown(text: str) -> str:
    """Text that Markdown and HTML both show literally (whitespace runs become one space: a chat message
    is one paragraph). One pass, so no entity is escaped twice."""
    return _SHOWN_CHARS.sub(_entity, _SPACES.sub(" ", text).strip())


def _entity(match: re.Match[str]) -> str:
    char = match.group()
    return _HTML_ENTITIES.get(char) or f"&#{ord(char)};"


def _attr(text: str) -> str:
    return html.escape(text, quote=True)


# -- the chat --------------------------------------------------------------------------------------


WHO_SAYS_WHAT = "Who says what"


def render_question_markdown(question: str) -> str:
    """The user's question as a chat message, shown literally."""
    return escape_markdown(question)


def render_answer_markdown(answer: Answer) -> str:
    """The answer as a chat message: each cited sentence (answer span in bold) and its [n] link.

    An abstention says so plainly, with the reason (what was searched).
    """
    if answer.abstained:
        return f"**{CANNOT_ANSWER}** {escape_markdown(answer.reason)}"
    answer = answer.as_shown()  # a weak answer bolds nothing
    if len({c.speaker for c in answer.citations if c.speaker}) < 2:
        shown = " ".join(_cited_sentence(c) for c in answer.citations)
    else:
        # Sentences by different speakers: each is headed by its speaker's name, in italics (UI
        # decoration; the answer text itself stays the cited sentences).
        shown = "\n\n".join(
            (f"*{escape_markdown(c.speaker)}:* " if c.speaker else "") + _cited_sentence(c)
            for c in answer.citations
        )
    if answer.weak:
        note = f"{NOT_SURE} {answer.reason}".strip()
        shown = f"*{escape_markdown(note)}*\n\n{shown}"
    cited = {c.n: c for c in answer.citations}
    # While an answer streams in, statements of citations not shown yet wait.
    statements = [st for st in answer.statements if st.n in cited]
    if statements:
        said = "; ".join(f"{escape_markdown(st.text)} {citation_link(cited[st.n])}" for st in statements)
        shown += f"\n\n**{WHO_SAYS_WHAT}:** {said}"
    if answer.confidence is not None:
        shown += f'\n\n<span class="qa-confidence">Confidence {answer.confidence:.0%}</span>'
    return shown


def _cited_sentence(citation: Citation) -> str:
    text = citation.sentence.text
    if citation.span is None:
        shown = escape_markdown(text)
    else:
        start, end = citation.span
        shown = (
            _escape_part(text[:start])
            + f"<strong>{_escape_part(text[start:end])}</strong>"
            + _escape_part(text[end:])
        ).strip()
    return f"{shown} {citation_link(citation)}"


def _escape_part(text: str) -> str:
    """Like `escape_markdown` but keeps a leading/trailing space, for pieces of one sentence."""
    lead = " " if text[:1].isspace() else ""
    trail = " " if text[-1:].isspace() and text.strip() else ""
    return lead + escape_markdown(text) + trail


def citation_link(citation: Citation) -> str:
    """`[n]` as a link: hovering shows the cited sentence, clicking opens it in the reader.

    The title is escaped for Markdown too, so no Markdown parser can find a link inside it."""
    sentence = citation.sentence.text
    title = escape_markdown(f"{citation.title}: {sentence}" if citation.title else sentence)
    href = _attr(citation_target(citation).to_ref())
    return f'<a class="cite-link" href="{href}" title="{title}">&#91;{citation.n}&#93;</a>'


# -- cited passages --------------------------------------------------------------------------------


def render_citations_html(answer: Answer | None, source: ArticleSource) -> str:
    """The cited passages of an answer, one card per citation, best first.

    The cards sit in a `div.qa-cards` whose `data-question` names the question they answer."""
    if answer is None:
        return f'<div class="qa-empty">{html.escape(NO_CITATIONS)}</div>'
    answer = answer.as_shown()  # a weak answer bolds nothing
    if answer.abstained:
        body = f'<div class="qa-empty">{html.escape(CANNOT_ANSWER)} {html.escape(answer.reason)}</div>'
    else:
        body = "\n".join(_citation_card(c, source) for c in answer.citations)
        if answer.related:
            related = "\n".join(_citation_card(c, source, related=True) for c in answer.related)
            head = f'<div class="qa-related-head">{html.escape(RELATED)}</div>'
            body += f'\n<div class="qa-related">{head}{related}</div>'
    return f'<div class="qa-cards" data-question="{_attr(answer.question)}">{body}</div>'


def _citation_card(citation: Citation, source: ArticleSource, related: bool = False) -> str:
    sentence = citation.sentence
    article = source.article(sentence.article_id)
    paragraph = [s for s in source.sentences(sentence.article_id) if s.paragraph == sentence.paragraph]
    target = citation_target(citation)
    if article is None or not paragraph:
        body = _highlight(sentence.text, 0, len(sentence.text), (0, len(sentence.text)), citation.span)
    else:
        start, end = min(s.start for s in paragraph), max(s.end for s in paragraph)
        body = _highlight(article.text, start, end, target.mark, target.strong)
    title = article.title if article else citation.title
    return (
        f'<div class="qa-card" id="{"related" if related else "citation"}-{citation.n}">'
        f'<div class="qa-card-head"><span class="qa-n">{"" if related else f"[{citation.n}]"}</span> '
        f'<a class="cite-link qa-title" href="{_attr(target.to_ref())}" title="{_attr(OPEN_TITLE)}">'
        f"{html.escape(title or sentence.article_id)}</a></div>"
        f"{_meta_line(article)}<p class='qa-passage'>{body}</p>{_speaker_line(citation.quote)}</div>"
    )


def _meta_line(article: Article | None) -> str:
    parts = [p for p in (article.source, article.published) if p] if article else []
    if not parts:
        return ""
    return f'<div class="qa-meta">{" · ".join(html.escape(p) for p in parts)}</div>'


def _speaker_line(quote: Quote | None) -> str:
    if quote is None or not quote.speaker:
        return ""
    role = f", {html.escape(quote.role)}" if quote.role else ""
    kind = "Reported speech" if quote.kind == "indirect" else "Quote"
    return f'<div class="qa-speaker">{kind} — {speaker_link(quote.speaker)}{role}</div>'


def speaker_link(name: str) -> str:
    """A speaker's name as a link to their page (the app's listener reads the href)."""
    href = SPEAKER_PREFIX + urllib.parse.quote(name, safe="")
    return (
        f'<a class="speaker-link" href="{_attr(href)}" title="Everything {_attr(name)} said">'
        f"{html.escape(name)}</a>"
    )


def _highlight(text: str, start: int, end: int, mark: Range | None, strong: Range | None) -> str:
    """`text[start:end]` escaped, with `mark` in one `<mark>` element and `strong` (clipped to the mark)
    in `<strong>`."""
    m = _clip(mark, start, end)
    if m is None:
        return _embolden(text, start, end, strong)
    return (
        _embolden(text, start, m[0], None)
        + '<mark class="qa-target">'
        + _embolden(text, m[0], m[1], strong)
        + "</mark>"
        + _embolden(text, m[1], end, None)
    )


def _embolden(text: str, start: int, end: int, strong: Range | None) -> str:
    s = _clip(strong, start, end)
    if s is None:
        return html.escape(text[start:end])
    return (
        html.escape(text[start : s[0]])
        + f"<strong>{html.escape(text[s[0] : s[1]])}</strong>"
        + html.escape(text[s[1] : end])
    )


def _clip(span: Range | None, start: int, end: int) -> Range | None:
    if span is None:
        return None
    clipped = (max(span[0], start), min(span[1], end))
    return clipped if clipped[0] < clipped[1] else None


# -- the reader ------------------------------------------------------------------------------------


def render_reader_html(
    article: Article | None, sentences: Sequence[Sentence], target: ReaderTarget | None
) -> str:
    """A whole article, paragraph by paragraph, with the target highlighted (the app scrolls to it)."""
    if article is None:
        return f'<div class="qa-empty">{html.escape(READER_EMPTY)}</div>'
    mark = target.mark if target else None
    strong = target.strong if target else None
    meta = _meta_line(article)
    paragraphs = [
        f"<{tag}>{_highlight(article.text, start, end, mark, strong)}</{tag.split()[0]}>"
        for tag, start, end in _blocks(article.text, _paragraphs(article, sentences))
    ]
    title = f'<h3 class="qa-reader-title">{html.escape(article.title)}</h3>'
    return (
        f'<div class="qa-reader" data-article="{_attr(article.id)}">{title}{meta}{"".join(paragraphs)}</div>'
    )


_END_MARKS = tuple(".!?:;,\"'\u201d\u2019)…")


def _blocks(text: str, paragraphs: Sequence[Range]) -> list[tuple[str, int, int]]:
    """The paragraphs' lines as blocks (tag, start, end): a short line with no closing punctuation
    followed by more text is a sub-heading ("Tax credits"), every other line a paragraph of its own."""
    lines = []
    for start, end in paragraphs:
        at = start
        for line in text[start:end].split("\n"):
            if line.strip():
                lead = len(line) - len(line.lstrip())
                lines.append((at + lead, at + len(line.rstrip())))
            at += len(line) + 1
    blocks = []
    for i, (first, last) in enumerate(lines):
        line = text[first:last]
        if len(line) > 2 and line[0] in "'\u2018" and line[-1] in "'\u2019":
            line = line[1:-1]  # a sub-heading in single quotes ('Brutal fighting'), as some agencies write
        heading = 0 < i < len(lines) - 1 and len(line.split()) <= 10 and not line.endswith(_END_MARKS)
        blocks.append(('h4 class="qa-subheading"' if heading else "p", first, last))
    return blocks


def _paragraphs(article: Article, sentences: Sequence[Sentence]) -> list[Range]:
    """(start, end) of each paragraph, from its first sentence to its last; the whole text if none."""
    spans: dict[int, Range] = {}
    for s in sentences:
        first, last = spans.get(s.paragraph, (s.start, s.end))
        spans[s.paragraph] = (min(first, s.start), max(last, s.end))
    return sorted(spans.values()) or [(0, len(article.text))]


# -- the library -----------------------------------------------------------------------------------


def render_index_report(
    added: Iterable[str],
    updated: Iterable[str],
    unchanged: Iterable[str],
    failed: Iterable[Failure],
    feeds: Iterable[FeedRead] = (),
) -> str:
    """What an indexing run did, by name, as Markdown (names are escaped); a line per feed read."""
    lines = [f"**Feed** {escape_markdown(str(feed))}" for feed in feeds]
    for label, names in (("Added", added), ("Updated", updated), ("Skipped (unchanged)", unchanged)):
        listed = [escape_markdown(n) for n in names]
        if listed:
            lines.append(f"**{label}** ({len(listed)}): " + "; ".join(listed))
    problems = [f"{escape_markdown(f.where)} — {escape_markdown(f.message)}" for f in failed]
    if problems:
        lines.append(f"**Failed** ({len(problems)}): " + "; ".join(problems))
    return "\n\n".join(lines) or "Nothing to index."
