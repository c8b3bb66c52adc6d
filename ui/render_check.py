"""A quote check as HTML: the verdict, then each match with its words, speaker, article and a diff
against the pasted wording (dropped words struck through, added words marked), each opening the
article at the match."""

from __future__ import annotations

import html
from collections.abc import Sequence

from qa.factcheck.check import QuoteCheck, QuoteMatch
from qa.factcheck.diff import DiffMarks, render_diff
from qa.factcheck.record import ArticleQuotes
from ui.hovercards import speaker_link
from ui.render import ReaderTarget

__all__ = ["CHECK_EMPTY", "render_check_html", "render_record_html", "render_where_else_html"]

CHECK_EMPTY = "Paste the words to check (and, if you like, who is said to have said them), then press Check."
RECORD_EMPTY = "Choose a speaker to see their record: everything they said, oldest article first."
_VERDICTS = {"exact": "Exact quote", "close": "Close, not exact", "not_found": "Not found"}

# Same words plain, dropped ones struck through (`<del>`), added ones marked (`<ins>`).
HTML_MARKS = DiffMarks(
    '<del title="in the article, not in the pasted words">{}</del>',
    '<ins title="in the pasted words, not in the article">{}</ins>',
    "<del>{was}</del> <ins>{now}</ins>",
    escape=html.escape,
)


WHERE_ELSE = "Where else was this said"


def render_check_html(check: QuoteCheck | None, elsewhere: Sequence[QuoteMatch] = ()) -> str:
    """The verdict in one line (its label once: the summary of a close match already says it), the
    closest passages, and every article carrying the words, earliest first (`elsewhere`)."""
    if check is None:
        return f'<div class="qa-empty">{html.escape(CHECK_EMPTY)}</div>'
    label = _VERDICTS[check.verdict]
    summary = html.escape(check.summary)
    if not check.summary.startswith(label):
        summary = f"<strong>{label}</strong> — {summary}"
    verdict = (
        f'<div class="qa-verdict qa-verdict-{check.verdict}" data-verdict="{check.verdict}">{summary}</div>'
    )
    cards = "".join(_match_card(n, m) for n, m in enumerate(check.matches, start=1))
    where = render_where_else_html(elsewhere) if check.verdict != "not_found" else ""
    return f'<div class="qa-check">{verdict}{cards}{where}</div>'


def render_where_else_html(matches: Sequence[QuoteMatch]) -> str:
    """Every article carrying the words (exact or close), earliest first, with who is credited in each."""
    if not matches:
        return ""
    rows = []
    for match in matches:
        target = ReaderTarget(match.article_id, (match.start, match.end), (match.start, match.end))
        credited = speaker_link(match.speaker) if match.speaker else "<em>nobody credited</em>"
        how = "exact" if match.exact else f"{match.similarity:.0%} alike"
        rows.append(
            f'<li class="qa-where-entry" data-article="{html.escape(match.article_id, quote=True)}">'
            f'<span class="qa-record-date">{html.escape(match.published or "undated")}</span> '
            f'<a class="check-link" href="{html.escape(target.to_ref(), quote=True)}" '
            f'title="Open the article at these words">{html.escape(match.title or match.article_id)}</a>'
            f" — {credited} ({how})</li>"
        )
    n = len(matches)
    head = f"{WHERE_ELSE}: {n} article{'s' if n != 1 else ''}, earliest first"
    return f'<div class="qa-where-else"><div class="qa-card-head">{head}</div><ol>{"".join(rows)}</ol></div>'


def _match_card(n: int, match: QuoteMatch) -> str:
    target = ReaderTarget(match.article_id, (match.start, match.end), (match.start, match.end))
    link = (
        f'<a class="check-link" href="{html.escape(target.to_ref(), quote=True)}" '
        f'title="Open the article at these words">[{n}]</a>'
    )
    speaker = speaker_link(match.speaker) if match.speaker else "<em>no speaker found</em>"
    if match.speaker_matches is not None:
        speaker += " ✓" if match.speaker_matches else " (not the speaker asked)"
    meta = ", ".join(html.escape(p) for p in (match.title, match.published) if p)
    diff = (
        ""
        if match.exact
        else f'<div class="qa-diff">Pasted against the article: {render_diff(match.diff, HTML_MARKS)}</div>'
    )
    return (
        f'<div class="qa-card qa-match">'
        f'<div class="qa-card-head">{link} \u201c{html.escape(match.quote)}\u201d</div>'
        f'<div class="qa-speaker">{speaker}</div>'
        f'<div class="qa-meta">{meta} · {match.similarity:.0%} alike</div>{diff}</div>'
    )


def render_record_html(speaker: str | None, groups: list[ArticleQuotes]) -> str:
    """A speaker's record as a timeline: one entry per article (date, title, count), its quotes below."""
    if speaker is None:
        return f'<div class="qa-empty">{html.escape(RECORD_EMPTY)}</div>'
    total = sum(len(g.quotes) for g in groups)
    head = (
        f'<div class="qa-card-head">{html.escape(speaker)}: {total} quote{"s" if total != 1 else ""} '
        f"in {len(groups)} article{'s' if len(groups) != 1 else ''}</div>"
    )
    entries = []
    for group in groups:
        quotes = "".join(f"<li>{_said(q.text, q.kind)}</li>" for q in group.quotes)
        meta = ", ".join(html.escape(p) for p in (group.source, group.title) if p)
        date = html.escape(group.published or "undated")
        entries.append(
            f'<li class="qa-record-entry"><span class="qa-record-date">{date}</span> '
            f"{meta} — {len(group.quotes)}<ul>{quotes}</ul></li>"
        )
    return f'<div class="qa-record">{head}<ol class="qa-timeline">{"".join(entries)}</ol></div>'


def _said(text: str, kind: str) -> str:
    return f"\u201c{html.escape(text)}\u201d" if kind == "direct" else html.escape(text)
