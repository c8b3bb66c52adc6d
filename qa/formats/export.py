"""Evidence to take away: an answer, a quote list or a quote check as Markdown, CSV or JSON.

Markdown pastes into a write-up: each citation with its article's title, source, date and URL, and the
sentence as it stands, the answer span in bold. CSV has one row per citation, quote or match; JSON is
the contract of DESIGN.md (`qa.formats.contract`) with each article's metadata added.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from typing import Any, Literal

from index.models import Article, Quote
from qa.factcheck.check import QuoteCheck
from qa.factcheck.diff import DiffMarks, render_diff
from qa.formats.contract import answer_record, check_record, quote_record
from qa.models import Answer

__all__ = ["FORMATS", "Format", "export_answer", "export_check", "export_quotes"]

Format = Literal["md", "csv", "json"]
FORMATS: tuple[Format, ...] = ("md", "csv", "json")
ArticleOf = Callable[[str], Article | None]


def _meta(article: Article | None) -> dict[str, str]:
    if article is None:
        return {"title": "", "source": "", "published": "", "url": ""}
    return {
        "title": article.title,
        "source": article.source,
        "published": article.published,
        "url": article.url,
    }


def _source_line(meta: dict[str, str]) -> str:
    title = f"*{_md(meta['title'])}*" if meta["title"] else "*(untitled)*"
    parts = [title] + [_md(meta[k]) for k in ("source", "published") if meta[k]]
    line = ", ".join(parts)
    return f"{line} — <{meta['url']}>" if meta["url"] else line


def _md(text: str) -> str:
    """Markdown-safe text: characters that would start emphasis, links or HTML are escaped."""
    out = []
    for ch in text:
        out.append("\\" + ch if ch in "\\`*_[]<>#|" else ch)
    return "".join(out)


# Dropped words struck through, added words in bold, a change as both.
MARKDOWN_MARKS = DiffMarks("~~{}~~", "**{}**", "~~{was}~~ **{now}**", escape=_md)


def _csv(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def export_answer(answer: Answer, article_of: ArticleOf, fmt: Format) -> str:
    """`answer` in `fmt`; `article_of` gives each cited article (title, source, date, URL)."""
    metas = {c.sentence.article_id: _meta(article_of(c.sentence.article_id)) for c in answer.citations}
    if fmt == "json":
        record = answer_record(answer)
        for c in record["citations"]:
            c.update({k: v for k, v in metas[c["article_id"]].items() if k != "title"})
        return json.dumps(record, ensure_ascii=False, indent=1) + "\n"
    if fmt == "csv":
        rows = [
            [answer.question, c.n, c.sentence.text, c.span_text or "", c.speaker or "", c.sentence.article_id,
             metas[c.sentence.article_id]["title"], metas[c.sentence.article_id]["source"],
             metas[c.sentence.article_id]["published"], metas[c.sentence.article_id]["url"],
             c.sentence.start, c.sentence.end, answer.confidence if answer.confidence is not None else ""]
            for c in answer.citations
        ]  # fmt: skip
        header = ["question", "n", "sentence", "answer", "speaker", "article_id", "title", "source",
                  "published", "url", "start", "end", "confidence"]  # fmt: skip
        return _csv(header, rows)
    lines = [f"**Q:** {_md(answer.question)}", ""]
    if answer.abstained:
        lines.append(f"No answer in the articles. {_md(answer.reason)}")
        return "\n".join(lines) + "\n"
    for c in answer.as_shown().citations:  # a weak answer bolds nothing
        text = c.sentence.text
        if c.span is not None:
            s, e = c.span
            shown = f"{_md(text[:s])}**{_md(text[s:e])}**{_md(text[e:])}"
        else:
            shown = _md(text)
        speaker = f" ({_md(c.speaker)})" if c.speaker else ""
        lines.append(f"> {shown} [{c.n}]{speaker}")
        lines.append("")
    if answer.confidence is not None:
        lines.append(f"Confidence: {answer.confidence:.0%}")
        lines.append("")
    for c in answer.citations:
        meta = metas[c.sentence.article_id]
        lines.append(f"[{c.n}] {_source_line(meta)} (characters {c.sentence.start}–{c.sentence.end})")
    return "\n".join(lines) + "\n"


def export_quotes(
    quotes: Sequence[Quote], article_of: ArticleOf, fmt: Format, heading: str = "Quotes"
) -> str:
    """A quote list in `fmt`, in the order given."""
    metas = {a: _meta(article_of(a)) for a in dict.fromkeys(q.article_id for q in quotes)}
    if fmt == "json":
        records = [{**quote_record(q), **metas[q.article_id]} for q in quotes]
        return json.dumps(records, ensure_ascii=False, indent=1) + "\n"
    if fmt == "csv":
        header = ["speaker", "quote", "kind", "cue", "role", "article_id", "title", "source", "published",
                  "url", "start", "end"]  # fmt: skip
        rows = [
            [q.speaker or "", q.text, q.kind, q.cue or "", q.role or "", q.article_id,
             *(metas[q.article_id][k] for k in ("title", "source", "published", "url")), q.start, q.end]
            for q in quotes
        ]  # fmt: skip
        return _csv(header, rows)
    lines = [f"## {_md(heading)}", ""]
    for article_id, meta in metas.items():
        lines.append(f"### {_source_line(meta)}")
        lines.append("")
        for q in (q for q in quotes if q.article_id == article_id):
            said = f"\u201c{_md(q.text)}\u201d" if q.kind == "direct" else _md(q.text)
            lines.append(
                f"- **{_md(q.speaker or 'unknown speaker')}:** {said} (characters {q.start}–{q.end})"
            )
        lines.append("")
    return "\n".join(lines)


def export_check(check: QuoteCheck, fmt: Format) -> str:
    """A quote check in `fmt`: the verdict, then each match with its diff."""
    if fmt == "json":
        return json.dumps(check_record(check), ensure_ascii=False, indent=1) + "\n"
    if fmt == "csv":
        header = ["query", "verdict", "speaker_asked", "quote", "speaker", "speaker_matches", "similarity",
                  "article_id", "title", "published", "start", "end"]  # fmt: skip
        rows = [
            [check.query, check.verdict, check.speaker_asked or "", m.quote, m.speaker or "",
             "" if m.speaker_matches is None else m.speaker_matches, m.similarity, m.article_id, m.title,
             m.published, m.start, m.end]
            for m in check.matches
        ] or [[check.query, check.verdict, check.speaker_asked or "", *[""] * 9]]  # fmt: skip
        return _csv(header, rows)
    lines = [
        f"**Quote checked:** \u201c{_md(check.query)}\u201d",
        "",
        f"**Verdict:** {_md(check.summary)}",
        "",
    ]
    for n, m in enumerate(check.matches, start=1):
        meta = {"title": m.title, "source": "", "published": m.published, "url": ""}
        lines.append(f"> \u201c{_md(m.quote)}\u201d — {_md(m.speaker or 'no speaker found')} [{n}]")
        if not m.exact:
            lines.append(">")
            lines.append(f"> Pasted against the article: {render_diff(m.diff, MARKDOWN_MARKS)}")
        lines.append("")
        lines.append(f"[{n}] {_source_line(meta)} (characters {m.start}–{m.end}), {m.similarity:.0%} alike")
        lines.append("")
    return "\n".join(lines)
