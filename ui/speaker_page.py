"""A speaker's page: canonical name, kind, roles, other names, how many quotes in how many articles, a
timeline of quotes by publication date (undated articles counted apart), and the record below it, each
article once (its copies folded in), each quote a link opening its article in the reader."""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Mapping, Sequence

from index.models import Speaker
from qa.factcheck.record import ArticleQuotes
from ui.hovercards import where_link
from ui.render import ReaderTarget

__all__ = ["SPEAKER_EMPTY", "render_speaker_page", "timeline_bins"]

SPEAKER_EMPTY = (
    "Choose a speaker (or click a speaker's name anywhere) to see their page: who they are, when they "
    "were quoted, and everything they said, oldest article first."
)
_KINDS = {"person": "Person", "organisation": "Organisation", "source": "Described source"}
_NAMES_SHOWN = 6  # roles and other names listed on the page (the articles can give dozens)
_CHART_WIDTH, _CHART_HEIGHT, _BAR_GAP, _BAR_MAX = 560, 110, 2, 36


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def timeline_bins(groups: Sequence[ArticleQuotes]) -> tuple[list[tuple[str, int]], int]:
    """Quotes per period, oldest first, every period between the first and last filled in (months when
    the dates span three years or less, else years), and the quotes of undated articles."""
    dated = [(g.published, len(g.quotes)) for g in groups if g.published]
    undated = sum(len(g.quotes) for g in groups if not g.published)
    if not dated:
        return [], undated
    first, last = min(d for d, _ in dated), max(d for d, _ in dated)
    by_month = int(last[:4]) - int(first[:4]) <= 3
    counts: Counter[str] = Counter()
    for date, n in dated:
        counts[date[:7] if by_month else date[:4]] += n
    periods = []
    year, month = int(first[:4]), int(first[5:7]) if by_month else 1
    while True:
        key = f"{year:04d}-{month:02d}" if by_month else f"{year:04d}"
        periods.append((key, counts.get(key, 0)))
        if key >= (last[:7] if by_month else last[:4]):
            break
        if by_month:
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        else:
            year += 1
    return periods, undated


def _chart(groups: Sequence[ArticleQuotes]) -> str:
    periods, undated = timeline_bins(groups)
    apart = (
        f'<div class="qa-undated">{_plural(undated, "quote")} in undated articles</div>' if undated else ""
    )
    if not periods:
        return f'<div class="qa-timeline-empty">No dated article quotes them.</div>{apart}'
    top = max(n for _, n in periods) or 1
    step = _CHART_WIDTH / len(periods)
    width = max(min(step - _BAR_GAP, _BAR_MAX), 1)
    every = max(1, round(len(periods) / 8))  # at most about eight period labels
    bars, labels = [], []
    for i, (period, n) in enumerate(periods):
        height = round((_CHART_HEIGHT - 36) * n / top)
        x = i * step + (step - width) / 2
        middle = i * step + step / 2
        bars.append(
            f'<rect class="qa-bar" x="{x:.1f}" y="{_CHART_HEIGHT - 18 - height}" width="{width:.1f}" '
            f'height="{height}" data-period="{period}" data-count="{n}">'
            f"<title>{period}: {_plural(n, 'quote')}</title></rect>"
        )
        if n:
            bars.append(
                f'<text class="qa-count" x="{middle:.1f}" y="{_CHART_HEIGHT - 22 - height}" '
                f'text-anchor="middle">{n}</text>'
            )
        if i % every == 0 or i == len(periods) - 1:
            labels.append(
                f'<text class="qa-axis" x="{middle:.1f}" y="{_CHART_HEIGHT - 4}" text-anchor="middle">'
                f"{period}</text>"
            )
    return (
        f'<svg class="qa-timeline-chart" role="img" viewBox="0 0 {_CHART_WIDTH} {_CHART_HEIGHT}" '
        f'aria-label="Quotes over time, by publication date">{"".join(bars)}{"".join(labels)}</svg>{apart}'
    )


def render_speaker_page(
    speaker: Speaker | None,
    groups: Sequence[ArticleQuotes],
    copies: Mapping[str, str] | None = None,
    asked: str = "",
) -> str:
    """The page of `speaker` over their record `groups` (`Library.speaker_record`); `copies` maps an
    article id to the article it is a copy of (`Store.originals`), whose entry it joins; `asked` is the
    name chosen, when nobody is found for it."""
    if speaker is None:
        if asked:
            unknown = f"No speaker is known by the name \u201c{html.escape(asked)}\u201d."
            return f'<div class="qa-empty">{unknown}</div>'
        return f'<div class="qa-empty">{html.escape(SPEAKER_EMPTY)}</div>'
    copies = copies or {}
    facts = [_KINDS.get(speaker.kind, speaker.kind)]
    if speaker.roles:
        facts.append("Roles: " + _some(speaker.roles))
    others = [a for a in speaker.aliases if a != speaker.name]
    if others:
        facts.append("Also named: " + _some(others))
    total = sum(len(g.quotes) for g in groups)
    originals = [g for g in groups if g.article_id not in copies]
    head = (
        f'<div class="qa-speaker-head"><h3 class="qa-speaker-name">{html.escape(speaker.name)}</h3>'
        f'<div class="qa-meta">{" · ".join(facts)}</div>'
        f'<div class="qa-speaker-counts" data-quotes="{total}" data-articles="{len(originals)}">'
        f"{_plural(total, 'quote')} in {_plural(len(originals), 'article')}</div></div>"
    )
    return (
        f'<div class="qa-speaker-page" data-speaker="{html.escape(speaker.name, quote=True)}">{head}'
        f"{_chart(groups)}{_record(groups, copies)}</div>"
    )


def _some(names: Sequence[str], shown: int = _NAMES_SHOWN) -> str:
    """The first `shown` names, escaped, and how many more there are."""
    listed = "; ".join(html.escape(n) for n in names[:shown])
    return listed + (f" and {len(names) - shown} more" if len(names) > shown else "")


def _record(groups: Sequence[ArticleQuotes], copies: Mapping[str, str]) -> str:
    folded: dict[str, list[ArticleQuotes]] = {}
    for group in groups:
        if group.article_id in copies:
            folded.setdefault(copies[group.article_id], []).append(group)
    entries = []
    for group in groups:
        if group.article_id in copies:
            continue
        quotes = "".join(
            f"<li>{_quote_link(group.article_id, q.start, q.end, q.text, q.kind)} "
            f'<span class="qa-where">{where_link(q.text, "where else?")}</span></li>'
            for q in group.quotes
        )
        meta = ", ".join(html.escape(p) for p in (group.source,) if p)
        date = html.escape(group.published or "undated")
        also = ""
        if folded.get(group.article_id):
            names = "; ".join(html.escape(c.title) for c in folded[group.article_id])
            also = f'<div class="qa-meta">Also indexed as: {names}</div>'
        entries.append(
            f'<li class="qa-record-entry" data-article="{html.escape(group.article_id, quote=True)}">'
            f'<span class="qa-record-date">{date}</span> <span class="qa-record-title">'
            f"{html.escape(group.title)}</span>{f' ({meta})' if meta else ''} — "
            f"{_plural(len(group.quotes), 'quote')}"
            f"{also}<ul>{quotes}</ul></li>"
        )
    return f'<ol class="qa-timeline">{"".join(entries)}</ol>'


def _quote_link(article_id: str, start: int, end: int, text: str, kind: str) -> str:
    href = ReaderTarget(article_id, (start, end), (start, end)).to_ref()
    said = f"\u201c{html.escape(text)}\u201d" if kind == "direct" else html.escape(text)
    return (
        f'<a class="quote-link" href="{html.escape(href, quote=True)}" '
        f'title="Open the article at this quote">{said}</a>'
    )
